"""A site of its own for each backup test: a copy of the session's test database (demo loaded)
and of its media, installed as the ``default`` connection for the test.

A test here commits, wipes and restores whole databases. Doing that in the shared test
database would break the demo every other test relies on (and a broken restore could
leave it half replaced), so the shared database is never written: on SQLite the copy is a
file made with the stdlib backup API, on PostgreSQL a database made from it as a template.
Both are dropped afterwards.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connections
from django.db.utils import load_backend

# The operators' key for these tests: every backup here is signed unless a test unsets it.
BACKUP_KEY = "tests-only-backup-key-0123456789abcdef"


def _admin(settings_dict):
    """An autocommit connection to the server's ``postgres`` database."""
    import psycopg

    return psycopg.connect(
        dbname="postgres",
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
        user=settings_dict["USER"] or None,
        password=settings_dict["PASSWORD"] or None,
        autocommit=True,
    )


@pytest.fixture(autouse=True)
def backup_key(monkeypatch) -> str:
    monkeypatch.setenv("BACKUP_KEY", BACKUP_KEY)
    return BACKUP_KEY


@dataclass
class ScratchSite:
    wrapper: object
    name: str
    media_root: Path

    @property
    def vendor(self) -> str:
        return self.wrapper.vendor

    def wipe(self) -> None:
        """The disk died: an empty database (no tables at all) and no media files."""
        self.wrapper.close()
        if self.vendor == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(self.name + suffix).unlink(missing_ok=True)
        else:
            with _admin(self.wrapper.settings_dict) as admin:
                admin.execute(f'DROP DATABASE "{self.name}" WITH (FORCE)')
                admin.execute(f'CREATE DATABASE "{self.name}" TEMPLATE template0')
        shutil.rmtree(self.media_root)
        self.media_root.mkdir()


@pytest.fixture(scope="module")
def site_template(django_db_setup, django_db_blocker, tmp_path_factory):
    """A copy of the session's test database, made before any test opens a transaction on it.

    Module-scoped, so it is made while no test holds the shared database (a PostgreSQL
    template must have no one connected); each test copies it again.
    """
    original = connections["default"]
    with django_db_blocker.unblock():
        original.ensure_connection()
        if original.vendor == "sqlite":
            name = str(tmp_path_factory.mktemp("template") / "site.sqlite3")
            copy = sqlite3.connect(name)
            original.connection.backup(copy)
            copy.close()
        else:
            name = f"hongke_test_template_{os.getpid()}_{secrets.token_hex(3)}"
            original.close()
            with _admin(original.settings_dict) as admin:
                admin.execute(
                    f'CREATE DATABASE "{name}" TEMPLATE "{original.settings_dict["NAME"]}"'
                )
    yield name
    if original.vendor == "postgresql":
        with _admin(original.settings_dict) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def scratch_site(site_template, db, settings, tmp_path):
    """The demo site in a database of its own, installed as ``default`` for this test.

    The shared test database sits untouched in pytest-django's transaction meanwhile (rolled
    back afterwards as always); everything the test writes is committed to its own copy.
    """
    original = connections["default"]
    media_root = tmp_path / "media"
    shutil.copytree(settings.MEDIA_ROOT, media_root)
    settings.MEDIA_ROOT = str(media_root)
    if original.vendor == "sqlite":
        name = str(tmp_path / "site.sqlite3")
        shutil.copyfile(site_template, name)
    else:
        name = f"hongke_test_site_{os.getpid()}_{secrets.token_hex(3)}"
        with _admin(original.settings_dict) as admin:
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{site_template}"')
    backend = load_backend(original.settings_dict["ENGINE"])
    wrapper = backend.DatabaseWrapper({**original.settings_dict, "NAME": name}, "default")
    connections["default"] = wrapper
    try:
        yield ScratchSite(wrapper, name, media_root)
    finally:
        wrapper.close()
        connections["default"] = original
        if original.vendor == "postgresql":
            with _admin(original.settings_dict) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
