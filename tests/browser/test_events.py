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

import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PROJECT_DIR = Path(__file__).resolve().parents[2]
SCREENSHOTS = PROJECT_DIR / "tests" / "browser" / "screenshots"
WIDTH, HEIGHT = 375, 740
PASSWORD = "Hongke-test-2024!"
CODE = "246810"
MIN_TAP = 44
BUTTONS = "button, input[type=submit], input[type=button], a.button, [role=button]"
# Roles whose elements a person operates: each needs a name a screen reader can say.
CONTROL_ROLES = {
    "button",
    "checkbox",
    "combobox",
    "listbox",
    "radio",
    "searchbox",
    "slider",
    "spinbutton",
    "switch",
    "textbox",
}


def server_env(tmp_path_factory) -> dict:
    """The environment the session's server runs with (conftest keeps its files here)."""
    found = tmp_path_factory.getbasetemp().glob("server*/db.sqlite3")
    databases = sorted({path.resolve() for path in found})
    assert len(databases) == 1, f"expected the browser server's database, found {databases}"
    work = databases[0].parent
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
        "MEDIA_ROOT": str(work / "media"),
        "STATIC_ROOT": str(work / "static"),
        "ALLOW_INSECURE_KEY": "1",
        "DEBUG": "0",
    }


def in_server(env: dict, code: str):
    """Run Python in ``manage.py shell`` against the server's database; returns its JSON."""
    result = subprocess.run(
        [sys.executable, str(PROJECT_DIR / "manage.py"), "shell", "-c", code],
        env=env,
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


SETUP = """
import json
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from events.models import EventIndexPage, ForumEventPage
from learning.models import Branch, MemberProfile

branch = Branch.objects.create(name={branch!r}, organisation="计算机学院党委")
people = [
    ({organiser!r}, "王组织", MemberProfile.ROLE_ORGANISER),
    ({member!r}, "李明", MemberProfile.ROLE_MEMBER),
    ({other!r}, "张华", MemberProfile.ROLE_MEMBER),
]
for username, name, role in people:
    user = get_user_model().objects.create_user(username, password={password!r})
    MemberProfile.objects.create(user=user, display_name=name, branch=branch, role=role)

index = EventIndexPage.objects.get()
event = index.add_child(instance=ForumEventPage(
    title={title!r},
    slug={slug!r},
    topic="科技报国",
    summary="青年科技工作者谈科技报国。",
    starts_at=timezone.now() + timedelta(hours=1),
    venue="学术交流中心报告厅",
    capacity=1,
    check_in_code={code!r},
))
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
    env = server_env(tmp_path_factory)
    suffix = uuid.uuid4().hex[:6]
    names = {
        "branch": f"物理学院第二党支部{suffix}",
        "organiser": f"wangzz{suffix}",
        "member": f"liming{suffix}",
        "other": f"zhanghua{suffix}",
        "title": f"科技报国青年论坛{suffix}",
        "slug": f"keji-baoguo-{suffix}",
    }
    created = in_server(env, SETUP.format(password=PASSWORD, code=CODE, **names))
    assert created["check_in_open"], "check-in should open two hours before the start"
    path = urlparse(created["path"]).path
    assert path.endswith("/"), path
    return {**names, "path": path, "env": env}


def registrations(event) -> list[list]:
    return in_server(event["env"], REGISTRATIONS.format(slug=event["slug"]))


class Phone:
    """A 375×740 phone in its own browser context, noting requests and console errors."""

    def __init__(self, browser, server_url):
        self.server_url = server_url
        self.context = browser.new_context(
            viewport={"width": WIDTH, "height": HEIGHT},
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            locale="zh-CN",
            accept_downloads=True,
        )
        self.requests: list[tuple[str, str]] = []
        self.errors: list[str] = []
        self.page = self.context.new_page()
        self.page.on("request", lambda request: self.requests.append((self.page.url, request.url)))
        self.page.on(
            "console",
            lambda message: message.type == "error" and self.errors.append(message.text),
        )
        self.page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))
        self.cdp = self.context.new_cdp_session(self.page)

    def goto(self, path: str):
        response = self.page.goto(self.server_url + path, wait_until="load")
        assert response.status == 200, path
        self.settle()
        return response

    def settle(self):
        self.page.wait_for_load_state("networkidle")

    def submit(self, button):
        """Tap a form's button and wait for the page the server answers with."""
        with self.page.expect_navigation(wait_until="load"):
            button.tap()
        self.settle()

    def login(self, username: str):
        page = self.page
        self.goto("/login/")
        self.check("login", screenshot=False)
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(PASSWORD)
        self.submit(page.locator("form.account-form").get_by_role("button", name="登录"))
        assert urlparse(page.url).path == "/learning/", page.url

    def unnamed_controls(self) -> list[str]:
        """Controls in Chromium's accessibility tree that have no accessible name."""
        tree = self.cdp.send("Accessibility.getFullAXTree")
        unnamed = []
        for node in tree["nodes"]:
            role = (node.get("role") or {}).get("value")
            if node.get("ignored") or role not in CONTROL_ROLES:
                continue
            name = ((node.get("name") or {}).get("value") or "").strip()
            if not name:
                described = self.cdp.send(
                    "DOM.describeNode", {"backendNodeId": node["backendDOMNodeId"]}
                )["node"]
                attributes = described.get("attributes", [])
                unnamed.append(f"{role} <{described['localName']} {attributes}>")
        return unnamed

    def short_buttons(self) -> list[str]:
        short = []
        for button in self.page.locator(BUTTONS).filter(visible=True).all():
            box = button.bounding_box()
            if box is not None and box["height"] < MIN_TAP:
                label = button.inner_text().strip() or button.get_attribute("aria-label")
                short.append(f"{label!r} is {box['height']:.1f}px tall")
        return short

    def check(self, shot: str, screenshot: bool = True):
        """The page fits the phone, stays on our host, and is usable by touch and by ear."""
        page = self.page
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= WIDTH, f"{page.url} is {width}px wide"
        own = urlparse(self.server_url).netloc
        foreign = [(on, url) for on, url in self.requests if urlparse(url).netloc not in (own, "")]
        assert not foreign, f"requests to other hosts: {foreign}"
        assert not self.errors, f"{page.url} console errors: {self.errors}"
        short = self.short_buttons()
        assert not short, f"{page.url}: buttons under {MIN_TAP}px: {short}"
        unnamed = self.unnamed_controls()
        assert not unnamed, f"{page.url}: controls without an accessible name: {unnamed}"
        if screenshot:
            page.evaluate("window.scrollTo(0, 0)")
            SCREENSHOTS.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"events-{shot}.png"))

    def show(self, shot: str, locator=None):
        """A screenshot of what the phone shows now, or with ``locator`` scrolled into view.

        After a form on the event page the server redirects to ``#registration``, so the
        screen a member actually sees starts at the registration panel, not at the top.
        """
        if locator is not None:
            locator.scroll_into_view_if_needed()
        SCREENSHOTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"events-{shot}.png"))

    def close(self):
        self.context.close()


def messages(page) -> list[str]:
    return [text.strip() for text in page.locator(".messages .message").all_inner_texts()]


def test_members_register_wait_and_check_in_on_a_phone(browser, server_url, event):
    member = Phone(browser, server_url)
    other = Phone(browser, server_url)
    organiser = Phone(browser, server_url)
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

    field.tap()
    assert field.evaluate("(element) => element === document.activeElement")
    page.keyboard.type("246801")  # two digits swapped: refused, nothing recorded
    member.submit(panel.get_by_role("button", name="签到", exact=True))
    assert messages(page) == ["签到码不对，请看清现场公布的 6 位数字。"]
    assert status.inner_text().strip() == "✓ 你已报名。"  # not checked in
    field = panel.get_by_role("textbox", name="现场签到码")
    member.show("7-member-wrong-code")
    member.check("7b-member-wrong-code-top")

    field.tap()
    page.keyboard.type(CODE)
    assert field.input_value() == CODE
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
    assert desk.locator(".check-in-desk__code strong").inner_text().strip() == CODE
    listed = desk.locator(".check-in-list__item")
    assert listed.count() == 1
    assert "李明" in listed.first.inner_text() and "已签到" in listed.first.inner_text()
    assert listed.first.get_by_role("button").count() == 0
    organiser.check("10-desk")

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
