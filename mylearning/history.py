"""我的学习: what a member sees of their own history, and their export and erasure of it.

Every function here takes the member (the views pass ``request.user``) and filters by it:
no way to name another member exists, so nobody reads anyone else's events or records here.
Queries are fixed in number whatever the size of the history (lists are one query each,
time per topic is one aggregate query).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django import forms
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assignments.models import ReflectionShare
from events.models import Registration
from feedback.models import PageVote
from home.deleted import deleted_label
from learning.models import (
    Dismissal,
    LearningEvent,
    LearningRecord,
    ReadingListPreference,
    Verb,
)
from members.models import MemberProfile
from reflections.models import Reflection
from selfcheck.models import SelfCheckAnswer

# Each list shows this many items unless the member asks for all of them (?all=1).
SECTION_LIMIT = 20
# Time per topic covers this many weeks, the current (unfinished) week included.
WEEKS_SHOWN = 8
NO_TOPIC = _("未分专题")


def local_zone():
    """Weeks run Monday to Sunday in the site's time zone (settings.TIME_ZONE), not in UTC."""
    return timezone.get_default_timezone()


# ---------------------------------------------------------------------------
# 学习中 / 已学完


def minutes_label(seconds: float) -> str:
    """Whole minutes, halves rounded up; a few seconds show as "<1", not a misleading 0."""
    if seconds <= 0:
        return "0"
    if seconds < 30:
        return "<1"
    return str(int(seconds / 60 + 0.5))


@dataclass
class RecordItem:
    """One line of 学习中 or 已学完: the page and what the member did with it."""

    record: LearningRecord

    @property
    def page(self):
        return self.record.page

    @property
    def progress_percent(self) -> int | None:
        """Media progress, shown only for what has been played at all."""
        progress = self.record.best_progress
        return round(progress * 100) if progress > 0 else None

    @property
    def minutes(self) -> str:
        return minutes_label(self.record.total_seconds)


@dataclass
class RecordLists:
    in_progress: list[RecordItem]
    completed: list[RecordItem]
    in_progress_count: int
    completed_count: int
    show_all: bool

    @property
    def has_more(self) -> bool:
        return not self.show_all and (
            self.in_progress_count > len(self.in_progress)
            or self.completed_count > len(self.completed)
        )


def member_records(member):
    """The member's records with their pages in the same query (title, URL path, kind)."""
    return (
        LearningRecord.objects.filter(member=member)
        .select_related("page")
        # The body is the one heavy column of a page and a list never shows it.
        .defer("page__body")
    )


def record_lists(member, show_all: bool = False) -> RecordLists:
    """In progress (most recently seen first) and completed (most recently completed first).

    Three queries: the two counts, then each list (skipped when its count is zero).
    """
    counts = LearningRecord.objects.filter(member=member).aggregate(
        in_progress=Count("pk", filter=Q(completed_at__isnull=True)),
        completed=Count("pk", filter=Q(completed_at__isnull=False)),
    )
    in_progress = member_records(member).filter(completed_at__isnull=True)
    in_progress = in_progress.order_by("-last_seen_at", "-pk")
    completed = member_records(member).filter(completed_at__isnull=False)
    completed = completed.order_by("-completed_at", "-pk")
    if not show_all:
        in_progress, completed = in_progress[:SECTION_LIMIT], completed[:SECTION_LIMIT]
    return RecordLists(
        in_progress=[RecordItem(r) for r in in_progress] if counts["in_progress"] else [],
        completed=[RecordItem(r) for r in completed] if counts["completed"] else [],
        in_progress_count=counts["in_progress"],
        completed_count=counts["completed"],
        show_all=show_all,
    )


# ---------------------------------------------------------------------------
# Time per topic, per week


@dataclass
class TopicRow:
    topic: str
    seconds_by_week: list[float]
    share: int = 0  # bar width: percent of the busiest topic's total

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds_by_week)

    @property
    def total_label(self) -> str:
        return minutes_label(self.total_seconds)

    @property
    def week_labels(self) -> list[str]:
        return [minutes_label(seconds) for seconds in self.seconds_by_week]


@dataclass
class TopicTime:
    weeks: list[date]  # the Monday of each week, oldest first
    rows: list[TopicRow] = field(default_factory=list)

    @property
    def total_seconds(self) -> float:
        return sum(row.total_seconds for row in self.rows)

    @property
    def total_label(self) -> str:
        return minutes_label(self.total_seconds)

    @property
    def week_totals(self) -> list[str]:
        return [
            minutes_label(sum(row.seconds_by_week[index] for row in self.rows))
            for index in range(len(self.weeks))
        ]


def week_starts(now: datetime, weeks: int = WEEKS_SHOWN) -> list[date]:
    """Mondays of the last ``weeks`` weeks in local time, oldest first, this week last."""
    today = timezone.localtime(now, local_zone()).date()
    this_monday = today - timedelta(days=today.weekday())
    return [this_monday - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]


def local_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=local_zone())


def topic_time(member, now: datetime | None = None, weeks: int = WEEKS_SHOWN) -> TopicTime:
    """Active reading time (the seconds of 'viewed' events) per page topic and local week.

    One aggregate query: the database groups the events by week and topic.
    """
    mondays = week_starts(now or timezone.now(), weeks)
    start = local_midnight(mondays[0])
    end = local_midnight(mondays[-1] + timedelta(weeks=1))
    rows = (
        LearningEvent.objects.filter(
            member=member,
            verb=Verb.VIEWED,
            occurred_at__gte=start,
            occurred_at__lt=end,
        )
        .annotate(week=TruncWeek("occurred_at", tzinfo=local_zone()))
        .values("week", "page__topic")
        .annotate(seconds=Coalesce(Sum("value"), 0.0))
        .order_by()
    )
    index_of_week = {monday: index for index, monday in enumerate(mondays)}
    by_topic: dict[str, list[float]] = {}
    for row in rows:
        week = row["week"]
        monday = week.date() if isinstance(week, datetime) else week
        index = index_of_week.get(monday)
        if index is None or not row["seconds"]:
            continue
        topic = (row["page__topic"] or "").strip() or str(NO_TOPIC)
        by_topic.setdefault(topic, [0.0] * len(mondays))[index] += row["seconds"]
    topic_rows = sorted(
        (TopicRow(topic, seconds) for topic, seconds in by_topic.items()),
        key=lambda row: (-row.total_seconds, row.topic),
    )
    busiest = max((row.total_seconds for row in topic_rows), default=0)
    for row in topic_rows:
        row.share = max(1, round(100 * row.total_seconds / busiest)) if busiest else 0
    return TopicTime(weeks=mondays, rows=topic_rows)


# ---------------------------------------------------------------------------
# Download my history


def iso(moment: datetime | None) -> str | None:
    return timezone.localtime(moment, local_zone()).isoformat() if moment else None


def export_filename(member, now: datetime | None = None) -> str:
    today = timezone.localtime(now or timezone.now(), local_zone()).date()
    return f"hongke-learning-{member.get_username()}-{today.isoformat()}.json"


def paused_personalisation(member) -> QuerySet:
    """The row that turns 为你推荐's personalisation off (no row: on)."""
    return ReadingListPreference.objects.filter(member=member, personalised=False)


def member_profile(member) -> MemberProfile | None:
    """The profile with its branch, and whether 为你推荐 is personalised: one query."""
    paused = ReadingListPreference.objects.filter(member_id=OuterRef("user_id"), personalised=False)
    return (
        MemberProfile.objects.filter(user=member)
        .select_related("branch")
        .annotate(paused=Exists(paused))
        .first()
    )


def is_personalised(member, profile: MemberProfile | None) -> bool:
    if profile is not None:
        return not profile.paused
    return not paused_personalisation(member).exists()


def profile_basics(member, profile: MemberProfile | None) -> dict[str, Any]:
    return {
        "username": member.get_username(),
        "email": member.email,
        "date_joined": iso(member.date_joined),
        "display_name": profile.display_name if profile else None,
        "branch": profile.branch.name if profile and profile.branch else None,
        "student_number": profile.student_number if profile else None,
        "role": profile.role if profile else None,
    }


def export_history(member, now: datetime | None = None) -> dict[str, Any]:
    """Everything kept about the member's learning, in the shapes the site uses."""
    profile = member_profile(member)
    return {
        "exported_at": iso(now or timezone.now()),
        "member": profile_basics(member, profile),
        "events": exported_events(member),
        "records": exported_records(member),
        "dismissals": [
            {"page": page_id, "page_title": title, "created_at": iso(created)}
            for page_id, title, created in Dismissal.objects.filter(member=member)
            .order_by("created_at", "pk")
            .values_list("page_id", "page__title", "created_at")
        ],
        "event_registrations": event_registrations(member),
        "page_votes": exported_votes(member),
        "self_check_answers": exported_answers(member),
        "reflections": exported_reflections(member),
        # The 为你推荐 switch (no row: on).
        "personalised": is_personalised(member, profile),
    }


def exported_votes(member) -> list[dict[str, Any]]:
    """对你有帮助吗？: the member's vote and note on each page."""
    votes = (
        PageVote.objects.filter(member=member)
        .order_by("created_at", "pk")
        .values_list("page_id", "page__title", "value", "note", "created_at", "updated_at")
    )
    return [
        {
            "page": page_id,
            "page_title": title,
            "value": value,
            "note": note,
            "created_at": iso(created),
            "updated_at": iso(updated),
        }
        for page_id, title, value, note, created, updated in votes
    ]


def exported_answers(member) -> list[dict[str, Any]]:
    """学习自测: each answer the member gave, per question and attempt, as the server marked it."""
    answers = (
        SelfCheckAnswer.objects.filter(member=member)
        .order_by("answered_at", "pk")
        .values_list(
            "page_id", "page__title", "question_id", "attempt", "chosen", "correct", "answered_at"
        )
    )
    return [
        {
            "page": page_id,
            "page_title": title,
            "question": question,
            "attempt": attempt,
            "chosen": chosen,
            "correct": correct,
            "answered_at": iso(answered),
        }
        for page_id, title, question, attempt, chosen, correct, answered in answers.iterator()
    ]


def exported_reflections(member) -> list[dict[str, Any]]:
    """学习心得: the text, when written and changed, and the assignments it is shared with."""
    shares = ReflectionShare.objects.select_related("assignment").order_by("shared_at", "pk")
    reflections = (
        Reflection.objects.filter(member=member)
        .select_related("page")
        .defer("page__body", "page__self_check")
        .prefetch_related(Prefetch("shares", queryset=shares))
        .order_by("created_at", "pk")
    )
    return [
        {
            "page": reflection.page_id,
            "page_title": reflection.title,
            "text": reflection.text,
            "created_at": iso(reflection.created_at),
            "updated_at": iso(reflection.updated_at),
            "shared_with": [
                {
                    "assignment": share.assignment_id,
                    "assignment_title": share.assignment.title,
                    "shared_at": iso(share.shared_at),
                }
                for share in reflection.shares.all()
            ],
        }
        for reflection in reflections
    ]


def exported_events(member) -> list[dict[str, Any]]:
    """The same keys as the events API (id, page, verb, value, at) plus the page title, so a
    member can read the file without knowing page numbers."""
    events = (
        LearningEvent.objects.filter(member=member)
        .order_by("occurred_at", "pk")
        .values_list(
            "client_id", "page_id", "page__title", "page_title", "verb", "value", "occurred_at"
        )
    )
    return [
        {
            "id": str(client_id),
            "page": page_id,
            "page_title": title if page_id is not None else deleted_label(kept),
            "verb": verb,
            "value": value,
            "at": iso(at),
        }
        for client_id, page_id, title, kept, verb, value, at in events.iterator()
    ]


def exported_records(member) -> list[dict[str, Any]]:
    records = (
        LearningRecord.objects.filter(member=member)
        .order_by("first_seen_at", "pk")
        .values_list(
            "page_id",
            "page__title",
            "page_title",
            "first_seen_at",
            "last_seen_at",
            "total_seconds",
            "best_progress",
            "completed_at",
        )
    )
    return [
        {
            "page": page_id,
            "page_title": title if page_id is not None else deleted_label(kept),
            "first_seen_at": iso(first),
            "last_seen_at": iso(last),
            "total_seconds": seconds,
            "best_progress": progress,
            "completed_at": iso(completed),
        }
        for page_id, title, kept, first, last, seconds, progress, completed in records
    ]


def event_registrations(member) -> list[dict[str, Any]]:
    """The member's event registrations with their history (kept when history is deleted:
    they are bookings the event's organisers count on, cancelled on the event page)."""
    registrations = (
        Registration.objects.filter(member=member)
        .select_related("event")
        .prefetch_related("changes")
        .order_by("queued_at", "pk")
    )
    return [
        {
            "event": registration.event_id,
            "event_title": registration.event_label,
            "status": registration.status,
            "registered_at": iso(registration.queued_at),
            "confirmed_at": iso(registration.confirmed_at),
            "cancelled_at": iso(registration.cancelled_at),
            "checked_in_at": iso(registration.checked_in_at),
            "history": [
                {"action": change.action, "at": iso(change.at)}
                for change in registration.changes.all()
            ],
        }
        for registration in registrations
    ]


# ---------------------------------------------------------------------------
# Delete my history


class DeleteHistoryForm(forms.Form):
    """Deleting cannot be undone, so the member ticks a box as well as pressing the button."""

    confirm = forms.BooleanField(
        label=_("我明白：删除后无法恢复，分配给我的学习任务将显示为“未开始”。"),
        required=True,
        error_messages={"required": _("请先勾选确认，才能删除学习记录。")},
    )


@dataclass
class HistorySize:
    events: int
    records: int
    dismissals: int
    votes: int = 0
    answers: int = 0
    reflections: int = 0

    @property
    def is_empty(self) -> bool:
        return not (
            self.events
            or self.records
            or self.dismissals
            or self.votes
            or self.answers
            or self.reflections
        )


def history_size(member) -> HistorySize:
    return HistorySize(
        events=LearningEvent.objects.filter(member=member).count(),
        records=LearningRecord.objects.filter(member=member).count(),
        dismissals=Dismissal.objects.filter(member=member).count(),
        votes=PageVote.objects.filter(member=member).count(),
        answers=SelfCheckAnswer.objects.filter(member=member).count(),
        reflections=Reflection.objects.filter(member=member).count(),
    )


@transaction.atomic
def delete_history(member) -> HistorySize:
    """Erase the member's events, records, dismissals, page votes, self-check answers and
    reflections (with their shares); the account stays."""
    events, _by_model = LearningEvent.objects.filter(member=member).delete()
    records, _by_model = LearningRecord.objects.filter(member=member).delete()
    dismissals, _by_model = Dismissal.objects.filter(member=member).delete()
    votes, _by_model = PageVote.objects.filter(member=member).delete()
    answers, _by_model = SelfCheckAnswer.objects.filter(member=member).delete()
    # The shares go with them (cascade): organisers no longer see what was shared.
    _count, by_model = Reflection.objects.filter(member=member).delete()
    reflections = by_model.get(Reflection._meta.label, 0)
    ReadingListPreference.objects.filter(member=member).delete()  # back to the default: on
    return HistorySize(
        events=events,
        records=records,
        dismissals=dismissals,
        votes=votes,
        answers=answers,
        reflections=reflections,
    )
