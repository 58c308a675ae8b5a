from django.shortcuts import render

from home.models import ContentPage, paginate, with_listing_data


def clean_query(raw: str) -> str:
    """Keep only what a search backend can take: no control characters or FTS syntax."""
    cleaned = "".join(ch if ch.isalnum() or ch.isspace() else " " for ch in raw[:200])
    return " ".join(cleaned.split())


def search(request):
    query = clean_query(request.GET.get("q", ""))
    results = []
    if query:
        live = with_listing_data(ContentPage.objects.live().public())
        results = list(live.search(query, operator="or")[:200])
    return render(
        request,
        "search/search.html",
        {"query": query, "results": paginate(results, request, per_page=10)},
    )
