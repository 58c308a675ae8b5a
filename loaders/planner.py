"""Checking an import file line by line, and the plan of what a valid file would write.

Every line is checked completely (so the editor sees all its mistakes at once) and each
valid line becomes a page built in memory, validated by the model as the admin would,
ready to be written. The planner remembers what earlier lines claimed (slugs, new
sections), so a file cannot contradict itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from wagtail.fields import StreamField
from wagtail.models import Page, Site

from core.importing import Problem
from home.kinds import Completion, CompletionPolicy
from home.models import ContentPage
from home.selfcheck import self_check_data
from loaders.files import ImageData, store_image
from loaders.jsonlines import decode_line
from loaders.lecture_files import PlannedLectureFiles, read_lecture_files
from loaders.parsers import InvalidValue
from loaders.schema import (
    COMMON_FILE_KEYS,
    COMMON_PARSERS,
    COMMON_REQUIRED,
    KEY_NAMES,
    ContentKind,
    content_kinds,
    kind_names,
    model_field_name,
)
from loaders.tours import (
    PlannedTour,
    artefacts_data,
    parse_artefacts,
    parse_cover,
    parse_tour,
    tour_data,
)

# Filled from the line's questions and completion with their own rules, not copied as they are.
STUDY_KEYS = ("questions", "completion")

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
class PlannedFiles:
    """The files a line names, checked; stored on the page only by ``apply``. A key the line
    leaves out leaves the page's cover or tour as it is; ``null`` removes it."""

    keys: set[str] = field(default_factory=set)
    cover: ImageData | None = None
    tour: PlannedTour | None = None
    artefacts: list[tuple[str, str]] = field(default_factory=list)
    lecture: PlannedLectureFiles | None = None

    def apply(self, page: ContentPage) -> None:
        if self.lecture is not None:
            self.lecture.store(page)
        if "artefacts" in self.keys:
            page.artefacts = artefacts_data(self.artefacts)
        if "cover" in self.keys:
            page.cover_image = store_image(self.cover, self.cover.stem) if self.cover else None
        if "tour" in self.keys:
            page.tour = tour_data(self.tour)


@dataclass
class PlannedPage:
    """One valid line: a page built in memory and checked, ready to be written."""

    line: int
    kind: ContentKind
    page: ContentPage
    parent: Page | PlannedIndex
    is_new: bool
    files: PlannedFiles = field(default_factory=PlannedFiles)

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
        key = {"draft_title": "title", NON_FIELD_ERRORS: "page", **KEY_NAMES}.get(
            field_name, field_name
        )
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

    def __init__(self, folder: Path | None = None) -> None:
        # Where the files a line names are looked for: the import file's directory.
        self.folder = folder or Path.cwd()
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
        self._check_study(values, kind, line)
        existing = self._check_slug(values.get("slug"), kind, line)
        files = self._read_files(data, existing, line)
        if kind is None:
            return None
        if kind.name == "lecture":
            files.lecture = self._read_lecture_files(data, values, line)
        parent = self.index_for(kind)
        if parent is None:
            line.report(
                "type", f"网站还没有首页（默认站点的根页面），无法创建「{kind.index_title}」栏目"
            )
            return None

        page = self._build_page(kind, existing, data, values, topic, parent)
        if files.lecture is not None:
            files.lecture.shape(page, duration_given=values.get("duration_seconds") is not None)
        # What was reported above is not reported again in the model's words; a missing
        # topic has been reported already, or follows from tags that were; so have questions
        # the model finds missing (for 自测全对) when the line's questions were wrong.
        already_explained = line.fields | ({"topic"} if topic is None else set())
        if any(key.startswith("questions") for key in line.fields):
            already_explained |= {"questions", "completion"}
        try:
            page.full_clean(exclude=None if existing else TREE_FIELDS)
        except ValidationError as exc:
            for key, message in validation_messages(exc):
                if key not in already_explained:
                    already_explained.add(key)  # one message per field is enough
                    line.report(key, message)
        return PlannedPage(
            line=line.number,
            kind=kind,
            page=page,
            parent=parent,
            is_new=existing is None,
            files=files,
        )

    def _read_files(
        self, data: dict, existing: ContentPage | None, line: _LineProblems
    ) -> PlannedFiles:
        """Read and check the files the line names (cover, tour), reporting each problem."""
        files = PlannedFiles(keys={key for key in ("cover", "tour", "artefacts") if key in data})
        # Hotspots may show the line's artefacts, else those the site has (from the admin).
        artefacts = len(getattr(existing, "artefacts", None) or [])
        if "artefacts" in data:
            try:
                files.artefacts = parse_artefacts(data["artefacts"])
                artefacts = len(files.artefacts)
            except InvalidValue as exc:
                for where, reason in exc.parts:
                    line.report("artefacts" + where, reason)
        try:
            if "cover" in data:
                files.cover = parse_cover(data["cover"], self.folder)
        except InvalidValue as exc:
            line.report("cover", *exc.reasons)
        if "tour" in data:
            try:
                files.tour = parse_tour(data["tour"], self.folder, artefacts)
            except InvalidValue as exc:
                for where, reason in exc.parts:
                    line.report("tour" + where, reason)
        return files

    def _read_lecture_files(
        self, data: dict, values: dict[str, Any], line: _LineProblems
    ) -> PlannedLectureFiles:
        """A lecture's media and captions; captions are checked against the line's length,
        else the media's."""
        lecture, problems = read_lecture_files(
            data, self.folder, values.get("duration_seconds") or None
        )
        for key, reason in problems:
            line.report(key, reason)
        if lecture.media is not None and values.get("video_url"):
            line.report("media", "不能同时写 media 和 video_url：请只选择一种来源")
        return lecture

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
            if key in ("type", *COMMON_PARSERS, *COMMON_FILE_KEYS) or (kind and kind.knows(key)):
                continue
            owners = [other.name for other in content_kinds().values() if other.knows(key)]
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
                    values[key] = parse(data[key], model._meta.get_field(model_field_name(key)))
                except InvalidValue as exc:
                    for where, reason in exc.parts:
                        line.report(key + where, reason)
        return values

    def _check_study(
        self, values: dict[str, Any], kind: ContentKind | None, line: _LineProblems
    ) -> None:
        """Questions and a completion policy that fit together and fit the kind."""
        questions, completion = values.get("questions"), values.get("completion")
        if kind is not None and kind.kind.completion == Completion.ATTENDED:
            reason = f"{kind.index_title}按现场签到算学完"
            if questions:
                line.report("questions", f"{reason}，不能设置自测题")
            if completion not in (None, CompletionPolicy.VIEW):
                line.report("completion", f"{reason}，学完标准只能是 view（或不写）")
        elif (
            completion == CompletionPolicy.QUIZ
            and not questions
            and not any(key.startswith("questions") for key in line.fields)
        ):
            line.report(
                "completion",
                "学完标准是 quiz（自测全对），但这一行没有 questions：请至少写一道自测题",
            )

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
        # What the page held, so unchanged questions keep their ids (and members' answers).
        previous_questions = existing.self_check.raw_data if existing else []
        for key in {**COMMON_PARSERS, **kind.parsers}:
            if key in ("tags", "topic", *STUDY_KEYS):
                continue
            if key in values:
                setattr(page, key, values[key])
            elif key not in data:
                setattr(page, key, _blank_value(kind.model._meta.get_field(key)))
        page.draft_title = page.title
        page.topic = topic or ""
        page.self_check = self_check_data(values.get("questions") or [], previous_questions)
        page.completion_policy = values.get("completion") or CompletionPolicy.VIEW
        if existing is None:
            parent_page = parent.home if isinstance(parent, PlannedIndex) else parent
            page.locale_id = parent_page.locale_id
        if "tags" in values or "tags" not in data:
            # The topic is added by ContentPage.clean()/save() when it is not among them.
            page.tags.set(values.get("tags", []))
        return page
