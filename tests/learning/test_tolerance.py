"""The server forgives what a phone cannot help: a clock running fast, and
reading in a section only members (or some groups, or a password) may open."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from wagtail.models import PageViewRestriction

from learning.event_log import CLOCK_SKEW
from learning.models import LearningEvent, LearningRecord, Verb
from lectures.models import LectureIndexPage
from tests.factories import MicroLecturePageFactory, UserFactory
from tests.learning.test_event_log import event, post, token

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(db):
    return UserFactory(username="xiaohong")


@pytest.fixture
def browser(member):
    """A logged-in phone browser that enforces CSRF like a real one."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    client.get(MicroLecturePageFactory().url)  # its 学完了 form sets the cookie
    return client


def restrict(page, kind, **extra) -> PageViewRestriction:
    groups = extra.pop("groups", [])
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=kind, **extra)
    restriction.groups.set(groups)
    return restriction


def studied(client, page):
    return client.post(
        f"/learning/pages/{page.pk}/studied/", {"csrfmiddlewaretoken": token(client)}
    )


class TestClockRunningFast:
    def test_far_future_time_is_clamped_to_receipt(self, browser, member):
        lecture = MicroLecturePageFactory()
        sent = event(lecture, value=40, at=timezone.now() + timedelta(days=2))
        before = timezone.now()
        response = post(browser, [sent, event(lecture, value=5)])
        assert response.status_code == 200, response.content
        assert response.json() == {"accepted": 2, "duplicates": 0}
        stored = LearningEvent.objects.get(client_id=sent["id"])
        assert before <= stored.occurred_at <= timezone.now()
        assert stored.occurred_at == stored.received_at
        record = LearningRecord.objects.get(member=member, page=lecture)
        assert record.last_seen_at <= timezone.now()

    def test_small_skew_is_kept_as_sent(self, browser):
        lecture = MicroLecturePageFactory()
        at = timezone.now() + CLOCK_SKEW / 2
        sent = event(lecture, at=at)
        assert post(browser, [sent]).status_code == 200
        assert LearningEvent.objects.get(client_id=sent["id"]).occurred_at == at

    def test_resending_a_clamped_event_is_a_duplicate(self, browser):
        lecture = MicroLecturePageFactory()
        sent = event(lecture, at=timezone.now() + timedelta(hours=3))
        assert post(browser, [sent]).json() == {"accepted": 1, "duplicates": 0}
        assert post(browser, [sent]).json() == {"accepted": 0, "duplicates": 1}


class TestBackdating:
    """An outbox may hold a week of a phone's offline reading; older dates are not credible
    (a 学完了 dated before an assignment's due date, months of reading time made up)."""

    def test_an_event_dated_weeks_back_is_stored_at_receipt(self, browser, member):
        lecture = MicroLecturePageFactory()
        sent = event(
            lecture, verb=Verb.COMPLETED, value=None, at=timezone.now() - timedelta(days=60)
        )
        before = timezone.now()
        response = post(browser, [sent])
        assert response.status_code == 200, response.content
        stored = LearningEvent.objects.get(client_id=sent["id"])
        assert before <= stored.occurred_at <= timezone.now()
        assert stored.occurred_at == stored.received_at
        record = LearningRecord.objects.get(member=member, page=lecture)
        assert record.completed_at >= before

    def test_an_event_within_the_week_is_kept_as_sent(self, browser):
        lecture = MicroLecturePageFactory()
        at = timezone.now() - timedelta(days=7) + timedelta(hours=1)
        sent = event(lecture, value=20, at=at)
        assert post(browser, [sent]).status_code == 200
        assert LearningEvent.objects.get(client_id=sent["id"]).occurred_at == at


class TestRestrictedSections:
    def test_login_restricted_section_accepted(self, browser, member):
        lecture = MicroLecturePageFactory()
        restrict(LectureIndexPage.objects.get(), PageViewRestriction.LOGIN)
        response = post(browser, [event(lecture, value=30)])
        assert response.status_code == 200, response.content
        assert studied(browser, lecture).status_code == 302
        record = LearningRecord.objects.get(member=member, page=lecture)
        assert record.total_seconds == 30 and record.completed_at is not None

    def test_group_restricted_page_only_for_its_groups(self, browser, member):
        lecture = MicroLecturePageFactory()
        readers = Group.objects.create(name="理论学习小组")
        restrict(lecture, PageViewRestriction.GROUPS, groups=[readers])
        refused = post(browser, [event(lecture)])
        assert refused.status_code == 400
        assert [(p["index"], p["field"]) for p in refused.json()["problems"]] == [(0, "page")]
        assert studied(browser, lecture).status_code == 404
        member.groups.add(readers)
        assert post(browser, [event(lecture)]).status_code == 200
        assert studied(browser, lecture).status_code == 302

    def test_password_page_only_once_this_session_passed_it(self, browser, member):
        lecture = MicroLecturePageFactory()
        restriction = restrict(lecture, PageViewRestriction.PASSWORD, password="hongjun")
        assert post(browser, [event(lecture)]).status_code == 400
        assert studied(browser, lecture).status_code == 404
        session = browser.session
        session[PageViewRestriction.passed_view_restrictions_session_key] = [restriction.pk]
        session.save()
        assert post(browser, [event(lecture)]).status_code == 200
        assert studied(browser, lecture).status_code == 302

    def test_refused_page_leaves_the_rest_of_the_batch_unsaved(self, browser):
        public, private = MicroLecturePageFactory(), MicroLecturePageFactory()
        restrict(private, PageViewRestriction.GROUPS, groups=[Group.objects.create(name="x")])
        before = LearningEvent.objects.count()
        response = post(browser, [event(public), event(private)])
        assert [p["index"] for p in response.json()["problems"]] == [1]
        assert LearningEvent.objects.count() == before

    def test_opening_a_login_restricted_page_records_a_view(self, browser, member):
        lecture = MicroLecturePageFactory()
        restrict(LectureIndexPage.objects.get(), PageViewRestriction.LOGIN)
        assert browser.get(lecture.url).status_code == 200
        assert LearningEvent.objects.filter(member=member, page=lecture, verb=Verb.VIEWED).exists()
