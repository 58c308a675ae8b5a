"""What the phone tests share: the server's environment, running code against its
database, and a phone that checks every screen it shows."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlparse

PROJECT_DIR = Path(__file__).resolve().parents[2]
SCREENSHOTS = PROJECT_DIR / "tests" / "browser" / "screenshots"
WIDTH, HEIGHT = 375, 740
PASSWORD = "Hongke-test-2024!"
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


def environment(work: Path) -> dict:
    """How the session's server runs: its own SQLite file, media and static files in ``work``."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
        "MEDIA_ROOT": str(work / "media"),
        "STATIC_ROOT": str(work / "static"),
        "ALLOW_INSECURE_KEY": "1",
        "DEBUG": "0",
        # The page script's outbox reports every second and retries quickly (test_outbox).
        "LEARNING_REPORT_INTERVAL_MS": "1000",
        "LEARNING_RETRY_BASE_MS": "200",
        "LEARNING_RETRY_MAX_MS": "1000",
    }


def server_env(tmp_path_factory) -> dict:
    """The environment the session's server runs with (conftest keeps its files here)."""
    found = tmp_path_factory.getbasetemp().glob("server*/db.sqlite3")
    databases = sorted({path.resolve() for path in found})
    assert len(databases) == 1, f"expected the browser server's database, found {databases}"
    return environment(databases[0].parent)


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


class Phone:
    """A 375×740 phone in its own browser context, noting requests and console errors."""

    def __init__(self, browser, server_url, prefix: str):
        self.server_url = server_url
        self.prefix = prefix  # screenshots are named <prefix>-<shot>.png
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
            if button.get_attribute("aria-hidden") == "true":
                continue  # e.g. the hidden default button that makes Enter search, not save
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
            page.screenshot(path=str(SCREENSHOTS / f"{self.prefix}-{shot}.png"))

    def show(self, shot: str, locator=None):
        """A screenshot of what the phone shows now, or with ``locator`` scrolled into view.

        After a form on the event page the server redirects to ``#registration``, so the
        screen a member actually sees starts at the registration panel, not at the top.
        """
        if locator is not None:
            locator.scroll_into_view_if_needed()
        SCREENSHOTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{self.prefix}-{shot}.png"))

    def close(self):
        self.context.close()


def counts(scope) -> dict[str, int]:
    """The 已完成 / 学习中 / 未开始 numbers shown in an assignment's counts line."""
    spans = scope.locator(".assignment-summary__counts span").all_inner_texts()
    found = {}
    for text in spans:
        label, _, number = text.strip().partition(" ")
        if number.isdigit():
            found[label] = int(number)
    return found


PEOPLE = """
import json
from django.contrib.auth import get_user_model
from django.utils import timezone
from members.models import Branch, MemberProfile, Role

branch = Branch.objects.create(name={branch!r}, organisation="计算机学院党委")
people = [
    ({organiser!r}, "王组织", Role.ORGANISER),
    ({member!r}, "李明", Role.MEMBER),
    ({other!r}, "张华", Role.MEMBER),
]
for username, name, role in people:
    user = get_user_model().objects.create_user(username, password={password!r})
    MemberProfile.objects.create(user=user, display_name=name, branch=branch, role=role)
print(json.dumps({{"id": branch.pk, "today": timezone.localdate().isoformat()}}))
"""


def branch_with_people(tmp_path_factory, branch_name: str) -> dict:
    """A new branch in the server's database with an organiser (王组织) and two members
    (李明, 张华), all with PASSWORD; names carry a random suffix so runs never collide."""
    env = server_env(tmp_path_factory)
    suffix = uuid.uuid4().hex[:6]
    names = {
        "suffix": suffix,
        "branch": f"{branch_name}{suffix}",
        "organiser": f"zuzhi{suffix}",
        "member": f"liming{suffix}",
        "other": f"zhanghua{suffix}",
    }
    created = in_server(env, PEOPLE.format(password=PASSWORD, **names))
    return {**names, **created, "env": env}
