"""我的学习: what a member sees of their own history, and their erasure of it (the export
is ``mylearning.export``).

Every function here takes the member (the views pass ``request.user``) and filters by it:
no way to name another member exists, so nobody reads anyone else's events or records here.
Queries are fixed in number whatever the size of the history (lists are one query each,
time per topic is one aggregate query).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django import forms
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from feedback.models import PageVote
from learning.models import (
    Dismissal,
    LearningEvent,
    LearningRecord,
    ReadingListPreference,
    Verb,
)
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
