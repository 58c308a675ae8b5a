"""The sites index by province and period, the map and the list by province."""

import json

import pytest
from django.test import override_settings

from exhibits.models import ExhibitIndexPage, RevolutionarySitePage
from tests.factories import RevolutionarySitePageFactory

pytestmark = pytest.mark.django_db


TILES = "https://tiles.example.edu.cn/{z}/{x}/{y}.png"


@pytest.fixture
def index():
    return ExhibitIndexPage.objects.get()


def get(client, index, **params):
    response = client.get(index.url, params)
    assert response.status_code == 200
    return response


def chips(response, name):
    (facet,) = [f for f in response.context["site_facets"] if f.name == name]
    return {chip.label: chip for chip in facet.chips}


def listed(response):
    return {page.title for page in response.context["items"]}


def test_chips_come_from_the_public_sites_with_counts(client, index):
    response = get(client, index)
    provinces = chips(response, "province")
    visible = RevolutionarySitePage.objects.visible()
    assert provinces["江西省"].count == visible.filter(province="江西省").count() >= 2
    assert provinces["全部"].active and provinces["全部"].count is None
    periods = chips(response, "period")
    assert periods["土地革命战争时期"].count == visible.filter(period="土地革命战争时期").count()
    html = response.content.decode()
    assert "历史时期" in html and "省份" in html


def test_chips_leave_out_drafts(client, index):
    RevolutionarySitePageFactory(title="草稿场馆", province="火星省", live=False, publish=False)
    assert "火星省" not in chips(get(client, index), "province")


def test_province_and_period_combine_with_each_other_and_the_tag(client, index):
    response = get(client, index, province="江西省", period="土地革命战争时期")
    expected = RevolutionarySitePage.objects.visible().filter(
        province="江西省", period="土地革命战争时期"
    )
    assert listed(response) == {page.title for page in expected}
    provinces = chips(response, "province")
    assert provinces["江西省"].active and not provinces["全部"].active
    # Each chip keeps the other filter; the 全部 chip clears only its own.
    assert "period=" in provinces["福建省"].query and "province=" in provinces["福建省"].query
    assert "province" not in provinces["全部"].query and "period=" in provinces["全部"].query
    html = response.content.decode()
    assert 'aria-current="true">江西省' in html

    site = expected.first()
    tag = site.tags.first()
    response = get(client, index, province="江西省", tag=tag.slug)
    assert site.title in listed(response)
    assert all(page.province == "江西省" for page in response.context["items"])
    assert "tag=" in chips(response, "period")["全部"].query


def test_tag_links_and_pagination_keep_the_place_filters(client, index):
    RevolutionarySitePageFactory.create_batch(13, parent=index)
    response = get(client, index, province="测试省", period="")
    assert response.context["items"].paginator.num_pages == 2
    html = response.content.decode()
    assert "?province=%E6%B5%8B%E8%AF%95%E7%9C%81&amp;page=2" in html
    assert "?province=%E6%B5%8B%E8%AF%95%E7%9C%81&amp;tag=" in html  # tag chips
    response = get(client, index, province="测试省", page="2")
    assert len(response.context["items"]) == 1


@pytest.mark.parametrize(
    "params",
    [
        {"province": "\x00"},
        {"province": "江西省" * 200},
        {"period": "\u200b\u202e"},
        {"province": ["江西省", "福建省"]},
        {"province": "<script>", "period": "'\""},
        {"page": "abc", "province": "江西省"},
    ],
)
def test_bad_filters_give_the_normal_page(client, index, params):
    get(client, index, **params)


def test_an_unknown_province_gives_an_empty_list_and_says_so(client, index):
    response = get(client, index, province="火星省")
    assert not response.context["items"]
    html = response.content.decode()
    assert "没有符合筛选条件的场馆" in html and "「火星省」" in html
    assert "清除筛选" in html


def test_junk_values_are_no_filter(client, index):
    everything = listed(get(client, index))
    assert listed(get(client, index, province="\x00\u200b ")) == everything


def test_without_tiles_no_map_and_a_list_by_province(client, index):
    RevolutionarySitePageFactory(parent=index, title="无省份场馆", province="")
    response = get(client, index)
    html = response.content.decode()
    assert "leaflet" not in html and "sites_map" not in html and "sites-map-data" not in html
    groups = dict(response.context["sites_by_province"])
    assert list(groups)[-1] == "其他"
    assert [site.title for site in groups["其他"]] == ["无省份场馆"]
    assert {site.title for site in groups["江西省"]} == {
        page.title for page in RevolutionarySitePage.objects.visible().filter(province="江西省")
    }
    assert "<h3>江西省" in html and "<h3>其他" in html
    assert "tiles.example" not in response["Content-Security-Policy"]


@override_settings(MAP_TILE_URL=TILES, MAP_ATTRIBUTION="© 测绘 <b>")
def test_with_tiles_the_map_shows_the_filtered_sites(client, index):
    response = get(client, index, province="江西省")
    html = response.content.decode()
    assert "vendor/leaflet/leaflet.js" in html and "vendor/leaflet/leaflet.css" in html
    assert "js/sites_map.js" in html
    assert 'data-tile-url="https://tiles.example.edu.cn/{z}/{x}/{y}.png"' in html
    assert "© 测绘 &lt;b&gt;" in html
    assert "sites_by_province" not in response.context
    start = html.index('<script id="sites-map-data" type="application/json">')
    data = json.loads(html[start:].split(">", 1)[1].split("</script>", 1)[0])
    jiangxi = RevolutionarySitePage.objects.visible().filter(province="江西省")
    assert {m["title"] for m in data} == {page.title for page in jiangxi}
    first = jiangxi.get(title=data[0]["title"])
    assert data[0]["url"] == first.url
    assert data[0]["lat"] == float(first.latitude) and data[0]["lng"] == float(first.longitude)
    img_src = [d for d in response["Content-Security-Policy"].split(";") if "img-src" in d][0]
    assert "https://tiles.example.edu.cn" in img_src
    assert "tiles.example" not in response["Content-Security-Policy"].replace(img_src, "")


@override_settings(MAP_TILE_URL=TILES)
def test_sites_without_coordinates_are_not_on_the_map(client, index):
    RevolutionarySitePageFactory(parent=index, title="无坐标", latitude=None, longitude=None)
    data = get(client, index).context["map_markers"]
    assert "无坐标" not in {m["title"] for m in data}


@override_settings(MAP_TILE_URL=TILES)
def test_the_tile_host_is_allowed_on_the_sites_index_only(client, home_page):
    assert "tiles.example" not in client.get(home_page.url)["Content-Security-Policy"]


@pytest.mark.parametrize(
    "url",
    ["https://tiles.example.edu.cn;script-src *", "javascript:alert(1)", "https://exa mple/"],
)
def test_a_tile_url_unfit_for_the_policy_shows_no_map(client, index, url):
    with override_settings(MAP_TILE_URL=url):
        response = get(client, index)
    assert "map_markers" not in response.context
    policy = response["Content-Security-Policy"]
    assert "script-src *" not in policy and "javascript" not in policy


def test_subdomain_placeholder_becomes_a_wildcard(client, index):
    with override_settings(MAP_TILE_URL="https://{s}.tile.example.org:8443/{z}/{x}/{y}.png"):
        policy = get(client, index)["Content-Security-Policy"]
    assert "https://*.tile.example.org:8443" in policy


@pytest.mark.parametrize("tiles", ["", TILES])
def test_the_index_stays_within_its_query_budget(
    client, index, tiles, django_assert_max_num_queries
):
    with override_settings(MAP_TILE_URL=tiles):
        get(client, index)  # renditions made once
        with django_assert_max_num_queries(15):
            get(client, index, province="江西省", period="土地革命战争时期")


def test_an_over_long_value_does_not_match_by_its_start(client, index):
    response = get(client, index, period="土地革命战争时期" + "x" * 200)
    assert not response.context["items"]


@override_settings(MAP_TILE_URL=TILES)
def test_no_map_assets_when_no_filtered_site_has_coordinates(client, index):
    RevolutionarySitePageFactory(parent=index, province="无坐标省", latitude=None, longitude=None)
    response = get(client, index, province="无坐标省")
    assert response.context["map_markers"] == []
    assert "leaflet" not in response.content.decode()
