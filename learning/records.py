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

from home.models import ContentPage, kind_by_content_type
from learning.models import LearningEvent, LearningRecord

# A lecture counts as studied once 90 % of it has been played.
LECTURE_COMPLETION_PROGRESS = 0.9
# A site or story counts as studied after a minute of active reading.
READING_SECONDS_TO_COMPLETE = 60
KINDS_COMPLETED_BY_READING = {"site", "story"}


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
    views = LearningEvent.objects.filter(
        member_id=member_id, page_id=page_id, verb=LearningEvent.VIEWED
    )
    for seconds, occurred_at in views.order_by("occurred_at", "pk").values_list(
        "value", "occurred_at"
    ):
        total += seconds or 0
        if total >= READING_SECONDS_TO_COMPLETE:
            return occurred_at
    return None


def summarise(member_id: int, page_ids: Iterable[int]) -> dict[int, PageSummary]:
    """Summaries for one member's pages, from their events: one aggregate query, plus one
    per site or story whose reading time crossed the threshold."""
    page_ids = list(set(page_ids))
    kinds = kind_by_content_type()
    page_kinds = {
        pk: kinds.get(content_type)
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
            seconds=Sum("value", filter=Q(verb=LearningEvent.VIEWED)),
            progress=Max("value", filter=Q(verb=LearningEvent.PROGRESSED)),
            marked_done=Min("occurred_at", filter=Q(verb=LearningEvent.COMPLETED)),
            attended=Min("occurred_at", filter=Q(verb=LearningEvent.ATTENDED)),
            played_through=Min(
                "occurred_at",
                filter=Q(verb=LearningEvent.PROGRESSED, value__gte=LECTURE_COMPLETION_PROGRESS),
            ),
        )
    )
    summaries = {}
    for row in rows:
        page_id, kind = row["page_id"], page_kinds.get(row["page_id"])
        # An event is done when the member was there, not when they say so.
        candidates = [row["attended"]] if kind == "event" else [row["marked_done"]]
        if kind == "lecture":
            candidates.append(row["played_through"])
        seconds = int(row["seconds"] or 0)
        if kind in KINDS_COMPLETED_BY_READING and seconds >= READING_SECONDS_TO_COMPLETE:
            candidates.append(reading_completion_time(member_id, page_id))
        done = [moment for moment in candidates if moment is not None]
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
