"""Every public page carries a Content-Security-Policy that allows only our own host and no
inline script or style, and no page needs more: no inline <script>, no style attributes."""

import re

import pytest
from django.test import Client
from wagtail.models import Page

from tests.factories import UserFactory, login

pytestmark = pytest.mark.django_db

# A script element without src runs inline, unless it is a JSON data block (json_script:
# never executed, so the policy does not apply to it; the tour's config is one).
INLINE_SCRIPT = re.compile(
    r'<script(?![^>]*\bsrc=)(?![^>]*\btype="application/json")[^>]*>', re.IGNORECASE
)
JSON_BLOCK = re.compile(r'<script[^>]*type="application/json"[^>]*>(.*?)</script>', re.S)
STYLE_ATTRIBUTE = re.compile(r"\sstyle=", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+=", re.IGNORECASE)


def pages_to_check() -> list[str]:
    pages = [page.url for page in Page.objects.live().public().filter(depth__gte=2).specific()]
    return pages + ["/search/?q=%E4%BA%95%E5%86%88%E5%B1%B1", "/tags/", "/login/", "/learning/"]


def assert_strict(response, url: str) -> None:
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'", url
    assert directives["style-src"] == "'self'", url
    assert directives["object-src"] == "'none'", url
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, url
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html), url
    for data in JSON_BLOCK.findall(html):  # json_script escapes <, > and &
        assert "<" not in data and ">" not in data, url
    assert not STYLE_ATTRIBUTE.search(html), url
    assert not INLINE_HANDLER.search(html), url


def test_public_pages_are_strict_for_visitors():
    client = Client()
    for url in pages_to_check()[:-1]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict(response, url)


def test_a_members_pages_are_strict_too():
    client = login(UserFactory(username="csp-member"))
    for url in pages_to_check():
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict(response, url)


def test_the_admin_keeps_wagtails_own_rules():
    response = Client().get("/admin/login/")
    assert "Content-Security-Policy" not in response
