"""The self check-in code changes every minute, so a code passed on from the hall is soon
useless; the desk shows it as digits and as a QR code, to its staff only."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from events.models import Registration
from members.models import Role
from tests.factories import ForumEventPageFactory, login, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser():
    return make_member("organiser", role=Role.ORGANISER, name="王书记")


@pytest.fixture
def event(organiser):
    event = ForumEventPageFactory(starts_in=timedelta(hours=1))
    event.check_in_branches.add(organiser.member_profile.branch)
    event.save()
    return event


@pytest.fixture
def clock(monkeypatch):
    """Django's clock, moved by the test: five seconds into a minute, to start with."""
    start = datetime.fromtimestamp((int(timezone.now().timestamp()) // 60) * 60 + 5, tz=UTC)
    moment = {"now": start}
    monkeypatch.setattr(timezone, "now", lambda: moment["now"])

    def move_to(seconds: int) -> None:
        moment["now"] = start + timedelta(seconds=seconds)

    return move_to


def registered(event, username):
    member = make_member(username)
    login(member).post(event.url + "register/")
    return member


def desk_code(organiser, event) -> str:
    html = login(organiser).get(event.url + "check-in/").content.decode()
    return re.search(r"签到码 <strong>([0-9]{6})</strong>", html).group(1)


def checks_in(member, event, code: str) -> bool:
    login(member).post(event.url + "check-in/code/", {"code": code})
    return Registration.objects.get(event=event, member=member).checked_in_at is not None


def test_the_code_changes_every_minute_and_the_last_one_holds_for_a_short_grace(
    clock, organiser, event
):
    early, late, later = (registered(event, name) for name in ("early", "late", "later"))
    first = desk_code(organiser, event)
    clock(30)
    assert desk_code(organiser, event) == first  # the same minute, the same code
    clock(60)
    second = desk_code(organiser, event)
    assert second != first
    clock(75)  # 15 s after it changed: the code read just before still works
    assert checks_in(early, event, first)
    clock(120)  # 60 s after: passed on to someone not in the hall, it is refused
    assert not checks_in(late, event, first)
    assert checks_in(later, event, desk_code(organiser, event))


def test_wrong_codes_are_still_counted_while_the_code_rotates(clock, organiser, event):
    member = registered(event, "guesser")
    client = login(member)
    for second in range(0, 200, 20):  # ten guesses across several minutes
        clock(second)
        code = desk_code(organiser, event)
        client.post(event.url + "check-in/code/", {"code": f"{(int(code) + 1) % 10**6:06d}"})
    response = client.post(
        event.url + "check-in/code/", {"code": desk_code(organiser, event)}, follow=True
    )
    assert "输错太多次" in str(list(response.context["messages"])[-1])
    assert Registration.objects.get(event=event, member=member).checked_in_at is None


def test_the_desk_shows_a_qr_code_that_opens_the_event_with_the_code_typed_in(organiser, event):
    member = registered(event, "scanner")
    desk = login(organiser)
    html = desk.get(event.url + "check-in/").content.decode()
    code = re.search(r"签到码 <strong>([0-9]{6})</strong>", html).group(1)
    qr_url = re.search(r'<img class="check-in-desk__qr" src="([^"]+)"', html).group(1)
    # A static script swaps in the next minute's code from the screen page; no inline script.
    assert "js/check_in_code" in html and "<script>" not in html
    assert f'data-check-in-code="{event.url}check-in/screen/"' in html
    qr = desk.get(qr_url.replace("&amp;", "&"))
    assert qr.status_code == 200
    assert qr["Content-Type"] == "image/svg+xml"
    assert qr.content.lstrip().startswith(b"<?xml") and b"<svg" in qr.content
    assert b"<script" not in qr.content
    assert "no-store" in qr["Cache-Control"] and "private" in qr["Cache-Control"]

    scanned = login(member).get(event.url, {"code": code}).content.decode()
    assert f'name="code" value="{code}"' in scanned
    hostile = login(member).get(event.url, {"code": '"><script>'}).content.decode()
    assert 'name="code" value=""' in hostile


def test_the_projected_screen_reloads_itself_without_script(organiser, event):
    response = login(organiser).get(event.url + "check-in/screen/")
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'<meta http-equiv="refresh" content="([0-9]{1,2})">', html)
    assert re.search(r"签到码 <strong>[0-9]{6}</strong>", html)
    assert "<script>" not in html and "private" in response["Cache-Control"]


@pytest.mark.parametrize("route", ["check-in/", "check-in/screen/", "check-in/qr/"])
def test_only_the_desk_staff_see_the_code(client, event, route):
    member = registered(event, "member")
    for user in (member, make_member("stranger")):
        assert login(user).get(event.url + route).status_code == 403
    assert client.get(event.url + route).status_code == 302  # anonymous: log in first
    html = login(member).get(event.url).content.decode()
    assert "check-in/qr/" not in html and "check-in-desk__code" not in html
