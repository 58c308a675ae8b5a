"""JSON Lines: the file's numbered lines, and one line decoded as a JSON object.

An editor's text editor shows line numbers, so every line keeps its number even when
blank lines around it are skipped. Decoding is stricter than ``json.loads`` where a
mistake would otherwise pass unnoticed: a key given twice, NaN or Infinity.
"""

from __future__ import annotations

import json
from typing import Any

from loaders.parsers import InvalidValue, describe_json_type


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
