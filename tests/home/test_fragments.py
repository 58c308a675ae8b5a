"""Shared fragments for logged-in members: the article of a content
page, the home page's cards, reading-list card links and remembered routes are kept in the
cache for everyone alike, and every change an editor makes shows to the next member at once.
Nothing of one member ever reaches another."""

import pickle

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from wagtail.images import get_image_model
from wagtail.models import PageViewRestriction

from home.fragments import fragment_store
from home.models import HomePage, HomePageFeaturedItem
from lectures.models import MicroLecturePage
from stories.models import StoryIndexPage
from tests.factories import (
    AssignmentFactory,
    MicroLecturePageFactory,
    PageVoteFactory,
    ReflectionFactory,
    login,
    make_member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return make_member("xuesheng1", name="学生甲")


@pytest.fixture
def lecture():
    return MicroLecturePageFactory(title="测试微党课", slug="fragment-lecture", summary="摘要一")


def html_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def publish_body(page, text: str) -> None:
    page.body = [("paragraph", f"<p>{text}</p>")]
    page.save_revision().publish()


class TestArticle:
    def test_the_article_is_served_from_the_shared_fragment(self, member, lecture):
        client = login(member)
        publish_body(lecture, "第一版正文")
        assert "第一版正文" in html_of(client, lecture.url)
        # Behind Wagtail's back (no save, no signal): the kept article is what is served,
        # which shows it really is kept. Editors never write like this.
        MicroLecturePage.objects.filter(pk=lecture.pk).update(summary="偷偷改过的摘要")
        assert 'class="lead">偷偷改过的摘要' not in html_of(client, lecture.url)

    def test_an_edit_published_shows_at_once(self, member, lecture):
        client = login(member)
        publish_body(lecture, "第一版正文")
        assert "第一版正文" in html_of(client, lecture.url)
        lecture.refresh_from_db()
        lecture.title = "改过标题的微党课"
        publish_body(lecture, "第二版正文")
        html = html_of(client, lecture.url)
        assert "第二版正文" in html and "第一版正文" not in html
        assert "改过标题的微党课" in html

    def test_a_saved_draft_does_not_change_the_live_page(self, member, lecture):
        client = login(member)
        publish_body(lecture, "已发布正文")
        assert "已发布正文" in html_of(client, lecture.url)
        lecture.body = [("paragraph", "<p>草稿正文</p>")]
        lecture.save_revision()
        html = html_of(client, lecture.url)
        assert "已发布正文" in html and "草稿正文" not in html

    def test_a_changed_cover_image_shows_at_once(self, member, lecture):
        client = login(member)
        image = get_image_model().objects.first()
        lecture.cover_image = image
        lecture.save_revision().publish()
        assert html_of(client, lecture.url).count('alt="') >= 1
        image.title = "换过名字的封面"
        image.description = "换过说明的封面"
        image.save()
        html = html_of(client, lecture.url)
        assert "换过说明的封面" in html or "换过名字的封面" in html

    def test_a_changed_tag_shows_at_once(self, member, lecture):
        client = login(member)
        assert "新加的标签" not in html_of(client, lecture.url)
        lecture.tags.add("新加的标签")
        lecture.save_revision().publish()
        assert "新加的标签" in html_of(client, lecture.url)

    def test_an_unpublished_page_is_gone_at_once(self, member, lecture):
        client = login(member)
        assert client.get(lecture.url).status_code == 200  # route and article kept
        lecture.unpublish()
        assert client.get(lecture.url).status_code == 404

    def test_a_moved_page_answers_at_its_new_address_only(self, member, lecture):
        client = login(member)
        old_url = lecture.url
        assert client.get(old_url).status_code == 200
        lecture.move(StoryIndexPage.objects.get(), pos="last-child")
        lecture.refresh_from_db()
        assert client.get(old_url).status_code in (301, 404)  # Wagtail's redirect, or none
        assert "测试微党课" in html_of(client, lecture.url)

    def test_a_deleted_page_is_gone_at_once(self, member, lecture):
        client = login(member)
        url = lecture.url
        assert client.get(url).status_code == 200
        lecture.delete()
        assert client.get(url).status_code == 404


class TestPrivatePages:
    def test_a_page_for_one_group_never_shows_to_others(self, member, lecture):
        insiders = Group.objects.create(name="内部学习组")
        insider = make_member("neibu1")
        insider.groups.add(insiders)
        publish_body(lecture, "只给内部学习组看的正文")
        restriction = PageViewRestriction.objects.create(
            page=lecture, restriction_type=PageViewRestriction.GROUPS
        )
        restriction.groups.add(insiders)
        assert "只给内部学习组看的正文" in html_of(login(insider), lecture.url)  # now kept
        response = login(member).get(lecture.url)
        assert "只给内部学习组看的正文" not in response.content.decode()
        assert response.status_code in (302, 403)

    def test_kept_view_restrictions_follow_every_change_at_once(self, member, lecture):
        """A served page's restrictions are kept under the content version: adding,
        changing and removing one each reach the next request, warm or not."""
        client = login(member)
        assert client.get(lecture.url).status_code == 200  # the restrictions, now kept
        restriction = PageViewRestriction.objects.create(
            page=lecture, restriction_type=PageViewRestriction.PASSWORD, password="mima"
        )
        assert 'name="password"' in html_of(client, lecture.url)
        restriction.restriction_type = PageViewRestriction.LOGIN
        restriction.save()
        assert client.get(lecture.url).status_code == 200  # a member is logged in
        assert Client().get(lecture.url).status_code == 302  # a visitor goes to log in
        restriction.delete()
        assert Client().get(lecture.url).status_code == 200

    def test_a_page_made_private_leaves_the_home_cards_at_once(self, member, lecture):
        client = login(member)
        assert "测试微党课" in html_of(client, "/")  # the newest lecture: a card on home
        PageViewRestriction.objects.create(
            page=lecture, restriction_type=PageViewRestriction.PASSWORD, password="mima"
        )
        assert "测试微党课" not in html_of(client, "/")


class TestHome:
    def test_a_newly_published_page_shows_at_once(self, member):
        client = login(member)
        assert "刚刚上线的微党课" not in html_of(client, "/")
        MicroLecturePageFactory(title="刚刚上线的微党课", slug="just-published")
        assert "刚刚上线的微党课" in html_of(client, "/")

    def test_a_changed_featured_list_shows_at_once(self, member, lecture):
        client = login(member)
        home = HomePage.objects.get()
        html = html_of(client, "/")
        featured = html[html.index('id="featured-heading"') : html.index('id="newest-heading"')]
        assert "测试微党课" not in featured
        home.featured_items.add(HomePageFeaturedItem(page=lecture, sort_order=0))
        home.save_revision().publish()
        html = html_of(client, "/")
        featured = html[html.index('id="featured-heading"') : html.index('id="newest-heading"')]
        assert "测试微党课" in featured

    def test_cards_are_not_queried_when_kept(self, member, django_assert_max_num_queries):
        client = login(member)
        html_of(client, "/")
        with django_assert_max_num_queries(40) as captured:
            html_of(client, "/")
        sql = " ".join(query["sql"] for query in captured.captured_queries)
        assert "home_homepagefeatureditem" not in sql  # the kept cards need no query


@pytest.mark.parametrize(("url", "budget"), [("/", 13), ("lecture", 7)])
def test_member_pages_keep_their_lower_query_budget(
    member, lecture, url, budget, django_assert_max_num_queries
):
    """Measured with a member of a branch with an assignment (benchmarks/render_profile.py:
    home 26 and lecture 30 queries before the shared fragments, 22 and 26 with them; the
    kept Site and routes, no permission rows for members who hold none and the reflection
    passed to the share boxes brought them to 13 and 7)."""

    from members.models import MemberProfile

    branch = MemberProfile.objects.get(user=member).branch
    AssignmentFactory(branch=branch, title="本月学习", pages=[lecture])
    url = lecture.url if url == "lecture" else url
    client = login(member)
    html_of(client, url)  # the shared parts are kept now
    with django_assert_max_num_queries(budget, info=url):
        html_of(client, url)


class TestPersonalPartsStayPersonal:
    def test_a_member_never_sees_anothers_reflection_vote_or_record(self, lecture):
        alice = make_member("alice1", name="甲同学")
        bob = make_member("bob1", name="乙同学")
        ReflectionFactory(member=alice, page=lecture, text="甲同学自己的心得" * 5)
        PageVoteFactory(member=alice, page=lecture, note="甲的意见")
        alice_html = html_of(login(alice), lecture.url)  # the article is kept now
        assert "甲同学自己的心得" in alice_html
        bob_html = html_of(login(bob), lecture.url)
        assert "甲同学自己的心得" not in bob_html and "甲的意见" not in bob_html
        assert "甲同学" not in bob_html
        ReflectionFactory(member=bob, page=lecture, text="乙同学写的心得" * 5)
        assert "乙同学写的心得" in html_of(login(bob), lecture.url)
        assert "乙同学写的心得" not in html_of(login(alice), lecture.url)

    def test_the_cache_holds_nothing_personal(self, lecture):
        alice = make_member("alice2", name="甲同学")
        ReflectionFactory(member=alice, page=lecture, text="不该进缓存的心得" * 5)
        client = login(alice)
        html_of(client, lecture.url)
        html_of(client, "/")
        html_of(client, "/learning/for-you/")
        store = fragment_store()  # tests: local memory
        kept = [pickle.loads(value) for value in store._cache.values()]
        fragments = [value for value in kept if isinstance(value, str)]
        assert fragments, "expected shared fragments in the cache"
        assert not any("不该进缓存的心得" in value or "甲同学" in value for value in fragments)
        assert not any("csrfmiddlewaretoken" in value for value in fragments)


def test_a_preview_is_never_kept(member, lecture):
    publish_body(lecture, "线上正文")
    lecture.body = [("paragraph", "<p>预览里的草稿</p>")]
    revision = lecture.save_revision()
    preview = revision.as_object().make_preview_request()
    assert "预览里的草稿" in preview.content.decode()
    html = html_of(login(member), lecture.url)
    assert "预览里的草稿" not in html and "线上正文" in html


class TestKeptSiteAndRoutes:
    """The request's Site (with its root page) and the page a route leads to are kept under
    the content version: a warm page asks the database for neither, and every change to
    sites and pages shows at once."""

    def test_a_warm_page_reads_no_site_page_or_permission_row(
        self, member, lecture, django_assert_max_num_queries
    ):
        client = login(member)
        html_of(client, lecture.url)
        with django_assert_max_num_queries(12) as captured:
            html_of(client, lecture.url)
        sql = " ".join(query["sql"] for query in captured.captured_queries)
        for table in ("wagtailcore_site", "wagtailcore_page", "auth_permission"):
            assert f'FROM "{table}"' not in sql, table

    def test_a_new_site_root_shows_at_once(self, member, lecture):
        from wagtail.models import Site

        client = login(member)
        assert 'class="home-page"' in html_of(client, "/")
        site = Site.objects.get(is_default_site=True)
        site.root_page = lecture
        site.save()
        html = html_of(client, "/")
        assert 'class="home-page"' not in html and "<h1>测试微党课</h1>" in html

    def test_a_changed_slug_answers_at_its_new_address_only(self, member, lecture):
        client = login(member)
        old_url = lecture.url
        assert client.get(old_url).status_code == 200
        lecture.slug = "renamed-lecture"
        lecture.save_revision().publish()
        lecture.refresh_from_db()
        assert client.get(old_url).status_code in (301, 404)
        assert "测试微党课" in html_of(client, lecture.url)

    def test_a_host_outside_allowed_hosts_keeps_nothing(self, lecture):
        store = fragment_store()
        store.clear()
        response = Client(HTTP_HOST="evil.example").get(lecture.url)
        assert response.status_code == 400
        assert not [key for key in store._cache if "evil.example" in key]

    def test_an_editor_still_gets_the_user_bar_and_a_member_does_not(self, member, lecture):
        editor = make_member("bianji1", name="编辑甲", is_staff=False)
        editor.groups.add(Group.objects.get(name="编辑"))
        assert "wagtail-userbar" in html_of(login(editor), lecture.url)
        assert "wagtail-userbar" not in html_of(login(member), lecture.url)


def test_visible_pages_with_the_request_follow_every_restriction_at_once(lecture):
    """``visible(request)`` keeps where private sections start under the content version:
    it must always agree with Wagtail's own ``live().public()``."""
    from django.test import RequestFactory

    from home.models import ContentPage

    def visible_ids() -> set[int]:
        request = RequestFactory().get("/")  # a new request reads the version again
        kept = set(ContentPage.objects.visible(request).values_list("pk", flat=True))
        assert kept == set(ContentPage.objects.live().public().values_list("pk", flat=True))
        return kept

    assert lecture.pk in visible_ids()
    restriction = PageViewRestriction.objects.create(
        page=lecture.get_parent(), restriction_type=PageViewRestriction.LOGIN
    )
    assert lecture.pk not in visible_ids()
    restriction.delete()
    assert lecture.pk in visible_ids()
    lecture.move(StoryIndexPage.objects.get(), pos="last-child")
    PageViewRestriction.objects.create(page=StoryIndexPage.objects.get(), restriction_type="login")
    assert lecture.pk not in visible_ids()
