"""The root page and what every content page shares.

Lectures, sites, stories and events inherit one concrete ``ContentPage`` (multi-table
inheritance), so one tag relation, one search model and one learning-record foreign key
serve every kind.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlencode

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db import models
from django.db.models import F, Prefetch, Q, Window
from django.db.models.functions import RowNumber
from django.http import HttpRequest
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.images import get_image_model_string
from wagtail.images.api.fields import ImageRenditionField
from wagtail.models import Orderable, Page
from wagtail.search import index

from home.blocks import BodyBlock
from search.segment import segment_for_index

ITEMS_PER_PAGE = 12


class ContentPageTag(TaggedItemBase):
    """One tag pool for every kind of content (井冈山精神 joins a lecture, a site and a story)."""

    content_object = ParentalKey(
        "home.ContentPage", related_name="tagged_items", on_delete=models.CASCADE
    )


class ContentPage(Page):
    """The concrete base of every piece of learning content."""

    # Machine name of the kind ("lecture", "site", "story", "event"), set by subclasses.
    kind = ""
    kind_label = ""

    summary = models.TextField(_("摘要"), max_length=500, blank=True)
    cover_image = models.ForeignKey(
        get_image_model_string(),
        verbose_name=_("封面图"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(BodyBlock(), verbose_name=_("正文"), blank=True)
    tags = ClusterTaggableManager(_("标签"), through=ContentPageTag, blank=True)
    topic = models.CharField(
        _("专题"),
        max_length=100,
        help_text=_("本内容的主要专题，如“长征精神”。会自动加入标签；学习记录与推荐按专题归类。"),
    )

    is_creatable = False

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        MultiFieldPanel([FieldPanel("topic"), FieldPanel("tags")], heading=_("专题与标签")),
        FieldPanel("body"),
    ]

    # Chinese is segmented into words before indexing (search.segment): the stock
    # backends would keep a whole run of characters as one token.
    search_fields = Page.search_fields + [
        index.SearchField("segmented_title", boost=3),
        index.SearchField("segmented_text"),
        index.FilterField("topic"),
    ]

    api_fields = [
        APIField("summary"),
        APIField("topic"),
        APIField("tags"),
        APIField("cover_image"),
        APIField(
            "cover_thumbnail",
            serializer=ImageRenditionField("fill-640x360|format-webp", source="cover_image"),
        ),
        APIField("body"),
    ]

    class Meta:
        verbose_name = _("内容页")
        verbose_name_plural = _("内容页")

    def clean(self) -> None:
        super().clean()
        self.topic = (self.topic or "").strip()
        if not self.topic:
            raise ValidationError({"topic": _("请填写专题。")})
        self.ensure_topic_is_tagged()

    def save(self, *args, **kwargs):
        self.ensure_topic_is_tagged()
        return super().save(*args, **kwargs)

    def ensure_topic_is_tagged(self) -> None:
        """The main topic is always one of the page's tags, so topic links never dead-end."""
        if self.topic and self.topic.lower() not in {t.name.lower() for t in self.tags.all()}:
            self.tags.add(self.topic)

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if request.user.is_authenticated and not getattr(request, "is_preview", False):
            # The server's own record that a member opened the page; reading time and
            # media progress come from the page script.
            from learning.events import record_server_event
            from learning.models import LearningEvent

            record_server_event(request.user, self, LearningEvent.VIEWED, value=0)
        return response

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if request.user.is_authenticated:
            from learning.models import LearningRecord

            context["learning_record"] = LearningRecord.objects.filter(
                member=request.user, page=self
            ).first()
        return context

    def search_text_parts(self) -> list[str]:
        """Everything a reader might search for besides the title; kinds add their fields."""
        return [
            self.summary,
            self.topic,
            " ".join(tag.name for tag in self.tags.all()),
            streamfield_text(self.body),
        ]

    def segmented_title(self) -> str:
        return segment_for_index(self.title)

    def segmented_text(self) -> str:
        return segment_for_index(" ".join(part for part in self.search_text_parts() if part))

    @property
    def content_kind(self) -> str:
        """The kind of the specific page, without loading it (content types are cached)."""
        return self.specific_class.kind if self.specific_class else ""

    @property
    def content_kind_label(self) -> str:
        return self.specific_class.kind_label if self.specific_class else ""

    def sorted_tags(self) -> list[Tag]:
        """Tags with the main topic first; uses prefetched tags when the listing has them."""
        tags = list(self.tags.all())
        return sorted(tags, key=lambda t: (t.name != self.topic, t.name))


def streamfield_text(value) -> str:
    """The readable text of a StreamField (headings, paragraphs, captions…), without markup."""
    texts: list[str] = []

    def collect(node) -> None:
        if isinstance(node, str):
            texts.append(strip_tags(node))
        elif isinstance(node, dict):
            # Blocks are {"type", "value", "id"}; struct values are plain dicts.
            for key, child in node.items():
                if key not in ("type", "id"):
                    collect(child)
        elif isinstance(node, list | tuple):
            for child in node:
                collect(child)

    collect(list(value.raw_data) if value else [])
    return " ".join(text for text in texts if text.strip())


def with_listing_data(queryset):
    """What a card needs in a fixed number of queries, however many items there are."""
    return queryset.select_related("cover_image").prefetch_related(
        "tags",
        Prefetch("cover_image__renditions"),
    )


def clean_tag_param(raw: str | None) -> str:
    """A ``?tag=`` value without control characters (PostgreSQL rejects NUL), at most 100 long."""
    printable = "".join(ch for ch in (raw or "") if unicodedata.category(ch)[0] != "C")
    return printable.strip()[:100]


def filter_by_tag(queryset, tag: str):
    """Filter by a tag's slug or name (slugs keep Chinese characters)."""
    tag = clean_tag_param(tag)
    if not tag:
        return queryset
    matching = Tag.objects.filter(Q(slug=tag) | Q(name__iexact=tag)).values("pk")
    return queryset.filter(tagged_items__tag__in=matching).distinct()


def paginate(items, request: HttpRequest, per_page: int = ITEMS_PER_PAGE) -> PaginatorPage:
    """Any ``?page=`` value gives a page: junk means the first, too large the last."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


class ContentIndexPage(Page):
    """Lists one kind of content, newest first, with ``?tag=`` filtering."""

    intro = models.TextField(_("简介"), blank=True)

    # The ContentPage subclass this index lists, set by subclasses.
    child_model: type[ContentPage] = ContentPage

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    api_fields = [APIField("intro")]
    parent_page_types = ["home.HomePage"]
    max_count_per_parent = 1

    class Meta:
        abstract = True

    def children(self):
        """Live, public children; built once per request because public() queries restrictions."""
        if not hasattr(self, "_visible_children"):
            self._visible_children = self.child_model.objects.child_of(self).live().public()
        return self._visible_children

    def listing(self, request: HttpRequest):
        items = filter_by_tag(self.children(), request.GET.get("tag", ""))
        return with_listing_data(items.order_by("-first_published_at", "-pk"))

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        active_tag = clean_tag_param(request.GET.get("tag"))
        context["active_tag"] = active_tag
        # Keeps the tag filter on "next page" links, URL-encoded.
        context["extra_query"] = urlencode({"tag": active_tag}) if active_tag else ""
        context["items"] = paginate(self.listing(request), request)
        context["tag_cloud"] = self.tag_cloud()
        return context

    def tag_cloud(self, limit: int = 20):
        """The most used tags among this index's live children, for the filter bar."""
        return (
            Tag.objects.filter(
                home_contentpagetag_items__content_object__in=self.children().values("pk")
            )
            .annotate(uses=models.Count("home_contentpagetag_items"))
            .order_by("-uses", "name")[:limit]
        )


class HomePageFeaturedItem(Orderable):
    home = ParentalKey("home.HomePage", related_name="featured_items", on_delete=models.CASCADE)
    page = models.ForeignKey(
        "home.ContentPage", verbose_name=_("内容"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [PageChooserPanel("page", ["home.ContentPage"])]
    api_fields = [APIField("page")]

    class Meta(Orderable.Meta):
        verbose_name = _("推荐内容")


class HomePage(Page):
    """The site root: featured items and the newest of each kind."""

    intro = models.TextField(_("首页导语"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        InlinePanel("featured_items", label=_("首页推荐"), max_num=8),
    ]
    api_fields = [APIField("intro"), APIField("featured_items")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "lectures.LectureIndexPage",
        "exhibits.ExhibitIndexPage",
        "stories.StoryIndexPage",
        "events.EventIndexPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = _("首页")

    def newest_ids(self, visible) -> list[int]:
        """The newest item of each kind, in one query (a window ranks items within each kind)."""
        ranked = visible.annotate(
            rank_in_kind=Window(
                RowNumber(),
                partition_by=F("content_type"),
                order_by=[F("first_published_at").desc(), F("pk").desc()],
            )
        ).filter(rank_in_kind=1)
        kind_order = {
            ContentType.objects.get_for_model(model).pk: position  # cached, no query
            for position, model in enumerate(content_models())
        }
        rows = ranked.values_list("pk", "content_type")
        return [pk for pk, content_type in sorted(rows, key=lambda row: kind_order.get(row[1], 99))]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        visible = ContentPage.objects.live().public()
        featured_ids = [item.page_id for item in self.featured_items.all()]
        newest_ids = self.newest_ids(visible)
        # One set of card queries serves both lists.
        cards = with_listing_data(visible.filter(pk__in=featured_ids + newest_ids))
        by_id = {page.pk: page for page in cards}
        context["featured"] = [by_id[pk] for pk in featured_ids if pk in by_id]
        context["newest"] = [by_id[pk] for pk in newest_ids if pk in by_id]
        if request.user.is_authenticated:
            # 待学任务 first, then 为你推荐, which does not repeat assigned items.
            from learning.assignments import todo_list
            from learning.reading_list.assigned import unfinished_page_ids
            from learning.reading_list.items import HOME_LIMIT, reading_list

            context["todo"] = todo_list(request.user)
            context["for_you"] = reading_list(
                request.user,
                limit=HOME_LIMIT,
                visible=visible,
                exclude=unfinished_page_ids(context["todo"]),
            )
        return context


def visible_pages():
    """Live content outside private sections. ``public()`` reads the view restrictions when
    called, so build this once per request and filter from it."""
    return ContentPage.objects.live().public()


def kind_by_content_type() -> dict[int, str]:
    """Content type id → kind ("lecture"…); content types are cached, so no query."""
    return {ContentType.objects.get_for_model(model).pk: model.kind for model in content_models()}


def content_models() -> list[type[ContentPage]]:
    """Every concrete kind of content, in menu order."""
    from events.models import ForumEventPage
    from exhibits.models import RevolutionarySitePage
    from lectures.models import MicroLecturePage
    from stories.models import ExemplarStoryPage

    return [MicroLecturePage, RevolutionarySitePage, ExemplarStoryPage, ForumEventPage]
