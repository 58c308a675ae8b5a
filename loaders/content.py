"""Bulk import of learning content from a JSON Lines file (``manage.py import_content``).

Editors prepare dozens of lectures, sites, stories and events at a time, usually in a
spreadsheet; typing them into the admin one by one is slow and error-prone. As with
every import built on ``core.importing``, the whole file is checked before anything is
written, and everything is written in one transaction, so a bad file never leaves half
an import behind. The format is described for editors in ``docs/import.md``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    URLValidator,
    validate_unicode_slug,
)
from django.utils.html import escape
from taggit.models import Tag
from wagtail.fields import StreamField
from wagtail.models import Page, Site
from wagtail.rich_text import RichText

from core.importing import DRY_RUN_NOTE, FileImport, ImportFileError, ImportResult, Problem
from home.kinds import Kind, all_kinds
from home.models import ContentPage

# --- Value parsers -----------------------------------------------------------------


DATETIME_EXAMPLE = "2025-07-01T09:00:00+08:00"
# A blank line (possibly holding spaces) between two paragraphs of the body.
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


class InvalidValue(Exception):
    """One or more reasons why a single value cannot be used."""

    def __init__(self, *reasons: str) -> None:
        super().__init__("；".join(reasons))
        self.reasons = list(reasons)


# A parser turns one JSON value into what the model field stores, or raises InvalidValue.
# It gets the model field so limits (max_length, validators) come from the model itself.
Parser = Callable[[Any, Any], Any]


def describe_json_type(value: Any) -> str:
    """The JSON name of a value's type, in Chinese, for "must be X, not Y" messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "布尔值"
    if isinstance(value, (int, float)):
        return "数字"
    if isinstance(value, str):
        return "字符串"
    if isinstance(value, list):
        return "数组"
    if isinstance(value, dict):
        return "对象"
    return type(value).__name__


def _check_length(text: str, model_field: Any) -> None:
    limit = getattr(model_field, "max_length", None)
    if limit is not None and len(text) > limit:
        raise InvalidValue(f"不能超过 {limit} 个字符（现在是 {len(text)} 个）")


def parse_optional_text(value: Any, model_field: Any) -> str:
    """A string, trimmed; null and a missing key both mean "leave it empty"."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidValue(f"必须是字符串，不能是{describe_json_type(value)}")
    text = value.strip()
    _check_length(text, model_field)
    return text


def parse_required_text(value: Any, model_field: Any) -> str:
    text = parse_optional_text(value, model_field)
    if not text:
        raise InvalidValue("不能为空")
    return text


def parse_topic(value: Any, model_field: Any) -> str | None:
    """None means "use the first tag"; an explicitly empty topic is a mistake."""
    if value is None:
        return None
    return parse_required_text(value, model_field)


def parse_slug(value: Any, model_field: Any) -> str:
    """Checked as-is (not trimmed), because the slug becomes part of the page address."""
    if not isinstance(value, str):
        raise InvalidValue(f"必须是字符串，不能是{describe_json_type(value)}")
    if not value:
        raise InvalidValue("不能为空")
    reasons = []
    limit = model_field.max_length
    if len(value) > limit:
        reasons.append(f"不能超过 {limit} 个字符（现在是 {len(value)} 个）")
    try:
        validate_unicode_slug(value)
    except ValidationError:
        reasons.append("只能包含字母（可以是中文）、数字、下划线和连字符，不能有空格、/ 或其他符号")
    if reasons:
        raise InvalidValue(*reasons)
    return value


def parse_url(value: Any, model_field: Any) -> str:
    text = parse_optional_text(value, model_field)
    if text:
        try:
            URLValidator(schemes=["http", "https"])(text)
        except ValidationError:
            raise InvalidValue("不是有效的网址（必须以 http:// 或 https:// 开头）") from None
    return text


def plain_text_to_paragraphs(text: str) -> list[str]:
    """Plain text → one ``<p>`` per paragraph, so editors never have to write HTML.

    Paragraphs are separated by a blank line; a single newline inside a paragraph is
    kept as ``<br/>``. The text is escaped, so ``<`` and ``&`` show up as typed.
    """
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = []
    for chunk in PARAGRAPH_BREAK.split(normalised):
        lines = [line.strip() for line in chunk.strip().split("\n")]
        if any(lines):
            paragraphs.append("<p>" + "<br/>".join(escape(line) for line in lines) + "</p>")
    return paragraphs


def parse_body(value: Any, model_field: Any) -> list[tuple[str, RichText]]:
    if not isinstance(value, str):
        raise InvalidValue(
            f"必须是字符串（纯文本，段落之间空一行），不能是{describe_json_type(value)}"
        )
    paragraphs = plain_text_to_paragraphs(value)
    if not paragraphs:
        raise InvalidValue("不能为空")
    return [("paragraph", RichText(html)) for html in paragraphs]


def parse_tags(value: Any, model_field: Any) -> list[str]:
    """Tag names, trimmed; repeats are dropped, ignoring case (as tags themselves do)."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidValue(
            f'必须是字符串数组，例如 ["长征精神"]，不能是{describe_json_type(value)}'
        )
    limit = Tag._meta.get_field("name").max_length
    reasons = []
    names: list[str] = []
    seen: set[str] = set()
    for position, item in enumerate(value, start=1):
        if not isinstance(item, str):
            reasons.append(f"第 {position} 个标签必须是字符串，不能是{describe_json_type(item)}")
            continue
        name = item.strip()
        if not name:
            reasons.append(f"第 {position} 个标签不能为空")
        elif len(name) > limit:
            reasons.append(f"第 {position} 个标签不能超过 {limit} 个字符（现在是 {len(name)} 个）")
        elif name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    if reasons:
        raise InvalidValue(*reasons)
    return names


def _format_number(number: Any) -> str:
    return format(number, "f") if isinstance(number, Decimal) else str(number)


def _model_limits(model_field: Any) -> tuple[Any, Any]:
    """The tightest minimum and maximum among the field's validators (None when unbounded)."""
    low = high = None
    for validator in model_field.validators:
        if isinstance(validator, MinValueValidator):
            low = validator.limit_value if low is None else max(low, validator.limit_value)
        elif isinstance(validator, MaxValueValidator):
            high = validator.limit_value if high is None else min(high, validator.limit_value)
    return low, high


def _check_range(number: Any, low: Any, high: Any) -> None:
    if (low is not None and number < low) or (high is not None and number > high):
        if low is not None and high is not None:
            raise InvalidValue(f"必须在 {_format_number(low)} 到 {_format_number(high)} 之间")
        if low is not None:
            raise InvalidValue(f"不能小于 {_format_number(low)}")
        raise InvalidValue(f"不能大于 {_format_number(high)}")


def _as_integer(value: Any) -> int:
    # bool is a subclass of int in Python, but true/false in a file is never a count.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidValue(f"必须是整数，不能是{describe_json_type(value)}")
    if isinstance(value, float):
        # 300.0 from a spreadsheet export is still 300; 1.5 is not a whole number.
        if not value.is_integer():
            raise InvalidValue("必须是整数，不能有小数")
        return int(value)
    return value


def parse_optional_integer(value: Any, model_field: Any) -> int | None:
    """A whole number within the model's validators (e.g. 0 to 86400 seconds), or null."""
    if value is None:
        return None
    number = _as_integer(value)
    _check_range(number, *_model_limits(model_field))
    return number


def parse_capacity(value: Any, model_field: Any) -> int | None:
    """A positive number of places; null means unlimited, and 0 places makes no sense."""
    if value is None:
        return None
    number = _as_integer(value)
    if number < 1:
        raise InvalidValue("必须是正整数（至少为 1）；不限名额请写 null")
    _check_range(number, *_model_limits(model_field))
    return number


def parse_coordinate(value: Any, model_field: Any) -> Decimal | None:
    """A number within the model's range, rounded to the decimal places the model stores."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidValue(f"必须是数字，不能是{describe_json_type(value)}")
    number = Decimal(str(value))
    _check_range(number, *_model_limits(model_field))
    step = Decimal(1).scaleb(-model_field.decimal_places)
    return number.quantize(step, rounding=ROUND_HALF_UP)


def parse_aware_datetime(value: Any, model_field: Any) -> datetime | None:
    """An ISO 8601 time with its UTC offset: a time without one is ambiguous, so it is refused."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidValue(
            f"必须是 ISO 8601 格式的字符串，例如 {DATETIME_EXAMPLE}，不能是{describe_json_type(value)}"
        )
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InvalidValue(f"不是有效的 ISO 8601 时间，例如 {DATETIME_EXAMPLE}") from None
    if moment.utcoffset() is None:
        raise InvalidValue(f"缺少时区偏移（例如 +08:00），应写成 {DATETIME_EXAMPLE} 这样")
    return moment


# --- The four kinds of content -------------------------------------------------------


# The file's field names per kind, beside those every kind has; the kinds themselves (model,
# section, label) come from the registry in home.kinds.
KIND_PARSERS: dict[str, dict[str, Parser]] = {
    "lecture": {
        "speaker": parse_optional_text,
        "duration_seconds": parse_optional_integer,
        "video_url": parse_url,
        "transcript": parse_optional_text,
    },
    "site": {
        "province": parse_optional_text,
        "city": parse_optional_text,
        "address": parse_optional_text,
        "latitude": parse_coordinate,
        "longitude": parse_coordinate,
        "period": parse_optional_text,
    },
    "story": {
        "person": parse_optional_text,
        "organisation": parse_optional_text,
        "category": parse_optional_text,
    },
    "event": {
        "starts_at": parse_aware_datetime,
        "ends_at": parse_aware_datetime,
        "venue": parse_optional_text,
        "online_url": parse_url,
        "capacity": parse_capacity,
    },
}
KIND_REQUIRED: dict[str, frozenset[str]] = {"event": frozenset({"starts_at"})}


@dataclass(frozen=True)
class ContentKind:
    """What the file calls a kind, which page model it becomes and where it lives."""

    kind: Kind
    parsers: dict[str, Parser]
    required: frozenset[str] = frozenset()

    @property
    def name(self) -> str:
        return self.kind.name

    @property
    def model(self) -> type[ContentPage]:
        return self.kind.model

    @property
    def index_model(self) -> type[Page]:
        return self.kind.index_model

    @property
    def index_title(self) -> str:
        return str(self.kind.label)

    @property
    def index_slug(self) -> str:
        return self.kind.section_slug


COMMON_PARSERS: dict[str, Parser] = {
    "slug": parse_slug,
    "title": parse_required_text,
    "summary": parse_optional_text,
    "body": parse_body,
    "tags": parse_tags,
    "topic": parse_topic,
}
COMMON_REQUIRED = frozenset({"type", "slug", "title", "body"})


@cache
def content_kinds() -> dict[str, ContentKind]:
    """Every registered kind the file format knows, by name, in menu order."""
    return {
        kind.name: ContentKind(
            kind, KIND_PARSERS[kind.name], KIND_REQUIRED.get(kind.name, frozenset())
        )
        for kind in all_kinds()
        if kind.name in KIND_PARSERS
    }


def kind_names() -> str:
    return "、".join(content_kinds())


# --- Reading lines -------------------------------------------------------------------


def split_lines(text: str) -> list[tuple[int, str]]:
    """The text's non-blank lines with their numbers (counting from 1, blank lines included).

    Blank lines are skipped rather than reported: a trailing newline or a spacer line is
    harmless, and numbers still match what an editor's text editor shows.
    """
    numbered = [
        (number, line.rstrip("\r").lstrip("\ufeff"))
        for number, line in enumerate(text.split("\n"), start=1)
    ]
    return [(number, line) for number, line in numbered if line.strip()]


class _JsonObject(dict):
    """A decoded JSON object that remembers keys given twice (json.loads keeps only the last)."""

    duplicate_keys: list[str]


def _object_with_duplicates(pairs: list[tuple[str, Any]]) -> _JsonObject:
    result = _JsonObject()
    result.duplicate_keys = []
    for key, value in pairs:
        if key in result and key not in result.duplicate_keys:
            result.duplicate_keys.append(key)
        result[key] = value
    return result


def _refuse_constant(name: str) -> None:
    raise ValueError(f"不允许使用 {name}")


def decode_line(text: str) -> _JsonObject:
    """Parse one line as a JSON object, raising InvalidValue with an editor-readable reason."""
    try:
        value = json.loads(
            text, object_pairs_hook=_object_with_duplicates, parse_constant=_refuse_constant
        )
    except json.JSONDecodeError as exc:
        raise InvalidValue(f"不是有效的 JSON：{exc.msg}（第 {exc.colno} 列）") from None
    except ValueError as exc:  # NaN / Infinity, which JSON itself does not allow
        raise InvalidValue(f"不是有效的 JSON：{exc}") from None
    except RecursionError:
        raise InvalidValue("不是有效的 JSON：嵌套层数太多") from None
    if not isinstance(value, dict):
        raise InvalidValue(
            f"每一行必须是一个 JSON 对象（{{...}}），这一行是{describe_json_type(value)}"
        )
    return value


# --- Checking lines: the plan of what a valid file would do -------------------------


# Fields that only exist once a page has a place in the tree; a page that is about to
# be created cannot have them yet, so validation before saving leaves them out.
TREE_FIELDS = ["path", "depth", "numchild", "url_path"]


@dataclass
class PlannedIndex:
    """A section page the site does not have yet, to be created under the home page."""

    kind: ContentKind
    home: Page
    slug: str
    page: Page | None = None  # set once written

    def describe(self) -> str:
        # The home page is the site root, so the section's address is just its slug.
        return f"{self.kind.index_title}（/{self.slug}/）"


@dataclass
class PlannedPage:
    """One valid line: a page built in memory and checked, ready to be written."""

    line: int
    kind: ContentKind
    page: ContentPage
    parent: Page | PlannedIndex
    is_new: bool

    def describe(self) -> str:
        return f"{self.kind.model._meta.verbose_name}「{self.page.title}」（{self.page.slug}）"


def _blank_value(model_field: Any) -> Any:
    """What a field holds when the line leaves it out, so the page matches the line."""
    if isinstance(model_field, StreamField):
        return []
    return None if model_field.null else ""


def validation_messages(error: ValidationError) -> Iterator[tuple[str, str]]:
    """(field, message) pairs of a model ValidationError, named like the file's keys."""
    for field_name, errors in error.update_error_dict({}).items():
        key = {"draft_title": "title", NON_FIELD_ERRORS: "page"}.get(field_name, field_name)
        for message in ValidationError(errors).messages:
            yield key, str(message)


def _page_kind_label(page: Page) -> str:
    model = page.specific_class
    return str(model._meta.verbose_name) if model else "页面"


class _LineProblems:
    """The problems of one line, so later checks can avoid repeating earlier ones."""

    def __init__(self, number: int) -> None:
        self.number = number
        self.problems: list[Problem] = []

    def report(self, key: str, *reasons: str) -> None:
        self.problems.extend(Problem(self.number, key, reason) for reason in reasons)

    @property
    def fields(self) -> set[str]:
        return {problem.field for problem in self.problems}


class Planner:
    """Checks the lines of one file in order, remembering what earlier lines claimed."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.pages: list[PlannedPage] = []
        self.new_indexes: dict[str, PlannedIndex] = {}
        self.slug_lines: dict[str, int] = {}
        self._existing_indexes: dict[str, Page | None] = {}

    # Where pages go.

    @cached_property
    def home(self) -> Page | None:
        """The default site's root page, under which missing section pages are created."""
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        return site.root_page.specific if site else None

    def existing_index(self, kind: ContentKind) -> Page | None:
        if kind.name not in self._existing_indexes:
            self._existing_indexes[kind.name] = kind.index_model.objects.order_by("path").first()
        return self._existing_indexes[kind.name]

    def index_for(self, kind: ContentKind) -> Page | PlannedIndex | None:
        """The first existing section page of this kind, or one planned under the home page."""
        index = self.existing_index(kind)
        if index is not None:
            return index
        if kind.name not in self.new_indexes:
            home = self.home
            if home is None:
                return None
            slug = kind.index_slug
            suffix = 1
            while home.get_children().filter(slug=slug).exists():
                suffix += 1
                slug = f"{kind.index_slug}-{suffix}"
            self.new_indexes[kind.name] = PlannedIndex(kind=kind, home=home, slug=slug)
        return self.new_indexes[kind.name]

    def page_with_slug(self, slug: str, kind: ContentKind) -> tuple[ContentPage | None, str | None]:
        """The page this line updates, or why the slug cannot be used for this kind."""
        same_slug = Page.objects.filter(slug=slug).order_by("path")
        index = self.existing_index(kind)
        if index is not None:
            sibling = same_slug.child_of(index).first()
            if sibling is not None:
                if sibling.specific_class is kind.model:
                    return kind.model.objects.get(pk=sibling.pk), None
                return None, (
                    f"已被「{sibling.title}」使用，它是{_page_kind_label(sibling)}，不是 {kind.name}"
                )
        elsewhere = same_slug.first()
        if elsewhere is None:
            return None, None
        if elsewhere.specific_class is not kind.model:
            return None, (
                f"已被另一种页面使用：{_page_kind_label(elsewhere)}"
                f"「{elsewhere.title}」（{elsewhere.url_path}）"
            )
        return None, (
            f"已被「{elsewhere.title}」（{elsewhere.url_path}）使用，"
            f"但它不在「{kind.index_title}」栏目下"
        )

    # One line.

    def check_line(self, number: int, text: str) -> None:
        """Collect every problem of one line; a line without any is planned for writing."""
        line = _LineProblems(number)
        planned = self._plan_line(text, line)
        if line.problems:
            self.problems.extend(line.problems)
        elif planned is not None:
            self.pages.append(planned)

    def _plan_line(self, text: str, line: _LineProblems) -> PlannedPage | None:
        try:
            data = decode_line(text)
        except InvalidValue as exc:
            line.report("json", *exc.reasons)
            return None

        kind = self._check_type(data, line)
        for key in data.duplicate_keys:
            line.report(key, "同一行里出现了两次")
        self._check_unknown_keys(data, kind, line)
        values = self._parse_values(data, kind, line)
        topic = self._resolve_topic(values, line)
        starts_at, ends_at = values.get("starts_at"), values.get("ends_at")
        if starts_at and ends_at and ends_at < starts_at:
            line.report("ends_at", "结束时间不能早于开始时间 starts_at")
        existing = self._check_slug(values.get("slug"), kind, line)
        if kind is None:
            return None
        parent = self.index_for(kind)
        if parent is None:
            line.report(
                "type", f"网站还没有首页（默认站点的根页面），无法创建「{kind.index_title}」栏目"
            )
            return None

        page = self._build_page(kind, existing, data, values, topic, parent)
        # What was reported above is not reported again in the model's words; a missing
        # topic has been reported already, or follows from tags that were.
        already_explained = line.fields | ({"topic"} if topic is None else set())
        try:
            page.full_clean(exclude=None if existing else TREE_FIELDS)
        except ValidationError as exc:
            for key, message in validation_messages(exc):
                if key not in already_explained:
                    already_explained.add(key)  # one message per field is enough
                    line.report(key, message)
        return PlannedPage(
            line=line.number, kind=kind, page=page, parent=parent, is_new=existing is None
        )

    def _check_type(self, data: dict, line: _LineProblems) -> ContentKind | None:
        if "type" not in data:
            line.report("type", f"缺少必填字段（{kind_names()} 之一）")
            return None
        value = data["type"]
        if isinstance(value, str) and value in content_kinds():
            return content_kinds()[value]
        shown = json.dumps(value, ensure_ascii=False)
        line.report("type", f"未知类型 {shown}，必须是 {kind_names()} 之一")
        return None

    def _check_unknown_keys(
        self, data: dict, kind: ContentKind | None, line: _LineProblems
    ) -> None:
        for key in data:
            if key == "type" or key in COMMON_PARSERS or (kind and key in kind.parsers):
                continue
            owners = [other.name for other in content_kinds().values() if key in other.parsers]
            if owners and kind is None:
                continue  # without a valid type we cannot tell whether it belongs
            if owners:
                line.report(
                    key, f"未知字段：{kind.name} 没有这个字段（它属于 {'、'.join(owners)}）"
                )
            else:
                line.report(key, "未知字段")

    def _parse_values(
        self, data: dict, kind: ContentKind | None, line: _LineProblems
    ) -> dict[str, Any]:
        """The usable values of the line's known keys; the others are reported."""
        model = kind.model if kind else ContentPage
        parsers = {**COMMON_PARSERS, **(kind.parsers if kind else {})}
        required = COMMON_REQUIRED | (kind.required if kind else frozenset())
        values: dict[str, Any] = {}
        for key, parse in parsers.items():
            if key not in data:
                if key in required:
                    line.report(key, "缺少必填字段")
            elif data[key] is None and key in required:
                line.report(key, "不能为空")
            else:
                try:
                    values[key] = parse(data[key], model._meta.get_field(key))
                except InvalidValue as exc:
                    line.report(key, *exc.reasons)
        return values

    def _resolve_topic(self, values: dict[str, Any], line: _LineProblems) -> str | None:
        """The given topic, else the first tag; neither is a mistake (every page has a topic)."""
        topic = values.get("topic")
        if topic or "topic" in line.fields:
            return topic
        tags = values.get("tags")
        if tags:
            return tags[0]
        if "tags" not in line.fields:
            line.report("topic", "缺少专题：请填写 topic，或在 tags 里至少写一个标签")
        return None

    def _check_slug(
        self, slug: str | None, kind: ContentKind | None, line: _LineProblems
    ) -> ContentPage | None:
        """The existing page this line updates, if any; a slug is claimed by its first line."""
        if slug is None:
            return None
        first_line = self.slug_lines.get(slug)
        if first_line is not None:
            line.report("slug", f"与第 {first_line} 行的 slug 重复")
            return None
        self.slug_lines[slug] = line.number
        if kind is None:
            return None
        existing, reason = self.page_with_slug(slug, kind)
        if reason:
            line.report("slug", reason)
        return existing

    def _build_page(
        self,
        kind: ContentKind,
        existing: ContentPage | None,
        data: dict,
        values: dict[str, Any],
        topic: str | None,
        parent: Page | PlannedIndex,
    ) -> ContentPage:
        """The page as the line describes it; keys left out of the line are emptied."""
        page = existing or kind.model()
        for key in {**COMMON_PARSERS, **kind.parsers}:
            if key in ("tags", "topic"):
                continue
            if key in values:
                setattr(page, key, values[key])
            elif key not in data:
                setattr(page, key, _blank_value(kind.model._meta.get_field(key)))
        page.draft_title = page.title
        page.topic = topic or ""
        if existing is None:
            parent_page = parent.home if isinstance(parent, PlannedIndex) else parent
            page.locale_id = parent_page.locale_id
        if "tags" in values or "tags" not in data:
            # The topic is added by ContentPage.clean()/save() when it is not among them.
            page.tags.set(values.get("tags", []))
        return page


# --- Writing and reporting ----------------------------------------------------------


@dataclass
class ContentResult(ImportResult):
    """Everything the command reports: problems, or what was (or would be) written."""

    pages: list[PlannedPage] = field(default_factory=list)
    new_indexes: list[PlannedIndex] = field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(1 for item in self.pages if item.is_new)

    @property
    def updated(self) -> int:
        return sum(1 for item in self.pages if not item.is_new)

    def report_lines(self) -> Iterator[str]:
        """What happened, one line per page, then the summary."""
        would = self.would
        for index in self.new_indexes:
            yield f"{would}新建栏目：{index.describe()}"
        for item in self.pages:
            action = "新建" if item.is_new else "更新"
            yield f"line {item.line}: {would}{action} {item.describe()}"
        if self.dry_run:
            yield (
                f"{DRY_RUN_NOTE}：would create {self.created}, "
                f"would update {self.updated}（将新建 {self.created} 个，将更新 {self.updated} 个）"
            )
        else:
            yield (
                f"导入完成：created {self.created}, updated {self.updated}"
                f"（新建 {self.created} 个，更新 {self.updated} 个）"
            )


class ContentImport(FileImport[str, ContentResult]):
    """A JSON Lines file of pages: one JSON object per line, each a page to create or update."""

    def split(self, text: str) -> list[tuple[int, str]]:
        lines = split_lines(text)
        if not lines:
            raise ImportFileError.empty(self.path, "没有任何要导入的内容")
        return lines

    def check(self, units: Sequence[tuple[int, str]]) -> ContentResult:
        plan = Planner()
        for number, text in units:
            plan.check_line(number, text)
        return ContentResult(
            dry_run=self.dry_run,
            problems=plan.problems,
            pages=plan.pages,
            new_indexes=list(plan.new_indexes.values()),
        )

    def write(self, result: ContentResult) -> list[Problem]:
        """Create missing sections, then create or update each page as a published revision."""
        problems: list[Problem] = []
        for index in result.new_indexes:
            index.page = index.kind.index_model(title=index.kind.index_title, slug=index.slug)
            index.home.add_child(instance=index.page)
            index.page.save_revision().publish()
        for item in result.pages:
            try:
                if item.is_new:
                    parent = (
                        item.parent.page if isinstance(item.parent, PlannedIndex) else item.parent
                    )
                    item.page.live = False  # as the admin does: live once the revision is published
                    parent.add_child(instance=item.page)
                item.page.save_revision().publish()
            except ValidationError as exc:  # e.g. someone changed the site while we were checking
                problems.extend(
                    Problem(item.line, key, message) for key, message in validation_messages(exc)
                )
        return problems


def import_file(path: Path | str, *, dry_run: bool = False) -> ContentResult:
    """Check the whole file, then (unless dry_run or anything is wrong) write it all at once.

    Raises ImportFileError when the file itself cannot be used. Problems with lines are
    returned in ``result.problems``; when there are any, nothing has been written.
    """
    return ContentImport(path, dry_run=dry_run).run()
