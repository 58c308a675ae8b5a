"""What a web worker does once, before its first request: refuse an unsafe
configuration, then settle the start-up objects."""

import gc
import logging
import os

from django.core.exceptions import ImproperlyConfigured


def settle_for_serving() -> int:
    """Import every view now and keep the start-up objects out of garbage collection.

    Django, Wagtail and their modules leave ~200,000 long-lived objects; without this every
    full collection (one in every dozen or so requests that build big pages) walks them all
    and stalls the request for 150 ms or more. Frozen, a collection takes ~20 ms.
    Returns how many objects were frozen.
    """
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - loads the URLconf and with it the views
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def refuse_unsafe_production(environ=os.environ) -> None:
    """No serving without a real SECRET_KEY, nor with DEBUG on (unless ALLOW_INSECURE_KEY)."""

    def on(name: str) -> bool:
        return environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}

    if on("ALLOW_INSECURE_KEY"):
        return
    if not environ.get("SECRET_KEY"):
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to serve the site (or ALLOW_INSECURE_KEY=1 locally)."
        )
    if on("DEBUG"):
        raise ImproperlyConfigured(
            "DEBUG must be off to serve the site (or ALLOW_INSECURE_KEY=1 locally)."
        )


PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


def refuse_unshared_ratelimit(caches_setting: dict) -> None:
    """The content version (``core.content_version``, kept in this alias's store) must be
    one every worker reads: no per-process store for ``ratelimit``."""
    backend = caches_setting.get("ratelimit", {}).get("BACKEND", "")
    if not backend or backend in PER_PROCESS_CACHES:
        raise ImproperlyConfigured(
            "CACHES['ratelimit'] must be a store every worker shares (Redis or the database)."
        )


def refuse_unknown_proxy(settings) -> None:
    """HTTPS=1 trusts X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER): the site is behind a
    proxy, which TRUSTED_PROXIES must then name, or every visitor has the proxy's address
    and one guesser locks everyone out. Production refuses to start; DEBUG warns."""
    if not getattr(settings, "SECURE_PROXY_SSL_HEADER", None) or settings.TRUSTED_PROXIES:
        return
    message = (
        "SECURE_PROXY_SSL_HEADER (HTTPS=1) says the site is behind a proxy, but "
        "TRUSTED_PROXIES is empty: set TRUSTED_PROXIES to the proxy's address."
    )
    if settings.DEBUG:
        logging.getLogger(__name__).warning(message)
        return
    raise ImproperlyConfigured(message)
