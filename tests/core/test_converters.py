"""``<id:…>`` in our URLs: an id longer than a database id is no URL (404), never a 500."""

import pytest
from django.test import Client
from django.urls import resolve

from members.models import Role
from tests.factories import ForumEventPageFactory, login, make_member

pytestmark = pytest.mark.django_db

TOO_LONG = "9" * 20  # past a 64-bit id: SQLite raised OverflowError, PostgreSQL refused it


def test_an_id_of_up_to_18_digits_resolves_and_a_longer_one_does_not():
    assert resolve("/learning/pages/123456789012345678/studied/").kwargs == {
        "page_id": 123456789012345678
    }
    for path in [f"/learning/pages/{TOO_LONG}/studied/", f"/branch/assignments/{TOO_LONG}/"]:
        assert resolve(path).url_name == "wagtail_serve"  # the page tree: a 404


def test_too_long_ids_are_not_found_for_members_organisers_and_event_managers(event_manager):
    member = login(make_member("li"))
    organiser = login(make_member("wang", role=Role.ORGANISER))
    editor_client = login(event_manager)
    for client in (member, organiser, editor_client):
        client.raise_request_exception = False
    assert member.post(f"/learning/pages/{TOO_LONG}/studied/").status_code == 404
    assert organiser.get(f"/branch/assignments/{TOO_LONG}/").status_code == 404
    assert organiser.get(f"/branch/members/{TOO_LONG}/").status_code == 404
    assert editor_client.get(f"/admin/events/{TOO_LONG}/registrations/").status_code == 404
    # No pattern matches, so APPEND_SLASH tries "registrations.csv/" (which is no page either).
    assert editor_client.get(f"/admin/events/{TOO_LONG}/registrations.csv").status_code == 301


def test_real_ids_still_reach_the_views(event_manager):
    event = ForumEventPageFactory()
    response = login(event_manager).get(f"/admin/events/{event.pk}/registrations/")
    assert response.status_code == 200
    assert Client().post(f"/learning/pages/{event.pk}/studied/").status_code == 302  # log in
