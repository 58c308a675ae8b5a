"""Fast candidate retrieval on the database backends, with titles weighted.

Wagtail's database backend orders by relevance with a correlated subquery per match
(SQLite: quadratic in the number of matches; 10,000 pages and a common word take
seconds), and on PostgreSQL it filters on ``title || body``, which no index serves. Here
we ask the full-text index directly: one indexed query that ranks with title weight and
stops at ``limit``. Other backends (Elasticsearch) return None and the caller uses
Wagtail's search API, which is fast there.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from wagtail.search.backends import get_search_backend

from home.kinds import content_models
from home.models import ContentPage

# How much more a word in the title counts than the same word in the body.
TITLE_WEIGHT = 5.0


def content_type_ids() -> list[int]:
    models = [ContentPage, *content_models()]
    return [ContentType.objects.get_for_model(model).pk for model in models]


def _quoted(words: list[str], quote: str) -> list[str]:
    # Words come from core.segment (letters and digits only); quoting is belt and braces.
    return [quote + word.replace(quote, quote * 2) + quote for word in words]


def sqlite_candidates(words: list[str], require_all: bool, limit: int) -> list[int]:
    from wagtail.search.models import IndexEntry, SQLiteFTSIndexEntry

    fts = SQLiteFTSIndexEntry._meta.db_table
    entries = IndexEntry._meta.db_table
    operator = " AND " if require_all else " OR "
    match = "{title body} : (" + operator.join(_quoted(words, '"')) + ")"
    types = content_type_ids()
    # bm25 weights follow the FTS5 column order: autocomplete, body, title.
    sql = (
        f"SELECT e.object_id FROM {fts} JOIN {entries} e ON e.id = {fts}.rowid "
        f"WHERE {fts} MATCH %s AND e.content_type_id IN ({', '.join(['%s'] * len(types))}) "
        f"ORDER BY bm25({fts}, 0.0, 1.0, %s) LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [match, *types, TITLE_WEIGHT, limit])
        return [int(row[0]) for row in cursor.fetchall()]


def postgres_candidates(
    words: list[str], require_all: bool, config: str | None, limit: int
) -> list[int]:
    from wagtail.search.models import IndexEntry

    entries = IndexEntry._meta.db_table
    operator = " & " if require_all else " | "
    tsquery = operator.join(_quoted(words, "'"))
    config_sql = "%s::regconfig, " if config else ""
    config_args = [config] if config else []
    types = content_type_ids()
    # Two separate conditions so each GIN index (title, body) can serve its half.
    sql = (
        f"WITH q AS (SELECT to_tsquery({config_sql}%s) AS query) "
        f"SELECT e.object_id FROM {entries} e, q "
        f"WHERE e.content_type_id IN ({', '.join(['%s'] * len(types))}) "
        f"AND (e.title @@ q.query OR e.body @@ q.query) "
        f"ORDER BY ts_rank(e.title, q.query) * %s + ts_rank(e.body, q.query) DESC, e.id DESC LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*config_args, tsquery, *types, TITLE_WEIGHT, limit])
        return [int(row[0]) for row in cursor.fetchall()]


def database_candidates(words: list[str], require_all: bool, limit: int) -> list[int] | None:
    """Page ids matching the words, best first; None when not on a database backend."""
    if not words:
        return []
    backend = get_search_backend()
    class_names = {cls.__name__ for cls in type(backend).__mro__}
    if "SQLiteSearchBackend" in class_names:
        return sqlite_candidates(words, require_all, limit)
    if "PostgresSearchBackend" in class_names:
        return postgres_candidates(words, require_all, getattr(backend, "config", None), limit)
    return None
