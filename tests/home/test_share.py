"""分享 on content pages: the link and its copy button, the QR code (an SVG made on the
server with segno) and the Open Graph / WeChat card; nothing of it on private pages."""

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
import segno
from django.test import Client
from django.urls import reverse
from django.utils.text import Truncator
from wagtail.models import Page, PageViewRestriction

from events.models import ForumEventPage
from exhibits.models import RevolutionarySitePage
from home.models import ContentPage, HomePage
from lectures.models import LectureIndexPage, MicroLecturePage
from stories.models import ExemplarStoryPage
from tests.factories import UserFactory, login

pytestmark = pytest.mark.django_db

KINDS = [MicroLecturePage, RevolutionarySitePage, ExemplarStoryPage, ForumEventPage]
SVG = "{http://www.w3.org/2000/svg}"
BASE = "http://testserver"


def a_page(model=MicroLecturePage) -> ContentPage:
    return model.objects.live().public().exclude(cover_image=None).first()


def qr_url(page) -> str:
    return f"/share/qr/{page.pk}.svg"


class Head(HTMLParser):
    """The ``<meta>`` tags of a page: ``property`` (Open Graph) and ``itemprop`` (WeChat)."""

    def __init__(self):
        super().__init__()
        self.og: dict[str, str] = {}
        self.itemprop: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "property" in attrs:
            self.og[attrs["property"]] = attrs["content"]
        if tag == "meta" and "itemprop" in attrs:
            self.itemprop[attrs["itemprop"]] = attrs["content"]


def head_of(html: str) -> Head:
    parser = Head()
    parser.feed(html.split("</head>")[0])
    return parser


def dark_modules(svg: bytes) -> set[tuple[int, int]]:
    """The dark modules the SVG draws, read back from its path (``M x y`` / ``m dx dy`` /
    ``h n``, one row per y), relative to the top-left corner of the symbol."""
    root = ET.fromstring(svg)
    paths = [p for p in root.iter(f"{SVG}path") if p.get("stroke")]
    assert len(paths) == 1
    x = y = 0.0
    cells = set()
    for command, numbers in re.findall(r"([MmHh])([-\d. ]+)", paths[0].get("d")):
        values = [float(n) for n in numbers.split()]
        if command == "M":
            x, y = values
        elif command == "m":
            x, y = x + values[0], y + values[1]
        else:
            cells.update((int(x) + i, int(y)) for i in range(int(values[0])))
            x += values[0]
    left = min(cx for cx, _ in cells)
    top = min(cy for _, cy in cells)
    return {(cx - left, cy - top) for cx, cy in cells}


def expected_modules(url: str) -> set[tuple[int, int]]:
    matrix = segno.make(url, error="m", micro=False).matrix
    return {(x, y) for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark}


# --- the QR code -----------------------------------------------------------------------------


@pytest.mark.parametrize("model", KINDS)
def test_qr_code_is_a_plain_svg_of_the_page_link(model):
    page = a_page(model)
    response = Client().get(qr_url(page))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    cache_control = response["Cache-Control"]
    assert "public" in cache_control
    assert int(re.search(r"max-age=(\d+)", cache_control).group(1)) >= 7 * 24 * 3600
    root = ET.fromstring(response.content)  # well-formed XML
    assert root.tag == f"{SVG}svg"
    for element in root.iter():
        assert element.tag.removeprefix(SVG) in {"svg", "g", "path"}, element.tag
        assert not [name for name in element.attrib if name.lower().startswith("on")]
    assert b"script" not in response.content.lower()
    assert dark_modules(response.content) == expected_modules(BASE + page.url)


def test_qr_code_follows_the_host_the_visitor_used():
    page = a_page()
    svg = Client().get(qr_url(page), HTTP_HOST="127.0.0.1").content
    assert dark_modules(svg) == expected_modules("http://127.0.0.1" + page.url)


def test_no_qr_code_for_an_unpublished_page():
    page = a_page()
    page.unpublish()
    assert Client().get(qr_url(page)).status_code == 404


@pytest.mark.parametrize("on_section", [False, True])
def test_no_qr_code_for_a_private_page(on_section):
    page = a_page()
    restricted = page.get_parent() if on_section else page
    PageViewRestriction.objects.create(page=restricted, restriction_type=PageViewRestriction.LOGIN)
    assert Client().get(qr_url(page)).status_code == 404
    member = UserFactory(username="fenxiang")
    assert login(member).get(qr_url(page)).status_code == 404


def test_no_qr_code_for_unknown_or_other_pages():
    client = Client()
    unknown = (Page.objects.order_by("-pk").first().pk or 0) + 1000
    for page_id in [
        unknown,
        0,
        10**30,
        HomePage.objects.get().pk,
        LectureIndexPage.objects.get().pk,
    ]:
        assert client.get(f"/share/qr/{page_id}.svg").status_code == 404, page_id
    assert client.get("/share/qr/abc.svg").status_code == 404
    assert client.post(qr_url(a_page())).status_code == 405


# --- the share section -----------------------------------------------------------------------


@pytest.mark.parametrize("model", KINDS)
def test_every_kind_has_a_share_section(model):
    page = a_page(model)
    html = Client().get(page.url).content.decode()
    assert 'id="share-heading">分享</h2>' in html
    assert f'value="{BASE}{page.url}" readonly' in html  # visible and selectable without JS
    assert re.search(r"<button[^>]*data-share-copy hidden>复制链接</button>", html)
    assert 'aria-live="polite" data-share-status' in html
    qr = re.search(r'<details class="share__qr">\s*<summary>二维码</summary>\s*<img ([^>]*)>', html)
    assert qr, "the QR code sits in a closed <details>"
    assert f'src="{qr_url(page)}?v=' in qr.group(1)
    assert 'loading="lazy"' in qr.group(1)
    assert f'alt="{page.title}的二维码"' in qr.group(1)
    assert re.search(r'<script src="[^"]*js/share\.js" defer></script>', html)


def test_qr_address_changes_with_the_page_url():
    page = a_page()
    before = re.search(r'src="(/share/qr/[^"]+)"', Client().get(page.url).content.decode())[1]
    page.slug = page.slug + "-moved"
    page.save_revision().publish()
    page.refresh_from_db()
    after = re.search(r'src="(/share/qr/[^"]+)"', Client().get(page.url).content.decode())[1]
    assert before != after


# --- the share card (Open Graph, WeChat) -----------------------------------------------------


@pytest.mark.parametrize("model", KINDS)
def test_open_graph_card_with_absolute_addresses(model):
    page = a_page(model)
    html = Client().get(page.url).content.decode()
    head = head_of(html)
    og = head.og
    assert og["og:type"] == "article"
    assert og["og:site_name"] == "红课"
    assert og["og:locale"] == "zh_CN"
    assert og["og:title"] == (page.seo_title or page.title)
    assert og["og:url"] == BASE + page.url
    assert og["og:description"] == Truncator(page.summary).chars(200)
    assert re.fullmatch(rf"{BASE}/media/images/[^ ]+\.jpg", og["og:image"]), og["og:image"]
    assert (og["og:image:width"], og["og:image:height"]) == ("1200", "630")
    assert og["og:image:type"] == "image/jpeg"
    assert og["og:image:alt"]
    assert '<html lang="zh-hans" itemscope itemtype="https://schema.org/Article">' in html
    assert head.itemprop == {
        "name": og["og:title"],
        "description": og["og:description"],
        "image": og["og:image"],
    }
    image = Client().get(og["og:image"].removeprefix(BASE))
    assert image.status_code == 200


def test_description_falls_back_to_the_search_description():
    page = a_page()
    page.summary = ""
    page.search_description = "适合分享到微信群的介绍"
    page.save_revision().publish()
    assert head_of(Client().get(page.url).content.decode()).og["og:description"] == (
        "适合分享到微信群的介绍"
    )


def test_no_image_in_the_card_without_a_cover():
    page = a_page()
    page.cover_image = None
    page.save_revision().publish()
    og = head_of(Client().get(page.url).content.decode()).og
    assert "og:title" in og and not [key for key in og if key.startswith("og:image")]


def test_titles_and_summaries_are_escaped():
    page = a_page()
    title = """讲"红船"精神 <script>alert('x')</script> & 'it'"""
    page.title = title
    page.summary = """摘要 "引号" <img src=x onerror=alert(1)>"""
    page.save_revision().publish()
    html = Client().get(page.url).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    head = head_of(html)
    assert head.og["og:title"] == title
    assert head.itemprop["name"] == title
    assert head.og["og:description"] == page.summary


def test_private_page_has_no_share_section_or_card():
    page = a_page()
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    response = login(UserFactory(username="siyou")).get(page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert page.title in html
    assert "og:" not in html and 'itemprop="' not in html and "itemscope" not in html
    assert "data-share" not in html and "share.js" not in html and "/share/qr/" not in html


def test_password_protected_page_has_no_share_section_once_opened():
    page = a_page()
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="hongjun"
    )
    client = Client()
    unlock = reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, page.pk])
    client.post(unlock, {"password": "hongjun", "return_url": page.url})
    response = client.get(page.url)
    assert response.status_code == 200 and '<article class="article">' in response.content.decode()
    html = response.content.decode()
    assert "og:" not in html and "data-share" not in html and "/share/qr/" not in html
    assert client.get(qr_url(page)).status_code == 404


def test_pages_that_are_not_content_have_no_card():
    for url in ["/", LectureIndexPage.objects.get().url, "/search/?q=长征"]:
        html = Client().get(url).content.decode()
        assert "og:" not in html and "data-share" not in html, url


# --- query budget ----------------------------------------------------------------------------


@pytest.mark.parametrize("model", KINDS)
def test_share_keeps_the_query_budget(model, django_assert_max_num_queries):
    """Anonymous content pages stay within 15 queries: the view restrictions Wagtail reads
    before serving are read once (home.wagtail_hooks), not again for the share section, and
    once read they are kept under the content version (home.fragments): none on a warm page."""
    page = a_page(model)
    client = Client()
    client.get(page.url)  # warm the per-process caches and make the rendition once
    with django_assert_max_num_queries(15, info=page.url) as captured:
        assert client.get(page.url).status_code == 200
    restrictions = [q for q in captured.captured_queries if "pageviewrestriction" in q["sql"]]
    assert len(restrictions) == 0
