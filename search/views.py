"""The search page, its JSON twin and as-you-type suggestions. Rules live in search.query."""

from urllib.parse import urlencode

from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET
from taggit.models import Tag

from core import ratelimit
from core.jsonapi import json_error, json_response
from core.text import fold_for_matching
from home.models import ContentPage
from search.query import (
    BadSearchRequest,
    SearchRequest,
    highlight,
    kinds,
    popular_tags,
    recent_items,
    run_search,
)

SUGGESTION_LIMIT = 8
TAG_SUGGESTION_LIMIT = 5
MAX_SUGGEST_LENGTH = 50


def filter_links(search: SearchRequest) -> dict:
    """Query strings for the tappable filters, each keeping the other filters."""

    def query_string(types, tags):
        params = [("q", search.query)] if search.query else []
        params += [("type", value) for value in types] + [("tag", value) for value in tags]
        return urlencode(params)

    return {
        "all_kinds": query_string([], search.tags),
        "kind": {kind: query_string([kind], search.tags) for kind in kinds()},
        "tag": lambda slug: query_string(search.types, [*search.tags, slug]),
        "without_tag": {
            tag: query_string(search.types, [t for t in search.tags if t != tag])
            for tag in search.tags
        },
        "pages": query_string(search.types, search.tags),
    }


@require_GET
def search(request):
    search_request = SearchRequest.from_params(request.GET)
    outcome = run_search(search_request, log_client=ratelimit.client_network(request))
    links = filter_links(search_request)
    results = []
    if outcome.results is not None:
        for item in outcome.results:
            item.highlighted_title = highlight(item.title, outcome.words)
            item.highlighted_summary = highlight(item.summary[:160], outcome.words)
            item.is_promoted = item.pk in outcome.promoted_ids
            results.append(item)
    tag_filters = [
        {"tag": tag, "url": "?" + links["tag"](tag.slug)}
        for tag in outcome.top_tags
        if tag.slug not in search_request.tags and tag.name not in search_request.tags
    ]
    kind_filters = [
        {
            "kind": kind,
            "label": model.kind_label,
            "count": outcome.kind_counts.get(kind, 0),
            "url": "?" + links["kind"][kind],
            "active": kind in search_request.types,
        }
        for kind, model in kinds().items()
    ]
    context = {
        "search": search_request,
        "query": search_request.query,
        "outcome": outcome,
        "results": outcome.results,
        "result_cards": results,
        "kind_filters": kind_filters,
        "tag_filters": tag_filters,
        "active_tags": [
            {"name": tag, "url": "?" + links["without_tag"][tag]} for tag in search_request.tags
        ],
        "all_kinds_url": "?" + links["all_kinds"],
        "extra_query": links["pages"],
    }
    if outcome.results is not None and outcome.count == 0:
        visible = ContentPage.objects.visible()
        context["suggested_tags"] = popular_tags(visible)
        context["recent_items"] = recent_items(visible)
    return render(request, "search/search.html", context)


def page_json(page: ContentPage, request) -> dict:
    return {
        "page": page.pk,
        "title": page.title,
        "url": page.get_url(request),
        "kind": page.content_kind,
        "tags": [tag.name for tag in page.sorted_tags()],
        "summary": page.summary,
    }


@require_GET
def search_api(request):
    """The search page as JSON, same ranking, for the phone front end and apps."""
    try:
        search_request = SearchRequest.from_params(request.GET, strict=True)
    except BadSearchRequest as error:
        return json_error(str(error), 400)
    outcome = run_search(search_request, log_client=ratelimit.client_network(request))
    results = list(outcome.results) if outcome.results is not None else []
    paginator = outcome.results.paginator if outcome.results is not None else None
    return json_response(
        {
            "query": search_request.query,
            "words": outcome.words,
            "count": outcome.count,
            "page": outcome.results.number if outcome.results is not None else 1,
            "num_pages": paginator.num_pages if paginator else 0,
            "results": [page_json(page, request) for page in results],
            "facets": {
                "kind": outcome.kind_counts,
                "tags": [
                    {"name": tag.name, "slug": tag.slug, "count": tag.uses}
                    for tag in outcome.top_tags
                ],
            },
        }
    )


@require_GET
def suggest_api(request):
    """Titles and tags that start with (first) or contain the typed characters."""
    typed = fold_for_matching(request.GET.get("q", "")).strip()[:MAX_SUGGEST_LENGTH]
    if not typed:
        return json_response({"query": "", "suggestions": []})
    starts_first = Case(
        When(title__istartswith=typed, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    pages = (
        ContentPage.objects.visible()
        .filter(title__icontains=typed)
        .annotate(prefix_rank=starts_first)
        .order_by("prefix_rank", "-first_published_at")
        .only("pk", "title", "url_path", "content_type")[:SUGGESTION_LIMIT]
    )
    tag_starts_first = Case(
        When(name__istartswith=typed, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    tags = (
        Tag.objects.filter(
            name__icontains=typed,
            home_contentpagetag_items__content_object__in=ContentPage.objects.visible().values(
                "pk"
            ),
        )
        .distinct()
        .annotate(prefix_rank=tag_starts_first)
        .order_by("prefix_rank", "name")[:TAG_SUGGESTION_LIMIT]
    )
    search_page = reverse("search:search")
    suggestions = [
        {"type": "tag", "text": tag.name, "url": f"{search_page}?{urlencode({'tag': tag.slug})}"}
        for tag in tags
    ] + [
        {
            "type": "page",
            "text": page.title,
            "url": page.get_url(request),
            "kind": page.content_kind,
        }
        for page in pages
    ]
    return json_response({"query": typed, "suggestions": suggestions})
