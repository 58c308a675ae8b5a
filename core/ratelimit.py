"""Counting attempts in a window, and locking out: one home for every rate limit.

Counters and locks live in the ``ratelimit`` cache, which every worker and server shares
(Redis, or a table in the database: config/settings.py), so two workers never split a
count. Keys are hashed, so any submitted text (very long, NUL bytes) makes a valid key.
Pages that must stay cheap spend from ``core.allowance`` instead (one query per use).
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import time
from functools import cache as memoise

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest

SHARED = "ratelimit"


def store():
    """The cache counters live in: the shared ``ratelimit`` store (looked up per call:
    cache handles are per thread)."""
    return caches[SHARED]


@memoise
def trusted_networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def ip_address(text: str):
    """The address as an ``ipaddress`` object, or None when the text is no IP address."""
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def is_trusted_proxy(address: str) -> bool:
    ip = ip_address(address)
    if ip is None:
        return False
    return any(ip in network for network in trusted_networks(tuple(settings.TRUSTED_PROXIES)))


def client_address(request: HttpRequest) -> str:
    """Who is asking: the peer's address, or behind TRUSTED_PROXIES the last hop of
    X-Forwarded-For that is not a trusted proxy (the hops before it can be forged)."""
    peer = request.META.get("REMOTE_ADDR") or "unknown"
    if not is_trusted_proxy(peer):
        return peer
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        if not is_trusted_proxy(hop):
            return hop[:64]
    return peer


def cache_key(prefix: str, *parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return f"{prefix}:{digest}"


def count(key: str) -> int:
    return store().get(key, 0)


def increment(key: str, window_seconds: int) -> int:
    """Add one to a counter that lives ``window_seconds`` from its first attempt."""
    counters = store()
    counters.add(key, 0, timeout=window_seconds)
    try:
        return counters.incr(key)
    except ValueError:  # expired between add and incr
        counters.set(key, 1, timeout=window_seconds)
        return 1


def decrement(key: str) -> None:
    """Give one attempt back (it never reached the check it was counted for)."""
    try:
        if store().decr(key) < 0:
            store().delete(key)
    except ValueError:  # already expired or cleared
        pass


def reset(key: str) -> None:
    store().delete(key)


def lock(key: str, seconds: int) -> None:
    """Lock for ``seconds``; a lock already in place is not extended by further attempts."""
    store().add(key, time.time() + seconds, timeout=seconds)


def seconds_locked(*keys: str) -> int | None:
    """Seconds until the longest of these locks ends, or None when none is in place."""
    locks = store().get_many(list(keys))
    if not locks:
        return None
    return max(1, math.ceil(max(locks.values()) - time.time()))
