"""Value parsers: one JSON value from an import line → what a page field stores.

Editors type values in a spreadsheet or text editor, so each parser accepts what they
naturally write (trimmed text, 300.0 for 300, plain paragraphs) and otherwise raises
InvalidValue with every reason in words they understand. Limits (max_length, validators)
come from the model field itself, so the file and the admin never disagree.
"""

from __future__ import annotations

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
from wagtail.rich_text import RichText

from core.text import has_line_controls

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


def parse_body(value: Any, model_field: Any) -> list[tuple[str, RichText]]:
    if not isinstance(value, str):
        raise InvalidValue(
            f"必须是字符串（纯文本，段落之间空一行），不能是{describe_json_type(value)}"
        )
    _check_controls(value, multiline=True)
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
