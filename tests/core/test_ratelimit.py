"""core.ratelimit: counters and locks in a table every worker shares, counted atomically."""

import time
import uuid

import pytest
from django.db import connection

from core.ratelimit import (
    cache_key,
    count,
    decrement,
    increment,
    lock,
    reset,
    seconds_locked,
)
from tests.events.test_concurrency import all_at_once, elsewhere

pytestmark = pytest.mark.django_db


def test_keys_are_stable_prefixed_and_safe_for_any_text():
    key = cache_key("login", "zhangsan", "10.0.0.1")
    assert key == cache_key("login", "zhangsan", "10.0.0.1")
    assert key.startswith("login:")
    assert key != cache_key("login", "lisi", "10.0.0.1")
    assert key != cache_key("check-in", "zhangsan", "10.0.0.1")
    hostile = cache_key("login", "\x00" * 5000, "\ud800 井冈山")  # NUL, a lone surrogate
    assert len(hostile) < 100
    assert increment(hostile, 60) == 1  # a valid key for the table


def test_attempts_are_counted_given_back_and_reset():
    key = cache_key("test", "counting")
    assert count(key) == 0
    assert [increment(key, 60) for _ in range(3)] == [1, 2, 3]
    assert count(key) == 3
    decrement(key)
    assert count(key) == 2
    reset(key)
    assert count(key) == 0
    assert increment(key, 60) == 1


def test_giving_back_never_goes_below_nothing():
    key = cache_key("test", "giving-back")
    decrement(key)  # nothing counted: no error
    assert count(key) == 0
    increment(key, 60)
    decrement(key)
    decrement(key)
    assert count(key) == 0
    assert increment(key, 60) == 1


def test_counters_are_separate():
    first, second = cache_key("test", "a"), cache_key("test", "b")
    increment(first, 60)
    increment(first, 60)
    assert increment(second, 60) == 1
    assert count(first) == 2


def test_a_lock_says_how_long_and_is_not_extended():
    key, other = cache_key("lock", "zhangsan"), cache_key("lock", "lisi")
    assert seconds_locked(key) is None
    lock(key, 30)
    assert seconds_locked(key) == 30
    lock(key, 600)  # further attempts while locked do not lengthen it
    assert seconds_locked(key) == 30
    assert seconds_locked(other) is None
    lock(other, 90)
    assert seconds_locked(key, other) == 90  # the longest of them
    reset(key)
    reset(other)
    assert seconds_locked(key, other) is None


def test_a_lock_about_to_end_still_says_one_second():
    key = cache_key("lock", "almost-over")
    lock(key, 0.2)
    assert seconds_locked(key) == 1


def test_a_window_that_has_ended_starts_again():
    key = cache_key("test", "window")
    assert [increment(key, 0.05) for _ in range(2)] == [1, 2]
    time.sleep(0.1)
    assert count(key) == 0
    assert increment(key, 60) == 1  # that window has ended: counting starts again


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent connections committing for real: PostgreSQL (.ci/run's second pass)",
)
def test_a_burst_of_parallel_increments_counts_every_one():
    """Twenty workers counting the same key at the same moment: every count is different,
    so no two attempts can both be the last one allowed."""
    key = cache_key("test", "burst", uuid.uuid4().hex)
    try:
        counts, failures = all_at_once(lambda _n: [increment(key, 60) for _ in range(5)], range(20))
        assert failures == []
        assert sorted(n for five in counts for n in five) == list(range(1, 101))
    finally:
        elsewhere(lambda: reset(key))
