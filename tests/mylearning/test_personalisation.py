"""为你推荐 with personalisation switched off: newest items and assigned ones, with their
reasons; the switch is per member, works without a member profile, and turns back on."""

import pytest
from django.conf import settings
from django.test import Client

from home.models import ContentPage
from learning.models import Dismissal, ReadingListPreference
from learning.reading_list.items import reading_list
from learning.reading_list.preferences import load_preferences, set_personalised
from mylearning.export import export_history
from mylearning.history import delete_history
from tests.factories import BranchFactory, make_member
from tests.learning.test_reading_list import API_URL, PAGE_URL, complete, study, topic_pages

pytestmark = pytest.mark.django_db

SWITCH_URL = "/learning/for-you/personalise/"


def browser(member) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.get(PAGE_URL).status_code == 200
    return client, client.cookies[settings.CSRF_COOKIE_NAME].value


@pytest.fixture
def member(db):
    member = make_member("xiaoming", branch=BranchFactory(name="第二党支部"))
    study(member, topic_pages("抗疫精神"), value=600)
    complete(member, topic_pages("航天精神")[:1])
    return member


def newest_ids(count: int, leave_out: set[int] = frozenset()) -> list[int]:
    pages = ContentPage.objects.visible().exclude(forumeventpage__isnull=False)
    ordered = pages.order_by("-first_published_at", "-pk").values_list("pk", flat=True)
    return [pk for pk in ordered if pk not in leave_out][:count]


def test_a_member_can_switch_personalisation_off_and_on(member):
    personalised = reading_list(member)
    assert personalised.personalised and "最新上线" not in {i.reason for i in personalised}
    client, token = browser(member)
    response = client.post(SWITCH_URL, {"personalised": "0", "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"] == PAGE_URL
    html = client.get(PAGE_URL).content.decode()
    assert "个性化推荐已关闭" in html and "开启个性化推荐" in html

    items = reading_list(member)
    assert not items.personalised
    assert {item.reason for item in items} == {"最新上线"}
    assert client.get(API_URL).json()["personalised"] is False
    assert {item["reason"] for item in client.get(API_URL).json()["items"]} == {"最新上线"}

    client.post(SWITCH_URL, {"personalised": "1", "csrfmiddlewaretoken": token})
    html = client.get(PAGE_URL).content.decode()
    assert "个性化推荐已关闭" not in html and "关闭个性化推荐" in html
    assert [i.page.pk for i in reading_list(member)] == [i.page.pk for i in personalised]
    assert ReadingListPreference.objects.get(member=member).personalised


def test_off_lists_the_newest_items_except_dismissed_ones(member):
    set_personalised(member, False)
    dismissed = newest_ids(1)[0]
    Dismissal.objects.create(member=member, page_id=dismissed)
    items = reading_list(member, limit=5)
    listed = [item.page.pk for item in items]
    assert dismissed not in listed
    # Events are left out of the comparison: only future ones may be listed.
    non_events = set(newest_ids(1000))
    listed_pages = [pk for pk in listed if pk in non_events]
    assert listed_pages == newest_ids(len(listed_pages), {dismissed})


def test_a_member_without_a_profile_can_switch(db):
    user = make_member("no-profile", branch=None)
    user.member_profile.delete() if hasattr(user, "member_profile") else None
    user.refresh_from_db()
    assert reading_list(user).personalised
    set_personalised(user, False)
    items = reading_list(user)
    assert not items.personalised and {item.reason for item in items} == {"最新上线"}


@pytest.mark.parametrize("value", ["", "yes", "2", "9" * 30])
def test_a_bad_switch_value_is_a_bad_request(member, value):
    client, token = browser(member)
    response = client.post(SWITCH_URL, {"personalised": value, "csrfmiddlewaretoken": token})
    assert response.status_code == 400
    assert not ReadingListPreference.objects.exists()


def test_the_switch_needs_login(client):
    response = client.post(SWITCH_URL, {"personalised": "0"})
    assert response.status_code == 302 and response["Location"].startswith(settings.LOGIN_URL)
    assert not ReadingListPreference.objects.exists()


def test_the_switch_is_exported_and_reset_by_erasing_history():
    member = make_member("qiehuan")
    assert export_history(member)["personalised"] is True
    set_personalised(member, False)
    assert export_history(member)["personalised"] is False
    delete_history(member)
    assert load_preferences(member.pk).personalised is True
