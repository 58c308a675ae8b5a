"""Shared phones: 这是公用手机 ends the session when the browser closes and keeps nothing
offline; other sessions end after SESSION_IDLE_DAYS without a visit (7 by default)."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from lectures.models import MicroLecturePage
from tests.factories import MicroLecturePageFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db
PASSWORD = "长征精神-1935"
WEEK = 7 * 24 * 60 * 60


@pytest.fixture
def member(db):
    user = make_member("gongyong")
    user.set_password(PASSWORD)
    user.save()
    return user


def log_in(client, **extra):
    return client.post("/login/", {"username": "gongyong", "password": PASSWORD, **extra})


def session_row(client) -> Session:
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)


def test_the_login_form_offers_the_shared_phone_choice(client):
    html = client.get("/login/").content.decode()
    assert 'type="checkbox" name="shared_phone"' in html
    assert "这是公用手机" in html


def test_a_shared_phone_session_ends_with_the_browser(client, member):
    assert log_in(client, shared_phone="on").status_code == 302
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value and not cookie["max-age"] and not cookie["expires"]
    assert client.session.get_expire_at_browser_close()


def test_a_shared_phone_keeps_nothing_offline(client, member):
    lecture = MicroLecturePage.objects.live().public().exclude(media_file=None).first()
    log_in(client, shared_phone="on")
    response = client.get(lecture.url)
    assert "data-offline-download" not in response.content.decode()
    assert response["X-Hongke-Session"].endswith("; shared")
    assert client.get(f"/offline/copy/{lecture.pk}/").status_code == 403


def test_other_sessions_last_seven_idle_days(client, member):
    assert settings.SESSION_COOKIE_AGE == WEEK
    log_in(client)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == WEEK
    assert not client.session.get_expire_at_browser_close()
    expires = session_row(client).expire_date
    assert abs((expires - timezone.now()) - timedelta(seconds=WEEK)) < timedelta(minutes=1)


def age_session(client, seconds: int) -> None:
    """As if the member's last visit that moved the expiry were ``seconds`` ago."""
    from members.sessions import REFRESHED

    session = client.session
    session[REFRESHED] = int(time.time()) - seconds
    session.save()
    row = session_row(client)
    row.expire_date -= timedelta(seconds=seconds)
    row.save()


def test_a_visit_moves_the_expiry_without_writing_every_request(client, member):
    log_in(client)
    lecture = MicroLecturePageFactory()
    # Within the hour: the session is not written again.
    response = client.get(lecture.url)
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    # Six days later, the next visit pushes the end a week ahead again.
    age_session(client, 6 * 24 * 60 * 60)
    response = client.get(lecture.url)
    assert int(response.cookies[settings.SESSION_COOKIE_NAME]["max-age"]) == WEEK
    expires = session_row(client).expire_date
    assert abs((expires - timezone.now()) - timedelta(seconds=WEEK)) < timedelta(minutes=1)


def test_the_first_page_after_any_login_writes_no_session(client, member):
    """Every login saves the session with its end counted from then (force_login, SSO and
    the admin's login alike), so the next page costs no write: query counts stay even."""
    client.force_login(member)
    lecture = MicroLecturePageFactory()
    response = client.get(lecture.url)
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_a_session_idle_longer_is_over(client, member):
    log_in(client)
    age_session(client, WEEK + 60)
    response = client.get("/learning/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_staff_login_through_the_admin_slides_too():
    UserFactory(username="bianji-admin", password=PASSWORD, groups=["编辑"])
    client = Client()
    response = client.post("/admin/login/", {"username": "bianji-admin", "password": PASSWORD})
    assert response.status_code == 302
    from members.sessions import REFRESHED

    assert REFRESHED in client.session
