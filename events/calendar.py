"""``<event-url>ics/``: the event as an iCalendar file (RFC 5545) anyone can add to a calendar.

Times are written in the site's zone (``TZID=Asia/Shanghai``) with a matching VTIMEZONE,
so phone calendars show the right local time wherever the reader is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

if TYPE_CHECKING:  # the page module imports this one through its routes
    from events.models import ForumEventPage

PRODUCT_ID = "-//Hongke//Red Lessons Events//ZH"


def event_calendar(event: ForumEventPage, page_url: str, host: str) -> Calendar:
    zone = timezone.get_default_timezone()
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")

    entry = Event()
    # Stable across downloads, so a second import updates the entry instead of copying it.
    entry.add("uid", f"event-{event.pk}@{host}")
    entry.add("dtstamp", timezone.now())
    entry.add("dtstart", event.starts_at.astimezone(zone))
    entry.add("dtend", event.effective_end.astimezone(zone))
    entry.add("summary", event.title)
    location = event.venue or (_("线上") if event.online_url else "")
    if location:
        entry.add("location", location)
    entry.add("url", page_url)
    description = "\n\n".join(part for part in (event.summary, page_url) if part)
    entry.add("description", description)
    if event.last_published_at:
        entry.add("last-modified", event.last_published_at)
    calendar.add_component(entry)
    calendar.add_missing_timezones()
    return calendar


def ics_download(request: HttpRequest, event: ForumEventPage) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    page_url = event.get_full_url(request) or request.build_absolute_uri(event.get_url(request))
    calendar = event_calendar(event, page_url, request.get_host().split(":")[0])
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{event.slug}.ics"
    )
    return response
