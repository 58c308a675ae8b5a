"""分享 on a phone: 复制链接 puts the page's address on the clipboard and
says so to a screen reader; the QR code loads from our host only when 二维码 is opened;
without JavaScript the address is still there to select."""

import pytest

from tests.browser.support import Phone, in_server, server_env

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LECTURE_PATH = """
import json
from lectures.models import MicroLecturePage
page = MicroLecturePage.objects.live().public().exclude(cover_image=None).first()
print(json.dumps({"path": page.url, "title": page.title}))
"""


@pytest.fixture(scope="module")
def lecture(server_url, tmp_path_factory):
    return in_server(server_env(tmp_path_factory), LECTURE_PATH)


@pytest.fixture
def phone(browser, server_url):
    phone = Phone(browser, server_url, "share")
    phone.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server_url)
    yield phone
    phone.close()


def qr_requests(phone) -> list[str]:
    return [url for _, url in phone.requests if "/share/qr/" in url]


def test_copy_link_and_open_the_qr_code(phone, server_url, lecture):
    page = phone.page
    phone.goto(lecture["path"])
    address = server_url + lecture["path"]
    share = page.locator("section.share")
    assert share.get_by_role("textbox", name="本页链接").input_value() == address
    assert not qr_requests(phone), "the QR code waits until 二维码 is opened"

    share.scroll_into_view_if_needed()
    share.get_by_role("button", name="复制链接").tap()
    status = share.get_by_role("status")
    status.filter(has_text="已复制").wait_for()
    assert status.get_attribute("aria-live") == "polite"
    assert page.evaluate("navigator.clipboard.readText()") == address

    with page.expect_response(lambda response: "/share/qr/" in response.url) as answer:
        share.locator("summary", has_text="二维码").tap()
    response = answer.value
    assert response.status == 200
    assert response.headers["content-type"] == "image/svg+xml"
    image = share.get_by_role("img", name=f"{lecture['title']}的二维码")
    image.wait_for()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    box = image.bounding_box()
    assert box["width"] >= 150 and box["x"] >= 0 and box["x"] + box["width"] <= 375
    assert len(qr_requests(phone)) == 1
    assert qr_requests(phone)[0].startswith(f"{server_url}/share/qr/")
    phone.settle()
    phone.show("qr-open", share)
    phone.check("lecture", screenshot=False)  # on our host only, no console errors, tap sizes


def test_without_javascript_the_link_is_there_to_select(browser, server_url, lecture):
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, is_mobile=True, java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto(server_url + lecture["path"])
        share = page.locator("section.share")
        box = share.get_by_role("textbox", name="本页链接")
        assert box.is_visible() and box.get_attribute("readonly") is not None
        assert box.input_value() == server_url + lecture["path"]
        assert not share.get_by_role("button", name="复制链接").is_visible()
    finally:
        context.close()
