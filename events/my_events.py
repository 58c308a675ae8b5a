"""我的活动 (``/learning/events/``): the member's registrations for events still to come."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from events.models import (
    ACTIVE_STATUSES,
    EventIndexPage,
    ForumEventPage,
    Registration,
    not_finished,
)


@require_safe
def my_events(request: HttpRequest) -> HttpResponse:
    """我的活动: the member's registrations for events that have not ended, soonest first."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    upcoming_ids = ForumEventPage.objects.visible().filter(not_finished()).values("pk")
    registrations = (
        Registration.objects.filter(
            member=request.user, status__in=ACTIVE_STATUSES, event__in=upcoming_ids
        )
        .select_related("event")
        .order_by("event__starts_at", "event__pk")
    )
    context = {
        "registrations": list(registrations),
        "events_index": EventIndexPage.objects.visible().first(),
    }
    return render(request, "events/my_events.html", context)
