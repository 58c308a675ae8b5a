"""为你推荐's ranking on plain data: the pure functions the reading list and the benchmark call.

No database: candidates, histories and co-study pairs are built here, the clock is fixed
where it matters.
"""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from learning.reading_list.data import Candidate, Catalogue, CoStudy, HistoryEntry
from learning.reading_list.ranking import best_next, rank_items
from learning.reading_list.scorers import (
    CO_STUDY_WEIGHT,
    TAG_WEIGHT,
    TOPIC_WEIGHT,
    Scored,
    Scores,
    pick_exploration,
    record_weight,
    score_branch,
    score_co_study,
    score_continue,
    score_featured,
    score_freshness,
    score_interests,
    score_tags,
    scored_items,
)

EXPLORE = "拓展视野"


# --- The ranking (what the benchmark calls) ------------------------------------------------


def test_rank_items_is_pure_and_keeps_the_rules():
    now = timezone.now()
    catalogue = [
        Candidate(page_id=pk, topic="甲", kind="lecture", published_at=now - timedelta(days=pk))
        for pk in range(1, 21)
    ] + [Candidate(page_id=99, topic="乙", kind="story", published_at=None)]
    history = [HistoryEntry(page_id=1, title="第一课", topic="甲", last_seen_at=now)]
    picks = rank_items(history, catalogue, now=now, dismissed={2})
    assert [pick.page_id for pick in picks] == [1, 3, 4, 99]
    assert [pick.reason for pick in picks] == [
        "继续学习",
        "与你关注的「甲」相关",
        "与你关注的「甲」相关",
        EXPLORE,
    ]
    # One slot: the exploration item takes precedence over filling.
    assert [pick.page_id for pick in rank_items(history, catalogue, now=now, limit=1)] == [99]


def test_continuing_leaves_room_for_new_things_unless_nothing_else_is_left():
    now = timezone.now()
    started = [
        HistoryEntry(page_id=pk, title=f"第{pk}课", topic=f"专题{pk}", last_seen_at=now)
        for pk in range(1, 7)
    ]
    catalogue = [
        Candidate(page_id=pk, topic=f"专题{pk}", kind="lecture", published_at=now)
        for pk in range(1, 13)
    ]
    reasons = [pick.reason for pick in rank_items(started, catalogue, now=now, limit=9)]
    assert reasons.count("继续学习") == 3 and reasons.count("新上线") == 5
    assert reasons.count(EXPLORE) == 1
    # Only when nothing else is left does more of it fill the list.
    reasons = [pick.reason for pick in rank_items(started, catalogue, now=now)]
    assert reasons.count("继续学习") == 4 and len(reasons) == 10
    only_started = rank_items(started, catalogue[:6], now=now)
    assert [pick.reason for pick in only_started] == ["继续学习"] * 6


def test_rank_items_co_study_names_the_seed():
    now = timezone.now()
    catalogue = [
        Candidate(page_id=1, topic="甲", kind="lecture", published_at=None),
        Candidate(page_id=2, topic="甲", kind="site", published_at=None),
    ]
    history = [
        HistoryEntry(page_id=1, title="第一课", topic="甲", last_seen_at=now, completed=True)
    ]
    picks = rank_items(history, catalogue, now=now, co_studied=[CoStudy(1, 2, 5)])
    assert picks == [picks[0]] and picks[0].page_id == 2
    assert picks[0].reason == "因为你学习了《第一课》"


# --- The scorers, one at a time -------------------------------------------------------------

NOW = datetime(2025, 7, 1, 12, 0, tzinfo=UTC)


def candidate(page_id: int, topic: str = "甲", days: float | None = 1, **fields) -> Candidate:
    """A lecture published ``days`` before NOW (never, with None)."""
    published = NOW - timedelta(days=days) if days is not None else None
    return Candidate(page_id, topic, fields.pop("kind", "lecture"), published, **fields)


def test_scores_keep_the_strongest_reason_and_the_first_on_ties():
    scores = Scores()
    scores.add(1, 1.0, "topic", "甲")
    scores.add(1, 1.0, "branch")  # as strong: the first reason stays
    scores.add(1, 0.5)  # counts, says nothing
    scores.add(1, 2.0, "featured")
    scores.add(2, 0.0, "new")  # nothing to say with nothing added
    assert scores.total == {1: 4.5, 2: 0.0}
    assert scores.reason == {1: (2.0, "featured", "")}


def test_continuing_counts_progress_and_recency_not_finished_items():
    catalogue = Catalogue(candidate(pk) for pk in (1, 2, 3, 5))
    history = [
        HistoryEntry(1, "只看了一眼", "甲", NOW),
        HistoryEntry(2, "看了一半", "甲", NOW, best_progress=0.5),
        HistoryEntry(3, "学完了", "甲", NOW, completed=True),
        HistoryEntry(4, "已下线", "甲", NOW, total_seconds=600),
        HistoryEntry(5, "两周前读了十分钟", "甲", NOW - timedelta(days=14), total_seconds=600),
    ]
    scores = Scores()
    score_continue(scores, history, catalogue, NOW)
    assert scores.total == pytest.approx({1: 1.0, 2: 4.0, 5: 2.0})
    assert scores.reason == {}  # 继续学习 is given later, to whatever was studied


def test_co_study_is_scaled_to_the_best_item_and_named_by_the_strongest_seed():
    catalogue = Catalogue(candidate(pk) for pk in (1, 2, 10, 11))
    history = [
        HistoryEntry(1, "第一课", "甲", NOW, completed=True),
        HistoryEntry(2, "第二课", "甲", NOW - timedelta(days=14), completed=True),
    ]
    weights = {entry.page_id: record_weight(entry, NOW) for entry in history}
    co_studied = [
        CoStudy(1, 10, 3),
        CoStudy(2, 10, 20),  # older seed, but far more members: it names item 10
        CoStudy(2, 11, 3),
        CoStudy(9, 11, 50),  # the member never studied 9
        CoStudy(1, 99, 5),  # 99 is not in the catalogue
    ]
    scores = Scores()
    score_co_study(scores, history, co_studied, catalogue, weights)
    assert set(scores.total) == {10, 11}
    assert scores.total[10] == pytest.approx(CO_STUDY_WEIGHT)
    assert 0 < scores.total[11] < scores.total[10]
    assert scores.reason[10][1:] == scores.reason[11][1:] == ("co", "第二课")


def test_interests_score_the_members_topics_then_their_tags():
    catalogue = Catalogue(
        [
            candidate(1, "甲", tags=("甲",)),
            candidate(2, "甲", tags=("甲",)),
            candidate(3, "乙", tags=("乙", "红色")),
            candidate(4, "丙", tags=("丙", "红色")),
        ]
    )
    history = [
        HistoryEntry(1, "第一课", "甲", NOW, completed=True, tags=("甲",)),
        # A glance two weeks ago at a page no longer listed: a weak interest.
        HistoryEntry(50, "旧课", "乙", NOW - timedelta(days=14), tags=("红色",)),
    ]
    weights = {entry.page_id: record_weight(entry, NOW) for entry in history}
    scores = Scores()
    score_interests(scores, history, catalogue, weights)
    strong, weak = TOPIC_WEIGHT + TAG_WEIGHT, (TOPIC_WEIGHT + TAG_WEIGHT) / 12
    assert scores.total == pytest.approx({1: strong, 2: strong, 3: weak, 4: TAG_WEIGHT / 12})
    assert {page_id: reason[1:] for page_id, reason in scores.reason.items()} == {
        1: ("topic", "甲"),
        2: ("topic", "甲"),
        3: ("topic", "乙"),
        4: ("topic", "红色"),
    }


def test_only_the_strongest_tags_count():
    catalogue = Catalogue(candidate(pk, tags=(f"标签{pk}",)) for pk in range(9))
    scores = Scores()
    score_tags(scores, {f"标签{pk}": pk + 1.0 for pk in range(9)}, catalogue)
    assert 0 not in scores.total  # the ninth strongest
    assert scores.total[8] == TAG_WEIGHT
    assert len(scores.total) == 8


def test_branch_and_featured_scores():
    catalogue = Catalogue(
        [candidate(1), candidate(2), candidate(3, featured_rank=0), candidate(4, featured_rank=2)]
    )
    scores = Scores()
    score_branch(scores, {1: 4, 2: 2, 3: 0, 99: 1}, catalogue)
    score_featured(scores, catalogue)
    assert scores.total == pytest.approx({1: 1.0, 2: 0.5, 3: 1.0, 4: 0.9})
    assert [scores.reason[pk][1] for pk in (1, 2, 3, 4)] == [
        "branch",
        "branch",
        "featured",
        "featured",
    ]


def test_freshness_says_new_only_for_new_items_and_adds_a_little_to_scored_ones():
    catalogue = Catalogue(
        [
            candidate(1, days=0),
            candidate(2, days=60),
            candidate(3, days=90),
            candidate(4, days=None),
        ]
    )
    scores = Scores()
    scores.add(3, 1.0, "featured")
    score_freshness(scores, catalogue, NOW)
    assert scores.total == pytest.approx({1: 1.0, 3: 1.125})
    assert scores.reason[1][1] == "new" and scores.reason[3][1] == "featured"


def test_scored_items_keep_what_the_rules_allow_and_exploration_comes_from_untouched_topics():
    started = NOW - timedelta(hours=1)
    catalogue = Catalogue(
        [
            candidate(1, "甲", days=1),
            candidate(2, "乙", days=2),
            candidate(3, "丙", days=3),
            candidate(4, "丁", days=4, kind="event", starts_at=started),
            candidate(5, "戊", days=5),
        ]
    )
    scores = Scores()
    scores.add(1, 2.0, "topic", "甲")
    scores.add(2, 1.0, "branch")
    scores.add(3, 0.5, "new")
    scores.add(4, 3.0, "featured")
    ruled_out = {3}  # completed or dismissed
    scored = scored_items(scores, catalogue, {1}, ruled_out, NOW)
    assert [(item.candidate.page_id, item.reason) for item in scored] == [
        (1, ("continue", "")),
        (2, ("branch", "")),
    ]
    assert pick_exploration(scored, catalogue, {"甲"}, ruled_out, NOW) is scored[1]
    # Nothing scored in an untouched topic: the newest allowed item of one, with no reason.
    fallback = pick_exploration(scored, catalogue, {"甲", "乙"}, ruled_out, NOW)
    assert (fallback.candidate.page_id, fallback.reason) == (5, ("", ""))
    assert (
        pick_exploration(scored, catalogue, {"甲", "乙", "丙", "丁", "戊"}, ruled_out, NOW) is None
    )


def test_kinds_already_listed_are_damped():
    remaining = [
        Scored(candidate(1), 1.0, ("topic", "甲")),
        Scored(candidate(2), 0.95, ("topic", "甲")),
        Scored(candidate(3, kind="site"), 0.9, ("topic", "甲")),
    ]
    assert best_next(remaining, Counter()) == 0
    assert best_next(remaining, Counter({"lecture": 1})) == 2
