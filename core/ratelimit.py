"""Counting attempts in a window, and locking out: one home for every rate limit.

Counters and locks live in one table (``core.models.RateCounter``) that every worker and
server shares, so two workers never split a count, and nothing culls it: a cache drops
keys when it is full (Django's database cache a third at a time, Redis by eviction),
which would lift live locks. Every change is one statement (``INSERT … ON CONFLICT DO
UPDATE``, ``UPDATE … SET count = count - 1``) the database applies atomically: a burst of
parallel attempts gets one distinct count each, so none slips past a limit. Rows are
removed once their window and lock have both ended. Keys are hashed, so any submitted
text (very long, NUL bytes) makes a valid key. Pages that must stay cheap spend from
``core.allowance`` instead (one query per use).
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import time
from functools import cache as memoise

from django.conf import settings
from django.db import connection, models
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext

from core.models import RateCounter

logger = logging.getLogger(__name__)


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


# Where a reverse proxy in front of the site connects from: the same machine or the
# local network (loopback, RFC 1918, carrier-grade NAT, IPv6 unique local).
LOCAL_NETWORKS = tuple(
    ipaddress.ip_network(network)
    for network in (
        "127.0.0.0/8",
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",
        "::1/128",
        "fc00::/7",
    )
)
UNKNOWN_PROXY_LOG = (
    "Requests carry X-Forwarded-For from %s, a local address, and TRUSTED_PROXIES is "
    "empty: behind a proxy every visitor would have its address and one guesser would "
    "lock everyone out of logging in. Set TRUSTED_PROXIES to the proxy's address."
)


def forwarded_by_unknown_proxy(request: HttpRequest) -> bool:
    """Whether a proxy on this machine or network forwards the request while
    TRUSTED_PROXIES names none (a forged header from a public address is merely ignored)."""
    if settings.TRUSTED_PROXIES or "HTTP_X_FORWARDED_FOR" not in request.META:
        return False
    peer = ip_address(request.META.get("REMOTE_ADDR") or "")
    if peer is not None and peer.version == 6 and peer.ipv4_mapped is not None:
        peer = peer.ipv4_mapped
    return peer is not None and any(peer in network for network in LOCAL_NETWORKS)


class UnknownProxyMiddleware:
    """Behind a proxy TRUSTED_PROXIES does not name, production answers 503 (and logs it,
    critical, once per process): serving would count every visitor as one address.
    Development (DEBUG) logs a warning once and serves."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.reported = False

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not forwarded_by_unknown_proxy(request):
            return self.get_response(request)
        if not self.reported:
            level = logging.WARNING if settings.DEBUG else logging.CRITICAL
            logger.log(level, UNKNOWN_PROXY_LOG, request.META.get("REMOTE_ADDR"))
            self.reported = True
        if settings.DEBUG:
            return self.get_response(request)
        message = gettext(
            "网站暂时无法访问：它在反向代理之后，但没有设置 TRUSTED_PROXIES。"
            "请管理员把代理的地址填入 TRUSTED_PROXIES 后重启网站。"
        )
        return HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")


def address_group(address: str) -> str:
    """The address a per-address counter is kept under: an IPv6 address by its /64 (one
    subscriber's network: anyone given one has 2**64 addresses to hop between), an
    IPv4-mapped one as the IPv4 address; anything else as it is."""
    ip = ip_address(address)
    if ip is None or ip.version == 4:
        return address
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.IPv6Network((ip, 64), strict=False))


def client_network(request: HttpRequest) -> str:
    """The client's address as per-address allowances count it (``address_group``)."""
    return address_group(client_address(request))


def cache_key(prefix: str, *parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return f"{prefix}:{digest}"


def _table() -> tuple[str, str, str]:
    quote = connection.ops.quote_name
    return quote(RateCounter._meta.db_table), quote("key"), quote("count")


def count(key: str) -> int:
    """Attempts counted in ``key``'s current window."""
    row = RateCounter.objects.filter(key=key, counted_until__gt=time.time())
    return row.values_list("count", flat=True).first() or 0


def increment(key: str, window_seconds: float) -> int:
    """Add one to a counter that lives ``window_seconds`` from its first attempt; the new
    count, in one atomic statement (parallel callers each get their own number)."""
    now = time.time()
    table, key_column, count_column = _table()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_column}, {count_column}, counted_until, locked_until)"
            " VALUES (%s, 1, %s, 0)"
            f" ON CONFLICT ({key_column}) DO UPDATE SET"
            f" {count_column} = CASE WHEN {table}.counted_until > %s"
            f" THEN {table}.{count_column} + 1 ELSE 1 END,"
            f" counted_until = CASE WHEN {table}.counted_until > %s"
            f" THEN {table}.counted_until ELSE excluded.counted_until END"
            f" RETURNING {count_column}",
            [key, now + window_seconds, now, now],
        )
        counted = cursor.fetchone()[0]
    if counted == 1:  # a new window: a good moment to forget the ones that have ended
        RateCounter.objects.filter(counted_until__lt=now, locked_until__lt=now).delete()
    return counted


def decrement(key: str) -> None:
    """Give one attempt back (it never reached the check it was counted for)."""
    RateCounter.objects.filter(key=key, count__gt=0).update(count=models.F("count") - 1)


def reset(key: str) -> None:
    RateCounter.objects.filter(key=key).delete()


def take_turn(key: str, seconds: float) -> bool:
    """Lock ``key`` for ``seconds`` unless it is locked already: True for the one caller
    that set the lock (a turn), False while a lock is in place. Atomic, like ``increment``."""
    now = time.time()
    table, key_column, count_column = _table()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_column}, {count_column}, counted_until, locked_until)"
            " VALUES (%s, 0, 0, %s)"
            f" ON CONFLICT ({key_column}) DO UPDATE SET locked_until = excluded.locked_until"
            f" WHERE {table}.locked_until <= %s"
            f" RETURNING {key_column}",
            [key, now + seconds, now],
        )
        return cursor.fetchone() is not None


def lock(key: str, seconds: float) -> None:
    """Lock for ``seconds``; a lock already in place is not extended by further attempts."""
    take_turn(key, seconds)


def seconds_locked(*keys: str) -> int | None:
    """Seconds until the longest of these locks ends, or None when none is in place."""
    now = time.time()
    locks = RateCounter.objects.filter(key__in=keys, locked_until__gt=now)
    until = locks.aggregate(until=models.Max("locked_until"))["until"]
    if until is None:
        return None
    return max(1, math.ceil(until - now))
