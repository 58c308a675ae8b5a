"""Reading time survives a flaky phone: the page script keeps every event
in an outbox in localStorage until the server has stored it, so time read offline, through
server errors or across a reload arrives exactly once, and a member's queue never goes out
under another member's login.

The server runs with LEARNING_REPORT_INTERVAL_MS=1000 and short retries (support.py)."""

import time

import pytest

from tests.browser.support import Phone, branch_with_people, in_server

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

ENDPOINT = "**/api/learning/events/"
VIEWS = """
import json
from learning.models import LearningEvent
rows = LearningEvent.objects.filter(member__username={username!r}, verb="viewed", value__gt=0)
print(json.dumps({{"ids": [str(r.client_id) for r in rows], "seconds": sum(r.value for r in rows)}}))
"""
ANY_OF = """
import json
from learning.models import LearningEvent
print(json.dumps(LearningEvent.objects.filter(client_id__in={ids!r}).count()))
"""
QUEUED = """() => {
  const events = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    if (key.startsWith("hongke.outbox.")) events.push(...JSON.parse(localStorage.getItem(key)));
  }
  return events;
}"""
EMPTY = "() => !Object.keys(localStorage).some(key => key.startsWith('hongke.outbox.'))"


@pytest.fixture
def people(server_url, tmp_path_factory):
    return branch_with_people(tmp_path_factory, "外箱支部")


@pytest.fixture
def reader(browser, server_url, people):
    phone = Phone(browser, server_url, "outbox")
    phone.login(people["member"])
    yield phone
    phone.close()


def lecture_path(phone) -> str:
    phone.goto("/lectures/")
    return phone.page.locator(".card__link").first.get_attribute("href")


def queued_viewed(phone) -> list[dict]:
    return [event for event in phone.page.evaluate(QUEUED) if event["verb"] == "viewed"]


def stored(people, username=None) -> dict:
    return in_server(people["env"], VIEWS.format(username=username or people["member"]))


def leave_and_count(phone, people, started: float, expect_ids: list[str]) -> tuple[dict, float]:
    """Leave the lecture (its pagehide sends the last seconds); the stored views once the
    earlier queued ones and about the time read have arrived."""
    phone.goto("/learning/")
    elapsed = time.monotonic() - started
    for _ in range(40):
        views = stored(people)
        if set(expect_ids) <= set(views["ids"]) and views["seconds"] >= elapsed - 3:
            break
        time.sleep(0.25)
    return views, elapsed


def assert_read_once(views: dict, elapsed: float, queued: list[dict]):
    assert len(views["ids"]) == len(set(views["ids"]))
    assert {event["id"] for event in queued} <= set(views["ids"])
    # Every second read is there once: not lost (less), not sent twice under new ids (more).
    assert elapsed - 3 <= views["seconds"] <= elapsed + 0.5, (views["seconds"], elapsed)


def test_time_read_offline_arrives_once_back_online(reader, people):
    lecture = lecture_path(reader)
    started = time.monotonic()
    reader.goto(lecture)
    reader.context.set_offline(True)
    reader.page.wait_for_timeout(3500)
    queued = queued_viewed(reader)
    assert sum(event["value"] for event in queued) >= 2, queued
    assert stored(people)["ids"] == []
    reader.context.set_offline(False)
    reader.page.wait_for_function(EMPTY, timeout=10000)
    reader.page.wait_for_timeout(1200)  # read on a little, online
    views, elapsed = leave_and_count(reader, people, started, [e["id"] for e in queued])
    assert_read_once(views, elapsed, queued)


def test_time_read_through_server_errors_arrives_once(reader, people):
    lecture = lecture_path(reader)
    answers = []

    def flaky(route):
        answers.append(route.request.post_data_json)
        if len(answers) <= 2:
            route.fulfill(status=500, content_type="application/json", body='{"error": "x"}')
        else:
            route.continue_()

    reader.page.route(ENDPOINT, flaky)
    started = time.monotonic()
    reader.goto(lecture)
    reader.page.wait_for_timeout(3000)
    reader.page.wait_for_function(EMPTY, timeout=10000)
    assert len(answers) >= 3
    failed = [event for body in answers[:2] for event in body["events"]]
    reader.page.unroute(ENDPOINT)
    views, elapsed = leave_and_count(reader, people, started, [e["id"] for e in failed])
    assert_read_once(views, elapsed, [e for e in failed if e["verb"] == "viewed"])


def test_queue_survives_a_reload(reader, people):
    lecture = lecture_path(reader)
    reader.page.route(ENDPOINT, lambda route: route.abort("internetdisconnected"))
    started = time.monotonic()
    reader.goto(lecture)
    reader.page.wait_for_timeout(2500)
    before = queued_viewed(reader)
    reader.page.reload(wait_until="load")
    reader.page.wait_for_timeout(2000)
    queued = queued_viewed(reader)
    assert {event["id"] for event in before} <= {event["id"] for event in queued}
    assert len(queued) > len(before)
    reader.page.unroute(ENDPOINT)
    reader.page.wait_for_function(EMPTY, timeout=10000)
    views, elapsed = leave_and_count(reader, people, started, [e["id"] for e in queued])
    assert_read_once(views, elapsed, queued)


def test_a_members_queue_is_never_sent_under_another_login(reader, people, browser):
    lecture = lecture_path(reader)
    reader.page.route(ENDPOINT, lambda route: route.abort("internetdisconnected"))
    reader.goto(lecture)
    reader.page.wait_for_timeout(2500)
    queued = queued_viewed(reader)
    assert queued
    with reader.page.expect_navigation(wait_until="load"):
        reader.page.evaluate("document.querySelector('form[data-logout]').requestSubmit()")
    assert reader.page.evaluate(EMPTY)
    reader.page.unroute(ENDPOINT)
    reader.errors.clear()  # the failed sends, on purpose

    # The next person on the phone logs in and reads.
    reader.login(people["other"])
    reader.goto(lecture)
    reader.page.wait_for_timeout(2500)
    reader.goto("/learning/")
    time.sleep(1)
    ids = [event["id"] for event in queued]
    assert in_server(people["env"], ANY_OF.format(ids=ids)) == 0
    assert stored(people)["ids"] == []
    assert stored(people, people["other"])["seconds"] >= 1


def test_an_expired_session_keeps_the_queue_for_its_owner(reader, people):
    lecture = lecture_path(reader)
    reader.page.route(ENDPOINT, lambda route: route.abort("internetdisconnected"))
    reader.goto(lecture)
    reader.page.wait_for_timeout(2500)
    queued = queued_viewed(reader)
    assert queued
    reader.context.clear_cookies()  # the session ends without a logout
    # Leave the page while its sends still fail: a retry let through before it is gone
    # would come back 403 (no session now), late on a busy machine, and count against the
    # login page after the errors are cleared.
    reader.page.goto("about:blank")
    reader.page.wait_for_timeout(1000)
    reader.page.unroute(ENDPOINT)
    reader.errors.clear()  # the failed sends, on purpose
    reader.login(people["other"])
    reader.goto(lecture)
    reader.page.wait_for_timeout(2500)
    ids = [event["id"] for event in queued]
    assert in_server(people["env"], ANY_OF.format(ids=ids)) == 0
    assert {event["id"] for event in queued_viewed(reader)} >= set(ids)  # still kept for them
    # Back as the owner: the queue goes out.
    reader.context.clear_cookies()
    reader.login(people["member"])
    reader.goto(lecture)
    reader.page.wait_for_timeout(1500)
    assert in_server(people["env"], ANY_OF.format(ids=ids)) == len(ids)


LOGOUT_SIGNAL = """() => {
  const conventions = JSON.parse(document.getElementById("hongke-conventions").textContent);
  document.dispatchEvent(new CustomEvent(conventions.events.logout));
}"""


def test_nothing_is_queued_again_after_the_logout_signal(reader):
    """The logout empties the phone, then the page unloads: the seconds counted meanwhile (its
    pagehide) and replies to sends under way must not put the member's outbox back."""
    page = reader.page
    reader.goto(lecture_path(reader))
    reader.context.set_offline(True)  # so the signal's last send cannot empty the queue either
    page.evaluate(LOGOUT_SIGNAL)
    assert page.evaluate(EMPTY)
    for _ in range(6):  # active and visible for a while after the signal
        page.mouse.move(50, 200)
        page.wait_for_timeout(300)
    page.evaluate("() => window.dispatchEvent(new PageTransitionEvent('pagehide'))")
    page.wait_for_timeout(500)
    assert page.evaluate(EMPTY), page.evaluate(QUEUED)
    reader.context.set_offline(False)
