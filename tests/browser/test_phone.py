"""A student opens the site on a 375 px phone: everything fits, nothing leaves our host."""

from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "tests" / "browser" / "screenshots"


def visit(phone, url):
    """Open a page, recording every request and console error on the way."""
    requests, errors = [], []
    phone.on("request", lambda request: requests.append(request.url))
    phone.on("console", lambda message: message.type == "error" and errors.append(message.text))
    response = phone.goto(url, wait_until="load")
    phone.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # let lazy images load
    phone.wait_for_load_state("networkidle")
    return response, requests, errors


def page_urls(phone, server_url) -> list[str]:
    """Home, every index, and the first item of each index, found by following links."""
    urls = [server_url + "/"]
    for index in ("/lectures/", "/sites/", "/stories/", "/events/"):
        phone.goto(server_url + index)
        urls.append(server_url + index)
        first = phone.locator(".card__link").first.get_attribute("href")
        urls.append(server_url + first)
    return urls


def test_every_kind_of_page_fits_a_phone_and_stays_on_our_host(phone, server_url):
    SCREENSHOTS.mkdir(exist_ok=True)
    own_host = urlparse(server_url).netloc
    for number, url in enumerate(page_urls(phone, server_url)):
        response, requests, errors = visit(phone, url)
        assert response.status == 200, url
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{url} is {width}px wide"
        foreign = [r for r in requests if urlparse(r).netloc not in (own_host, "")]
        assert not foreign, f"{url} fetched {foreign}"
        assert not errors, f"{url} console errors: {errors}"
        missing_alt = phone.eval_on_selector_all(
            "img", "imgs => imgs.filter(i => !i.hasAttribute('alt')).length"
        )
        assert missing_alt == 0, url
        broken = phone.eval_on_selector_all(
            "img", "imgs => imgs.filter(i => i.complete && i.naturalWidth === 0).map(i => i.src)"
        )
        assert not broken, f"{url} broken images {broken}"
        phone.evaluate("window.scrollTo(0, 0)")
        phone.screenshot(path=str(SCREENSHOTS / f"phone-{number:02d}.png"), full_page=False)


def test_images_are_responsive_webp(phone, server_url):
    visit(phone, server_url + "/lectures/")
    sources = phone.eval_on_selector_all(
        ".card img", "imgs => imgs.map(i => [i.currentSrc, i.srcset])"
    )
    assert sources
    for current, srcset in sources:
        assert current.endswith(".webp")
        assert "400w" in srcset and "800w" in srcset
        # A phone card shows a 112 px thumbnail: even at 2x the small rendition suffices.
        assert "fill-400x225" in current


def test_tag_filter_by_tapping(phone, server_url):
    visit(phone, server_url + "/sites/")
    all_cards = phone.locator(".card").count()
    tag = phone.locator(".tag-filter .tag").nth(1)
    name = tag.inner_text().lstrip("#")
    tag.click()
    phone.wait_for_load_state("load")
    assert "?tag=" in phone.url
    cards = phone.locator(".card")
    assert 0 < cards.count() <= all_cards
    for number in range(cards.count()):
        assert f"#{name}" in cards.nth(number).inner_text()


def test_keyboard_user_can_skip_to_content(phone, server_url):
    visit(phone, server_url + "/")
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.className") == "skip-link"
    phone.keyboard.press("Enter")
    assert phone.evaluate("document.activeElement.id") == "main"


def test_search_suggestions_as_you_type(phone, server_url):
    visit(phone, server_url + "/")
    box = phone.locator("#site-search-q")
    box.click()
    box.type("精神", delay=50)
    options = phone.locator("#search-suggestions [role=option]")
    options.first.wait_for(state="visible", timeout=5000)
    assert box.get_attribute("aria-expanded") == "true"
    texts = options.all_inner_texts()
    assert texts and all("精神" in text for text in texts)
    box.press("ArrowDown")
    box.press("Enter")
    phone.wait_for_load_state("load")
    assert phone.url != server_url + "/"


def test_search_results_on_a_phone(phone, server_url):
    response, requests, errors = visit(phone, server_url + "/search/?q=%E9%95%BF%E5%BE%81")
    assert response.status == 200 and not errors
    assert phone.locator(".results mark").count() > 0
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.evaluate("window.scrollTo(0, 0)")
    SCREENSHOTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / "search.png"))
