"""One version for everything kept because visitors see it alike: whole pages for anonymous
visitors (``core.pagecache``), shared fragments of members' pages and remembered routes
(``home.fragments``), and the main menu (``home.navigation``).

Every key of those caches carries the version, so replacing it forgets them all at once,
in every worker and on every server: it lives where all of them read it (the
``content_version`` cache: Redis with ``REDIS_URL``, else a database table). It is read
once per request, when the request first needs it, so everything a request keeps is filed
under the version it started with; a change made meanwhile replaces the version and that
work is never served. ``core.signal_handlers`` replaces it on every change pages show;
any app may call ``bump()`` for its own (events: places left).
"""

from __future__ import annotations

import secrets
import time

from django.core.cache import caches
from django.db import transaction
from django.http import HttpRequest

STORE = "content_version"
KEY = "content:version"
_REQUEST_ATTRIBUTE = "_content_version"


def _new() -> str:
    return f"{time.time_ns():x}{secrets.token_hex(2)}"


def current(request: HttpRequest | None = None) -> str:
    """The version now: one small read from the shared store, once per request."""
    if request is not None and hasattr(request, _REQUEST_ATTRIBUTE):
        return getattr(request, _REQUEST_ATTRIBUTE)
    store = caches[STORE]
    version = store.get(KEY)
    if version is None:  # never set, or culled: any fresh value is safe (no old key matches)
        store.add(KEY, _new(), timeout=None)
        version = store.get(KEY)
    if request is not None:
        setattr(request, _REQUEST_ATTRIBUTE, version)
    return version


def _replace() -> None:
    caches[STORE].set(KEY, _new(), timeout=None)


def bump(**kwargs) -> None:
    """Forget everything kept: now (this transaction and its tests see it), and again once
    the change is committed, since a request that read the data before the commit filed
    what it kept under the first new version."""
    _replace()
    transaction.on_commit(_replace, robust=True)
