"""A proxy in front of the site that TRUSTED_PROXIES does not name makes every visitor one
address, so one guesser locks everyone out: production refuses to serve, development warns."""

import logging

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PROXIED = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.20"}


@pytest.mark.parametrize("peer", ["127.0.0.1", "10.1.2.3", "172.20.0.5", "192.168.1.1", "::1"])
def test_production_refuses_requests_forwarded_by_an_unnamed_proxy(peer, caplog):
    client = Client(REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR="203.0.113.20")
    with caplog.at_level(logging.CRITICAL):
        response = client.get("/login/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/plain")
    assert "TRUSTED_PROXIES" in response.content.decode()
    assert "<" not in response.content.decode()
    critical = [r for r in caplog.records if r.levelno == logging.CRITICAL]
    assert critical and "TRUSTED_PROXIES" in critical[0].getMessage()


def test_a_login_through_an_unnamed_proxy_is_not_counted_for_everyone(db):
    client = Client(**PROXIED)
    for _attempt in range(25):
        response = client.post("/login/", {"username": "guess", "password": "guess"})
        assert response.status_code == 503
    # Nothing was counted against the proxy's address: a direct visitor logs in as usual.
    from core.models import RateCounter

    assert not RateCounter.objects.exists()


def test_development_warns_once_and_serves(settings, caplog):
    settings.DEBUG = True
    client = Client(**PROXIED)
    with caplog.at_level(logging.WARNING):
        for _request in range(3):
            assert client.get("/login/").status_code == 200
    warnings = [r for r in caplog.records if "TRUSTED_PROXIES" in r.getMessage()]
    assert len(warnings) == 1 and warnings[0].levelno == logging.WARNING


@pytest.mark.parametrize(
    "meta",
    [
        {"REMOTE_ADDR": "127.0.0.1"},  # no proxy: a direct local visitor
        {"REMOTE_ADDR": "198.51.100.7", "HTTP_X_FORWARDED_FOR": "203.0.113.20"},  # forged
    ],
)
def test_requests_without_a_local_proxy_are_served(meta):
    assert Client(**meta).get("/login/").status_code == 200


def test_a_named_proxy_is_served(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert Client(**PROXIED).get("/login/").status_code == 200
