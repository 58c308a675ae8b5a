"""Counting attempts in a window, and locking out: one home for every rate limit.

Counters and locks live in Django's cache, so the same code works with local memory in
development and with Redis shared by every worker in production. Keys are hashed, so any
submitted text (very long, NUL bytes) makes a valid cache key.
"""

from __future__ import annotations

import hashlib
import math
import time

from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The address the request came from; behind a proxy, the proxy must set REMOTE_ADDR."""
    return request.META.get("REMOTE_ADDR") or "unknown"


def cache_key(prefix: str, *parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return f"{prefix}:{digest}"


def count(key: str) -> int:
    return cache.get(key, 0)


def increment(key: str, window_seconds: int) -> int:
    """Add one to a counter that lives ``window_seconds`` from its first attempt."""
    cache.add(key, 0, timeout=window_seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
        return 1


def decrement(key: str) -> None:
    """Give one attempt back (it never reached the check it was counted for)."""
    try:
        if cache.decr(key) < 0:
            cache.delete(key)
    except ValueError:  # already expired or cleared
        pass


def reset(key: str) -> None:
    cache.delete(key)


def lock(key: str, seconds: int) -> None:
    """Lock for ``seconds``; a lock already in place is not extended by further attempts."""
    cache.add(key, time.time() + seconds, timeout=seconds)


def seconds_locked(*keys: str) -> int | None:
    """Seconds until the longest of these locks ends, or None when none is in place."""
    locks = cache.get_many(list(keys))
    if not locks:
        return None
    return max(1, math.ceil(max(locks.values()) - time.time()))
