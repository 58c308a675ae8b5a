"""Text from forms, files, URLs and phones, made safe and comparable: one home for each rule.

Two kinds of unwanted characters are told apart: *line controls* (newline, tab, NUL…,
Unicode category Cc) that break a one-line value or PostgreSQL, and *invisible* characters
(every category C: controls, format marks, unassigned) that a person cannot have meant in
a search word or a tag.
"""

from __future__ import annotations

import unicodedata


def fold_width(text: str | None) -> str:
    """Full-width letters and digits from a Chinese keypad as ordinary ones (Ｐｙ３ → Py3)."""
    return unicodedata.normalize("NFKC", text or "")


def is_invisible(char: str) -> bool:
    return unicodedata.category(char)[0] == "C"


def has_line_controls(text: str) -> bool:
    """Newlines, tabs, NUL and other control characters (category Cc)."""
    return any(unicodedata.category(char) == "Cc" for char in text)


def without_invisible(text: str | None, replacement: str = "") -> str:
    """Invisible characters dropped (or replaced): PostgreSQL refuses NUL in text."""
    return "".join(replacement if is_invisible(char) else char for char in (text or ""))


def clean_param(raw: str | None, limit: int = 100) -> str:
    """A query-string value (``?tag=``) without invisible characters, trimmed, at most ``limit``."""
    return without_invisible(raw).strip()[:limit]


def fold_for_matching(text: str | None) -> str:
    """Width folded, invisible characters as spaces, lower case: how search compares text."""
    return without_invisible(fold_width(text), " ").lower()


def fold_identifier(text: str | None) -> str:
    """A name typed by a person as one key: width folded, trimmed, case folded (Zhang = ｚｈａｎｇ)."""
    return fold_width((text or "").strip()).casefold()


def fold_code(text: str | None) -> str:
    """A short code typed on a phone: width folded, spaces removed (１２ ３４ → 1234)."""
    return "".join(fold_width(text).split())


# Database ids fit in 63 bits: at most 19 digits; 18 keeps every value in range.
MAX_ID_DIGITS = 18
# Page ids are 32-bit integers; a larger number would overflow the database's integer.
MAX_PAGE_ID = 2**31 - 1


def parse_id(value: str | None) -> int | None:
    """An id typed into a form or URL: ASCII digits only (not １２ or ١٢), positive, and
    short enough for the id column; anything else is None, never an exception."""
    value = (value or "").strip()
    if not (value.isascii() and value.isdigit()) or len(value) > MAX_ID_DIGITS:
        return None
    number = int(value)
    return number if number > 0 else None
