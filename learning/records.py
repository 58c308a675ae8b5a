"""Turning a member's learning events into per-page records.

The same function serves live updates and the full rebuild, so a rebuild gives identical
rows: a record is always recomputed from all of that member's events on that page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Max, Min, Q, Sum

from home.kinds import Completion, completion_of, kind_by_content_type
from home.models import ContentPage
from learning.models import LearningEvent, LearningRecord, Verb

# Completion.PLAYED: studied once 90 % has been played (or 学完了 is pressed).
LECTURE_COMPLETION_PROGRESS = 0.9
# Completion.READ: studied after a minute of active reading (or 学完了).
READING_SECONDS_TO_COMPLETE = 60


@dataclass
class PageSummary:
    first_seen_at: datetime
    last_seen_at: datetime
    total_seconds: int
    best_progress: float
    completed_at: datetime | None


def reading_completion_time(member_id: int, page_id: int) -> datetime | None:
    """When the member's reading time on the page first reached the threshold."""
    total = 0.0
    views = LearningEvent.objects.filter(member_id=member_id, page_id=page_id, verb=Verb.VIEWED)
    for seconds, occurred_at in views.order_by("occurred_at", "pk").values_list(
        "value", "occurred_at"
    ):
        total += seconds or 0
        if total >= READING_SECONDS_TO_COMPLETE:
            return occurred_at
    return None


def accepts_marked_done(policy: Completion | None) -> bool:
    """学完了 counts unless the page is done by attendance: an event is done when the
    member was there, not when they say so."""
    return policy != Completion.ATTENDED


def completion_moments(
    member_id: int, page_id: int, policy: Completion | None, row: dict, seconds: int
) -> list[datetime | None]:
    """The moments each way of completing the page under its policy was reached, if ever."""
    if not accepts_marked_done(policy):
        return [row["attended"]]
    moments = [row["marked_done"]]
    if policy == Completion.PLAYED:
        moments.append(row["played_through"])
    if policy == Completion.READ and seconds >= READING_SECONDS_TO_COMPLETE:
        moments.append(reading_completion_time(member_id, page_id))
    return moments


def summarise(member_id: int, page_ids: Iterable[int]) -> dict[int, PageSummary]:
    """Summaries for one member's pages, from their events: one aggregate query, plus one
    page read to completion (Completion.READ) whose reading time crossed the threshold."""
    page_ids = list(set(page_ids))
    kinds = kind_by_content_type()
    policies = {
        pk: completion_of(kinds.get(content_type))
        for pk, content_type in ContentPage.objects.filter(pk__in=page_ids).values_list(
            "pk", "content_type"
        )
    }
    rows = (
        LearningEvent.objects.filter(member_id=member_id, page_id__in=page_ids)
        .values("page_id")
        .annotate(
            first=Min("occurred_at"),
            last=Max("occurred_at"),
            seconds=Sum("value", filter=Q(verb=Verb.VIEWED)),
            progress=Max("value", filter=Q(verb=Verb.PROGRESSED)),
            marked_done=Min("occurred_at", filter=Q(verb=Verb.COMPLETED)),
            attended=Min("occurred_at", filter=Q(verb=Verb.ATTENDED)),
            played_through=Min(
                "occurred_at",
                filter=Q(verb=Verb.PROGRESSED, value__gte=LECTURE_COMPLETION_PROGRESS),
            ),
        )
    )
    summaries = {}
    for row in rows:
        page_id, policy = row["page_id"], policies.get(row["page_id"])
        seconds = int(row["seconds"] or 0)
        done = [
            moment
            for moment in completion_moments(member_id, page_id, policy, row, seconds)
            if moment is not None
        ]
        summaries[page_id] = PageSummary(
            first_seen_at=row["first"],
            last_seen_at=row["last"],
            total_seconds=seconds,
            best_progress=min(max(row["progress"] or 0.0, 0.0), 1.0),
            completed_at=min(done) if done else None,
        )
    return summaries


@transaction.atomic
def refresh_records(member_id: int, page_ids: Iterable[int]) -> None:
    """Bring the member's records for these pages in line with their events."""
    summaries = summarise(member_id, page_ids)
    existing = {
        record.page_id: record
        for record in LearningRecord.objects.filter(
            member_id=member_id, page_id__in=list(summaries)
        )
    }
    to_create, to_update = [], []
    for page_id, summary in summaries.items():
        record = existing.get(page_id) or LearningRecord(member_id=member_id, page_id=page_id)
        for field, value in vars(summary).items():
            setattr(record, field, value)
        (to_update if record.pk else to_create).append(record)
    LearningRecord.objects.bulk_create(to_create)
    LearningRecord.objects.bulk_update(to_update, list(PageSummary.__dataclass_fields__))


def rebuild_records(member_ids: Iterable[int] | None = None) -> int:
    """Recompute records from the event log (all members, or some); returns how many."""
    events = LearningEvent.objects.all()
    if member_ids is not None:
        events = events.filter(member_id__in=list(member_ids))
    pairs: dict[int, set[int]] = {}
    for member_id, page_id in events.values_list("member_id", "page_id").distinct():
        pairs.setdefault(member_id, set()).add(page_id)
    records = LearningRecord.objects.all()
    if member_ids is not None:
        records = records.filter(member_id__in=list(member_ids))
    records.delete()
    for member_id, page_ids in pairs.items():
        refresh_records(member_id, page_ids)
    return sum(len(page_ids) for page_ids in pairs.values())
