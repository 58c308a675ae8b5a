"""A student taps #长征精神 on a card and sees every lecture, site, story and event about it;
the tag index shows what there is to explore. Only live, public content ever shows."""

from urllib.parse import quote

import pytest
from django.db.models import Count
from django.urls import reverse
from taggit.models import Tag
from wagtail.models import PageViewRestriction

from events.models import ForumEventPage
from exhibits.models import RevolutionarySitePage
from home.models import ContentPage, ContentPageTag
from lectures.models import LectureIndexPage, MicroLecturePage
from stories.models import ExemplarStoryPage

CONTENT_MODELS = [MicroLecturePage, RevolutionarySitePage, ExemplarStoryPage, ForumEventPage]
MAX_QUERIES_PER_PAGE = 15

pytestmark = pytest.mark.django_db


def visible():
    return ContentPage.objects.visible()


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def multi_kind_tag() -> Tag:
    """The busiest demo tag carried by visible pages of at least two kinds, with a Chinese slug."""
    rows = (
        ContentPageTag.objects.filter(content_object__in=visible())
        .values("tag")
        .annotate(
            kinds=Count("content_object__content_type", distinct=True),
            items=Count("content_object", distinct=True),
        )
        .filter(kinds__gte=2)
        .order_by("-items", "tag")
    )
    by_pk = Tag.objects.in_bulk([row["tag"] for row in rows])
    tags = [by_pk[row["tag"]] for row in rows]
    assert tags, "the demo content should share tags across kinds"
    return next((tag for tag in tags if has_chinese(tag.slug)), tags[0])


def expected_by_kind(tag: Tag) -> dict[str, int]:
    return {
        model.kind: model.objects.visible().filter(tags=tag).count() for model in CONTENT_MODELS
    }


def tag_url(tag: Tag) -> str:
    return reverse("search:tag_page", args=[tag.slug])


def all_listed(client, url: str, params: dict | None = None) -> list[ContentPage]:
    """Every item a tag page lists, walking all its pages."""
    first = client.get(url, params or {})
    assert first.status_code == 200
    items = list(first.context["items"])
    for number in range(2, first.context["items"].paginator.num_pages + 1):
        items += list(client.get(url, {**(params or {}), "page": number}).context["items"])
    return items


def tag_on_live_page(name: str) -> tuple[Tag, ContentPage]:
    page = visible().order_by("pk").first()
    tag = Tag.objects.create(name=name)
    ContentPageTag.objects.create(tag=tag, content_object=page)
    return tag, page


class TestTagPage:
    def test_lists_every_visible_item_of_several_kinds_newest_first(self, client):
        tag = multi_kind_tag()
        expected = list(
            visible()
            .filter(tags=tag)
            .order_by("-first_published_at", "-pk")
            .values_list("pk", flat=True)
        )
        response = client.get(tag_url(tag))
        html = response.content.decode()
        assert response.status_code == 200
        assert f"<h1>{tag.name}</h1>" in html
        assert response.context["total"] == len(expected)
        assert f"共 {len(expected)} 条内容" in html
        assert len(response.context["items"]) == min(12, len(expected))

        listed = all_listed(client, tag_url(tag))
        assert [item.pk for item in listed] == expected
        assert len({item.content_kind for item in listed}) >= 2
        for item in response.context["items"]:
            assert f">{item.title}</h3>" in html

    def test_kind_tabs_count_and_filter(self, client):
        tag = multi_kind_tag()
        counts = expected_by_kind(tag)
        html = client.get(tag_url(tag)).content.decode()
        assert f"全部 ({sum(counts.values())})" in html
        for model in CONTENT_MODELS:
            if counts[model.kind]:
                assert f"{model.kind_label} ({counts[model.kind]})" in html
                assert f'href="?type={model.kind}"' in html

        for model in CONTENT_MODELS:
            if not counts[model.kind]:
                continue
            response = client.get(tag_url(tag), {"type": model.kind})
            assert response.status_code == 200
            assert response.context["items"].paginator.count == counts[model.kind]
            listed = all_listed(client, tag_url(tag), {"type": model.kind})
            assert len(listed) == counts[model.kind]
            assert {item.content_kind for item in listed} == {model.kind}
            assert f"其中{model.kind_label} {counts[model.kind]} 条" in response.content.decode()
            assert 'aria-current="true">' + f"{model.kind_label} (" in response.content.decode()

    def test_twelve_per_page(self, client):
        tag = multi_kind_tag()
        total = visible().filter(tags=tag).count()
        assert total > 12, "the busiest demo tag should fill two pages"
        first = client.get(tag_url(tag))
        assert len(first.context["items"]) == 12
        assert 'href="?page=2"' in first.content.decode()
        last = client.get(tag_url(tag), {"page": first.context["items"].paginator.num_pages})
        assert len(last.context["items"]) == total - 12 * (last.context["items"].number - 1)

    def test_pagination_keeps_the_kind_filter(self, client):
        tag = multi_kind_tag()
        counts = expected_by_kind(tag)
        kind = max(counts, key=counts.get)
        response = client.get(tag_url(tag), {"type": kind})
        assert response.context["extra_query"] == f"type={kind}"
        if response.context["items"].paginator.num_pages > 1:
            assert f'href="?type={kind}&amp;page=2"' in response.content.decode()

    def test_chinese_slug_raw_and_percent_encoded(self, client):
        tag = multi_kind_tag()
        assert has_chinese(tag.slug), "tag slugs keep Chinese characters"
        encoded = f"/tags/{quote(tag.slug)}/"
        assert tag_url(tag) == encoded
        for url in (f"/tags/{tag.slug}/", encoded):
            response = client.get(url)
            assert response.status_code == 200, url
            assert response.context["tag"] == tag

    def test_tag_name_works_too_case_insensitively(self, client):
        tag, page = tag_on_live_page("Red Army 长征")
        assert tag.slug != tag.name
        for value in ("Red Army 长征", "red army 长征"):
            response = client.get(f"/tags/{quote(value)}/")
            assert response.status_code == 200, value
            assert response.context["tag"] == tag
            assert [item.pk for item in response.context["items"]] == [page.pk]
        # The canonical address is the slug.
        assert f'rel="canonical" href="http://testserver/tags/{quote(tag.slug)}/"' in (
            response.content.decode()
        )

    def test_slug_wins_over_another_tags_name(self, client):
        tag, _ = tag_on_live_page("Long March")
        impostor, _ = tag_on_live_page(tag.slug)  # named like the first tag's slug
        assert (tag.slug, impostor.name) == ("long-march", "long-march")
        assert impostor.slug != tag.slug
        assert client.get("/tags/long-march/").context["tag"] == tag

    @pytest.mark.parametrize("value", ["不存在的标签", "nope", "%00", "x" * 300])
    def test_unknown_tag_is_the_sites_404(self, client, value):
        response = client.get(f"/tags/{value}/")
        assert response.status_code == 404
        assert "页面不存在" in response.content.decode()

    def test_tag_only_on_drafts_is_404(self, client):
        index = LectureIndexPage.objects.get()
        draft = MicroLecturePage(title="草稿课", slug="draft-lecture", topic="草稿专题", live=False)
        index.add_child(instance=draft)
        assert Tag.objects.filter(name="草稿专题").exists()
        assert client.get("/tags/草稿专题/").status_code == 404

    @pytest.mark.parametrize(
        "params",
        [
            {"page": "abc"},
            {"page": "-1"},
            {"page": "0"},
            {"page": "99999"},
            {"type": "nonsense"},
            {"type": "<script>alert(1)</script>"},
            {"type": "\x00"},
            {"type": "", "page": ""},
            {"type": "lecture", "page": "9" * 50},
        ],
    )
    def test_junk_parameters_never_error(self, client, params):
        response = client.get(tag_url(multi_kind_tag()), params)
        assert response.status_code == 200
        assert len(response.context["items"]) > 0 or params.get("type") == "lecture"
        assert b"<script>alert(1)" not in response.content

    def test_too_large_page_shows_the_last(self, client):
        tag = multi_kind_tag()
        items = client.get(tag_url(tag), {"page": "99999"}).context["items"]
        assert items.number == items.paginator.num_pages

    def test_unknown_type_shows_everything_with_a_note(self, client):
        tag = multi_kind_tag()
        response = client.get(tag_url(tag), {"type": "poem"})
        assert response.context["items"].paginator.count == sum(expected_by_kind(tag).values())
        assert "没有“poem”这种类型" in response.content.decode()

    def test_unpublished_page_is_absent(self, client):
        tag = multi_kind_tag()
        before = client.get(tag_url(tag)).context["total"]
        page = visible().filter(tags=tag).order_by("-first_published_at", "-pk").first()
        page.unpublish()
        response = client.get(tag_url(tag))
        assert response.context["total"] == before - 1
        assert page.pk not in [item.pk for item in all_listed(client, tag_url(tag))]
        assert f">{page.title}</h3>" not in response.content.decode()

    def test_private_page_is_absent(self, client):
        tag = multi_kind_tag()
        before = client.get(tag_url(tag)).context["total"]
        page = visible().filter(tags=tag).order_by("-first_published_at", "-pk").first()
        PageViewRestriction.objects.create(
            page=page, restriction_type=PageViewRestriction.PASSWORD, password="secret"
        )
        response = client.get(tag_url(tag))
        assert response.context["total"] == before - 1
        assert page.pk not in [item.pk for item in all_listed(client, tag_url(tag))]

    def test_private_section_hides_all_its_pages(self, client):
        tag = multi_kind_tag()
        PageViewRestriction.objects.create(
            page=LectureIndexPage.objects.get(), restriction_type="password", password="secret"
        )
        response = client.get(tag_url(tag), {"type": "lecture"})
        assert response.status_code == 200
        assert response.context["items"].paginator.count == 0
        assert 'aria-current="true">微党课 (0)' in response.content.decode()
        response = client.get(tag_url(tag))
        assert "微党课 (" not in response.content.decode()
        assert all(item.content_kind != "lecture" for item in all_listed(client, tag_url(tag)))

    def test_cards_link_tags_to_their_tag_pages(self, client):
        tag = multi_kind_tag()
        response = client.get(tag_url(tag))
        html = response.content.decode()
        for item in response.context["items"]:
            for item_tag in item.tags.all():
                assert f'href="/tags/{quote(item_tag.slug)}/"' in html
        assert f'href="/tags/{quote(tag.slug)}/" aria-current="page">#{tag.name}<' in html

    def test_tag_name_is_escaped(self, client):
        tag, _ = tag_on_live_page("<script>alert(1)</script>")
        response = client.get(tag_url(tag))
        html = response.content.decode()
        assert response.status_code == 200
        assert "<script>alert(1)" not in html
        assert "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>" in html


class TestTagIndex:
    def test_lists_used_tags_with_visible_counts(self, client):
        # A draft-only tag and a private page must not count.
        LectureIndexPage.objects.get().add_child(
            instance=MicroLecturePage(title="草稿", slug="draft-x", topic="只在草稿", live=False)
        )
        private = visible().order_by("pk").last()
        PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")

        response = client.get(reverse("search:tag_index"))
        assert response.status_code == 200
        html = response.content.decode()
        shown = {tag.name: tag.uses for tag in response.context["tags"]}
        used = ContentPageTag.objects.filter(content_object__in=visible()).values("tag")
        expected = {
            tag.name: visible().filter(tags=tag).count() for tag in Tag.objects.filter(pk__in=used)
        }
        assert shown == expected
        assert "只在草稿" not in shown
        uses = [tag.uses for tag in response.context["tags"]]
        assert uses == sorted(uses, reverse=True)
        for tag in response.context["tags"]:
            assert f'href="/tags/{quote(tag.slug)}/"' in html

    def test_main_topics_come_first_then_the_other_tags(self, client):
        extra, _ = tag_on_live_page("拓展阅读")  # a tag that is nobody's topic
        response = client.get(reverse("search:tag_index"))
        topics = {topic.lower() for topic in visible().values_list("topic", flat=True)}
        topic_tags, other_tags = response.context["topic_tags"], response.context["other_tags"]
        assert topic_tags
        assert {tag.name.lower() for tag in topic_tags} == {
            tag.name.lower() for tag in response.context["tags"] if tag.name.lower() in topics
        }
        assert extra in other_tags
        assert len(topic_tags) + len(other_tags) == len(response.context["tags"])

        html = response.content.decode()
        topic_section = html.split('id="topics-heading"')[1].split("</section>")[0]
        other_section = html.split('id="other-tags-heading"')[1].split("</section>")[0]
        for tag in topic_tags:
            assert f"#{tag.name} <small>{tag.uses}<" in topic_section
        assert "#拓展阅读 <small>1<" in other_section
        assert "拓展阅读" not in topic_section

    def test_tag_name_is_escaped(self, client):
        tag_on_live_page("<script>alert(1)</script>")
        html = client.get(reverse("search:tag_index")).content.decode()
        assert "<script>alert(1)" not in html
        assert "#&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_tag_pages_within_query_budget(client, django_assert_max_num_queries):
    tag = multi_kind_tag()
    counts = expected_by_kind(tag)
    kind = max(counts, key=counts.get)
    requests = [
        (reverse("search:tag_index"), {}),
        (tag_url(tag), {}),
        (tag_url(tag), {"type": kind}),
        (tag_url(tag), {"page": 2}),
        (tag_url(tag), {"type": "nonsense"}),
    ]
    for url, params in requests:
        client.get(url, params)  # first visit creates image renditions; count the steady state
    for url, params in requests:
        with django_assert_max_num_queries(MAX_QUERIES_PER_PAGE, info=f"{url} {params}"):
            assert client.get(url, params).status_code == 200
