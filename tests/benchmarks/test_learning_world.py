"""The learning benchmark's model and metrics: its figures are only as good as these."""

import math
from collections import Counter
from datetime import UTC, datetime

import pytest

from benchmarks.learning_bench import most_popular, ndcg_at, recall_at
from benchmarks.learning_world import WorldSize, build_world

SPLIT = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def world():
    size = WorldSize(members=200, pages=600, events=12_000, branches=5, seed=7)
    built = build_world(size, SPLIT)
    # Ids as the database would give them, so the model's page_id is used like the bench's.
    built.with_page_ids([1000 + page.number for page in built.pages])
    return built


def test_recall_and_ndcg_by_hand():
    assert recall_at([1, 2, 3], {2, 5}) == 0.5
    assert recall_at([1, 2, 3], set()) == 0.0
    expected = (1 / math.log2(3)) / (1 / math.log2(2) + 1 / math.log2(3))
    assert ndcg_at([1, 2, 3], {2, 5}) == pytest.approx(expected)
    assert ndcg_at([2, 5, 1], {2, 5}) == pytest.approx(1.0)
    # Only the first ten count.
    assert recall_at(list(range(20)), {15}) == 0.0


def test_most_popular_skips_finished_and_can_cap_topics():
    order = [1, 2, 3, 4, 5, 6, 7]
    topics = {1: "a", 2: "a", 3: "a", 4: "a", 5: "b", 6: "b", 7: "c"}
    assert most_popular(order, {2}) == [1, 3, 4, 5, 6, 7]
    assert most_popular(order, set(), topics) == [1, 2, 3, 5, 6, 7]


def test_same_seed_same_world(world):
    again = build_world(world.size, SPLIT)
    again.with_page_ids([1000 + page.number for page in again.pages])
    member = world.members[17]
    assert list(world.history(member)) == list(again.history(member))


def test_calibration_reaches_the_event_count(world):
    stored = sum(1 for m in world.members for event in world.history(m) if event.at < SPLIT)
    assert 0.9 * world.size.events <= stored <= 1.15 * world.size.events


def test_histories_follow_the_model(world):
    favourite_studies = studies = 0
    held_out = 0
    for member in world.members:
        events = list(world.history(member))
        assert [e.at for e in events] == sorted(e.at for e in events)
        finished_at = {}
        for event in events:
            # Nothing is studied before it is published, or after a 学完了.
            assert event.page.published_at < event.at
            assert event.page.page_id not in finished_at
            if event.verb == "completed":
                finished_at[event.page.page_id] = event.at
        topics = Counter(page.topic for page in {event.page for event in events})
        favourite_studies += sum(topics[topic] for topic in member.favourites)
        studies += sum(topics.values())
        held_out += any(event.at >= SPLIT for event in events)
        assert 1 <= len(member.favourites) <= 3
    # Most pages a member studies are in their favourite topics (80 % of fresh picks)...
    assert favourite_studies / studies > 0.6
    # ...and most members study something after the split, so recall can be measured.
    assert held_out > 0.5 * len(world.members)
