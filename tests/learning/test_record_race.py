"""The first-record race: a member's first events on a page arriving at
the same moment (the page view and the page script's report on a reload) on real
PostgreSQL connections give no error and exactly one correct record.

Like ``tests/events/test_concurrency.py`` (whose helpers it uses) the threads commit for
real on connections of their own; the page and member are made and removed on another
connection, so the demo content built once per test process stays as it was (a
``transaction=True`` test would flush it).
"""

from django.db.models import Max, Min

from learning.event_log import record_server_event
from learning.models import LearningEvent, LearningRecord, Verb
from tests.events.test_concurrency import all_at_once, committed, elsewhere, pytestmark
from tests.factories import ExemplarStoryPageFactory, make_member

__all__ = ["committed", "pytestmark"]  # the fixture, and the skip on SQLite

THREADS = 12


def test_simultaneous_first_events_make_one_correct_record(committed):
    page = elsewhere(lambda: ExemplarStoryPageFactory(slug="race-story", title="同时到达"))
    committed["events"].append(page)
    member = elsewhere(lambda: make_member("racer"))
    committed["users"].append(member)

    outcomes, failures = all_at_once(
        lambda seconds: record_server_event(member, page, Verb.VIEWED, seconds),
        list(range(1, THREADS + 1)),
    )
    assert failures == []
    assert len(outcomes) == THREADS

    records = LearningRecord.objects.filter(member=member, page=page)
    assert records.count() == 1
    record = records.get()
    events = LearningEvent.objects.filter(member=member, page=page)
    span = events.aggregate(first=Min("occurred_at"), last=Max("occurred_at"))
    assert events.count() == THREADS
    assert record.total_seconds == sum(range(1, THREADS + 1))  # every event counted
    assert (record.first_seen_at, record.last_seen_at) == (span["first"], span["last"])
    assert record.completed_at is not None  # 78 s of reading: past the one-minute mark
