"""Value parsers: one JSON value from an import line → what a page field stores.

Editors type values in a spreadsheet or text editor, so each parser accepts what they
naturally write (trimmed text, 300.0 for 300, plain paragraphs) and otherwise raises
InvalidValue with every reason in words they understand. Limits (max_length, validators)
come from the model field itself, so the file and the admin never disagree.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    URLValidator,
    validate_unicode_slug,
)
from django.db import models
from django.utils.html import escape
from taggit.models import Tag

from core.text import has_line_controls
from home.blocks import (
    SELF_CHECK_MAX_OPTIONS,
    SELF_CHECK_MAX_QUESTIONS,
    SELF_CHECK_MIN_OPTIONS,
)
from home.kinds import CompletionPolicy
from home.selfcheck import QuestionSpec

DATETIME_EXAMPLE = "2025-07-01T09:00:00+08:00"
# A blank line (possibly holding spaces) between two paragraphs of the body.
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


class InvalidValue(Exception):
    """One or more reasons why a single value cannot be used.

    A value made of parts (the questions of a self-check) says which part each reason is
    about: ``parts`` pairs a suffix of the key (``[0].options``) with the reason, so the
    problem is reported as ``questions[0].options: …``.
    """

    def __init__(self, *reasons: str, parts: list[tuple[str, str]] | None = None) -> None:
        self.parts = list(parts) if parts is not None else [("", reason) for reason in reasons]
        self.reasons = [reason for _where, reason in self.parts]
        super().__init__("；".join(self.reasons))


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


# Line breaks and tabs belong in text of several lines (a summary, a transcript, the body);
# every other control character (NUL breaks PostgreSQL) belongs nowhere.
MULTILINE_ALLOWED = "\n\r\t"
CONTROL_REASON = "不能包含控制字符（如 NUL、ESC）；单行字段也不能有换行或制表符"


def _check_controls(text: str, multiline: bool) -> None:
    allowed = MULTILINE_ALLOWED if multiline else ""
    if has_line_controls("".join(char for char in text if char not in allowed)):
        raise InvalidValue(CONTROL_REASON)


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
    _check_controls(text, multiline=isinstance(model_field, models.TextField))
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
        if has_line_controls(name):
            reasons.append(f"第 {position} 个标签{CONTROL_REASON}")
        elif not name:
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


# 学习自测 and 学完标准 ("questions" and "completion" in the file).

QUESTION_KEYS = ("text", "options", "answers", "explanation")
QUESTION_EXAMPLE = '{"text": "…", "options": ["…", "…"], "answers": [0], "explanation": "…"}'


def _question_limits(model_field: Any) -> dict[str, int]:
    """The longest text, option and explanation, from the question block itself."""
    question = model_field.stream_block.child_blocks["question"]
    option = question.child_blocks["options"].child_block
    return {
        "text": question.child_blocks["text"].field.max_length,
        "explanation": question.child_blocks["explanation"].field.max_length,
        "option": option.child_blocks["text"].field.max_length,
    }


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _part_text(value: Any, limit: int, *, multiline: bool) -> str:
    """A required piece of text inside a question: a trimmed, non-empty string."""
    if not isinstance(value, str):
        raise InvalidValue(f"必须是字符串，不能是{describe_json_type(value)}")
    text = value.strip()
    _check_controls(text, multiline=multiline)
    if not text:
        raise InvalidValue("不能为空")
    if len(text) > limit:
        raise InvalidValue(f"不能超过 {limit} 个字符（现在是 {len(text)} 个）")
    return text


def _parse_options(value: Any, limit: int, problems: list[tuple[str, str]], where: str):
    """The option texts, or None when they cannot be used (the problems say why)."""
    if not isinstance(value, list):
        problems.append(
            (where, f'必须是字符串数组，例如 ["…", "…"]，不能是{describe_json_type(value)}')
        )
        return None
    if len(value) < SELF_CHECK_MIN_OPTIONS:
        problems.append(
            (where, f"至少需要 {SELF_CHECK_MIN_OPTIONS} 个选项（现在是 {len(value)} 个）")
        )
    elif len(value) > SELF_CHECK_MAX_OPTIONS:
        problems.append((where, f"最多 {SELF_CHECK_MAX_OPTIONS} 个选项（现在是 {len(value)} 个）"))
    texts: list[str] = []
    usable = True
    for index, item in enumerate(value):
        try:
            text = _part_text(item, limit, multiline=False)
        except InvalidValue as exc:
            problems.extend((f"{where}[{index}]", reason) for reason in exc.reasons)
            usable = False
            continue
        if text in texts:
            problems.append((f"{where}[{index}]", f"与 options[{texts.index(text)}] 相同"))
            usable = False
        texts.append(text)
    in_range = SELF_CHECK_MIN_OPTIONS <= len(value) <= SELF_CHECK_MAX_OPTIONS
    return tuple(texts) if usable and in_range else None


def _parse_answers(
    value: Any, options: int | None, problems: list[tuple[str, str]], where: str
) -> frozenset[int]:
    """The right options' 0-based indexes; ``options`` is how many there are, if known."""
    if not isinstance(value, list):
        problems.append(
            (
                where,
                "必须是整数数组（正确选项的序号，从 0 开始），例如 [0]，多选题如 [0, 2]，"
                f"不能是{describe_json_type(value)}",
            )
        )
        return frozenset()
    if not value:
        problems.append((where, "至少要有一个正确答案（正确选项的序号，从 0 开始），例如 [0]"))
    indexes: list[int] = []
    for item in value:
        fraction = isinstance(item, float) and not item.is_integer()  # 1.5, or 1e999
        if isinstance(item, bool) or not isinstance(item, (int, float)) or fraction:
            kind = "小数" if fraction else describe_json_type(item)
            problems.append(
                (where, f"{_shown(item)} 不是整数：答案写选项的序号（从 0 开始），不能是{kind}")
            )
            continue
        number = int(item)
        if number in indexes:
            problems.append((where, f"序号 {number} 写了两次"))
        elif options is not None and not 0 <= number < options:
            problems.append(
                (
                    where,
                    f"序号 {number} 超出范围：这道题有 {options} 个选项，"
                    f"序号只能是 0 到 {options - 1}（从 0 开始数）",
                )
            )
        indexes.append(number)
    return frozenset(indexes)


def _check_question_keys(item: dict, problems: list[tuple[str, str]], where: str) -> None:
    """Keys given twice, unknown keys, and required keys left out or null."""
    for key in getattr(item, "duplicate_keys", []):
        problems.append((f"{where}.{key}", "同一道题里出现了两次"))
    for key in item:
        if key not in QUESTION_KEYS:
            problems.append(
                (f"{where}.{key}", f"未知字段（每道题只有 {'、'.join(QUESTION_KEYS)}）")
            )
    missing = {
        "text": "缺少必填字段（题目）",
        "options": f"缺少必填字段（{SELF_CHECK_MIN_OPTIONS} 到 {SELF_CHECK_MAX_OPTIONS} 个选项的文字）",
        "answers": "缺少必填字段（正确选项的序号，从 0 开始），例如 [0]",
        "explanation": "缺少必填字段（作答后显示的解析）",
    }
    for key, reason in missing.items():
        if key not in item:
            problems.append((f"{where}.{key}", reason))
        elif item[key] is None:
            problems.append((f"{where}.{key}", "不能为空"))


def _parse_question(
    item: Any, limits: dict[str, int], problems: list[tuple[str, str]], where: str
) -> QuestionSpec | None:
    if not isinstance(item, dict):
        problems.append(
            (
                where,
                f"每道题必须是一个对象，例如 {QUESTION_EXAMPLE}，不能是{describe_json_type(item)}",
            )
        )
        return None
    before = len(problems)
    _check_question_keys(item, problems, where)
    texts = {}
    for key in ("text", "explanation"):  # both may have several lines
        if item.get(key) is not None:
            try:
                texts[key] = _part_text(item[key], limits[key], multiline=True)
            except InvalidValue as exc:
                problems.extend((f"{where}.{key}", reason) for reason in exc.reasons)
    options = None
    if item.get("options") is not None:
        options = _parse_options(item["options"], limits["option"], problems, f"{where}.options")
    right: frozenset[int] = frozenset()
    if item.get("answers") is not None:
        count = len(options) if options is not None else None
        right = _parse_answers(item["answers"], count, problems, f"{where}.answers")
    if len(problems) > before or options is None:
        return None
    return QuestionSpec(texts["text"], options, right, texts["explanation"])


def parse_questions(value: Any, model_field: Any) -> list[QuestionSpec]:
    """学习自测: a list of questions, each with its options and the right ones' indexes.

    Every problem names the question (and the part of it) it is about, counting from 0 as
    the answers do: ``questions[0].options``.
    """
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidValue(
            f"必须是数组，例如 [{QUESTION_EXAMPLE}]，不能是{describe_json_type(value)}"
        )
    if len(value) > SELF_CHECK_MAX_QUESTIONS:
        raise InvalidValue(f"最多 {SELF_CHECK_MAX_QUESTIONS} 道题（现在是 {len(value)} 道）")
    limits = _question_limits(model_field)
    problems: list[tuple[str, str]] = []
    questions = [
        _parse_question(item, limits, problems, f"[{index}]") for index, item in enumerate(value)
    ]
    if problems:
        raise InvalidValue(parts=problems)
    return [question for question in questions if question is not None]


def completion_names() -> str:
    """The file's names of the completion policies, each with its label: view（浏览）…"""
    return "、".join(
        f"{policy.value}（{str(policy.label).split('（')[0]}）" for policy in CompletionPolicy
    )


def parse_completion(value: Any, model_field: Any) -> str:
    """学完标准: view, quiz or reflection; null and a missing key both mean view."""
    if value is None:
        return CompletionPolicy.VIEW
    if isinstance(value, str) and value in CompletionPolicy.values:
        return value
    if not isinstance(value, str):
        raise InvalidValue(
            f"必须是字符串（{completion_names()} 之一），不能是{describe_json_type(value)}"
        )
    raise InvalidValue(f"未知的学完标准 {_shown(value)}，必须是 {completion_names()} 之一")
