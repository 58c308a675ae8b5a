"""Anonymous visitors get whole pages from the page cache (core.pagecache), and every change
an editor makes reaches the next visitor at once: with each process's memory and a database
generation (one server), and with Redis (several). Members never get a kept page."""

import gzip
import os
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage import default_storage
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import PageViewRestriction

from core.pagecache import HIT_HEADER, storable
from core.privacy import private
from core.storage import UniqueImageNameStorage
from lectures.models import LectureIndexPage, MicroLecturePage
from stories.models import StoryIndexPage
from tests.factories import (
    ForumEventPageFactory,
    LearningRecordFactory,
    MicroLecturePageFactory,
    RegistrationFactory,
    login,
    make_member,
)

pytestmark = pytest.mark.django_db

# Databases of the local Redis no one else here uses, one per parallel test process: each is
# flushed after each test (Django's RedisCache.clear() is FLUSHDB), which must not touch
# another process's pages.
WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
REDIS_DB = 11 + WORKER % 4
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"


def redis_caches() -> dict:
    prefix = f"test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{os.getpid()}"
    shared = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": prefix,
    }
    return {**settings.CACHES, "pagecache": shared, "content_version": shared}


@pytest.fixture(params=["local", "redis"])
def page_cache(request):
    """The page cache switched on, with its stores as on one server (local) or with Redis."""
    overrides = {"PAGE_CACHE_ENABLED": True}
    if request.param == "redis":
        overrides["CACHES"] = redis_caches()
    with override_settings(**overrides):
        caches["pagecache"].clear()
        yield request.param
    if request.param == "redis":
        redis.Redis.from_url(REDIS_URL).flushdb()


@pytest.fixture
def lecture():
    return MicroLecturePage.objects.live().public().first()


def visit(url: str, **headers):
    """What an anonymous visitor without any cookie receives."""
    return Client().get(url, **headers)


def assert_kept(url: str) -> None:
    visit(url)
    assert visit(url).get(HIT_HEADER) == "hit", url


def test_a_second_anonymous_visit_is_a_cheap_hit(
    page_cache, lecture, django_assert_max_num_queries
):
    for url in ["/", lecture.url, LectureIndexPage.objects.get().url, "/search/?q=井冈山"]:
        first = visit(url)
        assert first.status_code == 200 and HIT_HEADER not in first, url
        with django_assert_max_num_queries(2):
            second = visit(url)
        assert second.get(HIT_HEADER) == "hit", url
        assert second.content == first.content, url


def test_a_hit_answers_with_the_same_headers(page_cache, lecture):
    first = visit(lecture.url)
    second = visit(lecture.url)
    assert second.get(HIT_HEADER) == "hit"
    headers = {name: value for name, value in second.items() if name != HIT_HEADER}
    assert headers == dict(first.items())
    assert "Content-Security-Policy" in headers and "X-Frame-Options" in headers


def test_publishing_shows_at_once(page_cache, lecture):
    assert_kept(lecture.url)
    assert_kept("/")
    lecture.title = "新的标题：延安精神"
    lecture.save_revision().publish()
    assert "新的标题：延安精神" in visit(lecture.url).content.decode()
    new = MicroLecturePageFactory(title="刚发布的微党课", slug="just-published")
    assert visit(new.url).status_code == 200
    assert "刚发布的微党课" in visit(LectureIndexPage.objects.get().url).content.decode()


def test_unpublishing_shows_at_once(page_cache, lecture):
    assert_kept(lecture.url)
    lecture.unpublish()
    assert visit(lecture.url).status_code == 404


def test_moving_shows_at_once(page_cache, lecture):
    old_url = lecture.url
    assert_kept(old_url)
    lecture.move(StoryIndexPage.objects.get(), pos="last-child")
    assert visit(old_url).status_code in (301, 404)  # Wagtail may leave a redirect behind
    lecture.refresh_from_db()
    assert visit(lecture.url).status_code == 200


def test_deleting_shows_at_once(page_cache, lecture):
    url = lecture.url
    assert_kept(url)
    lecture.delete()
    assert visit(url).status_code == 404


def test_privacy_shows_at_once(page_cache, lecture):
    section = StoryIndexPage.objects.get()
    assert_kept(lecture.url)
    assert_kept("/")
    restriction = PageViewRestriction.objects.create(
        page=lecture, restriction_type=PageViewRestriction.LOGIN
    )
    assert visit(lecture.url).status_code == 302  # to the login page
    restriction.delete()
    assert visit(lecture.url).status_code == 200
    # The menu too: a section made private leaves every kept page's menu.
    PageViewRestriction.objects.create(page=section, restriction_type=PageViewRestriction.LOGIN)
    assert f'href="{section.url}"' not in visit("/").content.decode()


def test_members_never_get_a_kept_page_nor_each_others(page_cache, lecture):
    now = timezone.now()
    first, second = make_member("cache-member-1"), make_member("cache-member-2")
    LearningRecordFactory(member=first, page=lecture, first_seen_at=now, completed=True)
    assert_kept(lecture.url)
    for member in (first, second):
        client = login(member)
        response = client.get(lecture.url)
        assert HIT_HEADER not in response
        assert "退出" in response.content.decode()  # a member's own header, not a visitor's
        # (The visit's own "viewed" event recomputes the record: only the first visit shows it.)
        assert ("已学完" in response.content.decode()) is (member == first)
        assert HIT_HEADER not in client.get(lecture.url)
    assert "已学完" not in visit(lecture.url).content.decode()


def test_a_visitor_with_a_session_or_messages_cookie_reaches_the_site(page_cache, lecture):
    assert_kept(lecture.url)
    for name in (settings.SESSION_COOKIE_NAME, "messages"):
        client = Client()
        client.cookies[name] = "something"
        assert HIT_HEADER not in client.get(lecture.url)


def test_pages_with_a_csrf_token_are_never_kept(page_cache):
    for url in ["/login/"]:
        first = visit(url)
        assert first.status_code == 200 and "csrfmiddlewaretoken" in first.content.decode()
        assert HIT_HEADER not in visit(url), url


def test_responses_with_cookies_messages_or_privacy_are_never_kept():
    def request():
        made = RequestFactory().get("/")
        made.session = SessionStore()
        made._messages = default_storage(made)
        return made

    def page() -> HttpResponse:
        return HttpResponse("<html></html>", content_type="text/html; charset=utf-8")

    assert storable(request(), page())
    with_cookie = page()
    with_cookie.set_cookie("seen", "1")
    assert not storable(request(), with_cookie)
    with_message = request()
    messages.info(with_message, "已保存")
    assert not storable(with_message, page())
    with_token = request()
    with_token.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    assert not storable(with_token, page())
    assert not storable(request(), private(page()))
    assert not storable(request(), HttpResponse("{}", content_type="application/json"))


def test_html_is_compressed_when_asked(page_cache, lecture):
    for _ in range(2):  # the kept page too, in each encoding
        plain = visit(lecture.url)
        packed = visit(lecture.url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        assert "Content-Encoding" not in plain
        assert packed["Content-Encoding"] == "gzip"
        assert gzip.decompress(packed.content) == plain.content
        assert "Accept-Encoding" in packed["Vary"]
    assert packed.get(HIT_HEADER) == "hit"


def test_pictures_are_kept_for_a_year_and_not_gzipped():
    image = get_image_model().objects.first()
    rendition = image.get_rendition("fill-120x80")
    for url in [rendition.url, image.file.url]:
        response = Client().get(url, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200, url
        control = response["Cache-Control"]
        assert "max-age=31536000" in control and "immutable" in control and "public" in control
        assert "Content-Encoding" not in response


def test_an_original_picture_never_takes_an_old_name(tmp_path):
    storage = UniqueImageNameStorage(location=tmp_path)
    first = storage.save("original_images/cover.jpg", ContentFile(b"one"))
    storage.delete(first)
    second = storage.save("original_images/cover.jpg", ContentFile(b"two"))
    assert first != second
    assert first.startswith("original_images/cover_") and first.endswith(".jpg")
    assert storage.save("documents/a.pdf", ContentFile(b"x")) == "documents/a.pdf"


def test_a_registration_changes_the_places_visitors_see(page_cache):
    event = ForumEventPageFactory(capacity=30)
    assert_kept(event.url)
    before = visit(event.url).content.decode()
    RegistrationFactory(
        event=event,
        member=make_member("cache-registrant"),
        queued_at=timezone.now() - timedelta(minutes=1),
    )
    assert visit(event.url).content.decode() != before


def test_head_is_answered_from_a_kept_page_but_never_fills_one(page_cache, lecture):
    assert HIT_HEADER not in Client().head(lecture.url)
    assert HIT_HEADER not in Client().head(lecture.url)  # HEAD alone keeps nothing
    visit(lecture.url)
    response = Client().head(lecture.url)
    assert response.status_code == 200 and response.get(HIT_HEADER) == "hit"
