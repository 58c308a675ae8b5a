"""``<event-url>ics/``: an RFC 5545 file any calendar can import, in the site's time zone."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from icalendar import Calendar

from events.models import ForumEventPage
from tests.factories import ForumEventPageFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def download(event) -> tuple:
    response = Client().get(event.url + "ics/")
    assert response.status_code == 200
    return response, Calendar.from_ical(response.content)


def test_ics_has_start_and_end_in_the_events_zone_and_in_utc():
    event = ForumEventPageFactory(
        slug="calendar-forum", title="创新报国先锋论坛", venue="学术交流中心"
    )
    starts = datetime(2027, 3, 5, 6, 30, tzinfo=UTC)  # 14:30 in Beijing
    ForumEventPage.objects.filter(pk=event.pk).update(
        starts_at=starts, ends_at=starts + timedelta(hours=3)
    )
    event.refresh_from_db()
    response, calendar = download(event)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert 'filename="calendar-forum.ics"' in response["Content-Disposition"]

    [entry] = calendar.walk("VEVENT")
    start, end = entry.decoded("dtstart"), entry.decoded("dtend")
    assert entry["dtstart"].params["TZID"] == "Asia/Shanghai"
    assert entry["dtend"].params["TZID"] == "Asia/Shanghai"
    assert start.astimezone(UTC) == starts
    assert end.astimezone(UTC) == starts + timedelta(hours=3)
    assert start.astimezone(SHANGHAI).strftime("%H:%M") == "14:30"
    raw = response.content.decode()
    assert "DTSTART;TZID=Asia/Shanghai:20270305T143000" in raw
    assert "DTEND;TZID=Asia/Shanghai:20270305T173000" in raw

    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Asia/Shanghai"
    assert str(entry["summary"]) == "创新报国先锋论坛"
    assert str(entry["location"]) == "学术交流中心"
    assert str(entry["url"]).endswith("/events/calendar-forum/")
    assert "用于测试的论坛活动" in str(entry["description"])
    assert str(entry["uid"]).startswith(f"event-{event.pk}@")
    assert "dtstamp" in entry


def test_an_event_without_an_end_lasts_two_hours():
    event = ForumEventPageFactory(slug="open-ended")
    _, calendar = download(event)
    [entry] = calendar.walk("VEVENT")
    assert entry.decoded("dtend") - entry.decoded("dtstart") == timedelta(hours=2)
    assert entry.decoded("dtstart").astimezone(UTC) == event.starts_at.replace(microsecond=0)


def test_anyone_may_download_it_and_only_by_get():
    event = ForumEventPageFactory(slug="public-forum")
    assert Client().get(event.url + "ics/").status_code == 200
    assert Client().post(event.url + "ics/").status_code == 405
    assert Client().get("/events/no-such-forum/ics/").status_code == 404
