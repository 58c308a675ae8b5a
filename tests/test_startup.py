"""A web worker's start-up: views loaded and long-lived objects kept out of collections."""

import gc

from config.startup import settle_for_serving


def test_settling_freezes_the_start_up_objects():
    gc.unfreeze()
    try:
        frozen = settle_for_serving()
        assert frozen == gc.get_freeze_count()
        # Django, Wagtail and the project's views: far more than a bare interpreter holds.
        assert frozen > 50_000
    finally:
        gc.unfreeze()


def test_the_web_server_refuses_a_throttle_store_per_process():
    import pytest
    from django.core.exceptions import ImproperlyConfigured

    from config.startup import refuse_unshared_ratelimit

    locmem = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    for caches in ({}, {"ratelimit": locmem}):
        with pytest.raises(ImproperlyConfigured):
            refuse_unshared_ratelimit(caches)
    database = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "t"}
    refuse_unshared_ratelimit({"ratelimit": database})  # shared: no complaint


def test_the_web_server_refuses_a_proxy_it_does_not_know_of(caplog):
    """HTTPS=1 trusts the proxy's X-Forwarded-Proto: the site is behind a proxy, which must
    then be named, or every visitor has the proxy's address."""
    import logging
    from types import SimpleNamespace

    import pytest
    from django.core.exceptions import ImproperlyConfigured

    from config.startup import refuse_unknown_proxy

    behind = {"SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https")}
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        refuse_unknown_proxy(SimpleNamespace(DEBUG=False, TRUSTED_PROXIES=[], **behind))
    with caplog.at_level(logging.WARNING):
        refuse_unknown_proxy(SimpleNamespace(DEBUG=True, TRUSTED_PROXIES=[], **behind))
    assert "TRUSTED_PROXIES" in caplog.text
    named = SimpleNamespace(DEBUG=False, TRUSTED_PROXIES=["127.0.0.1"], **behind)
    refuse_unknown_proxy(named)
    refuse_unknown_proxy(
        SimpleNamespace(DEBUG=False, TRUSTED_PROXIES=[], SECURE_PROXY_SSL_HEADER=None)
    )
