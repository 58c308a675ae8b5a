"""The names the scripts share with the server (core.frontend): defined once, emitted to the
pages and to the service worker, and spelled by no script."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from core.frontend import (
    CACHE_NAMES,
    CONVENTIONS_ELEMENT_ID,
    LOGOUT_ATTRIBUTE,
    WORKBOX_CACHE_NAMES,
    conventions,
)
from tests.factories import login, make_member

pytestmark = pytest.mark.django_db
SCRIPTS = Path(settings.BASE_DIR) / "site" / "static" / "js"


def shared_values(tree) -> list[str]:
    """Every name in the conventions (Workbox's parts of a cache name are not names)."""
    if isinstance(tree, dict):
        return [
            value
            for key, branch in tree.items()
            if key != "workboxCacheNames"
            for value in shared_values(branch)
        ]
    return [tree]


def page_conventions(html: str) -> dict:
    found = re.search(
        rf'<script id="{CONVENTIONS_ELEMENT_ID}" type="application/json">(.*?)</script>',
        html,
        re.S,
    )
    assert found, html[:2000]
    return json.loads(found.group(1))


def test_no_script_spells_a_shared_name():
    values = shared_values(conventions())
    assert len(values) >= 15 and all(isinstance(value, str) and value for value in values)
    scripts = sorted(SCRIPTS.glob("*.js"))
    names = {script.name for script in scripts}
    assert {"learning.js", "offline.js", "service-worker.js", "tour.js"} <= names
    copies = [
        (script.name, value)
        for script in scripts
        for value in values
        if value.lower() in script.read_text(encoding="utf-8").lower()
    ]
    assert copies == []


def test_pages_carry_the_conventions_as_data():
    html = Client().get(reverse("offline:page")).content.decode()
    assert page_conventions(html) == conventions()


def test_the_worker_gets_the_same_conventions():
    body = Client().get("/sw.js").content.decode()
    found = re.search(r"^self\.HONGKE = (\{.*?\});$", body, re.S | re.M)
    assert found, body
    assert json.loads(found.group(1)) == conventions()


def test_workbox_names_the_precache_the_shell_cache():
    parts = WORKBOX_CACHE_NAMES
    workbox_name = "-".join(p for p in (parts["prefix"], parts["precache"], parts["suffix"]) if p)
    assert workbox_name == CACHE_NAMES["shell"]
    assert all(name.startswith(parts["prefix"] + "-") for name in CACHE_NAMES.values())


def test_every_logout_form_carries_the_logout_attribute():
    member = make_member("logout_form_member")
    html = login(member).get(reverse("members:logout")).content.decode()
    forms = re.findall(r"<form[^>]*>", html)
    logout_forms = [form for form in forms if f'action="{reverse("members:logout")}"' in form]
    assert len(logout_forms) == 2, forms  # the header's and the page's
    assert all(re.search(rf"\s{LOGOUT_ATTRIBUTE}[\s>]", form) for form in logout_forms)
