"""Offline reading on a phone: the pages a member opened read offline with the
离线阅读 notice, others show the offline page, 下载离线 makes an assigned lecture's audio play
without a network, and logging out leaves nothing of the member on the phone."""

import json
import uuid

import pytest

from tests.browser.support import Phone, branch_with_people, in_server

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LECTURES_AND_ASSIGNMENT = """
import json
from datetime import timedelta
from django.utils import timezone
from assignments.models import Assignment, AssignmentItem
from lectures.models import MicroLecturePage

audio = (
    MicroLecturePage.objects.live().filter(media_kind="audio").exclude(media_file=None)
    .order_by("pk").first()
)
others = list(MicroLecturePage.objects.live().exclude(pk=audio.pk).order_by("pk")[:3])
assignment = Assignment.objects.create(
    branch_id={branch_id},
    title="离线收听{suffix}",
    due_on=timezone.localdate() + timedelta(days=7),
)
AssignmentItem.objects.create(assignment=assignment, page=audio)
print(json.dumps({{
    "audio": audio.url,
    "media": audio.media_file.url,
    "lectures": [page.url for page in others],
}}))
"""

CACHED_URLS = """
async () => {
  const found = {};
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    found[name] = (await cache.keys()).map((request) => new URL(request.url).pathname);
  }
  return found;
}
"""

STORAGE = """
async () => ({
  local: Object.keys(localStorage),
  session: Object.keys(sessionStorage),
  databases: (await indexedDB.databases()).map((database) => database.name),
})
"""

PLAYS = """
async () => {
  const audio = document.querySelector("audio.player__media");
  audio.muted = true;  // muted media may play without a tap
  await audio.play();
  await new Promise((resolve) => {
    const check = () => (audio.currentTime > 0.2 ? resolve() : setTimeout(check, 50));
    check();
  });
  return {readyState: audio.readyState, currentTime: audio.currentTime};
}
"""


@pytest.fixture
def reader(server_url, tmp_path_factory):
    branch = branch_with_people(tmp_path_factory, "离线阅读党支部")
    made = in_server(
        branch["env"],
        LECTURES_AND_ASSIGNMENT.format(suffix=uuid.uuid4().hex[:6], branch_id=branch["id"]),
    )
    return {**branch, **made}


def test_a_member_reads_and_listens_offline_and_logging_out_clears_the_phone(
    browser, server_url, reader
):
    phone = Phone(browser, server_url, "offline")
    try:
        read_offline(phone, reader)
    finally:
        phone.close()


def cached(phone) -> dict[str, list[str]]:
    return phone.page.evaluate(CACHED_URLS)


def wait_until_cached(phone, path: str, cache: str = "hongke-pages"):
    phone.page.wait_for_function(
        """async ([name, path]) => {
            const cache = await caches.open(name);
            return (await cache.keys()).some((request) => new URL(request.url).pathname === path);
        }""",
        arg=[cache, path],
        timeout=10_000,
    )


def read_offline(phone: Phone, reader: dict):
    page = phone.page
    first, second, never_opened = reader["lectures"]
    phone.login(reader["member"])
    # The worker installs (the shell precached) and takes the page.
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15_000)
    assert "hongke-shell" in cached(phone)

    for path in (first, second):
        phone.goto(path)
        wait_until_cached(phone, path)
    assert not any(path.startswith("/learning/") for path in cached(phone)["hongke-pages"])

    phone.context.set_offline(True)
    for path in (first, second):
        phone.goto(path)
        notice = page.locator(".offline-notice")
        assert notice.is_visible(), path
        assert "离线阅读" in notice.inner_text()
    phone.show("1-offline-copy")
    phone.goto(never_opened)
    assert page.locator("h1").inner_text() == "现在没有网络"
    saved = page.locator("[data-offline-saved]")
    saved.get_by_role("link").first.wait_for()
    titles = saved.get_by_role("link").all_inner_texts()
    assert len(titles) >= 2 and all(title and "/" not in title for title in titles), titles
    phone.show("2-offline-page")

    # 下载离线 on the assigned lecture, online; then its audio plays offline.
    phone.context.set_offline(False)
    phone.goto(reader["audio"])
    section = page.locator("[data-offline-download]")
    assert "上限 200 MB" in section.inner_text()
    # Above the cap (here made 10 kB on the page), nothing is saved and the member is told.
    section.evaluate("element => element.setAttribute('data-cap-mb', '0.01')")
    section.get_by_role("button", name="下载离线").click()
    page.get_by_text("空间不够").wait_for()
    assert "hongke-downloads" not in cached(phone) or not cached(phone)["hongke-downloads"]
    section.evaluate("element => element.setAttribute('data-cap-mb', '200')")
    section.get_by_role("button", name="下载离线").click()
    page.get_by_text("已下载，没有网络时也能阅读和收听。").wait_for()
    assert "已保存 0.0 MB" not in section.inner_text()
    assert reader["media"] in cached(phone)["hongke-downloads"]
    phone.show("3-downloaded", section)

    phone.context.set_offline(True)
    phone.goto(reader["audio"])
    assert page.locator(".offline-notice").is_visible()
    played = page.evaluate(PLAYS)
    assert played["readyState"] >= 2 and played["currentTime"] > 0.2, played

    phone.context.set_offline(False)
    phone.goto(first)
    a_new_deploy_waits_for_the_members_consent(phone)

    # Logging out: nothing of the member stays on the phone but the site's shell.
    member_storage = page.evaluate(STORAGE)
    assert "hongke.offline.member" in member_storage["local"]
    # The next page's script also clears a departed member's data when it finds their key
    # (offline.js); without the key, what is checked is what the logout itself did.
    page.evaluate("localStorage.removeItem('hongke.offline.member')")
    with page.expect_navigation(wait_until="load"):
        page.locator("form[data-logout] button").first.click()
    phone.settle()
    left = cached(phone)
    assert set(left) <= {"hongke-shell"}, left
    shell = left.get("hongke-shell", [])
    for path in (first, second, reader["audio"], reader["media"]):
        assert path not in shell
    storage = page.evaluate(STORAGE)
    assert not [key for key in storage["local"] if key.startswith("hongke.")], storage
    assert not storage["session"] and not storage["databases"], storage
    assert json.dumps(storage).find(reader["member"]) == -1

    # And the next person offline sees the offline page, not the member's copy.
    phone.context.set_offline(True)
    phone.goto(first)
    assert page.locator("h1").inner_text() == "现在没有网络"
    assert page.locator(".offline-notice").count() == 0


def a_new_deploy_waits_for_the_members_consent(phone: Phone):
    """A new worker (here: the same one at a new address, as a deploy's new bytes would be)
    installs and waits; the page says 网站已更新; the button makes it take over and reload."""
    page = phone.page
    page.evaluate("navigator.serviceWorker.register('/sw.js?deploy=2', {scope: '/'})")
    banner = page.locator(".update-banner")
    banner.wait_for(timeout=15_000)
    assert "网站已更新" in banner.inner_text()
    waiting = page.evaluate(
        """async () => {
            const registration = await navigator.serviceWorker.getRegistration("/");
            return {
                waiting: !!registration.waiting,
                controller: navigator.serviceWorker.controller.scriptURL,
            };
        }"""
    )
    assert waiting["waiting"] and "deploy=2" not in waiting["controller"], waiting
    with page.expect_navigation(wait_until="load"):
        banner.get_by_role("button", name="刷新使用新版本").click()
    phone.settle()
    controller = page.evaluate("navigator.serviceWorker.controller.scriptURL")
    assert controller.endswith("/sw.js?deploy=2"), controller
