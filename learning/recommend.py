"""为你推荐: a member's reading list, ranked from their own learning history.

Two layers, so the rules can be read, tested and benchmarked on their own:

* ``rank_items`` is pure: plain data in (history, catalogue, co-study counts, branch
  counts, dismissals), picks out. Every rule lives there.
* ``reading_list`` loads that data (a few small indexed queries per member; what does not
  depend on the member is shared and cached) and attaches the pages to the picks.

Rules, in order of precedence: never a completed or dismissed item, nor an event that has
started; at most ``TOPIC_CAP`` items per topic; one exploration item (拓展视野) from a topic
the member has never touched, when the catalogue has one; every item has a reason; when the
catalogue cannot fill the list under these rules, the list is shorter.

Cold start (no history): branch favourites, editors' featured items and new items, under
the same topic cap. Every topic is untouched then, so every item satisfies the exploration
rule; none is labelled 拓展视野, because there is nothing yet to widen and the real reason
(编辑推荐, 新上线, 本支部同学在学) tells the member more.
"""

from __future__ import annotations

import math
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from assignments.models import Assignment
from home.kinds import kind_by_content_type
from home.models import ContentPage, ContentPageTag, HomePageFeaturedItem
from learning.event_log import as_page_id
from learning.models import Dismissal, LearningRecord
from members.models import MemberProfile

DEFAULT_LIMIT = 10
# How many items the home page shows before "查看全部推荐".
HOME_LIMIT = 4

# --- How much one record says about the member's interests -------------------------------
# A record's weight halves for every HALF_LIFE_DAYS since it was last studied.
HALF_LIFE_DAYS = 14.0
# Opening a page is a weak signal...
GLANCE_WEIGHT = 0.2
# ...time spent adds up to TIME_WEIGHT, reached after FULL_ATTENTION_SECONDS...
TIME_WEIGHT = 1.0
FULL_ATTENTION_SECONDS = 600
# ...media played adds up to PROGRESS_WEIGHT (at 100 %), and finishing adds COMPLETED_WEIGHT.
PROGRESS_WEIGHT = 0.5
COMPLETED_WEIGHT = 1.0

# --- What an item's score is made of (each signal is scaled to 0..1 first) ---------------
CONTINUE_WEIGHT = 4.0  # started, not finished: 继续学习
CO_STUDY_WEIGHT = 3.0  # members who studied what you studied also studied this
TOPIC_WEIGHT = 3.0  # its topic is one you study
TAG_WEIGHT = 1.5  # one of its tags is one you study (rare tags count more)
BRANCH_WEIGHT = 1.0  # members of your branch study it now
FEATURED_WEIGHT = 1.0  # editors feature it on the home page
FRESHNESS_WEIGHT = 1.0  # newly published; halves every FRESHNESS_HALF_LIFE_DAYS
FRESHNESS_HALF_LIFE_DAYS = 30.0
# 新上线 is only given as a reason within this many days of first publication.
NEW_WITHIN_DAYS = 30
# Only the member's strongest tags count (bounds the work per request).
TAG_INTEREST_CAP = 8

# --- Shape of the list --------------------------------------------------------------------
TOPIC_CAP = 3  # at most this many items share a topic
CONTINUE_CAP = 3  # beyond this many 继续学习, others first: the list keeps room for new things
# Each item of a kind already in the list multiplies the next one's score by this, so the
# list mixes lectures, sites, stories and events when scores are close.
KIND_DAMPING = 0.85
# Where the exploration item goes (0-based): within the home page's first four.
EXPLORATION_SLOT = 3

# --- Bounds on the work done per request, and what is shared between members -------------
SEED_RECORDS = 10  # co-study starts from the member's most recent records only
NEIGHBOUR_CAP = 100  # per seed page: the members who studied it most recently
CO_STUDY_PER_SEED = 30  # per seed page: the items most often studied after it
CO_STUDY_MIN_MEMBERS = 2  # a pair seen once is noise, and would point at one member
CO_STUDY_CACHE_SECONDS = 60 * 60  # "studied X and Y" moves slowly: a seed is queried hourly
BRANCH_WINDOW_DAYS = 30  # 本支部同学在学 means studied within this many days
BRANCH_MIN_MEMBERS = 2  # never point at what a single branch member studies
BRANCH_CAP = 50  # branch favourites kept
BRANCH_CACHE_SECONDS = 10 * 60
# The catalogue (live, public pages with topic, tags, kind) is built once per process and
# kept until a page is published, unpublished, moved or deleted, or this many seconds pass.
CATALOGUE_SECONDS = 5 * 60
# Bounds what a process keeps per seed page and per branch, whatever happens.
MEMO_MAX_ENTRIES = 50_000

CACHE_PREFIX = "reading-list"


# ============================ Plain data for the pure ranking =============================


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One of the member's learning records, with the page's topic and tags."""

    page_id: int
    title: str
    topic: str
    last_seen_at: datetime
    total_seconds: int = 0
    best_progress: float = 0.0
    completed: bool = False
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Candidate:
    """A live, public page that could be recommended."""

    page_id: int
    topic: str
    kind: str
    published_at: datetime | None
    tags: tuple[str, ...] = ()
    starts_at: datetime | None = None  # events only
    featured_rank: int | None = None  # position among the home page's featured items


@dataclass(frozen=True, slots=True)
class CoStudy:
    """``together`` members studied both ``seed`` (which the member studied) and ``item``."""

    seed: int
    item: int
    together: int


@dataclass(frozen=True, slots=True)
class Pick:
    page_id: int
    reason: str
    score: float


class Catalogue:
    """Candidates with the indexes ranking needs; built once, shared by every member."""

    def __init__(self, candidates: Iterable[Candidate]) -> None:
        # Newest first: the order of "freshness", and of the fallback for exploration.
        self.candidates = sorted(
            candidates,
            key=lambda c: (c.published_at.timestamp() if c.published_at else 0.0, c.page_id),
            reverse=True,
        )
        self.by_id = {candidate.page_id: candidate for candidate in self.candidates}
        self.by_topic: dict[str, list[Candidate]] = defaultdict(list)
        self.by_tag: dict[str, list[Candidate]] = defaultdict(list)
        for candidate in self.candidates:
            self.by_topic[candidate.topic].append(candidate)
            for tag in set(candidate.tags):
                self.by_tag[tag].append(candidate)
        self.featured = [c for c in self.candidates if c.featured_rank is not None]
        # A tag on most of the catalogue (党史学习) says little: weigh tags by rarity.
        size = max(len(self.candidates), 1)
        self.rarity = {
            tag: math.log(1 + size / len(pages)) for tag, pages in self.by_tag.items() if pages
        }

    def __len__(self) -> int:
        return len(self.candidates)


# ================================= The pure ranking ======================================


def decay(age: timedelta, half_life_days: float) -> float:
    days = max(age.total_seconds(), 0.0) / 86400
    return 0.5 ** (days / half_life_days)


def record_weight(entry: HistoryEntry, now: datetime) -> float:
    """How much one record tells about current interests: engagement, decayed by age."""
    engagement = (
        GLANCE_WEIGHT
        + TIME_WEIGHT * min(entry.total_seconds / FULL_ATTENTION_SECONDS, 1.0)
        + PROGRESS_WEIGHT * min(max(entry.best_progress, 0.0), 1.0)
        + (COMPLETED_WEIGHT if entry.completed else 0.0)
    )
    return engagement * decay(now - entry.last_seen_at, HALF_LIFE_DAYS)


def freshness(candidate: Candidate, now: datetime) -> float:
    if candidate.published_at is None:
        return 0.0
    return FRESHNESS_WEIGHT * decay(now - candidate.published_at, FRESHNESS_HALF_LIFE_DAYS)


def is_started_event(candidate: Candidate, now: datetime) -> bool:
    return candidate.starts_at is not None and candidate.starts_at <= now


@dataclass(slots=True)
class _Scored:
    candidate: Candidate
    score: float
    reason: tuple[str, str]  # (key, argument); an empty key: nothing honest to say


def _order_key(item: _Scored) -> tuple:
    published = item.candidate.published_at
    return (-item.score, -(published.timestamp() if published else 0.0), -item.candidate.page_id)


class _Scores:
    """Sums each candidate's contributions and remembers its strongest honest reason."""

    def __init__(self) -> None:
        self.total: dict[int, float] = defaultdict(float)
        self.reason: dict[int, tuple[float, str, str]] = {}  # (contribution, key, argument)

    def add(self, page_id: int, value: float, key: str = "", argument: str = "") -> None:
        self.total[page_id] += value
        if key and value > 0 and value > self.reason.get(page_id, (0.0, "", ""))[0]:
            self.reason[page_id] = (value, key, argument)


def rank_items(
    history: Sequence[HistoryEntry],
    catalogue: Catalogue | Sequence[Candidate],
    *,
    now: datetime,
    co_studied: Iterable[CoStudy] = (),
    branch_counts: Mapping[int, int] | None = None,
    dismissed: Set[int] = frozenset(),
    limit: int = DEFAULT_LIMIT,
) -> list[Pick]:
    """Choose and order up to ``limit`` items; pure, so a benchmark can call it directly.

    Only candidates with a signal are scored (the member's topics and strongest tags,
    co-study, branch, featured, new), so the work follows the member, not the catalogue.
    """
    if limit <= 0:
        return []
    if not isinstance(catalogue, Catalogue):
        catalogue = Catalogue(catalogue)
    branch_counts = branch_counts or {}
    by_id = {entry.page_id: entry for entry in history}
    weights = {entry.page_id: record_weight(entry, now) for entry in history}
    completed = {entry.page_id for entry in history if entry.completed}
    touched_topics = {entry.topic for entry in history}
    scores = _Scores()

    # 继续学习: started, not finished; recent and advanced ones first.
    for entry in history:
        if not entry.completed and entry.page_id in catalogue.by_id:
            # A glance counts a quarter; half-watched or ten minutes' reading, all of it.
            progress = max(entry.best_progress * 2, entry.total_seconds / FULL_ATTENTION_SECONDS)
            value = decay(now - entry.last_seen_at, HALF_LIFE_DAYS)
            scores.add(entry.page_id, CONTINUE_WEIGHT * value * (0.25 + 0.75 * min(progress, 1.0)))

    # Members who studied the member's recent items also studied these.
    # (Sorted, so ties go to the most recently studied seed whatever order the pairs came in.)
    newest_first = sorted(history, key=lambda entry: entry.last_seen_at, reverse=True)
    recency = {entry.page_id: position for position, entry in enumerate(newest_first)}
    co_score: dict[int, float] = defaultdict(float)
    co_seed: dict[int, tuple[float, int]] = {}
    pairs = [pair for pair in co_studied if pair.seed in weights]
    for pair in sorted(pairs, key=lambda pair: (recency[pair.seed], pair.item)):
        if pair.item in catalogue.by_id:
            value = math.log1p(pair.together) * weights[pair.seed]
            co_score[pair.item] += value
            if value > co_seed.get(pair.item, (0.0, 0))[0]:
                co_seed[pair.item] = (value, pair.seed)
    max_co = max(co_score.values(), default=0.0)
    for page_id, value in co_score.items():
        if value > 0:
            seed_title = by_id[co_seed[page_id][1]].title
            scores.add(page_id, CO_STUDY_WEIGHT * value / max_co, "co", seed_title)

    # Interests: decayed engagement per topic, and per tag weighed by the tag's rarity.
    topic_affinity: dict[str, float] = defaultdict(float)
    tag_affinity: dict[str, float] = defaultdict(float)
    for entry in history:
        topic_affinity[entry.topic] += weights[entry.page_id]
        for tag in entry.tags:
            tag_affinity[tag] += weights[entry.page_id] * catalogue.rarity.get(tag, 0.0)
    max_topic = max(topic_affinity.values(), default=0.0)
    for topic, value in topic_affinity.items():
        if value > 0:
            for candidate in catalogue.by_topic.get(topic, ()):
                scores.add(candidate.page_id, TOPIC_WEIGHT * value / max_topic, "topic", topic)
    strongest_tags = sorted(tag_affinity.items(), key=lambda item: -item[1])[:TAG_INTEREST_CAP]
    max_tag = strongest_tags[0][1] if strongest_tags else 0.0
    best_tag: dict[int, tuple[float, str]] = {}
    for tag, value in strongest_tags:
        if value > 0:
            for candidate in catalogue.by_tag.get(tag, ()):
                if value > best_tag.get(candidate.page_id, (0.0, ""))[0]:
                    best_tag[candidate.page_id] = (value, tag)
    for page_id, (value, tag) in best_tag.items():
        scores.add(page_id, TAG_WEIGHT * value / max_tag, "topic", tag)

    max_branch = max(branch_counts.values(), default=0)
    for page_id, members in branch_counts.items():
        if page_id in catalogue.by_id and members > 0:
            scores.add(page_id, BRANCH_WEIGHT * members / max_branch, "branch")
    for candidate in catalogue.featured:
        scores.add(
            candidate.page_id, FEATURED_WEIGHT * (1 - 0.05 * candidate.featured_rank), "featured"
        )

    # Freshness: a small score for everything scored so far, and a reason (新上线) for
    # what was published lately; older items without another signal have nothing to say.
    new_since = now - timedelta(days=NEW_WITHIN_DAYS)
    for candidate in catalogue.candidates:
        if candidate.published_at is None or candidate.published_at < new_since:
            break
        scores.add(candidate.page_id, freshness(candidate, now), "new")
    for page_id in list(scores.total):
        candidate = catalogue.by_id[page_id]
        if candidate.published_at is not None and candidate.published_at < new_since:
            scores.add(page_id, freshness(candidate, now))

    def excluded(candidate: Candidate) -> bool:
        page_id = candidate.page_id
        return page_id in completed or page_id in dismissed or is_started_event(candidate, now)

    scored = []
    for page_id, total in scores.total.items():
        candidate = catalogue.by_id[page_id]
        if excluded(candidate):
            continue
        if page_id in by_id:
            reason = ("continue", "")
        else:
            reason = scores.reason.get(page_id, (0.0, "", ""))[1:]
        scored.append(_Scored(candidate, total, reason))

    exploration = None
    if history:
        untouched = [item for item in scored if item.candidate.topic not in touched_topics]
        exploration = min(untouched, key=_order_key, default=None)
        if exploration is None:
            # Nothing with a signal in an untouched topic: the newest such item will do.
            fallback = next(
                (
                    candidate
                    for candidate in catalogue.candidates
                    if candidate.topic not in touched_topics and not excluded(candidate)
                ),
                None,
            )
            if fallback is not None:
                exploration = _Scored(fallback, freshness(fallback, now), ("", ""))
    return select(scored, exploration, limit)


def reason_text(key: str, argument: str) -> str:
    """The short Chinese reason shown on the card."""
    if key == "continue":
        return _("继续学习")
    if key == "co":
        return _("因为你学习了《%(title)s》") % {"title": argument}
    if key == "topic":
        return _("与你关注的「%(topic)s」相关") % {"topic": argument}
    if key == "branch":
        return _("本支部同学在学")
    if key == "featured":
        return _("编辑推荐")
    if key == "new":
        return _("新上线")
    if key == "explore":
        return _("拓展视野")
    return ""


def select(scored: list[_Scored], exploration: _Scored | None, limit: int) -> list[Pick]:
    """Apply the list rules to eligible, scored items: exploration slot, topic cap, reasons.

    Two softer preferences shape the rest: kinds mix (KIND_DAMPING), and beyond
    CONTINUE_CAP items to continue come only when nothing else is left to fill the list.
    """
    per_topic: Counter[str] = Counter()
    per_kind: Counter[str] = Counter()
    if exploration is not None:
        per_topic[exploration.candidate.topic] += 1
        per_kind[exploration.candidate.kind] += 1
    slots = limit - (1 if exploration is not None else 0)

    remaining = sorted(
        (item for item in scored if item.reason[0] and item is not exploration), key=_order_key
    )
    deferred: list[_Scored] = []  # more to continue than CONTINUE_CAP, kept for last
    continuing = 0
    chosen: list[_Scored] = []
    while len(chosen) < slots and (remaining or deferred):
        if not remaining:
            remaining, deferred = deferred, []
        # Lazy greedy: damping only lowers scores, so once a raw score is below the best
        # damped one so far, nothing further down the sorted list can win.
        best_index, best_value = -1, -1.0
        for index, item in enumerate(remaining):
            if item.score <= best_value:
                break
            value = item.score * KIND_DAMPING ** per_kind[item.candidate.kind]
            if value > best_value:
                best_index, best_value = index, value
        item = remaining.pop(best_index)
        chosen.append(item)
        topic = item.candidate.topic
        per_topic[topic] += 1
        per_kind[item.candidate.kind] += 1
        if per_topic[topic] >= TOPIC_CAP:
            remaining = [other for other in remaining if other.candidate.topic != topic]
            deferred = [other for other in deferred if other.candidate.topic != topic]
        if item.reason[0] == "continue":
            continuing += 1
            if continuing == CONTINUE_CAP:
                deferred = [other for other in remaining if other.reason[0] == "continue"]
                remaining = [other for other in remaining if other.reason[0] != "continue"]

    picks = [
        Pick(item.candidate.page_id, reason_text(*item.reason), round(item.score, 4))
        for item in chosen
    ]
    if exploration is not None:
        picks.insert(
            min(EXPLORATION_SLOT, len(picks)),
            Pick(
                exploration.candidate.page_id,
                reason_text("explore", ""),
                round(exploration.score, 4),
            ),
        )
    return picks


# ====================== Shared data: catalogue, co-study, branches ======================
#
# None of it depends on the member, so each process keeps it in memory (no pickling, no
# cache size limit): the catalogue for CATALOGUE_SECONDS, co-study per seed page and
# favourites per branch for their own times. A token in the shared cache ties them together:
# publishing, unpublishing, moving, deleting or restricting a page replaces the token, and
# every process starts afresh (so do tests, which clear the cache).


SHARED_TOKEN_KEY = f"{CACHE_PREFIX}:shared-token"


class SharedData:
    """This process's copy of what every member's list is built from."""

    def __init__(self, token: str | None = None) -> None:
        self.token = token
        self.catalogue: Catalogue | None = None
        self.catalogue_built_at = 0.0
        self.co_study: dict[int, tuple[float, tuple[tuple[int, int], ...]]] = {}
        self.branches: dict[int, tuple[float, dict[int, int]]] = {}

    def catalogue_of(self, visible=None, *, fresh: bool = False) -> Catalogue:
        """The catalogue, rebuilt (two queries) when missing, old, or ``fresh`` is asked for."""
        young = time.monotonic() - self.catalogue_built_at < CATALOGUE_SECONDS
        if fresh or self.catalogue is None or not young:
            self.catalogue = load_catalogue(visible if visible is not None else ContentPage.objects.visible())
            self.catalogue_built_at = time.monotonic()
        return self.catalogue

    def co_studied_with(self, seeds: Sequence[int]) -> list[CoStudy]:
        """Members who studied X also studied Y, for each seed X.

        Kept per seed for CO_STUDY_CACHE_SECONDS; the seeds not known yet are computed
        together in one query (about 3 ms a seed on PostgreSQL, from the index alone).
        """
        now = time.monotonic()
        pairs, missing = [], []
        for seed in seeds:
            known = self.co_study.get(seed)
            if known is not None and known[0] > now:
                pairs.extend(CoStudy(seed, item, together) for item, together in known[1])
            else:
                missing.append(seed)
        if missing:
            found: dict[int, list[tuple[int, int]]] = {seed: [] for seed in missing}
            for seed, item, together in query_co_studied(missing):
                found[seed].append((item, together))
                pairs.append(CoStudy(seed, item, together))
            if len(self.co_study) > MEMO_MAX_ENTRIES:
                self.co_study.clear()
            for seed, items in found.items():
                self.co_study[seed] = (now + CO_STUDY_CACHE_SECONDS, tuple(items))
        return pairs

    def branch_favourites(self, branch_id: int | None, now: datetime) -> dict[int, int]:
        """What a branch studied lately, page -> members (never who); kept per branch."""
        if branch_id is None:
            return {}
        clock = time.monotonic()
        known = self.branches.get(branch_id)
        if known is not None and known[0] > clock:
            return known[1]
        favourites = query_branch_favourites(branch_id, now)
        if len(self.branches) > MEMO_MAX_ENTRIES:
            self.branches.clear()
        self.branches[branch_id] = (clock + BRANCH_CACHE_SECONDS, favourites)
        return favourites


_shared = SharedData()


def current_shared() -> SharedData:
    """This process's shared data; started afresh when the shared token has changed."""
    global _shared
    token = cache.get(SHARED_TOKEN_KEY)
    if token is None:
        cache.add(SHARED_TOKEN_KEY, uuid.uuid4().hex, None)
        token = cache.get(SHARED_TOKEN_KEY)
    if _shared.token != token:
        _shared = SharedData(token)
    return _shared


def forget_shared(**kwargs) -> None:
    """Signal handler: the catalogue changed, so every process rebuilds what it keeps."""
    cache.set(SHARED_TOKEN_KEY, uuid.uuid4().hex, None)


for _signal in (page_published, page_unpublished, post_page_move):
    _signal.connect(forget_shared, dispatch_uid=f"reading-list-shared-{id(_signal)}")
post_delete.connect(forget_shared, sender=Page, dispatch_uid="reading-list-shared-delete")
for _signal in (post_save, post_delete):
    _signal.connect(
        forget_shared,
        sender=PageViewRestriction,
        dispatch_uid=f"reading-list-shared-restriction-{id(_signal)}",
    )


def load_catalogue(visible) -> Catalogue:
    """Every live, public page with topic, kind, tags, event start and featured position."""
    featured_order = (
        HomePageFeaturedItem.objects.filter(page_id=OuterRef("pk"))
        .order_by("sort_order")
        .values(order=Coalesce("sort_order", 0))[:1]
    )
    rows = list(
        visible.annotate(
            starts_at=F("forumeventpage__starts_at"),
            featured_order=Subquery(featured_order),
        ).values_list(
            "pk", "topic", "content_type_id", "first_published_at", "starts_at", "featured_order"
        )
    )
    tags: dict[int, list[str]] = defaultdict(list)
    tag_rows = ContentPageTag.objects.filter(content_object__in=visible.values("pk"))
    for page_id, name in tag_rows.values_list("content_object_id", "tag__name"):
        tags[page_id].append(name)
    featured = sorted((order, pk) for pk, *_rest, order in rows if order is not None)
    featured_rank = {pk: rank for rank, (_order, pk) in enumerate(featured)}
    kinds = kind_by_content_type()
    return Catalogue(
        Candidate(
            page_id=pk,
            topic=topic,
            kind=kinds.get(content_type, ""),
            published_at=published,
            # The topic first, as cards show it.
            tags=tuple(sorted(tags.get(pk, ()), key=lambda name, topic=topic: name != topic)),
            starts_at=starts_at,
            featured_rank=featured_rank.get(pk),
        )
        for pk, topic, content_type, published, starts_at, _order in rows
    )


def query_co_studied(seeds: Sequence[int]) -> list[tuple[int, int, int]]:
    """(seed, item, members) in one aggregate: per seed, its NEIGHBOUR_CAP most recent
    members, every other item they studied, the CO_STUDY_PER_SEED most shared.

    The join reads only (member, page), which the one-record-per-member-and-page index
    holds, so PostgreSQL answers it from the index without touching the table.
    """
    table = connection.ops.quote_name(LearningRecord._meta.db_table)
    placeholders = ", ".join(["%s"] * len(seeds))
    sql = f"""
        WITH seed_members AS (
            SELECT seed, member_id FROM (
                SELECT page_id AS seed, member_id,
                       ROW_NUMBER() OVER (
                           PARTITION BY page_id ORDER BY last_seen_at DESC, member_id
                       ) AS position
                FROM {table} WHERE page_id IN ({placeholders})
            ) AS recent WHERE position <= %s
        ),
        pairs AS (
            SELECT s.seed, r.page_id AS item, COUNT(*) AS together,
                   ROW_NUMBER() OVER (
                       PARTITION BY s.seed ORDER BY COUNT(*) DESC, r.page_id
                   ) AS position
            FROM seed_members s
            JOIN {table} r ON r.member_id = s.member_id AND r.page_id <> s.seed
            GROUP BY s.seed, r.page_id
            HAVING COUNT(*) >= %s
        )
        SELECT seed, item, together FROM pairs WHERE position <= %s
    """  # Only the table name and the placeholders are formatted in.
    params = [*seeds, NEIGHBOUR_CAP, CO_STUDY_MIN_MEMBERS, CO_STUDY_PER_SEED]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(int(seed), int(item), int(together)) for seed, item, together in cursor]


def query_branch_favourites(branch_id: int, now: datetime) -> dict[int, int]:
    """Pages at least BRANCH_MIN_MEMBERS of the branch studied lately, most studied first."""
    rows = (
        LearningRecord.objects.filter(
            member__member_profile__branch_id=branch_id,
            last_seen_at__gte=now - timedelta(days=BRANCH_WINDOW_DAYS),
        )
        .values("page_id")
        .annotate(members=Count("pk"), latest=Max("last_seen_at"))
        .filter(members__gte=BRANCH_MIN_MEMBERS)
        .order_by("-members", "-latest", "page_id")
        .values_list("page_id", "members")[:BRANCH_CAP]
    )
    return dict(rows)


# ============================ Loading the data for one member ============================


@dataclass
class MemberData:
    """What ``rank_items`` needs about one member besides the shared catalogue."""

    history: list[HistoryEntry]
    dismissed: set[int]
    co_studied: list[CoStudy]
    branch_counts: dict[int, int]


def load_member(member_id: int, shared: SharedData, now: datetime) -> MemberData:
    """History, dismissals, branch: three small indexed queries; co-study mostly kept."""
    catalogue = shared.catalogue_of()
    rows = LearningRecord.objects.filter(member_id=member_id).order_by("-last_seen_at", "-pk")
    history = [
        HistoryEntry(
            page_id=page_id,
            title=title,
            topic=topic,
            last_seen_at=last_seen,
            total_seconds=seconds,
            best_progress=progress,
            completed=completed_at is not None,
            tags=catalogue.by_id[page_id].tags if page_id in catalogue.by_id else (topic,),
        )
        for page_id, title, topic, last_seen, seconds, progress, completed_at in rows.values_list(
            "page_id",
            "page__title",
            "page__topic",
            "last_seen_at",
            "total_seconds",
            "best_progress",
            "completed_at",
        )
    ]
    dismissed = set(Dismissal.objects.filter(member_id=member_id).values_list("page_id", flat=True))
    seeds = [entry.page_id for entry in history[:SEED_RECORDS]]
    branch_id = (
        MemberProfile.objects.filter(user_id=member_id).values_list("branch_id", flat=True).first()
    )
    # The branch counts include the member: take them out, so two means two others.
    recent = now - timedelta(days=BRANCH_WINDOW_DAYS)
    own_recent = {entry.page_id for entry in history if entry.last_seen_at >= recent}
    branch_counts = {
        page_id: count
        for page_id, members in shared.branch_favourites(branch_id, now).items()
        if (count := members - (page_id in own_recent)) >= BRANCH_MIN_MEMBERS
    }
    return MemberData(
        history=history,
        dismissed=dismissed,
        co_studied=shared.co_studied_with(seeds) if seeds else [],
        branch_counts=branch_counts,
    )


# ============================== The list as pages and views ==============================


@dataclass
class ReadingItem:
    page: ContentPage
    reason: str
    score: float
    kind: str = ""
    tags: tuple[str, ...] = ()

    def as_json(self, request=None) -> dict:
        return {
            "page": self.page.pk,
            "title": self.page.title,
            "url": self.page.get_url(request),
            "kind": self.kind,
            "topic": self.page.topic,
            "tags": list(self.tags),
            "reason": self.reason,
        }


@dataclass
class AssignedItem(ReadingItem):
    """An item of one of the member's open assignments (待学任务), not yet studied."""

    assignment: Assignment | None = None

    def as_json(self, request=None) -> dict:
        return {
            **super().as_json(request),
            "assignment": self.assignment.pk,
            "assignment_title": self.assignment.title,
            "due": self.assignment.due_on.isoformat(),
        }


def unfinished_page_ids(todo) -> set[int]:
    """Pages of the member's open assignments not studied yet (the reading list skips them)."""
    return {item.page.pk for entry in todo for item in entry.items if not item.done}


def assigned_items(todo) -> list[AssignedItem]:
    """Unfinished assigned items, soonest due first, each page once: they lead the list."""
    catalogue = current_shared().catalogue_of()
    items: list[AssignedItem] = []
    seen: set[int] = set()
    for entry in todo:
        for item in entry.items:
            if item.done or item.page.pk in seen:
                continue
            seen.add(item.page.pk)
            candidate = catalogue.by_id.get(item.page.pk)
            items.append(
                AssignedItem(
                    page=item.page,
                    reason=_("支部任务：%(due)s 截止")
                    % {"due": f"{entry.assignment.due_on.month}月{entry.assignment.due_on.day}日"},
                    score=0.0,
                    kind=candidate.kind if candidate else "",
                    tags=candidate.tags if candidate else (item.page.topic,),
                    assignment=entry.assignment,
                )
            )
    return items


class ReadingList(list[ReadingItem]):
    """The items, plus whether the member has no history yet (the page explains the list)."""

    cold_start: bool = True


def reading_list(
    user,
    limit: int = DEFAULT_LIMIT,
    *,
    now: datetime | None = None,
    visible=None,
    cards: bool = True,
    exclude: Set[int] = frozenset(),
) -> ReadingList:
    """The member's ranked reading list: about seven queries, however long their history.

    The pages are loaded again through ``live().public()`` and without started events, so
    a catalogue a few minutes old can never show what is no longer allowed; if it missed
    something, it is rebuilt and the list ranked again. ``visible`` reuses a caller's
    ``live().public()`` queryset; ``cards=False`` skips cover images (the JSON needs none);
    ``exclude`` leaves pages out (the member's assigned items, which are listed apart).
    """
    result = ReadingList()
    if not getattr(user, "is_authenticated", False) or limit <= 0:
        return result
    now = now or timezone.now()
    visible = visible if visible is not None else ContentPage.objects.visible()
    shared = current_shared()
    catalogue = shared.catalogue_of(visible)
    member = load_member(user.pk, shared, now)
    result.cold_start = not member.history
    for attempt in range(2):
        picks = rank_items(
            member.history,
            catalogue,
            now=now,
            co_studied=member.co_studied,
            branch_counts=member.branch_counts,
            dismissed=member.dismissed | set(exclude),
            limit=limit,
        )
        if not picks:
            return result
        pages_qs = (
            visible.filter(pk__in=[pick.page_id for pick in picks])
            .exclude(forumeventpage__starts_at__lte=now)
            .defer("body")
        )
        if cards:
            pages_qs = pages_qs.select_related("cover_image").prefetch_related(
                "cover_image__renditions"
            )
        pages = {page.pk: page for page in pages_qs}
        if len(pages) == len(picks) or attempt:
            break
        catalogue = shared.catalogue_of(visible, fresh=True)
    result.extend(
        ReadingItem(
            page=pages[pick.page_id],
            reason=pick.reason,
            score=pick.score,
            kind=catalogue.by_id[pick.page_id].kind,
            tags=catalogue.by_id[pick.page_id].tags,
        )
        for pick in picks
        if pick.page_id in pages
    )
    return result


# ================================== 不感兴趣 (dismissing) =================================


class DismissError(ValueError):
    """A dismissal request that cannot be honoured; the message names the problem."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


def page_id_from_body(body) -> int:
    """The page id of a decoded ``{"page": <id>}`` body; a whole number, not a string."""
    if not isinstance(body, dict) or set(body) != {"page"}:
        raise DismissError("body", _('请求体必须是 {"page": <页面编号>}'))
    page_id = as_page_id(body["page"])
    if page_id is None:
        raise DismissError("page", _("必须是页面编号（正整数）"))
    return page_id


def page_id_from_form(value: str | None) -> int:
    """The page id posted by the 不感兴趣 button."""
    value = (value or "").strip()
    page_id = as_page_id(int(value)) if value.isascii() and value.isdigit() else None
    if page_id is None:
        raise DismissError("page", _("必须是页面编号（正整数）"))
    return page_id


def dismiss(user, page_id: int) -> ContentPage:
    """Never show this page in the member's list again; dismissing twice changes nothing."""
    page = ContentPage.objects.visible().filter(pk=page_id).only("pk", "title").first()
    if page is None:
        raise DismissError("page", _("没有这个内容页（须为已发布页面的编号）"))
    Dismissal.objects.bulk_create([Dismissal(member=user, page=page)], ignore_conflicts=True)
    return page
