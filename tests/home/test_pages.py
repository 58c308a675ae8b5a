"""A visitor browses the site on a phone: pages show their facts, lists filter by tag, bad
input gets a clear answer instead of a server error. (That every demo page opens is
tests/demo/test_demo_site.py.)"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page

from events.models import EventIndexPage, ForumEventPage
from exhibits.models import ExhibitIndexPage, RevolutionarySitePage
from home.models import ContentPage, HomePage
from lectures.models import LectureIndexPage, MicroLecturePage
from stories.models import ExemplarStoryPage, StoryIndexPage
from tests.factories import (
    ExemplarStoryPageFactory,
    ForumEventPageFactory,
    MicroLecturePageFactory,
    RevolutionarySitePageFactory,
    page_factory_for,
)

INDEX_MODELS = [LectureIndexPage, ExhibitIndexPage, StoryIndexPage, EventIndexPage]
CONTENT_MODELS = [MicroLecturePage, RevolutionarySitePage, ExemplarStoryPage, ForumEventPage]
MAX_QUERIES_PER_PAGE = 15

pytestmark = pytest.mark.django_db


def cover_image():
    return get_image_model().objects.create(
        title="封面", file=get_test_image_file(size=(1200, 800))
    )


def public_urls() -> list[str]:
    return [page.url for page in Page.objects.live().public().filter(depth__gte=2).specific()]


@pytest.mark.parametrize("model", CONTENT_MODELS)
def test_content_page_shows_its_facts_and_tags(client, model):
    page = page_factory_for(model)(
        title="页面的标题", topic="长征精神", tags=["青年榜样", "红色记忆"]
    )
    html = client.get(page.url).content.decode()
    assert "<h1>页面的标题</h1>" in html
    assert "长征精神" in html
    tags = {tag.name for tag in page.tags.all()}
    assert tags == {"长征精神", "青年榜样", "红色记忆"}
    for tag in tags:
        assert f"#{tag}" in html


def test_pages_use_responsive_webp_images_from_our_own_host(client):
    # A story, not a video lecture: a lecture's cover is its player's poster (no srcset).
    page = ExemplarStoryPageFactory(cover_image=cover_image())
    html = client.get(page.url).content.decode()
    assert "srcset=" in html
    assert ".webp" in html
    for forbidden in ("http://", "https://", "//fonts.", "cdn"):
        # Only our own host: no absolute URLs in src/href of assets.
        assert f'src="{forbidden}' not in html
    assert 'href="https://' not in html.split("<main")[0]


def test_topic_is_always_one_of_the_tags(home_page):
    lecture = MicroLecturePageFactory(
        title="新课", slug="new-lecture", topic="  航天精神 ", body=[], publish=False
    )
    lecture.refresh_from_db()
    assert lecture.topic == "航天精神"
    assert "航天精神" in [tag.name for tag in lecture.tags.all()]


def test_any_topic_or_tag_text_renders(client, home_page):
    lecture = MicroLecturePageFactory(
        title="斜杠专题", slug="slash-topic", topic="抗疫/防疫 <b>", tags=["C++ & 党史", "?#%"]
    )
    response = client.get(lecture.url)
    assert response.status_code == 200
    assert "抗疫/防疫 &lt;b&gt;" in response.content.decode()


def test_topic_is_required():
    page = MicroLecturePage(title="无专题", slug="no-topic", topic="")
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "topic" in error.value.message_dict


class TestParentChildRules:
    def test_content_only_under_its_own_index(self, home_page):
        lectures, sites = LectureIndexPage.objects.get(), ExhibitIndexPage.objects.get()
        assert MicroLecturePage.can_create_at(lectures)
        assert not MicroLecturePage.can_create_at(sites)
        assert not MicroLecturePage.can_create_at(home_page)
        assert RevolutionarySitePage.can_create_at(sites)
        assert not ExemplarStoryPage.can_create_at(lectures)
        assert ForumEventPage.can_create_at(EventIndexPage.objects.get())

    def test_indexes_only_under_home_and_once(self, home_page):
        for index_model in INDEX_MODELS:
            assert index_model.allowed_parent_page_models() == [HomePage]
            # The demo already has one of each: a second is refused.
            assert not index_model.can_create_at(home_page)

    def test_base_content_page_is_not_creatable(self, home_page):
        assert not ContentPage.is_creatable
        assert ContentPage not in LectureIndexPage.allowed_subpage_models()

    def test_content_pages_are_leaves(self):
        for model in CONTENT_MODELS:
            assert model.allowed_subpage_models() == []


class TestTagFiltering:
    @pytest.mark.parametrize("index_model", INDEX_MODELS)
    def test_chinese_tag_filters_each_index(self, client, index_model):
        index = index_model.objects.get()
        page_factory = page_factory_for(index.child_model)
        tagged = page_factory(title="带标签的页面", topic="党史学习", tags=["青年榜样"])
        page_factory(title="不带此标签的页面", topic="党史学习")
        children = index.child_model.objects.child_of(index).live()
        tag = tagged.tags.get(name="青年榜样")
        expected = set(children.filter(tags__slug=tag.slug).values_list("title", flat=True))
        others = set(children.exclude(tags__slug=tag.slug).values_list("title", flat=True))
        assert "带标签的页面" in expected and "不带此标签的页面" in others
        assert any("\u4e00" <= ch <= "\u9fff" for ch in tag.slug), "tag slugs keep Chinese"

        response = client.get(index.url, {"tag": tag.slug})
        html = response.content.decode()
        assert response.status_code == 200
        for title in expected:
            assert title in html
        for title in others:
            assert f">{title}</h3>" not in html

    def test_tag_by_name_works_too(self, client):
        index = LectureIndexPage.objects.get()
        MicroLecturePageFactory(title="独有专题的课", topic="独有专题")
        MicroLecturePageFactory(title="别的专题的课", topic="别的专题")
        html = client.get(index.url, {"tag": "独有专题"}).content.decode()
        assert "独有专题的课" in html and "别的专题的课" not in html

    def test_unknown_tag_gives_an_empty_list_not_an_error(self, client):
        response = client.get(LectureIndexPage.objects.get().url, {"tag": "不存在的标签"})
        assert response.status_code == 200
        assert "没有带标签「不存在的标签」的内容" in response.content.decode()


class TestIndexListing:
    def test_twelve_per_page_newest_first(self, client):
        index = LectureIndexPage.objects.get()
        for number in range(13):
            MicroLecturePageFactory(title=f"分页课程{number}")
        lectures = list(
            MicroLecturePage.objects.child_of(index).live().order_by("-first_published_at", "-pk")
        )
        response = client.get(index.url)
        shown = list(response.context["items"])
        assert shown == lectures[:12]
        assert shown[0].title == "分页课程12"  # the newest
        second = client.get(index.url, {"page": 2}).context["items"]
        assert list(second) == lectures[12:24]

    def test_event_index_upcoming_first_then_past(self, client):
        index = EventIndexPage.objects.get()
        now = timezone.now()
        for offset, slug in ((5, "soon"), (40, "later"), (-3, "recent"), (-60, "old")):
            ForumEventPageFactory(
                title=f"测试活动{slug}",
                slug=f"test-{slug}",
                topic="党史学习",
                starts_at=now + timedelta(days=offset),
                ends_at=now + timedelta(days=offset, hours=2),
            )
        response = client.get(index.url)
        upcoming = list(response.context["upcoming"])
        past = list(response.context["items"])
        assert all(event.starts_at > now for event in upcoming)
        assert [e.starts_at for e in upcoming] == sorted(e.starts_at for e in upcoming)
        assert all(event.ends_at < now for event in past)
        assert [e.starts_at for e in past] == sorted((e.starts_at for e in past), reverse=True)
        html = response.content.decode()
        assert (
            html.index("测试活动soon") < html.index("测试活动later") < html.index("测试活动recent")
        )
        assert html.index("测试活动recent") < html.index("测试活动old")


class TestBadInput:
    @pytest.mark.parametrize("index_model", INDEX_MODELS)
    @pytest.mark.parametrize(
        "params",
        [
            {"tag": "<script>alert(1)</script>"},
            {"page": "abc"},
            {"page": "99999"},
            {"page": "-1"},
            {"tag": "长征精神", "page": "0"},
            {"tag": "\x00"},
        ],
    )
    def test_index_never_errors_or_reflects_html(self, client, index_model, params):
        response = client.get(index_model.objects.get().url, params)
        assert response.status_code == 200
        assert b"<script>alert(1)" not in response.content

    def test_unknown_slugs_are_404(self, client):
        for url in ("/no-such-page/", "/lectures/no-such-lecture/", "/sites/x/y/z/"):
            response = client.get(url)
            assert response.status_code == 404
            assert "页面不存在" in response.content.decode()

    @pytest.mark.parametrize(
        "query",
        ['"', "AND OR NOT", "*", "\x00", "'; DROP TABLE wagtailcore_page; --", "🚩", "x" * 2000],
    )
    def test_search_box_never_errors(self, client, query):
        response = client.get("/search/", {"q": query, "tag": query})
        assert response.status_code == 200
        assert b"<script" not in response.content.split(b"</header>")[1]


class TestValidation:
    @pytest.mark.parametrize(
        "field,value",
        [
            ("latitude", Decimal("90.5")),
            ("latitude", Decimal("-91")),
            ("longitude", Decimal("180.1")),
            ("longitude", Decimal("-181")),
        ],
    )
    def test_coordinates_out_of_range_rejected(self, field, value):
        site = RevolutionarySitePageFactory()
        setattr(site, field, value)
        with pytest.raises(ValidationError) as error:
            site.full_clean()
        assert field in error.value.message_dict

    def test_event_cannot_end_before_it_starts(self):
        event = ForumEventPageFactory()
        event.ends_at = event.starts_at - timedelta(minutes=1)
        with pytest.raises(ValidationError) as error:
            event.full_clean()
        assert "ends_at" in error.value.message_dict


def test_every_public_page_within_query_budget(client, django_assert_max_num_queries):
    urls = public_urls() + ["/search/?q=井冈山", "/search/?tag=长征精神"]
    for url in urls:
        client.get(url)  # first visit creates image renditions; count the steady state
    for url in urls:
        with django_assert_max_num_queries(MAX_QUERIES_PER_PAGE, info=url):
            assert client.get(url).status_code == 200


def test_query_count_does_not_grow_with_items(client, django_assert_max_num_queries):
    index = StoryIndexPage.objects.get()
    shared_cover = cover_image()
    for number in range(15):
        ExemplarStoryPageFactory(
            title=f"加测人物{number}",
            slug=f"extra-{number}",
            topic="时代楷模",
            cover_image=shared_cover,
            tags=["志愿服务", f"临时标签{number}"],
        )
    client.get(index.url)
    with django_assert_max_num_queries(MAX_QUERIES_PER_PAGE):
        assert client.get(index.url).status_code == 200


class TestMainMenu:
    def test_menu_lists_the_sections_and_marks_the_current_one(self, client):
        html = client.get("/sites/").content.decode()
        nav = html[html.index('<nav class="site-nav"') : html.index("</nav>")]
        for index_model in INDEX_MODELS:
            index = index_model.objects.get()
            assert f'href="{index.url}"' in nav
        assert 'href="/sites/" aria-current="true"' in nav

    def test_renamed_section_shows_at_once(self, client):
        client.get("/")  # fills the menu cache
        index = StoryIndexPage.objects.get()
        index.title = "时代楷模"
        index.save_revision().publish()
        assert "时代楷模" in client.get("/").content.decode()

    def test_unpublished_section_leaves_the_menu(self, client):
        client.get("/")
        index = EventIndexPage.objects.get()
        index.unpublish()
        nav = client.get("/").content.decode().split('<nav class="site-nav"')[1].split("</nav>")[0]
        assert f'href="{index.url}"' not in nav and "/events/" not in nav
