"""Records are rebuilt one member per transaction, and pruning old raw events keeps them:
records before a prune == after it == after prune and rebuild."""

import uuid
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from learning import records as records_module
from learning.models import LearningEvent, LearningRecord, Verb
from learning.records import rebuild_records, refresh_records
from learning.retention import parse_age
from tests.factories import (
    ExemplarStoryPageFactory,
    ForumEventPageFactory,
    MicroLecturePageFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
FIELDS = ("page_id", "first_seen_at", "last_seen_at", "total_seconds", "best_progress")


def snapshot():
    rows = LearningRecord.objects.values_list("member_id", *FIELDS, "completed_at", "page_title")
    return sorted(rows, key=repr)


def add(member, page, verb, value, days_ago):
    LearningEvent.objects.create(
        member=member,
        page=page,
        verb=verb,
        value=value,
        occurred_at=timezone.now() - timedelta(days=days_ago, minutes=len(str(value))),
        client_id=uuid.uuid4(),
    )
    refresh_records(member.pk, {page.pk})


@pytest.fixture
def history():
    """Three members with old and recent events on a story, a lecture and an event."""
    story = ExemplarStoryPageFactory(title="旧故事")
    lecture = MicroLecturePageFactory(title="旧微课")
    event = ForumEventPageFactory(title="旧论坛", starts_in=timedelta(days=-700))
    members = [UserFactory(username=f"m{n}") for n in range(3)]
    for n, member in enumerate(members):
        # Reading: 30 s long ago, 40 s lately: done only when the recent view comes in.
        add(member, story, Verb.VIEWED, 30 + n, 700)
        add(member, story, Verb.VIEWED, 40, 10)
        add(member, lecture, Verb.PROGRESSED, 0.95, 650)
        add(member, lecture, Verb.VIEWED, 12, 5)
        add(member, event, Verb.ATTENDED, None, 700)
    return members, (story, lecture, event)


def test_rebuild_equals_the_incremental_records(history):
    before = snapshot()
    assert rebuild_records() == 9
    assert snapshot() == before


def test_a_failure_midway_leaves_every_member_with_their_records(history, monkeypatch):
    members, _pages = history
    before = snapshot()
    LearningRecord.objects.filter(member=members[0]).update(total_seconds=1)  # to be fixed
    real = records_module.summarise

    def failing(member_id, *args, **kwargs):
        if member_id == members[1].pk:
            LearningRecord.objects.filter(member_id=member_id).delete()
            raise RuntimeError("disk full")
        return real(member_id, *args, **kwargs)

    monkeypatch.setattr(records_module, "summarise", failing)
    with pytest.raises(RuntimeError):
        rebuild_records()
    # The first member was rebuilt, the second rolled back whole, the third untouched.
    assert snapshot() == before


def test_prune_keeps_records_and_a_rebuild_gives_the_same(history):
    before = snapshot()
    assert LearningEvent.objects.count() == 15
    call_command("prune_learning_events", older_than="18m", verbosity=0)
    assert LearningEvent.objects.count() == 6  # the recent ones only
    assert snapshot() == before
    rebuild_records()
    assert snapshot() == before
    # Pruning again, deeper, and adding a new event still adds up.
    call_command("prune_learning_events", older_than="7d", verbosity=0)
    assert LearningEvent.objects.count() == 3 and snapshot() == before
    rebuild_records()
    assert snapshot() == before


def test_prune_after_a_page_is_deleted(history):
    _members, (story, _lecture, _event) = history
    story.delete()
    before = snapshot()
    call_command("prune_learning_events", older_than="1d", verbosity=0)
    assert not LearningEvent.objects.exists()
    rebuild_records()
    assert snapshot() == before


@pytest.mark.parametrize("value", ["18m", "540d", "2y", "8w", " 18M "])
def test_ages_are_read(value):
    assert parse_age(value) >= timedelta(days=56)


@pytest.mark.parametrize("value", ["", "18", "m", "0d", "-3m", "18x", "1.5y", "18 months"])
def test_malformed_ages_are_refused(value):
    with pytest.raises(CommandError, match="无法识别的时长"):
        call_command("prune_learning_events", f"--older-than={value}", verbosity=0)
