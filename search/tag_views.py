"""Tag pages (``/tags/<slug>/``): everything carrying one tag, across kinds; and the tag index.

Query counts stay fixed however many items a tag has: the kind counts are one GROUP BY,
the cards one page loaded with ``with_listing_data``, the index one aggregate over tags.
Only live, public content counts anywhere, so drafts and private pages never leak a title
or a tag.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_safe
from taggit.models import Tag

from core.text import clean_param
from home.kinds import content_models, kind_by_content_type
from home.models import ContentPage, ContentPageTag, paginate, tags_by_use, with_listing_data

# The longest ``?type=`` value echoed back in the "unknown type" note.
MAX_TYPE_LENGTH = 30


@dataclass
class KindTab:
    """One tappable kind filter on a tag page: 微党课 (3)."""

    kind: str
    label: str
    count: int
    url: str
    active: bool


def find_tag(value: str) -> Tag:
    """The tag a URL names: by slug (the links we print) or else by name (typed by hand).

    One query fetches both candidates; a slug match wins so a tag whose *name* equals
    another tag's slug cannot hijack that tag's page.
    """
    value = clean_param(value)
    if value:
        candidates = list(Tag.objects.filter(Q(slug=value) | Q(name__iexact=value)).order_by("pk"))
        for tag in candidates:
            if tag.slug == value:
                return tag
        if candidates:
            return candidates[0]
    raise Http404("No such tag")


def tagged_with(visible: QuerySet[ContentPage], tag: Tag) -> QuerySet[ContentPage]:
    """Visible pages carrying ``tag``. A subquery rather than a join: no duplicates, no DISTINCT."""
    tagged_ids = ContentPageTag.objects.filter(tag=tag).values("content_object_id")
    return visible.filter(pk__in=tagged_ids)


def count_by_kind(pages: QuerySet[ContentPage]) -> dict[str, int]:
    """Items per kind in one GROUP BY query; every kind is present, zero if it has none."""
    kinds = kind_by_content_type()
    counts = {model.kind: 0 for model in content_models()}
    rows = pages.order_by().values("content_type").annotate(items=Count("pk"))
    for row in rows:
        kind = kinds.get(row["content_type"])
        if kind:
            counts[kind] += row["items"]
    return counts


def of_kind(pages: QuerySet[ContentPage], kind: str) -> QuerySet[ContentPage]:
    """Only pages of one kind, by content type: no join to the kind's own table."""
    model = next(model for model in content_models() if model.kind == kind)
    return pages.filter(content_type=ContentType.objects.get_for_model(model))


def newest_first(pages: QuerySet[ContentPage]) -> QuerySet[ContentPage]:
    """The listing order, with pk as a tie-breaker so pagination never repeats an item."""
    return with_listing_data(pages.order_by("-first_published_at", "-pk"))


def kind_tabs(counts: dict[str, int], active_kind: str) -> list[KindTab]:
    """Tabs for kinds that have items (and the active one, so a filter never vanishes)."""
    return [
        KindTab(
            kind=model.kind,
            label=str(model.kind_label),
            count=counts.get(model.kind, 0),
            url="?" + urlencode({"type": model.kind}),
            active=model.kind == active_kind,
        )
        for model in content_models()
        if counts.get(model.kind, 0) or model.kind == active_kind
    ]


def tag_url(tag: Tag) -> str:
    """The tag page's path, percent-encoded; empty for a tag whose slug is empty (e.g. "!!!")."""
    try:
        return reverse("search:tag_page", args=[tag.slug])
    except NoReverseMatch:
        return ""


def used_tags(visible: QuerySet[ContentPage]) -> list[Tag]:
    """Tags on at least one visible page, each with ``.uses``, most used first, in one query."""
    return list(tags_by_use(visible))


def topic_names(visible: QuerySet[ContentPage]) -> set[str]:
    """The main topics (专题) of visible pages, lower-cased: topics name tags case-insensitively."""
    topics = visible.order_by().exclude(topic="").values_list("topic", flat=True).distinct()
    return {topic.lower() for topic in topics}


@require_safe
def tag_page(request: HttpRequest, tag: str) -> HttpResponse:
    found = find_tag(tag)
    tagged = tagged_with(ContentPage.objects.visible(), found)
    counts = count_by_kind(tagged)
    total = sum(counts.values())
    if not total:
        # Only drafts or private pages carry it: to a visitor the tag does not exist.
        raise Http404("No visible content with this tag")

    requested_type = clean_param(request.GET.get("type"))[:MAX_TYPE_LENGTH]
    active_kind = requested_type if requested_type in counts else ""
    listing = of_kind(tagged, active_kind) if active_kind else tagged
    url = tag_url(found)
    tabs = kind_tabs(counts, active_kind)
    context = {
        "tag": found,
        "total": total,
        "kind_tabs": tabs,
        "active_tab": next((tab for tab in tabs if tab.active), None),
        "active_kind": active_kind,
        "unknown_type": requested_type if requested_type and not active_kind else "",
        "items": paginate(newest_first(listing), request),
        # Keeps the kind filter on "next page" links.
        "extra_query": urlencode({"type": active_kind}) if active_kind else "",
        "canonical_url": request.build_absolute_uri(url) if url else "",
        "tag_page_url": url,
    }
    return render(request, "search/tag_page.html", context)


@require_safe
def tag_index(request: HttpRequest) -> HttpResponse:
    visible = ContentPage.objects.visible()
    topics = topic_names(visible)
    tags = []
    for tag in used_tags(visible):
        tag.url = tag_url(tag)
        tag.is_topic = tag.name.lower() in topics
        if tag.url:  # a tag whose slug is empty has no page to link to
            tags.append(tag)
    context = {
        "tags": tags,
        "topic_tags": [tag for tag in tags if tag.is_topic],
        "other_tags": [tag for tag in tags if not tag.is_topic],
    }
    return render(request, "search/tag_index.html", context)
