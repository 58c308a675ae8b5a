"""The sites index on a phone: chips by province and period without
JavaScript, the list by province, and the Leaflet map when a tile server is configured."""

import subprocess
import sys
import time
import urllib.request
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser.conftest import PROJECT_DIR, free_port
from tests.browser.support import Phone, server_env

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# Tiles from our own host (a static picture stands in for every tile): nothing leaves it.
TILES = "/static/vendor/leaflet/images/layers.png?z={z}&x={x}&y={y}"


@pytest.fixture
def phone(browser, server_url):
    phone = Phone(browser, server_url, "sites")
    yield phone
    phone.close()


def test_chips_filter_by_province_and_period_and_keep_each_other(phone):
    page = phone.page
    phone.goto("/sites/")
    assert not page.locator("script[src*=leaflet], link[href*=leaflet]").count()
    assert page.locator(".sites-by-province h3").count() >= 3
    phone.check("by-province")

    province = page.locator(".site-facet").first
    with page.expect_navigation():
        province.get_by_role("link", name="江西省").tap()
    phone.settle()
    period = page.locator(".site-facet").nth(1)
    with page.expect_navigation():
        period.get_by_role("link", name="土地革命战争时期").tap()
    phone.settle()
    query = parse_qs(urlparse(page.url).query)
    assert query == {"province": ["江西省"], "period": ["土地革命战争时期"]}
    active = page.locator(".site-facet [aria-current=true]").all_inner_texts()
    assert [text.split()[0] for text in active] == ["江西省", "土地革命战争时期"]
    assert page.locator(".sites-by-province h3").all_inner_texts()[0].startswith("江西省")
    assert page.locator(".sites-by-province h3").count() == 1
    phone.check("filtered")


@pytest.fixture(scope="module")
def map_server_url(server_url, tmp_path_factory):
    """A second server on the same database and files, with a tile server configured."""
    env = {**server_env(tmp_path_factory), "MAP_TILE_URL": TILES, "MAP_ATTRIBUTION": "© 测试"}
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}"],
        env=env,
        cwd=PROJECT_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/sites/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_map_shows_the_filtered_sites_and_leads_to_them(browser, map_server_url):
    phone = Phone(browser, map_server_url, "sites-map")
    try:
        page = phone.page
        phone.goto("/sites/?province=江西省")
        markers = page.locator(".sites-map__marker")
        markers.first.wait_for()
        cards = page.locator(".card").count()
        assert markers.count() == cards >= 2
        assert page.locator(".sites-by-province").count() == 0
        phone.check("map")
        markers.first.tap()
        link = page.locator(".leaflet-popup-content a")
        link.wait_for()
        phone.check("popup")
        title = link.inner_text()
        with page.expect_navigation():
            link.tap()
        assert page.locator("h1").first.inner_text() == title
    finally:
        phone.close()
