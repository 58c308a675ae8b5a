"""The root page and what every content page shares.

Lectures, sites, stories and events inherit one concrete ``ContentPage`` (multi-table
inheritance), so one tag relation, one search model and one learning-record foreign key
serve every kind.
"""

from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import urlencode

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, F, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import Tag, TaggedItemBase
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.images import get_image_model_string
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from core.segment import segment_for_index
from core.text import clean_param
from home.blocks import BodyBlock, SelfCheckBlock
from home.fragments import cached_route, cached_view_restrictions, kept
from home.kinds import Completion, CompletionPolicy, all_kinds
from home.media_privacy import PublicImageRenditionField
from home.selfcheck import PublicSelfCheckField
from home.share import share_context

# Apps built on this one add to a page's context through these Wagtail hooks, each called
# as ``fn(page, request, context)``: the base never imports them (docs/architecture.md).
CONTENT_PAGE_CONTEXT_HOOK = "content_page_context"
HOME_PAGE_CONTEXT_HOOK = "home_page_context"

ITEMS_PER_PAGE = 12


class ContentPageTag(TaggedItemBase):
    """One tag pool for every kind of content (井冈山精神 joins a lecture, a site and a story)."""

    content_object = ParentalKey(
        "home.ContentPage", related_name="tagged_items", on_delete=models.CASCADE
    )


def private_sections() -> list[tuple[str, int]]:
    """Where each private section starts (the restricted page's path and depth)."""
    from wagtail.models import PageViewRestriction

    return list(PageViewRestriction.objects.values_list("page__path", "page__depth").distinct())


class VisiblePageQuerySet(PageQuerySet):
    def visible(self, request: HttpRequest | None = None):
        """Live and outside private sections. ``public()`` reads the view restrictions when
        called, so build this once per request and filter from it. With the ``request``,
        the private sections are kept under the content version instead (which every
        restriction change and move replaces): no query at all."""
        if request is None:
            return self.live().public()
        private = Q()
        for path, depth in kept(request, "private-sections", private_sections):
            section = SimpleNamespace(path=path, depth=depth)  # as Wagtail's private_q()
            private |= self.descendant_of_q(section, inclusive=True)
        return self.live().exclude(private) if private else self.live()


VisiblePageManager = PageManager.from_queryset(VisiblePageQuerySet)


def add_context_from_hooks(hook_name: str, page: Page, request: HttpRequest, context) -> None:
    for add_context in hooks.get_hooks(hook_name):
        add_context(page, request, context)


class KeptViewRestrictions:
    """While the page is served (home.wagtail_hooks), its view restrictions are read once,
    from the shared store when another request already read them (home.fragments)."""

    _view_restrictions = None

    def get_view_restrictions(self):
        if self._view_restrictions is not None:
            return self._view_restrictions
        return super().get_view_restrictions()

    def remember_view_restrictions(self, request) -> None:
        self._view_restrictions = cached_view_restrictions(
            request, self, super().get_view_restrictions
        )

    def forget_view_restrictions(self) -> None:
        self._view_restrictions = None


class ContentPage(KeptViewRestrictions, Page):
    """The concrete base of every piece of learning content."""

    @classmethod
    def card_annotations(cls) -> dict:
        """Annotations on a listing of content pages (any kind) for marks on their cards,
        named ``card_…``; each is an expression over the listed page's ``pk``."""
        return {}

    # Set by each kind (home.kinds): machine name ("lecture", "site", "story", "event"),
    # label, and what makes a member's study of it count as done.
    kind = ""
    kind_label = ""
    completion: Completion | None = None
    # True when the article (header to extras) shows something personal or time-dependent:
    # it is then rendered for each request instead of kept as a shared fragment.
    personal_article = False

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
    # 学习自测: questions with the right options marked. Never rendered or serialised as
    # they are: home.selfcheck gives the public view (no right answers, no explanations);
    # the API's ``self_check`` is that view.
    self_check = StreamField(SelfCheckBlock(), verbose_name=_("学习自测"), blank=True)
    completion_policy = models.CharField(
        _("学完标准"),
        max_length=12,
        choices=CompletionPolicy.choices,
        default=CompletionPolicy.VIEW,
        help_text=_("“自测全对”需要先添加自测题；“提交心得”要求成员写下至少 50 字的学习心得。"),
    )

    is_creatable = False
    objects = VisiblePageManager()

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        MultiFieldPanel([FieldPanel("topic"), FieldPanel("tags")], heading=_("专题与标签")),
        FieldPanel("body"),
    ]
    # Appended by each kind that is done by study (not by attendance) after its own fields.
    study_panels = [
        MultiFieldPanel(
            [FieldPanel("completion_policy"), FieldPanel("self_check")],
            heading=_("学习自测与学完标准"),
        )
    ]

    # Chinese is segmented into words before indexing (core.segment): the stock
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
            serializer=PublicImageRenditionField("fill-640x360|format-webp", source="cover_image"),
        ),
        APIField("body"),
        APIField("self_check", serializer=PublicSelfCheckField()),
        APIField("completion_policy"),
    ]

    class Meta:
        verbose_name = _("内容页")
        verbose_name_plural = _("内容页")

    def clean(self) -> None:
        super().clean()
        self.topic = (self.topic or "").strip()
        if not self.topic:
            raise ValidationError({"topic": _("请填写专题。")})
        self.clean_completion_policy()
        self.ensure_topic_is_tagged()

    def clean_completion_policy(self) -> None:
        if self.completion == Completion.ATTENDED:
            # Events are done by attendance; their policy is never anything else.
            self.completion_policy = CompletionPolicy.VIEW
        elif self.completion_policy == CompletionPolicy.QUIZ and not self.self_check:
            raise ValidationError(
                {"completion_policy": _("学完标准是“自测全对”，请先添加至少一道自测题。")}
            )

    @property
    def self_check_questions(self) -> list:
        """The questions' block values (id, text, options, explanation), in order."""
        return [block for block in self.self_check if block.block_type == "question"]

    def save(self, *args, **kwargs):
        self.ensure_topic_is_tagged()
        return super().save(*args, **kwargs)

    def ensure_topic_is_tagged(self) -> None:
        """The main topic is always one of the page's tags, so topic links never dead-end."""
        if self.topic and self.topic.lower() not in {t.name.lower() for t in self.tags.all()}:
            self.tags.add(self.topic)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # 分享: the link, QR code and share card; None on a private page (home.share).
        context["share"] = share_context(self, request)
        add_context_from_hooks(CONTENT_PAGE_CONTEXT_HOOK, self, request, context)
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
    """What a card needs in a fixed number of queries, however many items there are. A kind
    adds marks of its own (a lecture's 字幕) as annotations: ``card_annotations()``."""
    annotations = {}
    for kind in all_kinds():
        annotations.update(kind.model.card_annotations())
    return (
        queryset.select_related("cover_image")
        .prefetch_related("tags", Prefetch("cover_image__renditions"))
        .annotate(**annotations)
    )


def filter_by_tag(queryset, tag: str):
    """Filter by a tag's slug or name (slugs keep Chinese characters)."""
    tag = clean_param(tag)
    if not tag:
        return queryset
    matching = Tag.objects.filter(Q(slug=tag) | Q(name__iexact=tag)).values("pk")
    return queryset.filter(tagged_items__tag__in=matching).distinct()


def tags_by_use(pages, limit: int | None = None) -> QuerySet[Tag]:
    """Tags on these pages (a queryset or ids), each with ``.uses``, most used first: one
    query. Feeds tag clouds, search facets and the tag index alike."""
    if isinstance(pages, QuerySet):
        pages = pages.values("pk")
    ranked = (
        Tag.objects.filter(home_contentpagetag_items__content_object__in=pages)
        .annotate(uses=Count("home_contentpagetag_items__content_object", distinct=True))
        .order_by("-uses", "name")
    )
    return ranked if limit is None else ranked[:limit]


def paginate(items, request: HttpRequest, per_page: int = ITEMS_PER_PAGE) -> PaginatorPage:
    """Any ``?page=`` value gives a page: junk means the first, too large the last."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


class ContentIndexPage(KeptViewRestrictions, Page):
    """Lists one kind of content, newest first, with ``?tag=`` filtering."""

    intro = models.TextField(_("简介"), blank=True)

    # Set by each kind's section (home.kinds.register_kind): the ContentPage subclass it
    # lists, the slug a new section gets, and its place in menus and facets.
    child_model: type[ContentPage] = ContentPage
    section_slug = ""
    menu_order = 0

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    api_fields = [APIField("intro")]
    parent_page_types = ["home.HomePage"]
    max_count_per_parent = 1
    objects = VisiblePageManager()

    class Meta:
        abstract = True

    def children(self):
        """Live, public children; built once per request because public() queries restrictions."""
        if not hasattr(self, "_visible_children"):
            self._visible_children = self.child_model.objects.child_of(self).visible()
        return self._visible_children

    def listing(self, request: HttpRequest):
        items = filter_by_tag(self.children(), request.GET.get("tag", ""))
        return with_listing_data(items.order_by("-first_published_at", "-pk"))

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        active_tag = clean_param(request.GET.get("tag"))
        context["active_tag"] = active_tag
        # Keeps the tag filter on "next page" links, URL-encoded.
        context["extra_query"] = urlencode({"tag": active_tag}) if active_tag else ""
        context["items"] = paginate(self.listing(request), request)
        context["tag_cloud"] = self.tag_cloud()
        return context

    def tag_cloud(self, limit: int = 20):
        """The most used tags among this index's live children, for the filter bar."""
        return tags_by_use(self.children(), limit)


class HomePageFeaturedItem(Orderable):
    home = ParentalKey("home.HomePage", related_name="featured_items", on_delete=models.CASCADE)
    page = models.ForeignKey(
        "home.ContentPage", verbose_name=_("内容"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [PageChooserPanel("page", ["home.ContentPage"])]
    api_fields = [APIField("page")]

    class Meta(Orderable.Meta):
        verbose_name = _("推荐内容")


class HomePage(KeptViewRestrictions, Page):
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
        "feedback.SuggestionBoxPage",
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
            for position, model in enumerate(kind.model for kind in all_kinds())
        }
        rows = ranked.values_list("pk", "content_type")
        return [pk for pk, content_type in sorted(rows, key=lambda row: kind_order.get(row[1], 99))]

    def route(self, request, path_components):
        return cached_route(request, self, path_components, super().route)

    def cards(self, visible) -> dict[str, list]:
        """推荐学习 and 最新上线: one set of card queries serves both lists."""
        featured_ids = [item.page_id for item in self.featured_items.all()]
        newest_ids = self.newest_ids(visible)
        cards = with_listing_data(visible.filter(pk__in=featured_ids + newest_ids))
        by_id = {page.pk: page for page in cards}
        return {
            "featured": [by_id[pk] for pk in featured_ids if pk in by_id],
            "newest": [by_id[pk] for pk in newest_ids if pk in by_id],
        }

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        visible = ContentPage.objects.visible(request)
        # Queried only when the template's shared fragment of cards is not in the cache.
        cards = SimpleLazyObject(lambda: self.cards(visible))
        context["featured"] = SimpleLazyObject(lambda: cards["featured"])
        context["newest"] = SimpleLazyObject(lambda: cards["newest"])
        # Shared with the hooks (the member's 待学任务 and 为你推荐), so privacy is read once.
        context["visible_pages"] = visible
        add_context_from_hooks(HOME_PAGE_CONTEXT_HOOK, self, request, context)
        return context
