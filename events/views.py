"""What members and organisers do with an event page: register, cancel, check in.

The page's routes (``events.routes``) call these with the live event the URL led to, so
an unknown or unpublished event is already a 404. Every refusal is a message on the
event page naming what was wrong, and changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from audit.models import Access, record
from core.privacy import private
from core.text import parse_id, without_invisible
from events import check_in_code
from events import registration as places
from events.registration import RegistrationRefused, can_check_in_others
from events.registration_models import Registration, RegistrationStatus
from home.share import qr_svg
from members.models import member_name

if TYPE_CHECKING:  # the page module imports these views through its routes
    from events.models import ForumEventPage

MAX_QUERY_LENGTH = 50
DESK_PAGE_SIZE = 50


def back_to(request: HttpRequest, event: ForumEventPage, anchor: str = "registration"):
    return redirect(f"{event.get_url(request)}#{anchor}")


def member_action(action):
    """A member's POST on the event page: ``action`` does it (or refuses), the member goes
    back to the registration panel with the answer. Not logged in: log in first."""

    def view(request: HttpRequest, event: ForumEventPage) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.is_authenticated:
            return redirect_to_login(event.get_url(request))
        try:
            outcome = action(request, event)
        except RegistrationRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, outcome.message)
        return back_to(request, event)

    return view


@member_action
def register(request: HttpRequest, event: ForumEventPage) -> places.Outcome:
    return places.register(event, request.user)


@member_action
def cancel(request: HttpRequest, event: ForumEventPage) -> places.Outcome:
    return places.cancel(event, request.user)


@member_action
def check_in_with_code(request: HttpRequest, event: ForumEventPage) -> places.Outcome:
    return places.check_in_by_code(event, request.user, request.POST.get("code", "")[:20])


def desk_query(raw: str | None) -> str:
    """The name typed at the desk: spaces collapsed, control characters (NUL: PostgreSQL
    refuses it in a query) as spaces."""
    return " ".join(without_invisible(raw, " ").split())[:MAX_QUERY_LENGTH]


def desk_refusal(request: HttpRequest, event: ForumEventPage) -> HttpResponse | None:
    """The desk, its code and the code's screen: for check-in staff, while check-in is open."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_check_in_others(request.user, event):
        raise PermissionDenied
    if not event.check_in_is_open:
        # Names, student numbers and codes are shown only while people are at the door.
        raise PermissionDenied(places.check_in_closed_message(event))
    return None


def code_link(request: HttpRequest, event: ForumEventPage, code: str) -> str:
    """What the QR code opens: the event page with the code already typed in."""
    return request.build_absolute_uri(event.get_url(request)) + "?" + urlencode({"code": code})


def code_context(event: ForumEventPage) -> dict:
    code = check_in_code.current_code(event)
    return {
        "check_in_code": code,
        "code_seconds_left": check_in_code.seconds_left(),
        "code_grace_seconds": check_in_code.GRACE_SECONDS,
        # A new address each minute: no browser shows the previous minute's picture.
        "code_qr_url": event.url
        + event.reverse_subpage("check_in_qr")
        + "?"
        + urlencode({"v": code}),
    }


@require_safe
def check_in_screen(request: HttpRequest, event: ForumEventPage) -> HttpResponse:
    """The code alone, large, to project at the door; it reloads itself (no script)."""
    refused = desk_refusal(request, event)
    if refused:
        return refused
    context = {"page": event, "event": event, **code_context(event)}
    return private(render(request, "events/check_in_screen.html", context))


@require_safe
def check_in_qr(request: HttpRequest, event: ForumEventPage) -> HttpResponse:
    refused = desk_refusal(request, event)
    if refused:
        return refused
    code = check_in_code.current_code(event)
    response = HttpResponse(qr_svg(code_link(request, event, code)), content_type="image/svg+xml")
    return private(response)


def check_in_desk(request: HttpRequest, event: ForumEventPage) -> HttpResponse:
    """The door: confirmed registrations found by name, each checked in with one tap."""
    refused = desk_refusal(request, event)
    if refused:
        return refused
    if request.method == "POST":
        return check_in_from_desk(request, event)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "POST"])

    query = desk_query(request.GET.get("q"))
    registrations = (
        Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED)
        .select_related("member__member_profile__branch")
        .order_by("member__member_profile__display_name", "member__username")
    )
    if query:
        registrations = registrations.filter(
            Q(member__member_profile__display_name__icontains=query)
            | Q(member__username__icontains=query)
            | Q(member__member_profile__student_number__icontains=query)
        )
    page = Paginator(registrations, DESK_PAGE_SIZE).get_page(request.GET.get("page"))
    counts = places.registration_counts(event)
    record(request, Access.CHECK_IN_DESK, event.title)
    context = {
        "page": event,
        "event": event,
        # Not "query": base.html would put it in the site's own search box.
        "desk_query": query,
        "results": page,
        "confirmed_total": counts["confirmed"],
        "checked_in_total": counts["checked_in"],
        "waiting_total": counts["waiting"],
        **code_context(event),
    }
    return private(render(request, "events/check_in_desk.html", context))


def check_in_from_desk(request: HttpRequest, event: ForumEventPage) -> HttpResponse:
    query = desk_query(request.POST.get("q"))
    desk_url = event.get_url(request) + event.reverse_subpage("check_in")
    if query:
        desk_url += "?" + urlencode({"q": query})
    registration_id = parse_id(request.POST.get("registration"))
    registration = (
        Registration.objects.filter(event=event, pk=registration_id)
        .select_related("member")
        .first()
        if registration_id
        else None
    )
    if registration is None:
        messages.error(request, _("找不到这条报名，请刷新名单后再试。"))
        return redirect(desk_url)
    name = member_name(registration.member)
    try:
        places.check_in(registration, request.user)
    except RegistrationRefused as refused:
        messages.error(request, f"{name}：{refused.message}")
    else:
        messages.success(request, _("%(name)s 签到成功。") % {"name": name})
    return redirect(desk_url)
