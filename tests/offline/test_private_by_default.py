"""Private by default for members: every answer rendered for a logged-in member is
``private, no-store`` unless it is shared by design; the worker learns whose session a page
belongs to from a header of its own; 下载离线 saves a copy rendered as for a visitor."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from wagtail.models import PageViewRestriction

from learning.outbox import member_key
from tests.factories import (
    AssignmentFactory,
    ExemplarStoryPageFactory,
    MicroLecturePageFactory,
    PageVoteFactory,
    ReflectionFactory,
    login,
    make_member,
)

pytestmark = pytest.mark.django_db

REFLECTION = "我的心得：遵义会议让我明白了实事求是的分量。"
NOTE = "讲得清楚，例子很好"


def cache_control(response) -> set[str]:
    header = response.get("Cache-Control", "")
    return {part.strip().split("=")[0] for part in header.split(",") if part.strip()}


@pytest.fixture
def lecture():
    return MicroLecturePageFactory()


@pytest.fixture
def member(lecture):
    """A member who has written a reflection and voted with a note on ``lecture``."""
    user = make_member("siren-shouji")
    ReflectionFactory(member=user, page=lecture, text=REFLECTION)
    PageVoteFactory(member=user, page=lecture, note=NOTE)
    return user


def member_paths(lecture) -> list[str]:
    story = ExemplarStoryPageFactory()
    return [
        "/",
        lecture.url,
        story.url,
        "/search/?q=%E5%85%9A",
        "/tags/",
        "/api/v2/pages/",
        "/no-such-page/",
        "/learning/",
    ]


def test_every_answer_for_a_member_is_private_and_not_stored(member, lecture):
    client = login(member)
    for path in member_paths(lecture):
        response = client.get(path)
        assert {"private", "no-store"} <= cache_control(response), (path, response.status_code)


def test_a_visitors_pages_stay_shareable(lecture):
    for path in ("/", lecture.url, "/tags/"):
        response = Client().get(path)
        assert response.status_code == 200
        assert not {"private", "no-store"} & cache_control(response), path
        assert "X-Hongke-Session" not in response, path


def test_shared_answers_stay_shared_for_members(member, lecture):
    """The worker, the offline page and a share QR code are the same for everyone."""
    client = login(member)
    for path in ("/sw.js", "/offline/", f"/share/qr/{lecture.pk}.svg", "/robots.txt"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "private" not in cache_control(response), path
        assert "no-store" not in cache_control(response), path


def test_a_members_answers_name_their_session_for_the_worker(member, lecture):
    response = login(member).get(lecture.url)
    value = response["X-Hongke-Session"]
    key, _, rest = value.partition(";")
    assert key.strip() == member_key(member)
    expires = int(rest.strip().removeprefix("expires="))
    idle = timedelta(days=7).total_seconds()
    assert abs(expires - (timezone.now().timestamp() + idle)) < 120
    # Not the member's name, nor anything they wrote.
    assert member.username not in value


def copy_url(page) -> str:
    return f"/offline/copy/{page.pk}/"


def test_the_download_saves_the_page_as_a_visitor_sees_it(member, lecture):
    client = login(member)
    own = client.get(lecture.url).content.decode()
    assert REFLECTION in own and NOTE in own  # the member's own page carries them
    assert f'data-copy="{copy_url(lecture)}"' in own
    response = client.get(copy_url(lecture))
    assert response.status_code == 200
    assert {"private", "no-store"} <= cache_control(response)
    copy = response.content.decode()
    assert lecture.title in copy
    for personal in (REFLECTION, NOTE, member_key(member), member.username, "csrfmiddlewaretoken"):
        assert personal not in copy, personal
    assert re.search(r'data-member=""', copy)
    assert "data-offline-download" not in copy


def test_a_login_only_page_is_copied_for_members_only(member):
    story = ExemplarStoryPageFactory()
    PageViewRestriction.objects.create(page=story, restriction_type=PageViewRestriction.LOGIN)
    AssignmentFactory(
        branch=member.member_profile.branch,
        title="仅限登录",
        due_in=timedelta(days=3),
        pages=[story],
    )
    ReflectionFactory(member=member, page=story, text=REFLECTION)
    response = login(member).get(copy_url(story))
    assert response.status_code == 200
    copy = response.content.decode()
    assert story.title in copy and REFLECTION not in copy
    # A visitor gets no copy of it, and a page that does not exist is a 404.
    assert Client().get(copy_url(story)).status_code in (302, 403)
    assert login(member).get("/offline/copy/999999999/").status_code == 404


def test_a_password_page_is_copied_only_once_unlocked(member):
    story = ExemplarStoryPageFactory()
    PageViewRestriction.objects.create(
        page=story, restriction_type=PageViewRestriction.PASSWORD, password="hongjun"
    )
    assert login(member).get(copy_url(story)).status_code == 403
