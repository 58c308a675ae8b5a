"""The check-in desk's search box takes whatever is typed or pasted: never a server error."""

from datetime import timedelta

import pytest
from django.test import Client

from members.models import Role
from tests.factories import ForumEventPageFactory, login, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    """An organiser at the desk of an event starting in an hour (check-in is open)."""
    organiser = make_member("organiser", role=Role.ORGANISER, name="王书记")
    event = ForumEventPageFactory(starts_in=timedelta(hours=1))
    event.check_in_branches.add(organiser.member_profile.branch)
    event.save()
    make_member("zhang", name="张晓红")
    client: Client = login(organiser)
    client.raise_request_exception = False
    return client, event.url + "check-in/"


def test_control_characters_in_the_search_are_spaces_not_a_500(desk):
    client, url = desk
    response = client.get(url, {"q": "晓\x00红\x1b"})  # NUL: PostgreSQL refuses it in a query
    assert response.status_code == 200
    assert response.context["desk_query"] == "晓 红"


def test_the_search_after_a_check_in_keeps_no_control_characters(desk):
    client, url = desk
    response = client.post(url, {"q": "晓\x00红", "registration": "x"})
    assert response.status_code == 302
    assert response["Location"].endswith("check-in/?q=%E6%99%93+%E7%BA%A2")
