"""The pure ranking: plain data in (history, catalogue, co-study counts, branch counts,
dismissals), picks out. Every rule lives here."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import gettext as _

DEFAULT_LIMIT = 10


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
