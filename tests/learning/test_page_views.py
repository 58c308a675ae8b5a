"""The server's own record of a member opening a page, made by learning's ``on_serve_page``
hook: the content base never calls learning (docs/architecture.md)."""

from datetime import timedelta

import pytest
from wagtail.models import PageViewRestriction

from learning.models import LearningEvent, LearningRecord, Verb
from learning.wagtail_hooks import REVISIT_WINDOW
from tests.factories import ForumEventPageFactory, MicroLecturePageFactory, UserFactory, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_client():
    member = UserFactory(username="kanye")
    client = login(member)
    client.member = member
    return client


def views_of(member, page) -> int:
    return LearningEvent.objects.filter(member=member, page=page, verb=Verb.VIEWED).count()


def test_an_event_page_counts_but_its_calendar_file_does_not(member_client):
    event = ForumEventPageFactory()
    assert member_client.get(event.url + "ics/").status_code == 200
    assert views_of(member_client.member, event) == 0
    assert member_client.get(event.url).status_code == 200
    assert views_of(member_client.member, event) == 1


def test_a_password_protected_page_counts_only_once_unlocked(member_client):
    lecture = MicroLecturePageFactory()
    PageViewRestriction.objects.create(
        page=lecture, restriction_type=PageViewRestriction.PASSWORD, password="hongjun"
    )
    response = member_client.get(lecture.url)
    assert "hongjun" not in response.content.decode()  # the password form, not the page
    assert views_of(member_client.member, lecture) == 0


def test_a_page_for_logged_in_members_counts(member_client):
    lecture = MicroLecturePageFactory()
    PageViewRestriction.objects.create(page=lecture, restriction_type=PageViewRestriction.LOGIN)
    assert member_client.get(lecture.url).status_code == 200
    assert views_of(member_client.member, lecture) == 1


def test_a_page_opened_again_within_minutes_is_the_same_visit(member_client):
    """A refresh writes nothing (collect the minimum); after the window it counts again."""
    lecture = MicroLecturePageFactory()
    member = member_client.member
    for _ in range(3):
        assert member_client.get(lecture.url).status_code == 200
    assert views_of(member, lecture) == 1
    record = LearningRecord.objects.get(member=member, page=lecture)
    record.last_seen_at -= REVISIT_WINDOW + timedelta(seconds=1)
    record.save(update_fields=["last_seen_at"])
    assert member_client.get(lecture.url).status_code == 200
    assert views_of(member, lecture) == 2
    assert LearningRecord.objects.get(member=member, page=lecture).last_seen_at > (
        record.last_seen_at + REVISIT_WINDOW
    )
