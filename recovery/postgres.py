"""PostgreSQL: ``pg_dump`` (custom format) and ``pg_restore``, connected from settings.DATABASES.

The password reaches the client programs through ``PGPASSWORD`` in their environment, never
on the command line. The row counts in the manifest are read in the very snapshot that
``pg_dump`` dumps (``pg_export_snapshot``), so they match the dump even on a busy site.
"""

from __future__ import annotations

import os
import secrets
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.utils.translation import gettext as _

from .errors import BackupError
from .tables import count_rows, last_migrations, quote

DUMP_NAME = "database.pgdump"
DUMP_FORMAT = "pg_dump-custom"
# settings.DATABASES keys (and OPTIONS keys) → the libpq environment variables.
ENVIRONMENT = {"HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER", "PASSWORD": "PGPASSWORD"}
SSL_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
}


def table_names(cursor) -> list[str]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = ANY (current_schemas(false)) "
        "ORDER BY tablename"
    )
    return [name for (name,) in cursor.fetchall()]


def client_environment(settings_dict: dict, database: str) -> dict[str, str]:
    env = dict(os.environ)
    for key, variable in ENVIRONMENT.items():
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    for key, variable in SSL_OPTIONS.items():
        if settings_dict.get("OPTIONS", {}).get(key):
            env[variable] = str(settings_dict["OPTIONS"][key])
    env["PGDATABASE"] = database
    return env


def run_client(arguments: list[str], env: dict[str, str]) -> None:
    program = arguments[0]
    try:
        result = subprocess.run(arguments, env=env, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(
            _("找不到 %(program)s：请安装与数据库服务器同一版本的 PostgreSQL 客户端")
            % {"program": program}
        ) from None
    if result.returncode != 0:
        raise BackupError(
            _("%(program)s 失败：%(error)s")
            % {"program": program, "error": result.stderr.strip() or result.returncode}
        )


def _connect(connection, database: str, *, autocommit: bool = False):
    params = {**connection.get_connection_params(), "dbname": database}
    raw = connection.get_new_connection(params)
    raw.autocommit = autocommit
    return raw


def dump(connection, directory: Path) -> tuple[Path, dict[str, int], dict[str, str]]:
    """``pg_dump`` of one snapshot, with the row counts read in that same snapshot."""
    path = directory / DUMP_NAME
    database = connection.settings_dict["NAME"]
    raw = _connect(connection, database)
    try:
        cursor = raw.cursor()
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        tables = table_names(cursor)
        counts, migrations = count_rows(cursor, tables), last_migrations(cursor, tables)
        run_client(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
             f"--snapshot={snapshot}", f"--file={path}"],
            client_environment(connection.settings_dict, database),
        )  # fmt: skip
    finally:
        raw.rollback()
        raw.close()
    return path, counts, migrations


def _restore_into(connection, database: str, path: Path) -> None:
    """``pg_restore`` in one transaction: every object replaced, or nothing changed."""
    run_client(
        ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
         "--single-transaction", "--exit-on-error", f"--dbname={database}", str(path)],
        client_environment(connection.settings_dict, database),
    )  # fmt: skip


def restore(connection, path: Path) -> None:
    # Django's own connection holds no lock the restore would wait for.
    connection.close()
    _restore_into(connection, connection.settings_dict["NAME"], path)


def live_counts(connection) -> dict[str, int]:
    with connection.cursor() as cursor:
        return count_rows(cursor, table_names(cursor))


@contextmanager
def scratch_database(connection) -> Iterator[str]:
    """A new empty database beside the live one, dropped afterwards whatever happens."""
    name = f"hongke_verify_{secrets.token_hex(6)}"
    admin = _connect(connection, "postgres", autocommit=True)
    try:
        admin.cursor().execute(f"CREATE DATABASE {quote(name)} TEMPLATE template0")
        try:
            yield name
        finally:
            admin.cursor().execute(f"DROP DATABASE IF EXISTS {quote(name)} WITH (FORCE)")
    finally:
        admin.close()


def scratch_counts(connection, path: Path) -> dict[str, int]:
    """Restore the dump into a temporary database (never the live one) and count its rows."""
    with scratch_database(connection) as name:
        _restore_into(connection, name, path)
        raw = _connect(connection, name)
        try:
            cursor = raw.cursor()
            return count_rows(cursor, table_names(cursor))
        finally:
            raw.rollback()
            raw.close()
