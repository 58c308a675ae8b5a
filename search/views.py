"""A plain search page over all content, with an optional tag filter.

Chinese word segmentation, facets and ranking belong to the search issue; this view keeps
input safe (no FTS syntax reaches the backend) so hostile queries cannot cause errors.
"""

from urllib.parse import urlencode

from django.shortcuts import render

from home.models import ContentPage, clean_tag_param, filter_by_tag, paginate, with_listing_data

MAX_QUERY_LENGTH = 200
MAX_RESULTS = 200


def clean_query(raw: str) -> str:
    """Letters, digits and spaces only: quotes, operators and NUL never reach the backend."""
    cleaned = "".join(ch if ch.isalnum() else " " for ch in raw[:MAX_QUERY_LENGTH])
    return " ".join(cleaned.split())


def search(request):
    query = clean_query(request.GET.get("q", ""))
    active_tag = clean_tag_param(request.GET.get("tag"))
    pages = filter_by_tag(ContentPage.objects.live().public(), active_tag)
    if query:
        # Search first, then filter in the ORM: search backends refuse tag lookups as filters.
        ranked_ids = [
            page.pk
            for page in ContentPage.objects.live().search(query, operator="or")[:MAX_RESULTS]
        ]
        by_id = {page.pk: page for page in with_listing_data(pages.filter(pk__in=ranked_ids))}
        results = [by_id[pk] for pk in ranked_ids if pk in by_id]
    elif active_tag:
        results = with_listing_data(pages.order_by("-first_published_at", "-pk"))
    else:
        results = []
    params = {key: value for key, value in (("q", query), ("tag", active_tag)) if value}
    context = {
        "query": query,
        "active_tag": active_tag,
        "results": paginate(results, request, per_page=10),
        "extra_query": urlencode(params),
    }
    return render(request, "search/search.html", context)
