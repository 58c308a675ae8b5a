"""Reading a database's state through a plain DB-API cursor (sqlite3 or psycopg alike).

The manifest records, and restore and verify compare, the same two things: how many rows
each table holds and the last migration applied for each app.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.utils.translation import gettext as _


def quote(name: str) -> str:
    """A table name as an SQL identifier (both SQLite and PostgreSQL use double quotes)."""
    return '"' + name.replace('"', '""') + '"'


def count_rows(cursor, tables: Iterable[str]) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        counts[table] = int(cursor.fetchone()[0])
    return counts


def last_migrations(cursor, tables: Iterable[str]) -> dict[str, str]:
    """The last applied migration of every app, from ``django_migrations``."""
    if "django_migrations" not in set(tables):
        return {}
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY applied, id")
    return {app: name for app, name in cursor.fetchall()}


def count_differences(
    expected: Mapping[str, int], found: Mapping[str, int], *, extra: bool = False
) -> list[str]:
    """Every table whose row count is not what the manifest says, as lines for a report.

    ``extra``: tables the manifest does not know count as differences too (a scratch
    restore holds exactly the dump; a live database may keep tables of its own).
    """
    differences = [
        _("表 %(table)s 不在备份清单中") % {"table": table}
        for table in sorted(set(found) - set(expected))
        if extra
    ]
    for table, rows in sorted(expected.items()):
        if table not in found:
            differences.append(
                _("表 %(table)s 不存在（备份中有 %(rows)d 行）") % {"table": table, "rows": rows}
            )
        elif found[table] != rows:
            differences.append(
                _("表 %(table)s 有 %(found)d 行，备份中是 %(rows)d 行")
                % {"table": table, "found": found[table], "rows": rows}
            )
    return differences
