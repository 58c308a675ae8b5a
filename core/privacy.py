"""Responses that carry one person's data, and the rule that every answer to a logged-in
member is one of them unless it is shared by design.

A member's content page holds their reflection, self-check answers, vote note and to-do
list; a browser's cache or the phone's offline copies must not hand it to the next person
who picks up the phone. So ``PrivateForMembersMiddleware`` marks every response to an
authenticated user ``private, no-store``; a view whose answer is the same for everyone says
so with ``shared()``. Shared by design today: static files (WhiteNoise answers them before
any of this runs), pictures under ``/media/`` (``config.media``), ``/sw.js`` and
``/offline/`` (``offline.views``: rendered as for a visitor), a page's share QR code
(``home.views.qr_code``) and ``/robots.txt``.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control

SHARED_ATTRIBUTE = "shared_by_design"


def private(response: HttpResponse) -> HttpResponse:
    """Personal data: never kept by a shared cache or served to the next person at the desk."""
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    return response


def shared(response: HttpResponse) -> HttpResponse:
    """The same bytes for everyone who asks: left as the view made it, even for a member."""
    setattr(response, SHARED_ATTRIBUTE, True)
    return response


def is_shared(response: HttpResponse) -> bool:
    return getattr(response, SHARED_ATTRIBUTE, False)


class PrivateForMembersMiddleware:
    """Every answer rendered for a logged-in user is ``private, no-store`` unless ``shared()``.

    Sits below ``AuthenticationMiddleware``; the anonymous page cache above it never serves
    a request with a session cookie, so no member's answer passes by it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not is_shared(response):
            private(response)
        return response
