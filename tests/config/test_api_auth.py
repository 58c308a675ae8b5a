"""The API knows only the site's own session: a Basic ``Authorization`` header is no login.

With DRF's default Basic authentication every API address answered whether a username and
password were right (401 or 200), a password check that bypassed the login page.
"""

import base64

import pytest
from django.contrib.auth.signals import user_login_failed
from django.test import Client
from wagtail.models import PageViewRestriction

from members.throttle import PAIR_FAILURE_LIMIT
from tests.factories import MicroLecturePageFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "井冈山-1927-星火"
PAGES = "/api/v2/pages/?type=lectures.MicroLecturePage&fields=title&limit=50"


def basic(username: str, password: str) -> dict:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


@pytest.fixture
def private_lecture(db):
    lecture = MicroLecturePageFactory(title="仅限党员的微党课")
    PageViewRestriction.objects.create(page=lecture, restriction_type=PageViewRestriction.LOGIN)
    return lecture


@pytest.fixture
def password_checks():
    """Every failed password check Django's ``authenticate`` reports."""
    failures = []

    def count(sender, credentials, **kwargs):
        failures.append(credentials.get("username"))

    user_login_failed.connect(count)
    yield failures
    user_login_failed.disconnect(count)


def test_a_right_basic_password_shows_nothing_more_than_to_a_visitor(private_lecture):
    UserFactory(username="chaoji", password=PASSWORD, is_superuser=True, is_staff=True)
    anonymous = Client().get(PAGES)
    with_password = Client().get(PAGES, **basic("chaoji", PASSWORD))
    assert with_password.status_code == anonymous.status_code == 200
    assert with_password.json() == anonymous.json()
    assert "仅限党员的微党课" not in with_password.content.decode()
    detail = Client().get(f"/api/v2/pages/{private_lecture.pk}/", **basic("chaoji", PASSWORD))
    assert detail.status_code == 404


def test_a_basic_header_checks_no_password(password_checks):
    UserFactory(username="bianji", password=PASSWORD, groups=["编辑"])
    client = Client(REMOTE_ADDR="10.9.8.7")
    for _attempt in range(PAIR_FAILURE_LIMIT + 1):
        response = client.get(PAGES, **basic("bianji", "not-the-password"))
        assert response.status_code == 200  # not 401/403: the header is not read at all
    assert password_checks == []
    # Nothing was counted on the login throttle either: the right password still logs in.
    login = Client(REMOTE_ADDR="10.9.8.7").post(
        "/login/", {"username": "bianji", "password": PASSWORD}
    )
    assert login.status_code == 302
