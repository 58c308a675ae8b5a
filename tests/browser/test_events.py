"""Registering for a forum event and checking in at the door, on a 375×740 phone.

An event starts in an hour (so check-in is already open) with one place. Member A takes
the place and downloads the event for the calendar; member B finds it full and joins the
waiting list; A types the code shown at the venue on the phone keypad and is checked in;
the organiser's check-in desk counts A, shows the code, and explains why B is not in the
list; A's 我的活动 shows the event as 已签到.

Everything goes through the real server and real Chromium. On every screen: the page fits
the phone, fetches nothing from another host, logs no console error, every button is at
least 44 px tall, and every form control has an accessible name.
"""

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.browser.support import Phone, branch_with_people, in_server

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

CURRENT_CODE = """
import json
from events.check_in_code import current_code
from events.models import ForumEventPage
print(json.dumps(current_code(ForumEventPage.objects.get(slug={slug!r}))))
"""


SETUP = """
import json
from datetime import timedelta
from django.utils import timezone
from events.models import EventIndexPage, ForumEventPage

index = EventIndexPage.objects.get()
event = index.add_child(instance=ForumEventPage(
    title={title!r},
    slug={slug!r},
    topic="科技报国",
    summary="青年科技工作者谈科技报国。",
    starts_at=timezone.now() + timedelta(hours=1),
    venue="学术交流中心报告厅",
    capacity=1,
))
from members.models import Branch
event.check_in_branches.add(Branch.objects.get(pk={branch_id}))  # the organiser's branch staffs the desk
event.save_revision().publish()
event = ForumEventPage.objects.get(pk=event.pk)
print(json.dumps({{"path": event.get_url(), "check_in_open": event.check_in_is_open}}))
"""

REGISTRATIONS = """
import json
from events.models import Registration
rows = Registration.objects.filter(event__slug={slug!r}).order_by("queued_at", "pk")
print(json.dumps([
    [r.member.username, r.status, r.checked_in_at is not None] for r in rows
]))
"""


@pytest.fixture
def event(server_url, tmp_path_factory):
    """A one-place event starting in an hour, an organiser and two members, in the server's DB."""
    people = branch_with_people(tmp_path_factory, "物理学院第二党支部")
    suffix = people["suffix"]
    names = {"title": f"科技报国青年论坛{suffix}", "slug": f"keji-baoguo-{suffix}"}
    created = in_server(people["env"], SETUP.format(branch_id=people["id"], **names))
    assert created["check_in_open"], "check-in should open two hours before the start"
    path = urlparse(created["path"]).path
    assert path.endswith("/"), path
    return {**people, **names, "path": path}


def registrations(event) -> list[list]:
    return in_server(event["env"], REGISTRATIONS.format(slug=event["slug"]))


def messages(page) -> list[str]:
    return [text.strip() for text in page.locator(".messages .message").all_inner_texts()]


def test_members_register_wait_and_check_in_on_a_phone(browser, server_url, event):
    member = Phone(browser, server_url, "events")
    other = Phone(browser, server_url, "events")
    organiser = Phone(browser, server_url, "events")
    try:
        register_wait_and_check_in(member, other, organiser, event)
    finally:
        member.close()
        other.close()
        organiser.close()


def register_wait_and_check_in(member: Phone, other: Phone, organiser: Phone, event):
    path, title = event["path"], event["title"]

    # 1. Member A takes the one place and saves the event to the phone's calendar.
    page = member.page
    member.login(event["member"])
    member.goto(path)
    assert page.get_by_role("heading", level=1).inner_text().strip() == title
    panel = page.locator("section#registration")
    assert panel.get_by_role("heading", name="报名").is_visible()
    places = panel.locator(".registration__places")
    assert "剩余 1 个名额（共 1 个）" in places.inner_text()
    register = panel.get_by_role("button", name="报名参加")
    assert register.is_visible()
    member.check("1-member-event")
    member.submit(register)
    assert urlparse(page.url).path == path and page.url.endswith("#registration")
    assert messages(page) == ["报名成功。"]
    status = panel.locator(".registration__status")
    assert status.inner_text().strip() == "✓ 你已报名。"
    assert "名额已满" in places.inner_text()
    assert panel.get_by_role("button", name="报名参加").count() == 0
    assert panel.get_by_role("button", name="取消报名").is_visible()
    member.show("2-member-registered")
    member.check("2b-member-registered-top")

    calendar = panel.get_by_role("link", name="加入日历（.ics）")
    with page.expect_download() as download_info:
        calendar.tap()
    download = download_info.value
    assert download.failure() is None, download.failure()
    assert download.suggested_filename == f"{event['slug']}.ics"
    assert urlparse(download.url).path == path + "ics/"
    text = Path(download.path()).read_text(encoding="utf-8")
    assert text.startswith("BEGIN:VCALENDAR"), text[:80]
    assert "TZID=Asia/Shanghai" in text
    assert "BEGIN:VTIMEZONE" in text and "BEGIN:VEVENT" in text
    unfolded = text.replace("\r\n ", "")
    assert f"SUMMARY:{title}" in unfolded
    assert urlparse(page.url).path == path, "the download navigated away"
    member.check("3-member-after-download", screenshot=False)

    # 2. Member B, on another phone, finds it full and joins the waiting list.
    theirs = other.page
    other.login(event["other"])
    other.goto(path)
    other_panel = theirs.locator("section#registration")
    assert other_panel.locator(".registration__places").inner_text().startswith("名额已满")
    assert other_panel.get_by_role("button", name="报名参加").count() == 0
    join = other_panel.get_by_role("button", name="加入候补名单")
    assert join.is_visible()
    other.check("4-other-full")
    other.submit(join)
    assert messages(theirs) == ["名额已满，你已进入候补名单（第 1 位），有人取消时会按顺序递补。"]
    waiting = other_panel.locator(".registration__status")
    assert waiting.inner_text().strip().startswith("你在候补名单第 1 位。")
    assert "名额已满，1 人候补" in other_panel.locator(".registration__places").inner_text()
    assert other_panel.get_by_role("button", name="退出候补").is_visible()
    # A member on the waiting list has no place, so no check-in code field.
    assert theirs.get_by_label("现场签到码").count() == 0
    other.show("5-other-waiting")
    other.check("5b-other-waiting-top")

    # 3. Member A types the code from the venue's screen on the phone's number keypad.
    member.goto(path)
    assert "名额已满，1 人候补" in places.inner_text()
    field = panel.get_by_role("textbox", name="现场签到码")
    assert field.is_visible()
    assert field.get_attribute("inputmode") == "numeric"
    assert field.get_attribute("autocomplete") == "one-time-code"
    assert field.get_attribute("aria-describedby") == "check-in-code-help"
    assert "6 位数字" in page.locator("#check-in-code-help").inner_text()
    member.check("6-member-check-in-form")

    code = in_server(event["env"], CURRENT_CODE.format(slug=event["slug"]))  # on the screen
    wrong = code[:4] + code[5] + code[4]  # two digits swapped: refused, nothing recorded
    if wrong == code:
        wrong = code[:5] + str((int(code[5]) + 1) % 10)
    field.tap()
    assert field.evaluate("(element) => element === document.activeElement")
    page.keyboard.type(wrong)
    member.submit(panel.get_by_role("button", name="签到", exact=True))
    assert messages(page) == ["签到码不对或已过期（每分钟更换），请看现场屏幕上此刻的 6 位数字。"]
    assert status.inner_text().strip() == "✓ 你已报名。"  # not checked in
    field = panel.get_by_role("textbox", name="现场签到码")
    member.show("7-member-wrong-code")
    member.check("7b-member-wrong-code-top")

    field.tap()
    page.keyboard.type(code)
    assert field.input_value() == code
    member.show("8-member-code-typed", field)
    member.submit(panel.get_by_role("button", name="签到", exact=True))
    assert messages(page) == ["签到成功。"]
    assert status.inner_text().strip() == "✓ 你已报名。 已签到。"
    assert page.get_by_label("现场签到码").count() == 0
    assert panel.get_by_role("button", name="取消报名").count() == 0
    assert "已签到参加" in page.locator("section.study .study__done").inner_text()
    assert registrations(event) == [
        [event["member"], "confirmed", True],
        [event["other"], "waiting", False],
    ]
    member.show("9-member-checked-in")
    member.check("9b-member-checked-in-top")

    # 4. The organiser's desk: the count, the code, and why B is not in the list.
    desk = organiser.page
    organiser.login(event["organiser"])
    organiser.goto(path)
    assert desk.locator("section#registration").get_by_role("link", name="现场签到台").is_visible()
    organiser.goto(path + "check-in/")
    assert desk.get_by_role("heading", level=1).inner_text().strip() == "现场签到"
    assert desk.get_by_role("link", name=title).is_visible()
    lead = desk.locator(".page-header .lead").inner_text().strip()
    assert lead == "已签到 1 / 报名 1 人 · 候补 1 人", lead
    shown = desk.locator(".check-in-desk__code strong").inner_text().strip()
    assert len(shown) == 6 and shown.isdigit(), shown
    assert desk.locator("img.check-in-desk__qr").is_visible()
    listed = desk.locator(".check-in-list__item")
    assert listed.count() == 1
    assert "李明" in listed.first.inner_text() and "已签到" in listed.first.inner_text()
    assert listed.first.get_by_role("button").count() == 0
    organiser.check("10-desk")
    # The projected screen: the same code, large, and its QR code, on a phone too.
    organiser.goto(path + "check-in/screen/")
    projected = desk.locator(".check-in-desk__code strong").inner_text().strip()
    assert len(projected) == 6 and projected.isdigit(), projected  # the minute may turn
    assert desk.locator("img.check-in-desk__qr").is_visible()
    organiser.check("10b-desk-screen")
    organiser.goto(path + "check-in/")

    search = desk.get_by_role("searchbox", name="按姓名、用户名或学号查找")
    search.tap()
    desk.keyboard.type("张华")
    organiser.submit(desk.locator("form.check-in-desk__search").get_by_role("button", name="查找"))
    assert "q=" in desk.url
    assert desk.locator(".check-in-list__item").count() == 0
    empty = desk.locator("p.empty").inner_text().strip()
    assert empty == "没有找到“张华”。只有报名成功的成员在名单里；候补和已取消的不在。", empty
    assert search.input_value() == "张华"
    organiser.check("11-desk-search-waiting")

    # 5. Member A's 我的活动 lists the event as checked in.
    member.goto("/learning/events/")
    assert page.get_by_role("heading", level=1).inner_text().strip() == "我的活动"
    item = page.locator(".my-events .learning-item", has=page.get_by_role("link", name=title))
    assert item.count() == 1
    badges = [text.strip() for text in item.locator(".badge").all_inner_texts()]
    assert badges == ["已报名", "已签到"], badges
    assert re.search(r"\d{2}:\d{2} · 学术交流中心报告厅", item.inner_text())
    assert item.get_by_role("link", name="加入日历").get_attribute("href") == path + "ics/"
    member.check("12-my-events")
