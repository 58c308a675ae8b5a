"""Nothing private left on a shared phone: the worker keeps a member's pages only as a
visitor sees them, 下载离线 saves a visitor's render (a login-only page too), and every
member cache goes when the session ends: deleted on the server, a logout from /admin/, an
end that passed while offline. 这是公用手机 keeps nothing at all."""

import uuid

import pytest

from tests.browser.support import PASSWORD, Phone, branch_with_people, in_server

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

REFLECTION = "只写给自己的心得{suffix}：这段历史让我想起了家乡的老党员。"
NOTE = "私人评价{suffix}"

PERSONAL_PAGES = """
import json
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import PageViewRestriction
from assignments.models import Assignment, AssignmentItem
from feedback.models import PageVote
from lectures.models import MicroLecturePage
from reflections.models import Reflection
from stories.models import ExemplarStoryPage

member = get_user_model().objects.get(username={member!r})
lecture = MicroLecturePage.objects.live().public().order_by("-pk").first()
story = ExemplarStoryPage.objects.live().exclude(
    pk__in=PageViewRestriction.objects.values("page")
).order_by("-pk").first()
PageViewRestriction.objects.create(page=story, restriction_type=PageViewRestriction.LOGIN)
assignment = Assignment.objects.create(
    branch_id={branch_id}, title="仅限登录{suffix}", due_on=timezone.localdate() + timedelta(days=7)
)
AssignmentItem.objects.create(assignment=assignment, page=story)
for page in (lecture, story):
    Reflection.objects.update_or_create(
        member=member, page=page, defaults={{"page_title": page.title, "text": {reflection!r}}}
    )
    PageVote.objects.update_or_create(
        member=member, page=page, defaults={{"value": "helpful", "note": {note!r}}}
    )
print(json.dumps({{"lecture": lecture.url, "story": story.url, "story_title": story.title}}))
"""

END_SESSIONS = """
import json
from django.contrib.sessions.models import Session
ended = [s.pk for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == {user_id!r}]
Session.objects.filter(pk__in=ended).delete()
print(json.dumps(len(ended)))
"""

USER_ID = """
import json
from django.contrib.auth import get_user_model
print(json.dumps(str(get_user_model().objects.get(username={username!r}).pk)))
"""

EDITOR = """
import json
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
user = get_user_model().objects.get(username={username!r})
user.groups.add(Group.objects.get(name="编辑"))
print(json.dumps(True))
"""

CACHED = """
async () => {
  const found = {};
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    found[name] = [];
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      found[name].push({
        path: new URL(request.url).pathname,
        session: response.headers.get("X-Hongke-Session"),
        text: (response.headers.get("Content-Type") || "").startsWith("text/html")
          ? await response.text() : "",
      });
    }
  }
  return found;
}
"""


@pytest.fixture
def personal(server_url, tmp_path_factory):
    """A member (李明) who wrote reflections and vote notes on a public lecture and on an
    assigned story only logged-in members may read."""
    branch = branch_with_people(tmp_path_factory, "公用手机党支部")
    suffix = uuid.uuid4().hex[:6]
    texts = {"reflection": REFLECTION.format(suffix=suffix), "note": NOTE.format(suffix=suffix)}
    made = in_server(
        branch["env"],
        PERSONAL_PAGES.format(
            member=branch["member"], branch_id=branch["id"], suffix=suffix, **texts
        ),
    )
    return {**branch, **made, **texts}


def cached(phone) -> dict[str, list[dict]]:
    return phone.page.evaluate(CACHED)


def kept_paths(phone) -> set[str]:
    return {
        entry["path"]
        for name, entries in cached(phone).items()
        if name != "hongke-shell"
        for entry in entries
    }


def wait_until_cached(phone, path: str, cache: str = "hongke-pages"):
    phone.page.wait_for_function(
        """async ([name, path]) => {
            const cache = await caches.open(name);
            return (await cache.keys()).some((request) => new URL(request.url).pathname === path);
        }""",
        arg=[cache, path],
        timeout=15_000,
    )


def nothing_personal(phone, personal, shown: bool = True):
    """Nothing the phone keeps (nor, offline, the page it shows) holds the member's words."""
    if shown:
        html = phone.page.content()
        assert personal["reflection"] not in html and personal["note"] not in html
    for name, entries in cached(phone).items():
        for entry in entries:
            assert entry["session"] is None, (name, entry["path"])
            assert personal["reflection"] not in entry["text"], (name, entry["path"])
            assert personal["note"] not in entry["text"], (name, entry["path"])


def shows_offline_page(phone, path: str):
    phone.context.set_offline(True)
    phone.page.goto(phone.server_url + path, wait_until="load")
    assert phone.page.locator("h1").inner_text() == "现在没有网络"
    assert phone.page.locator(".offline-notice").count() == 0
    phone.context.set_offline(False)


def download(phone, path: str):
    phone.goto(path)
    section = phone.page.locator("[data-offline-download]")
    section.get_by_role("button", name="下载离线").click()
    phone.page.get_by_text("已下载，没有网络时也能阅读和收听。").wait_for(timeout=30_000)


def test_a_members_pages_are_kept_as_a_visitor_sees_them_until_the_session_ends(
    browser, server_url, personal
):
    phone = Phone(browser, server_url, "private")
    page = phone.page
    try:
        phone.login(personal["member"])
        page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15_000)
        phone.goto(personal["lecture"])
        assert personal["reflection"] in page.content()  # online: the member's own page
        wait_until_cached(phone, personal["lecture"])
        download(phone, personal["story"])  # login-only: kept by 下载离线 alone
        assert personal["reflection"] in page.content()
        nothing_personal(phone, personal, shown=False)

        phone.context.set_offline(True)
        for path in (personal["lecture"], personal["story"]):
            phone.page.goto(server_url + path, wait_until="load")
            assert page.locator(".offline-notice").is_visible(), path
            nothing_personal(phone, personal)
        assert personal["story_title"] in page.locator("h1").inner_text()
        phone.context.set_offline(False)

        # The session ends on the server (as when it expires): offline straight away, the
        # copies still hold nothing of the member; the next page online drops them all.
        user_id = in_server(personal["env"], USER_ID.format(username=personal["member"]))
        assert in_server(personal["env"], END_SESSIONS.format(user_id=user_id)) >= 1
        phone.context.set_offline(True)
        phone.page.goto(server_url + personal["story"], wait_until="load")
        nothing_personal(phone, personal)
        phone.context.set_offline(False)
        phone.goto("/tags/")
        phone.page.wait_for_function(
            """async (paths) => {
                for (const name of await caches.keys()) {
                    if (name === "hongke-shell") continue;
                    const cache = await caches.open(name);
                    for (const request of await cache.keys()) {
                        if (paths.includes(new URL(request.url).pathname)) return false;
                    }
                }
                return true;
            }""",
            arg=[personal["lecture"], personal["story"]],
            timeout=15_000,
        )
        for path in (personal["lecture"], personal["story"]):
            shows_offline_page(phone, path)
    finally:
        phone.close()


def test_an_end_passed_offline_and_a_logout_from_the_admin_leave_nothing(
    browser, server_url, personal
):
    in_server(personal["env"], EDITOR.format(username=personal["member"]))
    phone = Phone(browser, server_url, "private-admin")
    page = phone.page
    try:
        phone.login(personal["member"])
        page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15_000)
        phone.goto(personal["lecture"])
        wait_until_cached(phone, personal["lecture"])
        # The session's end passes while the phone is offline: the worker cannot ask the
        # server, it goes by the end it was told (here moved into the past).
        page.evaluate(
            """async () => {
                const cache = await caches.open("hongke-session");
                const key = location.origin + "/__hongke/session";
                const note = await (await cache.match(key)).json();
                note.expires = Date.now() - 1000;
                await cache.put(key, new Response(JSON.stringify(note)));
            }"""
        )
        shows_offline_page(phone, personal["lecture"])
        assert personal["lecture"] not in kept_paths(phone)

        # Online again, the same session: pages are kept again; then a logout from /admin/.
        phone.goto(personal["lecture"])
        wait_until_cached(phone, personal["lecture"])
        phone.goto("/admin/")
        with page.expect_navigation(wait_until="load"):
            page.evaluate(
                """() => {
                    const form = document.createElement("form");
                    form.method = "post";
                    form.action = "/admin/logout/";
                    const token = document.createElement("input");
                    token.name = "csrfmiddlewaretoken";
                    token.value = document.cookie.match(/csrftoken=([^;]+)/)[1];
                    form.appendChild(token);
                    document.body.appendChild(form);
                    form.submit();
                }"""
            )
        phone.settle()
        assert "/admin/login/" in page.url
        phone.page.wait_for_function(
            "async () => !(await caches.keys()).includes('hongke-session')", timeout=15_000
        )
        assert personal["lecture"] not in kept_paths(phone)
        shows_offline_page(phone, personal["lecture"])
    finally:
        phone.close()


def test_a_shared_phone_login_keeps_nothing(browser, server_url, personal):
    phone = Phone(browser, server_url, "private-shared")
    page = phone.page
    try:
        phone.goto("/login/")
        page.get_by_label("用户名").fill(personal["member"])
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_label("这是公用手机").check()
        phone.check("shared-phone-login")
        phone.submit(page.locator("form.account-form").get_by_role("button", name="登录"))
        page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15_000)
        for path in (personal["lecture"], personal["story"], "/"):
            phone.goto(path)
            assert page.locator("[data-offline-download]").count() == 0
        phone.goto(personal["lecture"])
        page.wait_for_timeout(1500)  # time enough for a copy the worker must not make
        assert personal["reflection"] in page.content()  # the member still reads their own
        kept = kept_paths(phone)
        assert not {personal["lecture"], personal["story"], "/"} & kept, kept
        for path in (personal["lecture"], personal["story"]):
            shows_offline_page(phone, path)
        cookies = {cookie["name"]: cookie for cookie in phone.context.cookies()}
        assert cookies["sessionid"]["expires"] == -1  # ends when the browser closes
    finally:
        phone.close()
