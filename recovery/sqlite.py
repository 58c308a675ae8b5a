"""SQLite: the online backup API copies a live database page by page, in one consistent state.

The copy is a complete database file; restoring copies it back the same way, into the
configured database in one step (the destination is replaced whole or not at all).
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from django.utils.translation import gettext as _

from .errors import BackupError
from .tables import count_rows, last_migrations

DUMP_NAME = "database.sqlite3"
DUMP_FORMAT = "sqlite3"


def table_names(cursor) -> list[str]:
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' "
        "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
    )
    return [name for (name,) in cursor.fetchall()]


def read_state(database: sqlite3.Connection) -> tuple[dict[str, int], dict[str, str]]:
    cursor = database.cursor()
    tables = table_names(cursor)
    return count_rows(cursor, tables), last_migrations(cursor, tables)


def _raw(connection) -> sqlite3.Connection:
    connection.ensure_connection()
    return connection.connection


def dump(connection, directory: Path) -> tuple[Path, dict[str, int], dict[str, str]]:
    """Copy the live database into ``directory``; counts are read from the copy itself."""
    path = directory / DUMP_NAME
    copy = sqlite3.connect(path)
    try:
        _raw(connection).backup(copy)
        # One self-contained file: no -wal file beside it in the archive.
        copy.execute("PRAGMA journal_mode=DELETE")
        counts, migrations = read_state(copy)
    except sqlite3.Error as exc:
        raise BackupError(_("复制 SQLite 数据库失败：%(error)s") % {"error": exc}) from None
    finally:
        copy.close()
    return path, counts, migrations


def _open_checked(path: Path) -> sqlite3.Connection:
    """The dump, read-only, after SQLite itself has found every page sound."""
    try:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        (result,) = source.execute("PRAGMA integrity_check").fetchone()
    except sqlite3.Error as exc:
        raise BackupError(_("备份中的数据库无法打开：%(error)s") % {"error": exc}) from None
    if result != "ok":
        source.close()
        raise BackupError(_("备份中的数据库未通过完整性检查：%(result)s") % {"result": result})
    return source


def restore(connection, path: Path) -> None:
    """Replace the configured database's content with the dump's."""
    source = _open_checked(path)
    try:
        source.backup(_raw(connection))
    except sqlite3.Error as exc:
        raise BackupError(_("恢复 SQLite 数据库失败：%(error)s") % {"error": exc}) from None
    finally:
        source.close()


def live_counts(connection) -> dict[str, int]:
    with connection.cursor() as cursor:
        return count_rows(cursor, table_names(cursor))


def scratch_counts(connection, path: Path) -> dict[str, int]:
    """Restore the dump into a temporary file (never the live database) and count its rows."""
    source = _open_checked(path)
    with tempfile.TemporaryDirectory(prefix="hongke-verify-") as directory:
        scratch = sqlite3.connect(Path(directory) / "verify.sqlite3")
        try:
            source.backup(scratch)
            return read_state(scratch)[0]
        except sqlite3.Error as exc:
            raise BackupError(_("恢复到临时数据库失败：%(error)s") % {"error": exc}) from None
        finally:
            scratch.close()
            source.close()
