"""URL converters: ``<id:page_id>`` is a database id, so a longer number is no URL at all.

Django's ``<int:…>`` takes any number of digits; a 20-digit id then reaches the database,
where SQLite raises OverflowError and PostgreSQL refuses it (a 500). ``id`` takes at most
``core.text.MAX_ID_DIGITS`` digits, the same limit ``parse_id`` applies to forms, so a
longer one is a 404 before any view runs. Registered in ``CoreConfig.ready()``.
"""

from __future__ import annotations

from core.text import MAX_ID_DIGITS


class IdConverter:
    regex = f"[0-9]{{1,{MAX_ID_DIGITS}}}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
