"""Turning a member's learning events into per-page records.

The same function serves live updates and the full rebuild, so a rebuild gives identical
rows: a record is always recomputed from that member's events on that page, starting from
what pruned events left folded into the record (``folded_*``, see ``learning.retention``).

Every write for a member happens in one transaction holding a lock on the member's user
row, so two requests for one member wait for each other (each then sees the other's
events), and records are written as upserts: the first record for a page is never
inserted twice. Records of deleted pages (no page any more) are kept as they were.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max, Min, Q, Sum

from home.kinds import Completion, CompletionPolicy, completion_of, kind_by_content_type
from home.models import ContentPage
from learning.models import LearningEvent, LearningRecord, Verb

# Completion.PLAYED: studied once 90 % has been played (or 学完了 is pressed).
LECTURE_COMPLETION_PROGRESS = 0.9
# Completion.READ: studied after a minute of active reading (or 学完了), or once the page's
# own walk-through has been seen whole: a site's 虚拟参观 reports the share of its scenes
# seen as ``progressed`` (site/static/js/tour.js), and every scene seen is done. (Media on
# read pages do not report progress: the audio guides are marked not to.)
READING_SECONDS_TO_COMPLETE = 60
TOUR_COMPLETION_PROGRESS = 1.0


@dataclass
class PageSummary:
    """What a member's events (and the fold of pruned ones) say about one page."""

    first_seen_at: datetime
    last_seen_at: datetime
    seconds: float
    best_progress: float
    completed_at: datetime | None

    def as_record(self) -> dict[str, Any]:
        return {
            "first_seen_at": self.first_seen_at,
            "last_seen_at": self.last_seen_at,
            "total_seconds": int(self.seconds),
            "best_progress": min(max(self.best_progress, 0.0), 1.0),
            "completed_at": self.completed_at,
        }

    def as_fold(self) -> dict[str, Any]:
        return {
            "folded_first_seen_at": self.first_seen_at,
            "folded_last_seen_at": self.last_seen_at,
            "folded_seconds": self.seconds,
            "folded_progress": self.best_progress,
            "folded_completed_at": self.completed_at,
        }


RECORD_FIELDS = ["first_seen_at", "last_seen_at", "total_seconds", "best_progress", "completed_at"]


def earliest(*moments: datetime | None) -> datetime | None:
    present = [moment for moment in moments if moment is not None]
    return min(present) if present else None


def reading_completion_time(
    member_id: int, page_id: int, start: float = 0, before: datetime | None = None
) -> datetime | None:
    """When the member's reading time on the page (from ``start`` seconds already folded)
    first reached the threshold."""
    total = start
    views = LearningEvent.objects.filter(member_id=member_id, page_id=page_id, verb=Verb.VIEWED)
    if before is not None:
        views = views.filter(occurred_at__lt=before)
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


@dataclass(frozen=True)
class PagePolicy:
    """What makes one page done: its kind's rule and the editor's choice for the page."""

    completion: Completion | None
    choice: str = CompletionPolicy.VIEW


def completion_moments(policy: PagePolicy | None, row: dict, reading) -> list[datetime | None]:
    """The moments each way of completing the page under its policy was reached, if ever;
    ``reading()`` finds when enough reading time was reached (called only when it was).

    自测全对 and 提交心得 replace reading and 学完了: only an all-right self-check or a
    reflection (events the server writes) completes such a page."""
    policy = policy or PagePolicy(None)
    if not accepts_marked_done(policy.completion):
        return [row["attended"]]
    if policy.choice == CompletionPolicy.QUIZ:
        return [row["all_right"]]
    if policy.choice == CompletionPolicy.REFLECTION:
        return [row["reflected"]]
    moments = [row["marked_done"]]
    if policy.completion == Completion.PLAYED:
        moments.append(row["played_through"])
    if policy.completion == Completion.READ:
        moments.append(row["toured"])
        if row["total"] >= READING_SECONDS_TO_COMPLETE:
            moments.append(reading())
    return moments


def event_rows(member_id: int, page_ids: list[int], before: datetime | None) -> dict[int, dict]:
    """One aggregate query: per page, the figures a record is made of."""
    events = LearningEvent.objects.filter(member_id=member_id, page_id__in=page_ids)
    if before is not None:
        events = events.filter(occurred_at__lt=before)
    rows = events.values("page_id").annotate(
        first=Min("occurred_at"),
        last=Max("occurred_at"),
        seconds=Sum("value", filter=Q(verb=Verb.VIEWED)),
        progress=Max("value", filter=Q(verb=Verb.PROGRESSED)),
        marked_done=Min("occurred_at", filter=Q(verb=Verb.COMPLETED)),
        attended=Min("occurred_at", filter=Q(verb=Verb.ATTENDED)),
        all_right=Min("occurred_at", filter=Q(verb=Verb.ANSWERED, value__gte=1)),
        reflected=Min("occurred_at", filter=Q(verb=Verb.REFLECTED)),
        played_through=Min(
            "occurred_at",
            filter=Q(verb=Verb.PROGRESSED, value__gte=LECTURE_COMPLETION_PROGRESS),
        ),
        toured=Min(
            "occurred_at",
            filter=Q(verb=Verb.PROGRESSED, value__gte=TOUR_COMPLETION_PROGRESS),
        ),
    )
    return {row["page_id"]: row for row in rows.order_by()}


def folded(member_id: int, page_ids: Iterable[int]) -> dict[int, PageSummary]:
    """What pruned events left in the member's records for these pages."""
    rows = LearningRecord.objects.filter(
        member_id=member_id, page_id__in=list(page_ids), folded_first_seen_at__isnull=False
    ).values_list(
        "page_id",
        "folded_first_seen_at",
        "folded_last_seen_at",
        "folded_seconds",
        "folded_progress",
        "folded_completed_at",
    )
    return {page_id: PageSummary(*values) for page_id, *values in rows}


def combine(row: dict | None, base: PageSummary | None, policy, reading) -> PageSummary:
    """The fold of pruned events (if any) followed by the events still kept (if any)."""
    if row is None:
        return base
    start = base.seconds if base else 0.0
    row["total"] = start + (row["seconds"] or 0)
    done = earliest(*completion_moments(policy, row, lambda: reading(start)))
    if base is None:
        return PageSummary(row["first"], row["last"], row["total"], row["progress"] or 0.0, done)
    return PageSummary(
        first_seen_at=min(base.first_seen_at, row["first"]),
        last_seen_at=max(base.last_seen_at, row["last"]),
        seconds=row["total"],
        best_progress=max(base.best_progress, row["progress"] or 0.0),
        completed_at=earliest(base.completed_at, done),
    )


def summarise(
    member_id: int,
    page_ids: Iterable[int],
    before: datetime | None = None,
    base: dict[int, PageSummary] | None = None,
) -> dict[int, PageSummary]:
    """Summaries for one member's pages from their events (only those before ``before``, if
    given) on top of ``base``: one aggregate query, plus one for a page read to completion
    (Completion.READ) whose reading time crossed the threshold."""
    page_ids = [page_id for page_id in set(page_ids) if page_id is not None]
    base = base or {}
    kinds = kind_by_content_type()
    policies = {
        pk: PagePolicy(completion_of(kinds.get(content_type)), choice)
        for pk, content_type, choice in ContentPage.objects.filter(pk__in=page_ids).values_list(
            "pk", "content_type", "completion_policy"
        )
    }
    rows = event_rows(member_id, page_ids, before)
    summaries = {}
    for page_id in set(rows) | set(base):
        summaries[page_id] = combine(
            rows.get(page_id),
            base.get(page_id),
            policies.get(page_id),
            lambda start, page_id=page_id: reading_completion_time(
                member_id, page_id, start, before
            ),
        )
    return summaries


def lock_member(member_id: int) -> None:
    """Serialise record writes for one member (a no-op on SQLite, which has one writer)."""
    list(get_user_model().objects.select_for_update().filter(pk=member_id).values_list("pk"))


def write_records(member_id: int, summaries: dict[int, PageSummary]) -> None:
    """Insert or update the records in one statement; folded figures are left alone."""
    LearningRecord.objects.bulk_create(
        [
            LearningRecord(member_id=member_id, page_id=page_id, **summary.as_record())
            for page_id, summary in summaries.items()
        ],
        update_conflicts=True,
        unique_fields=["member", "page"],
        update_fields=RECORD_FIELDS,
    )


@transaction.atomic
def refresh_records(member_id: int, page_ids: Iterable[int]) -> None:
    """Bring the member's records for these pages in line with their events."""
    lock_member(member_id)
    page_ids = [page_id for page_id in set(page_ids) if page_id is not None]
    summaries = summarise(member_id, page_ids, base=folded(member_id, page_ids))
    gone = [page_id for page_id in page_ids if page_id not in summaries]
    if gone:
        # No events left and nothing folded (a reflection deleted, say): no record, as a
        # rebuild would give. Never the case after new events, so no query then.
        LearningRecord.objects.filter(member_id=member_id, page_id__in=gone).delete()
    write_records(member_id, summaries)


@transaction.atomic
def rebuild_member(member_id: int) -> int:
    """Recompute one member's records in one transaction: a reader sees the old records or
    the new ones, never none. Records of deleted pages are kept as they are."""
    lock_member(member_id)
    live = LearningRecord.objects.filter(member_id=member_id, page__isnull=False)
    page_ids = set(
        LearningEvent.objects.filter(member_id=member_id, page__isnull=False)
        .values_list("page_id", flat=True)
        .distinct()
    )
    page_ids |= set(
        live.filter(folded_first_seen_at__isnull=False).values_list("page_id", flat=True)
    )
    summaries = summarise(member_id, page_ids, base=folded(member_id, page_ids))
    live.exclude(page_id__in=list(summaries)).delete()
    write_records(member_id, summaries)
    return len(summaries)


def rebuild_records(member_ids: Iterable[int] | None = None) -> int:
    """Recompute records from the event log (all members, or some), one member per
    transaction; returns how many records were built."""
    if member_ids is None:
        members = set(LearningEvent.objects.values_list("member_id", flat=True).distinct())
        members |= set(LearningRecord.objects.values_list("member_id", flat=True).distinct())
    else:
        members = set(member_ids)
    return sum(rebuild_member(member_id) for member_id in sorted(members))
