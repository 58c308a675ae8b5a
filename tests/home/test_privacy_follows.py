"""Making a section or page private takes effect at once: the cached menu and the search
suggestions stop showing it."""

import pytest
from django.test import Client
from wagtail.models import PageViewRestriction

from stories.models import StoryIndexPage
from tests.factories import MicroLecturePageFactory

pytestmark = pytest.mark.django_db


def test_a_section_made_private_leaves_the_cached_menu_at_once():
    client = Client()
    section = StoryIndexPage.objects.live().get()
    assert f'href="{section.url}"' in client.get("/").content.decode()  # the menu is cached now
    PageViewRestriction.objects.create(page=section, restriction_type=PageViewRestriction.LOGIN)
    assert f'href="{section.url}"' not in client.get("/").content.decode()
    PageViewRestriction.objects.filter(page=section).delete()
    assert f'href="{section.url}"' in client.get("/").content.decode()


def test_suggestions_offer_no_tag_used_only_on_private_pages():
    page = MicroLecturePageFactory(tags=["内部学习专用"])
    suggest = "/api/search/suggest/?q=%E5%86%85%E9%83%A8%E5%AD%A6%E4%B9%A0"  # 内部学习
    texts = [item["text"] for item in Client().get(suggest).json()["suggestions"]]
    assert "内部学习专用" in texts
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    texts = [item["text"] for item in Client().get(suggest).json()["suggestions"]]
    assert "内部学习专用" not in texts and page.title not in texts
