"""/robots.txt: search engines may read the content pages, not the admin, a member's own
pages (我的学习, 支部) or search results."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from core.privacy import shared

DISALLOWED = ("/admin/", "/learning/", "/branch/", "/search/", "/api/")


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED)]
    text = "\n".join(lines) + "\n"
    return shared(HttpResponse(text, content_type="text/plain; charset=utf-8"))
