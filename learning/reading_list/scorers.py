"""What each signal adds to an item's score, and why; pure, like the rest of the ranking.

Every scorer reads plain data and adds its contributions to a ``Scores`` accumulator,
which sums them per item and keeps each item's strongest honest reason. ``rank_items``
calls them in a fixed order (ties between reasons go to the first one added).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import datetime, timedelta

from learning.reading_list.data import Candidate, Catalogue, CoStudy, HistoryEntry

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


def is_ruled_out(candidate: Candidate, ruled_out: Set[int], now: datetime) -> bool:
    """Never listed: completed or dismissed (``ruled_out``), or an event that has started."""
    return candidate.page_id in ruled_out or is_started_event(candidate, now)


@dataclass(slots=True)
class Scored:
    candidate: Candidate
    score: float
    reason: tuple[str, str]  # (key, argument); an empty key: nothing honest to say


def order_key(item: Scored) -> tuple:
    published = item.candidate.published_at
    return (-item.score, -(published.timestamp() if published else 0.0), -item.candidate.page_id)


class Scores:
    """Sums each candidate's contributions and remembers its strongest honest reason."""

    def __init__(self) -> None:
        self.total: dict[int, float] = defaultdict(float)
        self.reason: dict[int, tuple[float, str, str]] = {}  # (contribution, key, argument)

    def add(self, page_id: int, value: float, key: str = "", argument: str = "") -> None:
        self.total[page_id] += value
        if key and value > 0 and value > self.reason.get(page_id, (0.0, "", ""))[0]:
            self.reason[page_id] = (value, key, argument)


# ===================================== The scorers =======================================


def score_continue(
    scores: Scores, history: Sequence[HistoryEntry], catalogue: Catalogue, now: datetime
) -> None:
    """继续学习: started, not finished; recent and advanced ones first."""
    for entry in history:
        if not entry.completed and entry.page_id in catalogue.by_id:
            # A glance counts a quarter; half-watched or ten minutes' reading, all of it.
            progress = max(entry.best_progress * 2, entry.total_seconds / FULL_ATTENTION_SECONDS)
            value = decay(now - entry.last_seen_at, HALF_LIFE_DAYS)
            scores.add(entry.page_id, CONTINUE_WEIGHT * value * (0.25 + 0.75 * min(progress, 1.0)))


def co_study_sums(
    history: Sequence[HistoryEntry],
    co_studied: Iterable[CoStudy],
    catalogue: Catalogue,
    weights: Mapping[int, float],
) -> tuple[dict[int, float], dict[int, tuple[float, int]]]:
    """Per item: the co-study evidence summed over seeds, and the seed that gave most
    (with what it gave). Each pair counts as its members, weighed by the seed's record."""
    # Sorted, so ties go to the most recently studied seed whatever order the pairs came in.
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
    return co_score, co_seed


def score_co_study(
    scores: Scores,
    history: Sequence[HistoryEntry],
    co_studied: Iterable[CoStudy],
    catalogue: Catalogue,
    weights: Mapping[int, float],
) -> None:
    """Members who studied the member's recent items also studied these (因为你学习了《…》,
    naming the seed that says most)."""
    co_score, co_seed = co_study_sums(history, co_studied, catalogue, weights)
    titles = {entry.page_id: entry.title for entry in history}
    max_co = max(co_score.values(), default=0.0)
    for page_id, value in co_score.items():
        if value > 0:
            seed_title = titles[co_seed[page_id][1]]
            scores.add(page_id, CO_STUDY_WEIGHT * value / max_co, "co", seed_title)


def affinities(
    history: Sequence[HistoryEntry], catalogue: Catalogue, weights: Mapping[int, float]
) -> tuple[dict[str, float], dict[str, float]]:
    """Interests: decayed engagement per topic, and per tag weighed by the tag's rarity."""
    topic_affinity: dict[str, float] = defaultdict(float)
    tag_affinity: dict[str, float] = defaultdict(float)
    for entry in history:
        topic_affinity[entry.topic] += weights[entry.page_id]
        for tag in entry.tags:
            tag_affinity[tag] += weights[entry.page_id] * catalogue.rarity.get(tag, 0.0)
    return topic_affinity, tag_affinity


def score_topics(scores: Scores, topic_affinity: Mapping[str, float], catalogue: Catalogue) -> None:
    """Every item of a topic the member studies, scaled to the strongest topic."""
    max_topic = max(topic_affinity.values(), default=0.0)
    for topic, value in topic_affinity.items():
        if value > 0:
            for candidate in catalogue.by_topic.get(topic, ()):
                scores.add(candidate.page_id, TOPIC_WEIGHT * value / max_topic, "topic", topic)


def score_tags(scores: Scores, tag_affinity: Mapping[str, float], catalogue: Catalogue) -> None:
    """Items with one of the member's TAG_INTEREST_CAP strongest tags, by their best one."""
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


def score_interests(
    scores: Scores,
    history: Sequence[HistoryEntry],
    catalogue: Catalogue,
    weights: Mapping[int, float],
) -> None:
    """与你关注的「…」相关: items of the member's topics, then of their strongest tags."""
    topic_affinity, tag_affinity = affinities(history, catalogue, weights)
    score_topics(scores, topic_affinity, catalogue)
    score_tags(scores, tag_affinity, catalogue)


def score_branch(scores: Scores, branch_counts: Mapping[int, int], catalogue: Catalogue) -> None:
    """本支部同学在学: what members of the member's branch study now, scaled to the most."""
    max_branch = max(branch_counts.values(), default=0)
    for page_id, members in branch_counts.items():
        if page_id in catalogue.by_id and members > 0:
            scores.add(page_id, BRANCH_WEIGHT * members / max_branch, "branch")


def score_featured(scores: Scores, catalogue: Catalogue) -> None:
    """编辑推荐: the home page's featured items, the first a little more."""
    for candidate in catalogue.featured:
        scores.add(
            candidate.page_id, FEATURED_WEIGHT * (1 - 0.05 * candidate.featured_rank), "featured"
        )


def score_freshness(scores: Scores, catalogue: Catalogue, now: datetime) -> None:
    """Freshness: a small score for everything scored so far, and a reason (新上线) for
    what was published lately; older items without another signal have nothing to say."""
    new_since = now - timedelta(days=NEW_WITHIN_DAYS)
    for candidate in catalogue.candidates:
        if candidate.published_at is None or candidate.published_at < new_since:
            break
        scores.add(candidate.page_id, freshness(candidate, now), "new")
    for page_id in list(scores.total):
        candidate = catalogue.by_id[page_id]
        if candidate.published_at is not None and candidate.published_at < new_since:
            scores.add(page_id, freshness(candidate, now))


# =========================== From scores to items for the list ===========================


def scored_items(
    scores: Scores, catalogue: Catalogue, studied: Set[int], ruled_out: Set[int], now: datetime
) -> list[Scored]:
    """Every scored item the rules allow, with its reason: 继续学习 for what was studied."""
    scored = []
    for page_id, total in scores.total.items():
        candidate = catalogue.by_id[page_id]
        if is_ruled_out(candidate, ruled_out, now):
            continue
        if page_id in studied:
            reason = ("continue", "")
        else:
            reason = scores.reason.get(page_id, (0.0, "", ""))[1:]
        scored.append(Scored(candidate, total, reason))
    return scored


def pick_exploration(
    scored: Sequence[Scored],
    catalogue: Catalogue,
    touched_topics: Set[str],
    ruled_out: Set[int],
    now: datetime,
) -> Scored | None:
    """拓展视野: the best scored item from a topic the member never touched."""
    untouched = [item for item in scored if item.candidate.topic not in touched_topics]
    exploration = min(untouched, key=order_key, default=None)
    if exploration is not None:
        return exploration
    # Nothing with a signal in an untouched topic: the newest such item will do.
    fallback = next(
        (
            candidate
            for candidate in catalogue.candidates
            if candidate.topic not in touched_topics and not is_ruled_out(candidate, ruled_out, now)
        ),
        None,
    )
    if fallback is None:
        return None
    return Scored(fallback, freshness(fallback, now), ("", ""))
