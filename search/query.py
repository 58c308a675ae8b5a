"""Search over all content: one function serves the search page, the JSON API and tests.

The backend finds candidates (segmented words, any of them); we then rank them so that
titles count on every backend (SQLite's bm25 ignores field boosts) and items holding all
the words come first, apply tag and kind filters in the ORM (backends refuse tag lookups),
and compute the facets shown as tappable filters.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.utils.safestring import SafeString, mark_safe
from taggit.models import Tag
from wagtail.contrib.search_promotions.models import Query
from wagtail.search.utils import normalise_query_string

from core import allowance
from core.segment import query_words
from core.text import clean_param, fold_for_matching
from home.kinds import all_kinds, kind_by_content_type
from home.models import ContentPage, filter_by_tag, tags_by_use, with_listing_data
from search.candidates import database_candidates
from search.models import ZeroResultQuery

RESULTS_PER_PAGE = 10
# How many backend matches we rank and facet; enough for any human, bounded for speed.
MAX_CANDIDATES = 500
MAX_QUERY_LENGTH = 200
MAX_FILTERS = 5
TOP_TAGS = 12
# One address adds at most this many searches an hour to the editors' reports.
SEARCH_LOG_BUDGET = 20
SEARCH_LOG_WINDOW_SECONDS = 60 * 60
SEARCH_LOG_PREFIX = "hongke-search-log"


class BadSearchRequest(ValueError):
    """A parameter the caller can fix, with a message naming it."""


def kinds() -> dict[str, type[ContentPage]]:
    """Kind name → page model, in menu order (home.kinds)."""
    return {kind.name: kind.model for kind in all_kinds()}


@dataclass
class SearchRequest:
    query: str = ""
    types: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    page: int = 1

    @classmethod
    def from_params(cls, params, strict: bool = False) -> SearchRequest:
        """Read ``q``, ``type``, ``tag`` and ``page``; strict (the API) refuses junk, the page forgives it."""
        query = fold_for_matching(params.get("q", ""))[:MAX_QUERY_LENGTH].strip()
        known = kinds()
        types = []
        for value in params.getlist("type")[:MAX_FILTERS]:
            value = fold_for_matching(value).strip()
            if value in known and value not in types:
                types.append(value)
            elif value and strict:
                choices = ", ".join(known)
                raise BadSearchRequest(f"type: 未知类型“{value[:20]}”，可选 {choices}")
        tags = []
        for value in params.getlist("tag")[:MAX_FILTERS]:
            value = clean_param(value)
            if value and value not in tags:
                tags.append(value)
        raw_page = params.get("page", "1") or "1"
        try:
            page = int(raw_page)
            if page < 1:
                raise ValueError
        except ValueError:
            if strict:
                raise BadSearchRequest("page: 必须是正整数") from None
            page = 1
        return cls(query=query, types=types, tags=tags, page=page)

    @property
    def is_empty(self) -> bool:
        return not (self.query or self.tags or self.types)


@dataclass
class SearchOutcome:
    request: SearchRequest
    words: list[str]
    results: PaginatorPage | None
    count: int
    kind_counts: dict[str, int]
    top_tags: list[Tag]
    promoted_ids: set[int]
    capped: bool = False


def ranked_candidates(words: list[str]) -> tuple[list[int], bool]:
    """Backend matches for any word, re-ranked: all words in the title, then all words anywhere,
    then more words in the title, then the backend's own order."""
    hits = database_candidates(words, require_all=False, limit=MAX_CANDIDATES)
    if hits is None:  # Elasticsearch: Wagtail's search API is fast there
        live = ContentPage.objects.live().only("pk")
        hits = [page.pk for page in live.search(" ".join(words), operator="or")[:MAX_CANDIDATES]]
        with_all = (
            {page.pk for page in live.search(" ".join(words), operator="and")[:MAX_CANDIDATES]}
            if len(words) > 1
            else set(hits)
        )
    else:
        with_all = (
            set(database_candidates(words, require_all=True, limit=MAX_CANDIDATES))
            if len(words) > 1
            else set(hits)
        )
    capped = len(hits) == MAX_CANDIDATES
    titles = dict(ContentPage.objects.filter(pk__in=hits).values_list("pk", "title"))

    def rank(position_and_pk):
        position, pk = position_and_pk
        title = fold_for_matching(titles.get(pk, ""))
        in_title = sum(1 for word in words if word in title)
        return (in_title < len(words), pk not in with_all, -in_title, position)

    return [pk for _, pk in sorted(enumerate(hits), key=rank)], capped


def search_record(query: str) -> Query | None:
    """The editors' record of this search term, if it has one; looking never creates it."""
    if not query:
        return None
    return Query.objects.filter(query_string=normalise_query_string(query)).first()


def log_search(query: str, found: bool, client: str, record: Query | None = None) -> None:
    """Count the term for editors (搜索词, 无结果搜索词), within the client's hourly budget:
    searches beyond it are answered, not logged, so nobody fills the reports with junk."""
    # Counted in the database every worker shares, so three workers are not three budgets.
    if not allowance.spend(SEARCH_LOG_PREFIX, client, SEARCH_LOG_BUDGET, SEARCH_LOG_WINDOW_SECONDS):
        return
    (record or Query.get(query)).add_hit()  # the record already looked up, if there is one
    if not found:
        ZeroResultQuery.record(query)


def promoted_page_ids(query_record: Query | None) -> list[int]:
    """Pages editors promoted for this query in the admin (搜索推荐), in their order."""
    if query_record is None:
        return []
    picks = query_record.editors_picks.all().order_by("sort_order")
    return [pick.page_id for pick in picks if pick.page_id]


def run_search(request: SearchRequest, log_client: str | None = None) -> SearchOutcome:
    """Search; with ``log_client`` (the searcher's address) page 1 is logged for editors."""
    words = query_words(request.query)
    if request.is_empty or (request.query and not words and not request.tags):
        return SearchOutcome(request, words, None, 0, {}, [], set())

    visible = ContentPage.objects.visible()
    for tag in request.tags:
        visible = filter_by_tag(visible, tag)
    content_type_kinds = kind_by_content_type()

    capped = False
    promoted: list[int] = []
    query_record = search_record(request.query)
    if words:
        ranked, capped = ranked_candidates(words)
        promoted = promoted_page_ids(query_record)
        ranked = promoted + [pk for pk in ranked if pk not in promoted]
        rows = visible.filter(pk__in=ranked).values_list("pk", "content_type")
        kind_of = {pk: content_type_kinds.get(content_type) for pk, content_type in rows}
        ranked = [pk for pk in ranked if pk in kind_of]
    else:
        # Only filters: everything they select, newest first.
        rows = visible.order_by("-first_published_at", "-pk").values_list("pk", "content_type")
        kind_of = {pk: content_type_kinds.get(content_type) for pk, content_type in rows}
        ranked = list(kind_of)

    # Kind counts ignore the kind filter, so every kind stays tappable.
    kind_counts = {kind: 0 for kind in kinds()}
    for pk in ranked:
        if kind_of[pk] in kind_counts:
            kind_counts[kind_of[pk]] += 1
    if request.types:
        ranked = [pk for pk in ranked if kind_of[pk] in request.types]

    if log_client and request.query and request.page == 1:
        log_search(request.query, found=bool(ranked), client=log_client, record=query_record)

    paginator = Paginator(ranked, RESULTS_PER_PAGE)
    page = paginator.get_page(request.page)
    cards = with_listing_data(ContentPage.objects.filter(pk__in=list(page.object_list)))
    by_id = {card.pk: card for card in cards}
    page.object_list = [by_id[pk] for pk in page.object_list if pk in by_id]

    return SearchOutcome(
        request=request,
        words=words,
        results=page,
        count=len(ranked),
        kind_counts=kind_counts,
        top_tags=top_tags(ranked),
        promoted_ids=set(promoted),
        capped=capped,
    )


def top_tags(page_ids: list[int], limit: int = TOP_TAGS) -> list[Tag]:
    """The most common tags among the results, each with ``.uses``."""
    if not page_ids:
        return []
    return list(tags_by_use(page_ids[:MAX_CANDIDATES], limit))


def popular_tags(visible, limit: int = TOP_TAGS) -> list[Tag]:
    """Tags on the most live content: what to suggest when a search finds nothing."""
    return list(tags_by_use(visible, limit))


def recent_items(visible, limit: int = 5) -> list[ContentPage]:
    return list(with_listing_data(visible.order_by("-first_published_at", "-pk"))[:limit])


def highlight(text: str, words: list[str]) -> SafeString:
    """Escape ``text`` and wrap each occurrence of a query word in <mark> (case-insensitive)."""
    text = text or ""
    folded = fold_for_matching(text)
    spans: list[tuple[int, int]] = []
    # NFKC folding can change lengths; only highlight when positions still line up.
    if len(folded) == len(text):
        for word in sorted(set(words), key=len, reverse=True):
            start = folded.find(word)
            while start != -1:
                spans.append((start, start + len(word)))
                start = folded.find(word, start + len(word))
    spans.sort()
    pieces, position = [], 0
    for start, end in spans:
        if start < position:
            continue  # overlaps a longer word already marked
        pieces.append(html.escape(text[position:start]))
        pieces.append(f"<mark>{html.escape(text[start:end])}</mark>")
        position = end
    pieces.append(html.escape(text[position:]))
    return mark_safe("".join(pieces))  # every piece of user or editor text is escaped above
