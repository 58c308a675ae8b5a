"""Search backends that segment Chinese queries before the stock backends see them.

Settings name ``search.backends.database`` (SQLite FTS5 or PostgreSQL, chosen by the
database in use) or ``search.backends.elasticsearch``. Every query that reaches a backend
— our search page, the JSON API, Wagtail's admin and API v2 — goes through
``core.segment``; the indexed text is segmented by the models' search fields.
"""

from modelsearch.query import MATCH_NONE

from core.segment import segment_query


class SegmentingBackendMixin:
    """Turns a plain string query into segmented words; query objects pass through."""

    def _segmented(self, query):
        if isinstance(query, str):
            words = segment_query(query)
            return words if words else MATCH_NONE
        return query

    def search(self, query, model_or_queryset, *args, **kwargs):
        return super().search(self._segmented(query), model_or_queryset, *args, **kwargs)

    def autocomplete(self, query, model_or_queryset, *args, **kwargs):
        return super().autocomplete(self._segmented(query), model_or_queryset, *args, **kwargs)
