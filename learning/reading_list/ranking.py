"""The pure ranking: ``rank_items`` scores the candidates (``scorers``), ``select`` applies
the rules of the list, and ``reason_text`` says why each item is there."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence, Set
from datetime import datetime

from django.utils.translation import gettext as _

from learning.reading_list.data import Candidate, Catalogue, CoStudy, HistoryEntry, Pick
from learning.reading_list.scorers import (
    Scored,
    Scores,
    freshness,
    is_ruled_out,
    order_key,
    pick_exploration,
    record_weight,
    score_branch,
    score_co_study,
    score_continue,
    score_featured,
    score_freshness,
    score_interests,
    scored_items,
)

DEFAULT_LIMIT = 10

# --- Shape of the list --------------------------------------------------------------------
TOPIC_CAP = 3  # at most this many items share a topic
CONTINUE_CAP = 3  # beyond this many 继续学习, others first: the list keeps room for new things
# Each item of a kind already in the list multiplies the next one's score by this, so the
# list mixes lectures, sites, stories and events when scores are close.
KIND_DAMPING = 0.85
# Where the exploration item goes (0-based): within the home page's first four.
EXPLORATION_SLOT = 3


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
    weights = {entry.page_id: record_weight(entry, now) for entry in history}
    # The order matters: equal contributions keep the reason added first.
    scores = Scores()
    score_continue(scores, history, catalogue, now)
    score_co_study(scores, history, co_studied, catalogue, weights)
    score_interests(scores, history, catalogue, weights)
    score_branch(scores, branch_counts or {}, catalogue)
    score_featured(scores, catalogue)
    score_freshness(scores, catalogue, now)

    completed = {entry.page_id for entry in history if entry.completed}
    ruled_out = completed.union(dismissed)
    studied = {entry.page_id for entry in history}
    scored = scored_items(scores, catalogue, studied, ruled_out, now)
    exploration = None
    if history:
        touched_topics = {entry.topic for entry in history}
        exploration = pick_exploration(scored, catalogue, touched_topics, ruled_out, now)
    return select(scored, exploration, limit)


def newest_items(
    catalogue: Catalogue, *, now: datetime, ruled_out: Set[int] = frozenset(), limit: int
) -> list[Pick]:
    """Personalisation off: the newest items (最新上线), whoever the member is; only what
    they dismissed or what is listed apart (``ruled_out``) and started events stay out."""
    picks: list[Pick] = []
    for candidate in catalogue.candidates:  # newest first
        if len(picks) >= limit:
            break
        if not is_ruled_out(candidate, ruled_out, now):
            picks.append(
                Pick(candidate.page_id, _("最新上线"), round(freshness(candidate, now), 4))
            )
    return picks


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


def select(scored: list[Scored], exploration: Scored | None, limit: int) -> list[Pick]:
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
        (item for item in scored if item.reason[0] and item is not exploration), key=order_key
    )
    deferred: list[Scored] = []  # more to continue than CONTINUE_CAP, kept for last
    continuing = 0
    chosen: list[Scored] = []
    while len(chosen) < slots and (remaining or deferred):
        if not remaining:
            remaining, deferred = deferred, []
        item = remaining.pop(best_next(remaining, per_kind))
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
    return as_picks(chosen, exploration)


def best_next(remaining: Sequence[Scored], per_kind: Counter[str]) -> int:
    """Where the best item is once each kind already listed damps its score (KIND_DAMPING).

    Lazy greedy: damping only lowers scores, so once a raw score is below the best
    damped one so far, nothing further down the sorted list can win.
    """
    best_index, best_value = -1, -1.0
    for index, item in enumerate(remaining):
        if item.score <= best_value:
            break
        value = item.score * KIND_DAMPING ** per_kind[item.candidate.kind]
        if value > best_value:
            best_index, best_value = index, value
    return best_index


def as_picks(chosen: Sequence[Scored], exploration: Scored | None) -> list[Pick]:
    """The chosen items with their reasons; the exploration item at EXPLORATION_SLOT."""
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
