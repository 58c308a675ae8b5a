"""``/sw.js`` (the service worker, at the root so its scope is the whole site) and
``/offline/`` (what a page not saved on the phone shows without a network)."""

from __future__ import annotations

import copy

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from offline.shell import worker_config, worker_source


def offline_html(request: HttpRequest) -> str:
    """The offline page as anyone sees it: it is kept on the phone across members, so it is
    rendered for an anonymous visitor (no name, no token) whoever asks."""
    anonymous = copy.copy(request)
    anonymous.user = AnonymousUser()
    return render_to_string("offline/offline.html", {}, request=anonymous)


def no_cache(response: HttpResponse) -> HttpResponse:
    """Checked with the server every time (the worker must see a deploy at once); max-age=0
    also keeps it out of any page cache on the server."""
    patch_cache_control(response, no_cache=True, max_age=0)
    return response


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    config = worker_config(offline_html(request).encode())
    response = HttpResponse(
        worker_source(config), content_type="application/javascript; charset=utf-8"
    )
    response["Service-Worker-Allowed"] = "/"
    return no_cache(response)


@require_safe
def offline_page(request: HttpRequest) -> HttpResponse:
    return no_cache(HttpResponse(offline_html(request)))
