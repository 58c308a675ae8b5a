"""The body of an imported page: plain text, or a list of blocks for headings and quotes.

Editors never write HTML: every piece of text is escaped, and paragraphs are made by one
rule (``plain_text_to_paragraphs``), whether the body is one string or a list of blocks.
"""

from __future__ import annotations

from typing import Any

from wagtail.rich_text import RichText

from loaders.parsers import (
    InvalidValue,
    _check_controls,
    describe_json_type,
    plain_text_to_paragraphs,
)

BLOCK_EXAMPLE = '[{"heading": "…"}, {"paragraph": "…"}, {"quote": "…", "source": "…"}]'
# Each block is an object with one of these keys (a quote may add its "source").
BLOCK_KEYS = {"heading": set(), "paragraph": set(), "quote": {"source"}}


def parse_body(value: Any, model_field: Any) -> list[tuple[str, Any]]:
    """A string of paragraphs, or an array of heading, paragraph and quote blocks."""
    if isinstance(value, list):
        return _parse_blocks(value, model_field)
    if not isinstance(value, str):
        raise InvalidValue(
            "必须是字符串（纯文本，段落之间空一行）或小标题、段落、引用组成的数组，"
            f"不能是{describe_json_type(value)}"
        )
    _check_controls(value, multiline=True)
    paragraphs = plain_text_to_paragraphs(value)
    if not paragraphs:
        raise InvalidValue("不能为空")
    return [("paragraph", RichText(html)) for html in paragraphs]


def _parse_blocks(items: list, model_field: Any) -> list[tuple[str, Any]]:
    blocks: list[tuple[str, Any]] = []
    problems: list[tuple[str, str]] = []
    for index, item in enumerate(items):
        try:
            blocks += _parse_block(item, model_field)
        except InvalidValue as exc:
            problems.extend((f"[{index}]{where}", reason) for where, reason in exc.parts)
    if problems:
        raise InvalidValue(parts=problems)
    if not blocks:
        raise InvalidValue("不能为空")
    return blocks


def _block_text(value: Any, *, multiline: bool, limit: int | None = None) -> str:
    if not isinstance(value, str):
        raise InvalidValue(f"必须是字符串，不能是{describe_json_type(value)}")
    text = value.strip()
    _check_controls(text, multiline=multiline)
    if limit is not None and len(text) > limit:
        raise InvalidValue(f"不能超过 {limit} 个字符（现在是 {len(text)} 个）")
    return text


def _parse_block(item: Any, model_field: Any) -> list[tuple[str, Any]]:
    """One block of the array; a paragraph block may hold several paragraphs."""
    kinds = [key for key in BLOCK_KEYS if isinstance(item, dict) and key in item]
    if len(kinds) != 1:
        raise InvalidValue(
            f"每一项必须是只含 heading、paragraph 或 quote 之一的对象，例如 {BLOCK_EXAMPLE}"
        )
    kind = kinds[0]
    unknown = sorted(set(item) - {kind} - BLOCK_KEYS[kind])
    if unknown:
        raise InvalidValue(f"{kind} 不能有这些键：{'、'.join(unknown)}")
    children = model_field.stream_block.child_blocks
    try:
        if kind == "heading":
            text = _block_text(item[kind], multiline=False, limit=children[kind].field.max_length)
            blocks = [("heading", text)] if text else []
        elif kind == "paragraph":
            text = _block_text(item[kind], multiline=True)
            blocks = [("paragraph", RichText(html)) for html in plain_text_to_paragraphs(text)]
        else:
            text = _block_text(item[kind], multiline=True)
            blocks = [("quote", {"text": text, "source": _quote_source(item, children)})]
            blocks = blocks if text else []
    except InvalidValue as exc:
        # A reason about the quote's source already says so.
        parts = [(where or f".{kind}", reason) for where, reason in exc.parts]
        raise InvalidValue(parts=parts) from None
    if not blocks:
        raise InvalidValue(parts=[(f".{kind}", "不能为空")])
    return blocks


def _quote_source(item: dict, children: dict) -> str:
    limit = children["quote"].child_blocks["source"].field.max_length
    try:
        return _block_text(item.get("source") or "", multiline=False, limit=limit)
    except InvalidValue as exc:
        raise InvalidValue(parts=[(".source", reason) for reason in exc.reasons]) from None
