"""Whose session a page belongs to, for the service worker.

The worker cannot read the session cookie (HttpOnly), yet it must drop what it holds for a
member when their session ends: a logout from the site's form or from ``/admin/``, a
session that expired or was deleted, another member logging in on the same phone. So every
answer to a logged-in member names the session in ``X-Hongke-Session``:
``<member key>; expires=<Unix seconds>``, or ``<member key>; shared`` on a shared phone
(这是公用手机: keep nothing). The member key is the outbox's (an HMAC of the member's id,
naming no one). An answer without the header was made for no session: the worker then
drops every member's cache it holds, and when offline it drops them once ``expires`` has
passed (``site/static/js/service-worker.js``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from core.frontend import SESSION_HEADER
from core.privacy import is_shared
from learning.outbox import member_key
from members.sessions import session_ends_at


def session_header(request: HttpRequest) -> str:
    ends = session_ends_at(request.session)
    state = "shared" if ends is None else f"expires={ends}"
    return f"{member_key(request.user)}; {state}"


class SessionHeaderMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        # Not on answers shared by design: a shared cache may hand those to anyone.
        if user is not None and user.is_authenticated and not is_shared(response):
            response[SESSION_HEADER] = session_header(request)
        return response
