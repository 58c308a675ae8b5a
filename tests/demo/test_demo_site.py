"""The demo site a newcomer starts from: ``load_demo`` makes every kind of page in quantity,
every page answers a visitor, search finds what the demo says, and loading it again (as
``scripts/serve`` does on each start) adds no page."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Page

from events.models import ForumEventPage
from home.kinds import all_kinds

pytestmark = pytest.mark.django_db

# At least this many live pages of each kind: enough to fill a section's first screen.
ENOUGH = {"lecture": 12, "site": 12, "story": 12, "event": 6}


def public_urls() -> list[str]:
    return [page.url for page in Page.objects.live().public().filter(depth__gte=2).specific()]


def test_every_kind_has_a_live_section_and_pages_in_quantity():
    for kind in all_kinds():
        assert kind.index_model.objects.live().count() == 1, kind.name
        assert kind.model.objects.live().count() >= ENOUGH.get(kind.name, 1), kind.name
    now = timezone.now()
    assert ForumEventPage.objects.filter(starts_at__gt=now).exists()
    assert ForumEventPage.objects.filter(starts_at__lt=now).exists()


def test_every_page_answers_a_visitor(client):
    urls = public_urls()
    assert len(urls) >= sum(ENOUGH.values()) + len(all_kinds()) + 1
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert b'<html lang="zh-hans"' in response.content
        assert b'name="viewport"' in response.content


def test_search_finds_a_page_of_each_kind_by_its_title(client):
    for kind in all_kinds():
        page = kind.model.objects.live().order_by("pk").first()
        found = client.get("/api/search/", {"q": page.title}).json()["results"]
        assert found[0]["page"] == page.pk, (kind.name, page.title)
        # The page lists it too (its title comes highlighted, so look for its link).
        html = client.get("/search/", {"q": page.title}).content.decode()
        assert f'href="{page.url}"' in html, (kind.name, page.title)


def test_loading_the_demo_again_adds_no_page():
    before = sorted(Page.objects.values_list("url_path", flat=True))
    call_command("load_demo", verbosity=0)
    assert sorted(Page.objects.values_list("url_path", flat=True)) == before
