"""A form of a content page that was refused: one page for every app's form (400).

The page says what went wrong (``alert``), shows the app's own section again with the
member's input and the errors next to the fields (``section``, rendered with ``context``),
and links back to the page (at ``anchor``). Nothing was stored.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.template.response import TemplateResponse

TEMPLATE = "form_refused.html"


def form_refused(
    request: HttpRequest,
    page,
    *,
    title: str,
    alert: str = "",
    heading: str = "",
    section: str = "",
    anchor: str = "",
    context: dict | None = None,
) -> TemplateResponse:
    """``heading`` defaults to the page's title; without ``section``, only the message."""
    refused = {
        "page": page,
        "refused_title": title,
        "refused_heading": heading,
        "refused_alert": alert,
        "refused_section": section,
        "refused_anchor": anchor,
    }
    return TemplateResponse(request, TEMPLATE, {**(context or {}), **refused}, status=400)
