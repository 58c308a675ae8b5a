"""A member reads and watches; the page script reports; the server keeps an honest history."""

import json
import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from learning.models import LearningEvent, LearningRecord
from learning.records import rebuild_records
from tests.factories import (
    ExemplarStoryPageFactory,
    MicroLecturePageFactory,
    RevolutionarySitePageFactory,
    UserFactory,
    login,
)

pytestmark = pytest.mark.django_db
ENDPOINT = "/api/learning/events/"


@pytest.fixture
def member(db):
    return UserFactory(username="xiaoming")


@pytest.fixture
def browser(member):
    """A logged-in phone browser that enforces CSRF like a real one."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    client.get(MicroLecturePageFactory().url)  # its 学完了 form sets the CSRF cookie
    return client


def token(client) -> str:
    return client.cookies["csrftoken"].value


def event(page, verb="viewed", value=30, at=None, event_id=None) -> dict:
    return {
        "id": event_id or str(uuid.uuid4()),
        "page": page.pk,
        "verb": verb,
        "value": value,
        "at": (at or timezone.now()).isoformat(),
    }


def post(client, events, csrf=True, raw=None):
    headers = {"HTTP_X_CSRFTOKEN": token(client)} if csrf else {}
    body = raw if raw is not None else json.dumps({"events": events})
    return client.post(ENDPOINT, body, content_type="application/json", **headers)


def test_opening_a_page_records_a_view(member):
    client = login(member)
    page = RevolutionarySitePageFactory()
    client.get(page.url)
    assert LearningEvent.objects.filter(member=member, page=page, verb="viewed").count() == 1
    assert LearningRecord.objects.get(member=member, page=page).total_seconds == 0


def test_anonymous_visits_record_nothing(client):
    client.get(MicroLecturePageFactory().url)
    assert not LearningEvent.objects.exists()


def test_batch_is_stored_and_summarised(browser, member):
    story = ExemplarStoryPageFactory()
    response = post(browser, [event(story, value=40), event(story, value=25)])
    assert response.status_code == 200
    assert response.json() == {"accepted": 2, "duplicates": 0}
    record = LearningRecord.objects.get(member=member, page=story)
    assert record.total_seconds == 65
    assert record.completed_at is not None  # a story is studied after 60 s of reading


def test_duplicates_are_stored_once_across_and_within_batches(browser, member):
    lecture = MicroLecturePageFactory()
    first = event(lecture, "progressed", 0.3)
    assert post(browser, [first]).json() == {"accepted": 1, "duplicates": 0}
    repeat = event(lecture, "progressed", 0.5)
    response = post(browser, [first, repeat, repeat])
    assert response.json() == {"accepted": 1, "duplicates": 2}
    ids = [first["id"], repeat["id"]]
    assert LearningEvent.objects.filter(member=member, client_id__in=ids).count() == 2


def test_invalid_batch_is_rejected_whole_with_reasons(browser, member):
    lecture = MicroLecturePageFactory()
    before = LearningEvent.objects.count()
    events = [
        event(lecture, value=20),  # valid, must not be stored
        event(lecture, verb="jumped"),
        event(lecture, verb="progressed", value=1.5),
        {**event(lecture), "id": "not-a-uuid"},
        {**event(lecture), "page": 999999},
        {**event(lecture), "at": "2026-11-24 09:00"},  # no offset
        {**event(lecture), "extra": 1},
        event(lecture, verb="completed", value=3),
    ]
    response = post(browser, events)
    assert response.status_code == 400
    problems = {(p["index"], p["field"]) for p in response.json()["problems"]}
    assert problems == {
        (1, "verb"),
        (2, "value"),
        (3, "id"),
        (4, "page"),
        (5, "at"),
        (6, "extra"),
        (7, "value"),
    }
    assert LearningEvent.objects.count() == before


@pytest.mark.parametrize("verb", ["registered", "attended", "answered", "reflected"])
def test_server_only_verbs_refused_from_clients(browser, verb):
    response = post(browser, [event(MicroLecturePageFactory(), verb=verb, value=None)])
    assert response.status_code == 400
    assert "只能由服务器记录" in response.json()["problems"][0]["message"]


@pytest.mark.parametrize(
    "raw,status",
    [
        ("not json", 400),
        ("[]", 400),
        ('{"events": []}', 400),
        ('{"events": {}}', 400),
        ('{"events": [1, 2]}', 400),
        ('{"events": [], "x": 1}', 400),
        ('{"events": [{"page": 1e400}]}', 400),
        ('{"events": [{"page": 9223372036854775808}]}', 400),
        ("[" * 200_000, 400),  # RecursionError in the decoder
        ('{"events": [{"page": ' + "9" * 5000 + "}]}", 400),  # more than 4300 digits
    ],
)
def test_malformed_bodies_get_400(browser, raw, status):
    response = post(browser, None, raw=raw)
    assert response.status_code == status
    assert "error" in response.json()


def test_more_than_a_hundred_events_refused(browser):
    lecture = MicroLecturePageFactory()
    response = post(browser, [event(lecture, value=1) for _ in range(101)])
    assert response.status_code == 413
    assert not LearningEvent.objects.filter(verb="viewed", value=1).exists()


def test_anonymous_posts_refused(client):
    client = Client(enforce_csrf_checks=True)
    client.get("/admin/login/")  # a page with a form sets the CSRF cookie
    response = client.post(
        ENDPOINT,
        json.dumps({"events": [event(MicroLecturePageFactory())]}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )
    assert response.status_code == 403
    assert not LearningEvent.objects.exists()


def test_posts_without_csrf_token_refused(browser, member):
    before = LearningEvent.objects.count()
    response = post(browser, [event(MicroLecturePageFactory())], csrf=False)
    assert response.status_code == 403
    assert LearningEvent.objects.count() == before


def test_get_is_not_allowed(browser):
    assert browser.get(ENDPOINT).status_code == 405


class TestCompletion:
    def test_lecture_completed_at_ninety_percent(self, browser, member):
        lecture = MicroLecturePageFactory()
        post(browser, [event(lecture, "progressed", 0.89)])
        assert LearningRecord.objects.get(member=member, page=lecture).completed_at is None
        post(browser, [event(lecture, "progressed", 0.9), event(lecture, "progressed", 0.4)])
        record = LearningRecord.objects.get(member=member, page=lecture)
        assert record.completed_at is not None
        assert record.best_progress == pytest.approx(0.9)  # the best is kept

    def test_reading_a_lecture_does_not_complete_it(self, browser, member):
        lecture = MicroLecturePageFactory()
        post(browser, [event(lecture, value=600)])
        assert LearningRecord.objects.get(member=member, page=lecture).completed_at is None

    def test_site_completed_after_sixty_seconds(self, browser, member):
        site = RevolutionarySitePageFactory()
        post(browser, [event(site, value=59)])
        assert LearningRecord.objects.get(member=member, page=site).completed_at is None
        post(browser, [event(site, value=1)])
        assert LearningRecord.objects.get(member=member, page=site).completed_at is not None

    def test_studied_button_without_javascript(self, browser, member):
        lecture = MicroLecturePageFactory()
        html = browser.get(lecture.url).content.decode()
        assert "学完了" in html
        response = browser.post(
            f"/learning/pages/{lecture.pk}/studied/",
            {"csrfmiddlewaretoken": token(browser), "next": lecture.url},
        )
        assert response.status_code == 302 and response["Location"] == lecture.url
        assert LearningRecord.objects.get(member=member, page=lecture).completed_at is not None
        assert "已学完" in browser.get(lecture.url).content.decode()

    def test_studied_button_refuses_unsafe_redirects_and_unknown_pages(self, browser):
        lecture = MicroLecturePageFactory()
        response = browser.post(
            f"/learning/pages/{lecture.pk}/studied/",
            {"csrfmiddlewaretoken": token(browser), "next": "https://evil.example/"},
        )
        assert response["Location"] == lecture.url
        missing = browser.post(
            "/learning/pages/999999/studied/", {"csrfmiddlewaretoken": token(browser)}
        )
        assert missing.status_code == 404


def test_rebuild_gives_identical_records(browser, member):
    lecture = MicroLecturePageFactory()
    site = RevolutionarySitePageFactory()
    earlier = timezone.now() - timedelta(hours=2)
    post(browser, [event(site, value=50, at=earlier), event(lecture, "progressed", 0.95)])
    post(browser, [event(site, value=20), event(lecture, value=30, at=earlier)])
    fields = [
        "member_id",
        "page_id",
        "first_seen_at",
        "last_seen_at",
        "total_seconds",
        "best_progress",
        "completed_at",
    ]
    before = sorted(LearningRecord.objects.values_list(*fields))
    LearningRecord.objects.filter(member=member).update(total_seconds=0, completed_at=None)
    rebuild_records()
    assert sorted(LearningRecord.objects.values_list(*fields)) == before
    LearningRecord.objects.all().delete()
    call_command("rebuild_learning_records", verbosity=0)
    assert sorted(LearningRecord.objects.values_list(*fields)) == before


def test_one_member_cannot_write_anothers_history(browser, member):
    other = UserFactory(username="xiaohong")
    lecture = MicroLecturePageFactory()
    payload = event(lecture)
    payload["member"] = other.pk
    response = post(browser, [payload])
    assert response.status_code == 400  # "member" is not a field a client may send
    assert not LearningEvent.objects.filter(member=other).exists()
    # The same event id under another member is that member's own, not a duplicate.
    mine = event(lecture)
    post(browser, [mine])
    other_client = Client(enforce_csrf_checks=True)
    other_client.force_login(other)
    other_client.get(lecture.url)
    assert post(other_client, [mine]).json() == {"accepted": 1, "duplicates": 0}
