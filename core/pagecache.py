"""Whole pages kept for anonymous visitors, so a hit skips sessions, templates and queries.

A request may use the cache only when nothing about it is personal: GET or HEAD, no session
or messages cookie, no Authorization header, not under an excluded prefix (``/admin/``,
``/api/``…). A response is kept only when it is a plain, public 200: no Set-Cookie, no CSRF
token rendered (``CSRF_COOKIE_NEEDS_UPDATE``), no messages, no ``Cache-Control`` private /
no-store / no-cache (``core.privacy.private`` pages never are), not streaming.

Invalidation: every key carries the shared content version (``core.content_version``), which
every change pages show replaces (``core.signal_handlers``; events too, when places change).
It is read when a request starts, so a page rendered from data older than a change is
filed under the old version and never served.
Bodies live in the ``pagecache`` cache (Redis, else per-process memory) and also expire
after ``PAGE_CACHE_SECONDS`` for what changes with the clock (registration opening…).

The middleware sits right after WhiteNoise: the security and CSP middleware above it add
their headers to hits as to misses (django-csp's per-response updates are kept with the
page), and everything below it (gzip, X-Frame-Options…) is stored with the page. Gzip sits
right below, so a page is compressed once per version, not on every hit.

A search answered from the cache is not logged again (``search.query.log_search``): the
editors' search counts and the zero-result report see a query once per version and key,
not once per visitor.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import get_max_age

from core import content_version

STORE = "pagecache"
EXCLUDED_PREFIXES = (
    "/admin/",
    "/api/",
    "/documents/",
    "/media/",
    "/lectures/media/",
    "/static/",
    "/django-admin/",
)
LONGEST_QUERY = 512
GZIP_ACCEPTED = re.compile(r"\bgzip\b")
UNCACHEABLE_CONTROL = ("private", "no-store", "no-cache")
# django-csp reads these from the response after the view: a hit must carry them too.
CSP_ATTRIBUTES = ("_csp_update", "_csp_replace", "_csp_exempt", "_csp_config")
HIT_HEADER = "X-Page-Cache"

logger = logging.getLogger(__name__)


def lifetime() -> int:
    return getattr(settings, "PAGE_CACHE_SECONDS", 300)


def request_key(request: HttpRequest) -> str | None:
    """The key for this request's page, or None when the request must reach the site."""
    if not getattr(settings, "PAGE_CACHE_ENABLED", True):
        return None
    if request.method not in ("GET", "HEAD") or request.path.startswith(EXCLUDED_PREFIXES):
        return None
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return None
    if "HTTP_AUTHORIZATION" in request.META:
        return None
    query = request.META.get("QUERY_STRING", "")
    if len(query) > LONGEST_QUERY:
        return None
    try:
        host = request.get_host()
    except DisallowedHost:
        return None  # the site answers 400 itself
    encoding = "gzip" if GZIP_ACCEPTED.search(request.META.get("HTTP_ACCEPT_ENCODING", "")) else ""
    language = translation.get_language_from_request(request)
    url = f"{request.scheme}://{host}{request.path}?{query}"
    digest = hashlib.sha256(f"{encoding}|{language}|{url}".encode()).hexdigest()
    return f"page:{content_version.current(request)}:{digest}"


def _used_messages(request: HttpRequest) -> bool:
    storage = getattr(request, "_messages", None)
    if storage is None:
        return False
    return bool(
        getattr(storage, "used", False)
        or getattr(storage, "_queued_messages", None)
        or getattr(storage, "_loaded_data", None)
    )


def storable(request: HttpRequest, response: HttpResponse) -> bool:
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if response.cookies or response.has_header("Set-Cookie"):
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED"):
        return False
    if _used_messages(request):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    control = response.get("Cache-Control", "").lower()
    if any(word in control for word in UNCACHEABLE_CONTROL) or get_max_age(response) == 0:
        return False
    content_type = response.get("Content-Type", "")
    return content_type.startswith("text/html")


@dataclass(frozen=True)
class KeptPage:
    """What a hit needs to answer exactly as the site would: status, headers, body."""

    status: int
    headers: tuple[tuple[str, str], ...]
    content: bytes
    csp: tuple[tuple[str, object], ...]

    @classmethod
    def of(cls, response: HttpResponse) -> KeptPage:
        csp = tuple(
            (name, getattr(response, name)) for name in CSP_ATTRIBUTES if hasattr(response, name)
        )
        return cls(response.status_code, tuple(response.items()), response.content, csp)

    def response(self) -> HttpResponse:
        response = HttpResponse(self.content, status=self.status)
        del response["Content-Type"]
        for name, value in self.headers:
            response[name] = value
        for name, value in self.csp:
            setattr(response, name, value)
        response[HIT_HEADER] = "hit"
        return response


class AnonymousPageCacheMiddleware:
    """A store that cannot be reached (Redis down) costs speed, never an error page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            key = request_key(request)
            kept = caches[STORE].get(key) if key is not None else None
        except Exception:  # a cache backend's own errors have no common base class
            logger.warning("page cache unreachable; serving without it", exc_info=True)
            return self.get_response(request)
        if kept is not None:
            return kept.response()
        response = self.get_response(request)
        if key is not None and storable(request, response):
            try:
                caches[STORE].set(key, KeptPage.of(response), lifetime())
            except Exception:
                logger.warning("page cache unreachable; page not kept", exc_info=True)
        return response
