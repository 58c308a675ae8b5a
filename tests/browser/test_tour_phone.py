"""虚拟参观 on a 375 px phone with touch.

A member opens a site page with a two-scene tour: nothing of the viewer has loaded; the
hotspot list is reachable by keyboard. They tap 开始参观, turn the view with a finger, open
a hotspot, walk to the other scene through a scene hotspot and play the audio guide; no
request leaves our host, and seeing every scene completes the site (浏览). With JavaScript
off the page shows the scenes as pictures with their hotspot texts. Before 开始参观 the page
weighs less than 30 KB more than the same page without a tour.
"""

import uuid

import pytest

from tests.browser.support import HEIGHT, WIDTH, Phone, branch_with_people, in_server

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

MAX_GROWTH_BYTES = 30 * 1024

SITES = """
import json
from tests.exhibits.tour_data import tour_site
toured = tour_site("tour-phone-{suffix}", title="虚拟参观旧址{suffix}")
plain = tour_site("plain-phone-{suffix}", title="虚拟参观旧址{suffix}", with_tour=False)
print(json.dumps({{"url": toured.url, "plain": plain.url, "id": toured.pk}}))
"""

RECORD = """
import json
from learning.models import LearningRecord
record = LearningRecord.objects.filter(member__username={username!r}, page_id={page}).first()
print(json.dumps(record and {{"progress": record.best_progress, "done": record.completed_at is not None}}))
"""

# Everything the page fetched, in bytes on the wire (same-origin, so every entry has a size).
TRANSFER = """() => {
  const navigation = performance.getEntriesByType("navigation")[0];
  const resources = performance.getEntriesByType("resource");
  return navigation.transferSize + resources.reduce((sum, entry) => sum + entry.transferSize, 0);
}"""
WEBGL = """() => {
  const canvas = document.createElement("canvas");
  return !!(canvas.getContext("webgl") || canvas.getContext("experimental-webgl"));
}"""


@pytest.fixture
def tour(server_url, tmp_path_factory):
    people = branch_with_people(tmp_path_factory, "历史学院党支部")
    sites = in_server(people["env"], SITES.format(suffix=uuid.uuid4().hex[:6]))
    return {**people, **sites}


def test_a_member_visits_a_site_on_a_phone(browser, server_url, tour):
    phone = Phone(browser, server_url, "tour")
    try:
        phone.login(tour["member"])
        visit(phone, tour)
    finally:
        phone.close()


def test_without_javascript_the_scenes_are_pictures_with_their_hotspots(browser, server_url, tour):
    context = browser.new_context(
        viewport={"width": WIDTH, "height": HEIGHT},
        is_mobile=True,
        has_touch=True,
        java_script_enabled=False,
    )
    try:
        page = context.new_page()
        page.goto(server_url + tour["url"], wait_until="load")
        images = page.locator("img.tour-scene__image")
        assert images.count() == 2
        for image in images.all():
            image.scroll_into_view_if_needed()
            assert image.get_attribute("alt") in ("序厅", "第二展厅")
        page.wait_for_load_state("networkidle")
        assert page.evaluate(
            "[...document.querySelectorAll('img.tour-scene__image')].every(i => i.naturalWidth > 0)"
        )
        assert page.get_by_text("八角楼的油灯：毛泽东在灯下写下了光辉著作。").is_visible()
        assert page.get_by_text("井冈山会师的沙盘模型。").is_visible()
        assert page.locator("#tour-viewer").is_hidden()
        page.get_by_role("link", name="开始参观").tap()
        assert page.url.endswith("#tour-scenes")
    finally:
        context.close()


def test_the_tour_adds_under_30_kb_before_it_starts(browser, server_url, tour):
    sizes = {}
    for name in ("plain", "url"):
        phone = Phone(browser, server_url, f"tour-weight-{name}")
        try:
            phone.goto(tour[name])
            sizes[name] = phone.page.evaluate(TRANSFER)
            assert not [url for _, url in phone.requests if "pannellum" in url]
        finally:
            phone.close()
    growth = sizes["url"] - sizes["plain"]
    print(f"transfer before 开始参观: {sizes['plain']} B without a tour, {sizes['url']} B with")
    assert growth < MAX_GROWTH_BYTES, sizes


def visit(phone: Phone, tour):
    page = phone.page
    phone.goto(tour["url"])
    assert not [url for _, url in phone.requests if "pannellum" in url], "viewer loaded early"
    phone.check("1-page")

    # The hotspot list without the canvas: Tab from the first scene reaches its artefact link.
    page.locator("#tour-scene-1").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "红军马灯"
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#artefact-1"

    start = page.get_by_role("button", name="开始参观")
    start.scroll_into_view_if_needed()
    start.tap()
    if not page.evaluate(WEBGL):
        # No WebGL in this Chromium: the page says so and the list stays the visit.
        assert page.get_by_text("此设备无法显示全景").is_visible()
        return
    page.wait_for_function("() => window.hongkeTour && window.hongkeTour.isLoaded()", timeout=30000)
    assert page.locator("#tour-viewer canvas").is_visible()
    assert [url for _, url in phone.requests if url.endswith(".js") and "pannellum" in url]
    phone.settle()
    phone.check("2-viewer")

    turn_with_a_finger(phone)
    open_text_hotspot(phone)
    walk_to_second_scene(phone)
    play_audio_guide(phone)
    phone.check("5-audio", screenshot=False)

    # Both scenes seen: the page script reported progress 1 and the site is done.
    record = None
    for _ in range(50):
        record = in_server(tour["env"], RECORD.format(username=tour["member"], page=tour["id"]))
        if record and record["done"]:
            break
        page.wait_for_timeout(200)
    assert record == {"progress": 1.0, "done": True}


def turn_with_a_finger(phone: Phone):
    page = phone.page
    box = page.locator("#tour-viewer").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    before = page.evaluate("hongkeTour.getYaw()")
    points = [{"x": x - step * 15, "y": y} for step in range(8)]
    phone.cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [points[0]]})
    for point in points[1:]:
        phone.cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
        page.wait_for_timeout(30)
    phone.cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    page.wait_for_timeout(500)
    after = page.evaluate("hongkeTour.getYaw()")
    assert abs(after - before) > 5, (before, after)


def face(phone: Phone, yaw: float, pitch: float):
    phone.page.evaluate(
        f"hongkeTour.stopMovement(); hongkeTour.setPitch({pitch}, false); hongkeTour.setYaw({yaw}, false)"
    )
    phone.page.wait_for_timeout(300)


def open_text_hotspot(phone: Phone):
    page = phone.page
    face(phone, 20, -5)
    page.locator(".pnlm-hotspot-base", has_text="油灯").first.tap()
    info = page.locator("[data-tour-info]")
    info.wait_for(state="visible")
    assert "八角楼的油灯" in info.inner_text()
    phone.show("3-hotspot", page.locator("#tour-viewer"))


def walk_to_second_scene(phone: Phone):
    page = phone.page
    assert page.evaluate("hongkeTour.getScene()") == "scene-1"
    face(phone, 0, -10)
    page.locator(".pnlm-hotspot-base", has_text="去第二展厅").first.tap()
    page.wait_for_function(
        "() => hongkeTour.getScene() === 'scene-2' && hongkeTour.isLoaded()", timeout=30000
    )
    assert page.locator("[data-tour-status]").inner_text() == "当前场景：第二展厅"
    phone.show("4-second-scene", page.locator("#tour-viewer"))
    # The scene list moves the viewer too.
    page.locator(".tour__scene-list").get_by_role("link", name="序厅").tap()
    page.wait_for_function("() => hongkeTour.getScene() === 'scene-1'", timeout=30000)


def play_audio_guide(phone: Phone):
    page = phone.page
    audio = page.locator(".tour-scene__audio audio")
    audio.scroll_into_view_if_needed()
    assert audio.is_visible()
    page.evaluate("document.querySelector('.tour-scene__audio audio').play()")
    page.wait_for_function(
        "() => { const a = document.querySelector('.tour-scene__audio audio');"
        " return !a.paused && a.currentTime > 0; }",
        timeout=15000,
    )
    page.get_by_text("讲解文稿").tap()
    assert page.get_by_text("欢迎来到序厅").is_visible()
