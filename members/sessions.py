"""How long a login lasts: SESSION_IDLE_DAYS without a visit, or until the browser closes on
a shared phone (这是公用手机, chosen on the login form, ``members.accounts``).

Django moves a session's end only when the session is written. Writing it on every request
would cost a database write per page, so a visit writes it at most once an hour
(``REFRESH_SECONDS``): a member who keeps coming back stays logged in, one who does not is
logged out between ``SESSION_IDLE_DAYS`` less an hour and ``SESSION_IDLE_DAYS`` after the
last visit. Every login path counts (the member's form, the admin's), since the middleware
looks at the answer, after the view has logged the user in.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse

# Session keys of ours (the "hongke." prefix keeps them apart from Django's own).
REFRESHED = "hongke.refreshed"  # when the end was last moved (Unix seconds)
SHARED_PHONE = "hongke.shared_phone"  # 这是公用手机: ends with the browser, keeps nothing offline
REFRESH_SECONDS = 60 * 60


def start_shared_phone_session(session: SessionBase) -> None:
    """The cookie lasts until the browser closes; the phone keeps nothing for it."""
    session.set_expiry(0)
    session[SHARED_PHONE] = True


def end_shared_phone_session(session: SessionBase) -> None:
    """An ordinary session again (the same member logging in without 这是公用手机)."""
    if session.pop(SHARED_PHONE, None):
        session.set_expiry(None)


def is_shared_phone(session: SessionBase) -> bool:
    return bool(session.get(SHARED_PHONE))


def session_ends_at(session: SessionBase) -> int | None:
    """When the session ends if the member does not come back (Unix seconds), or None for a
    shared phone's (it ends with the browser)."""
    if is_shared_phone(session):
        return None
    return int(session.get(REFRESHED, time.time())) + settings.SESSION_COOKIE_AGE


def note_login(sender, request, user, **kwargs) -> None:
    """A login writes the session anyway: its end is counted from now, so the member's
    first page after logging in does not write it a second time."""
    if request is not None and hasattr(request, "session"):
        request.session[REFRESHED] = int(time.time())


class IdleExpiryMiddleware:
    """Moves a logged-in session's end forward, at most once per ``REFRESH_SECONDS``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            if now - int(request.session.get(REFRESHED, 0)) >= REFRESH_SECONDS:
                # Writing the session makes SessionMiddleware save it with a new end and
                # send the cookie again with a new Max-Age.
                request.session[REFRESHED] = now
        return response
