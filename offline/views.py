"""``/sw.js`` (the service worker, at the root so its scope is the whole site),
``/offline/`` (what a page not saved on the phone shows without a network) and
``/offline/copy/<id>/`` (the page 下载离线 saves: rendered as for a visitor)."""

from __future__ import annotations

import copy

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from core.privacy import private, shared
from core.text import MAX_PAGE_ID
from home.models import ContentPage
from members.sessions import is_shared_phone
from offline.shell import worker_config, worker_source


def as_visitor(request: HttpRequest) -> HttpRequest:
    """The same request with no one logged in: what is rendered from it names no member."""
    anonymous = copy.copy(request)
    anonymous.user = AnonymousUser()
    return anonymous


def offline_html(request: HttpRequest) -> str:
    """The offline page as anyone sees it: it is kept on the phone across members, so it is
    rendered for an anonymous visitor (no name, no token) whoever asks."""
    return render_to_string("offline/offline.html", {}, request=as_visitor(request))


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
    return shared(no_cache(response))


@require_safe
def offline_page(request: HttpRequest) -> HttpResponse:
    return shared(no_cache(HttpResponse(offline_html(request))))


@require_safe
@login_required
def offline_copy(request: HttpRequest, page_id: int) -> HttpResponse:
    """The page 下载离线 keeps on the phone: a content page the member may read, rendered as
    for a visitor, so it holds no reflection, self-check answers, vote or to-do list of theirs.
    A page in a login-only or group-only section is still the member's to keep (the phone
    drops it when their session ends); a shared phone keeps nothing (403)."""
    if is_shared_phone(request.session):
        raise PermissionDenied
    page = None
    if page_id <= MAX_PAGE_ID:
        page = ContentPage.objects.live().filter(pk=page_id).specific().first()
    if page is None:
        raise Http404
    # Wagtail's own rule, with the member's request: login, groups, a password entered.
    if not all(restriction.accept_request(request) for restriction in page.get_view_restrictions()):
        raise PermissionDenied
    response = page.serve(as_visitor(request))
    if hasattr(response, "render"):
        response.render()
    return private(response)
