"""core.ratelimit: counters and locks in the shared ``ratelimit`` store (a database table
without Redis, so these tests use the database)."""

import time

import pytest

from core.ratelimit import (
    cache_key,
    count,
    decrement,
    increment,
    lock,
    reset,
    seconds_locked,
    store,
)

pytestmark = pytest.mark.django_db


def test_keys_are_stable_prefixed_and_safe_for_any_text():
    key = cache_key("login", "zhangsan", "10.0.0.1")
    assert key == cache_key("login", "zhangsan", "10.0.0.1")
    assert key.startswith("login:")
    assert key != cache_key("login", "lisi", "10.0.0.1")
    assert key != cache_key("check-in", "zhangsan", "10.0.0.1")
    hostile = cache_key("login", "\x00" * 5000, "\ud800 井冈山")  # NUL, a lone surrogate
    assert len(hostile) < 100
    store().set(hostile, 1)  # a valid key for every backend: no warning, no error
    assert store().get(hostile) == 1


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
    store().set(key, time.time() + 0.2, timeout=5)
    assert seconds_locked(key) == 1
