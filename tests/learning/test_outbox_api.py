"""What the page script's outbox relies on: a fresh CSRF token on demand, its settings on the
page, and the endpoint refusing a queue that belongs to another member."""

import pytest
from django.test import Client

from learning.models import LearningEvent
from learning.outbox import member_key
from tests.factories import MicroLecturePageFactory, UserFactory
from tests.learning.test_event_log import ENDPOINT, event

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(db):
    return UserFactory(username="xiaoli")


def test_csrf_endpoint_gives_a_fresh_uncached_token(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.get("/api/learning/csrf/")
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    token = response.json()["token"]
    assert client.cookies["csrftoken"].value
    lecture = MicroLecturePageFactory()
    posted = client.post(
        ENDPOINT,
        {"events": [event(lecture)]},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert posted.status_code == 200


def test_page_carries_the_members_outbox_key_and_timings(member, settings):
    settings.LEARNING_REPORT_INTERVAL_MS = 1234
    client = Client()
    client.force_login(member)
    html = client.get(MicroLecturePageFactory().url).content.decode()
    assert f'data-learning-member="{member_key(member)}"' in html
    assert 'data-learning-report-ms="1234"' in html
    assert "data-logout" in html


def test_another_members_queue_is_refused_and_not_stored(member):
    other = UserFactory(username="xiaozhao")
    client = Client()
    client.force_login(member)
    lecture = MicroLecturePageFactory()
    sent = event(lecture)
    response = client.post(
        ENDPOINT,
        {"events": [sent]},
        content_type="application/json",
        HTTP_X_LEARNING_MEMBER=member_key(other),
    )
    assert response.status_code == 409
    assert not LearningEvent.objects.filter(client_id=sent["id"]).exists()
    own = client.post(
        ENDPOINT,
        {"events": [sent]},
        content_type="application/json",
        HTTP_X_LEARNING_MEMBER=member_key(member),
    )
    assert own.json() == {"accepted": 1, "duplicates": 0}
