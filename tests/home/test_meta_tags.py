"""Every page type has a description meta tag; search, login, personal pages and 404 say
noindex, content pages do not and carry a canonical link; /robots.txt keeps search engines
out of the admin and members' pages. The browser audits
(tests/browser/test_audits.py) check the same pages with axe-core, the Nu HTML Checker and
Lighthouse; these fail fast without a browser."""

from html.parser import HTMLParser

import pytest
from django.test import Client

from members.models import Role
from tests.factories import (
    AssignmentFactory,
    ExemplarStoryPageFactory,
    ForumEventPageFactory,
    MicroLecturePageFactory,
    RevolutionarySitePageFactory,
    login,
    make_member,
)

pytestmark = pytest.mark.django_db

INDEXABLE = [
    "/",
    "/lectures/",
    "/sites/",
    "/stories/",
    "/events/",
    "/tags/",
    "/tags/党史学习/",
    "/yijianxiang/",
]
CONTENT_FACTORIES = [
    MicroLecturePageFactory,
    RevolutionarySitePageFactory,
    ExemplarStoryPageFactory,
    ForumEventPageFactory,
]
SUMMARY = "一段关于井冈山斗争的简短介绍，\n供检查页面描述之用。"
NOINDEX = ["/search/", "/search/?q=长征", "/search/?q=没有这样的内容zq", "/login/"]


class Head(HTMLParser):
    """The meta tags and canonical links of a page."""

    def __init__(self):
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.canonical: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "name" in attrs:
            self.meta.setdefault(attrs["name"], []).append(attrs.get("content") or "")
        if tag == "link" and attrs.get("rel") == "canonical":
            self.canonical.append(attrs.get("href") or "")


def head(response) -> Head:
    parser = Head()
    parser.feed(response.content.decode())
    return parser


def assert_described(response, path: str):
    found = head(response)
    descriptions = found.meta.get("description", [])
    assert len(descriptions) == 1, f"{path}: {descriptions}"
    assert 10 <= len(descriptions[0]) <= 160, f"{path}: {descriptions[0]!r}"
    return found


@pytest.mark.parametrize("path", INDEXABLE)
def test_indexable_pages_have_a_description_and_a_canonical_link_and_no_noindex(client, path):
    response = client.get(path)
    assert response.status_code == 200
    found = assert_described(response, path)
    assert "robots" not in found.meta, path
    if not path.startswith("/tags/"):
        assert found.canonical == [f"http://testserver{path}"], path


@pytest.mark.parametrize("factory", CONTENT_FACTORIES)
def test_content_pages_of_every_kind_are_indexable_with_a_canonical_link(client, factory):
    page = factory(summary=SUMMARY)
    found = assert_described(client.get(page.url), page.url)
    assert "robots" not in found.meta, page.url
    assert found.canonical == [f"http://testserver{page.url}"], page.url


def test_a_content_page_describes_itself_with_its_summary(client):
    story = ExemplarStoryPageFactory(summary=SUMMARY)
    found = assert_described(client.get(story.url), "story")
    description = found.meta["description"][0]
    home = head(client.get("/")).meta["description"][0]
    assert description != home
    assert "\n" not in description and "井冈山斗争" in description


@pytest.mark.parametrize("path", NOINDEX)
def test_search_and_login_have_a_description_and_noindex(client, path):
    response = client.get(path)
    assert response.status_code == 200
    found = assert_described(response, path)
    assert found.meta.get("robots") == ["noindex"], path


def test_the_404_page_has_a_description_and_noindex(client):
    response = client.get("/no-such-page-at-all/")
    assert response.status_code == 404
    found = assert_described(response, "404")
    assert found.meta.get("robots") == ["noindex"]


def test_personal_pages_have_a_description_and_noindex():
    organiser = make_member("audit-organiser", role=Role.ORGANISER)
    member = make_member("audit-member")
    branch = organiser.member_profile.branch
    assignment = AssignmentFactory(branch=branch, title="审计任务")
    pages = {
        member: ["/learning/", "/learning/for-you/", "/learning/events/"],
        organiser: ["/branch/", f"/branch/assignments/{assignment.pk}/"],
    }
    for user, paths in pages.items():
        client = login(user)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            found = assert_described(response, path)
            assert found.meta.get("robots") == ["noindex"], path


def test_robots_txt_keeps_search_engines_out_of_admin_and_members_pages():
    response = Client().get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for path in ("/admin/", "/learning/", "/branch/", "/search/"):
        assert f"Disallow: {path}" in lines
    assert "Disallow: /" not in lines  # content pages stay open
