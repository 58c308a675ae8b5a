"""What every benchmark shares: a scratch database, Django set up on it, the schema and static
files, bulk loading, the site skeleton, timed build steps, and the figures' context (database
version, machine, load).

A benchmark never touches the project's own data. SQLite runs in a new file in a temporary
directory; with a PostgreSQL ``DATABASE_URL`` a scratch database of the benchmark's own name
is created on that server and dropped at the end (unless the benchmark is asked to keep it).
"""

from __future__ import annotations

import contextlib
import math
import os
import platform
import shutil
import signal
import sys
import tempfile
import time
import traceback
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass
class BenchDatabase:
    """Where the benchmark's own data lives, and how to remove it afterwards."""

    vendor: str
    url: str
    temp_dir: Path
    name: str
    admin_conninfo: dict = field(default_factory=dict)

    def describe(self) -> str:
        if self.vendor == "postgresql":
            return f"PostgreSQL, scratch database {self.name!r}"
        return f"SQLite file {self.temp_dir / 'bench.sqlite3'}"


def pg_conninfo(url: str) -> dict:
    import dj_database_url

    parsed = dj_database_url.parse(url)
    info = {
        "dbname": parsed["NAME"],
        "user": parsed.get("USER"),
        "password": parsed.get("PASSWORD"),
        "host": parsed.get("HOST"),
        "port": parsed.get("PORT"),
    }
    return {key: value for key, value in info.items() if value}


def pg_admin(conninfo: dict, sql: str) -> None:
    """CREATE/DROP DATABASE cannot run in a transaction, hence a separate autocommit link."""
    import psycopg

    with psycopg.connect(**conninfo, autocommit=True) as connection:
        connection.execute(sql)


def prepare_environment(name: str) -> BenchDatabase:
    """Point Django at scratch storage before settings are read; the user's data is never used."""
    sys.path.insert(0, str(PROJECT_ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.setdefault("ALLOW_INSECURE_KEY", "1")
    os.environ["DEBUG"] = "0"  # measure what production runs
    # External services would share the user's indexes and cache: keep the run self-contained.
    os.environ.pop("ELASTICSEARCH_URL", None)
    os.environ.pop("REDIS_URL", None)
    temp_dir = Path(tempfile.mkdtemp(prefix="hongke-bench-"))
    os.environ["MEDIA_ROOT"] = str(temp_dir / "media")
    # With DEBUG off templates need the hashed static files: collect them here (collect_static).
    os.environ["STATIC_ROOT"] = str(temp_dir / "static")

    try:
        database = choose_database(os.environ.get("DATABASE_URL", ""), temp_dir, name)
    except BaseException:
        shutil.rmtree(temp_dir, ignore_errors=True)
        raise
    os.environ["DATABASE_URL"] = database.url
    return database


def choose_database(user_url: str, temp_dir: Path, name: str) -> BenchDatabase:
    """A scratch PostgreSQL database next to the user's, or a new SQLite file."""
    scheme = urlsplit(user_url).scheme
    if scheme.startswith("postgres"):
        conninfo = pg_conninfo(user_url)
        if conninfo.get("dbname") == name:
            raise SystemExit(f"DATABASE_URL already names {name!r}; point it at another database.")
        pg_admin(conninfo, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        pg_admin(conninfo, f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
        bench_url = urlsplit(user_url)._replace(path=f"/{name}").geturl()
        return BenchDatabase("postgresql", bench_url, temp_dir, name, conninfo)
    if user_url and not scheme.startswith("sqlite"):
        raise SystemExit(f"Unsupported DATABASE_URL scheme {scheme!r}: use PostgreSQL or none.")
    return BenchDatabase("sqlite", f"sqlite:///{temp_dir / 'bench.sqlite3'}", temp_dir, name)


def run_benchmark(
    name: str, build: Callable[[], object], measure: Callable[[object], bool], keep: bool
) -> int:
    """A benchmark's life: scratch database, Django, ``build()``, ``measure(built)``, clean-up.

    Exit status: 0 when ``measure`` says every target was met, 2 when one was not, 1 when
    the database or the build failed.
    """
    # A plain kill would skip the clean-up below and leave the scratch database behind.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        database = prepare_environment(name)
    except Exception as error:
        print(f"cannot prepare the benchmark database: {error}", file=sys.stderr)
        return 1

    import django

    django.setup()
    print(f"database: {database.describe()}", flush=True)
    try:
        try:
            built = build()
        except Exception:
            traceback.print_exc()
            print("BUILD FAILED", file=sys.stderr)
            return 1
        met = measure(built)
    finally:
        clean_up(database, keep)
    return 0 if met else 2


def setup_django_without_database() -> None:
    """Django with the project's settings, for a benchmark that stores nothing (transcoding)."""
    sys.path.insert(0, str(PROJECT_ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def migrate_scratch(demo: bool = False) -> None:
    """The schema in the scratch database (with ``demo`` the demo content too) and the static
    files that templates rendered with DEBUG off need."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if demo:
        call_command("load_demo", verbosity=0)
    collect_static()


def analyze() -> None:
    """A running site's autovacuum / ANALYZE would long have gathered statistics."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


class BuildSteps:
    """Seconds of each build step, printed as it ends: ``step(name, started)``."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def __call__(self, name: str, started: float) -> None:
        self.seconds[name] = time.perf_counter() - started
        print(f"{name}: {self.seconds[name]:.1f} s", flush=True)


def database_version() -> str:
    """``SQLite 3.45.1`` or ``PostgreSQL 16.4``: the figures depend on it."""
    from django.db import connection

    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    version = connection.pg_version
    return f"PostgreSQL {version // 10000}.{version % 10000}"


def machine() -> str:
    return f"{os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}"


def load_average() -> str:
    """The 1, 5 and 15 minute load: other work on a small machine skews every figure."""
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def collect_static() -> None:
    """Hashed static files for templates rendered with DEBUG off, in the scratch directory."""
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


def clean_up(database: BenchDatabase, keep: bool) -> None:
    from django.db import connections

    connections.close_all()
    if keep:
        print(f"kept: {database.describe()}; media in {database.temp_dir}")
        return
    if database.vendor == "postgresql":
        pg_admin(database.admin_conninfo, f'DROP DATABASE IF EXISTS "{database.name}" WITH (FORCE)')
    shutil.rmtree(database.temp_dir, ignore_errors=True)


@contextlib.contextmanager
def bulk_loading() -> Iterator[None]:
    """Skip per-save search indexing and reference tracking while loading.

    Each save would otherwise index the page on its own (segmenting its text and writing
    the index row); one ``update_index`` at the end does the same work in bulk. Search
    never reads the reference index, so it is left empty for the generated pages.
    """
    from django.db.models.signals import post_save
    from modelsearch.index import get_indexed_models
    from modelsearch.signal_handlers import post_save_signal_handler
    from wagtail.signal_handlers import disable_reference_index_auto_update

    models = [m for m in get_indexed_models() if getattr(m, "search_auto_update", True)]
    for model in models:
        post_save.disconnect(post_save_signal_handler, sender=model)
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        for model in models:
            post_save.connect(post_save_signal_handler, sender=model)


def build_skeleton() -> dict:
    """HomePage as the default site's root, with the four section index pages under it."""
    from wagtail.models import Page, Site

    from demo.content import INDEXES
    from events.models import EventIndexPage
    from exhibits.models import ExhibitIndexPage
    from home.models import HomePage
    from lectures.models import LectureIndexPage
    from stories.models import StoryIndexPage

    for page in Page.get_first_root_node().get_children():
        page.delete()  # Wagtail's welcome page; its Site goes with it
    root = Page.get_first_root_node()  # fresh numchild after the delete
    home = root.add_child(instance=HomePage(title="红课", slug="home", intro="红色文化学习平台"))
    Site.objects.create(
        hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="红课"
    )
    index_models = {
        "lectures": LectureIndexPage,
        "sites": ExhibitIndexPage,
        "stories": StoryIndexPage,
        "events": EventIndexPage,
    }
    return {
        key: home.add_child(
            instance=model(
                title=INDEXES[key]["title"], slug=INDEXES[key]["slug"], intro=INDEXES[key]["intro"]
            )
        )
        for key, model in index_models.items()
    }


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile: an actual observed latency, no interpolation."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def pad(text: str, width: int) -> str:
    """Left-align in a terminal column: Chinese characters take two cells."""
    cells = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - cells)
