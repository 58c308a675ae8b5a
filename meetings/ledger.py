"""A branch's year of 组织生活 at a glance: the 台账, the kind × month grid, the gaps.

Only confirmed records count: a draft is not yet a record. The required kinds and how often
each is due are ``settings.MEETING_REQUIREMENTS`` (kind → months between meetings; periods
start in January, so 3 is each quarter and 1 each month). A gap is a period of a required
kind that has ended, or is under way, without a record. Nothing here ranks branches or
members: the grid counts meetings, the 组织部 summary says only recorded or not.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.meeting_csv import attendance_by_meeting, site_zone, year_meetings
from meetings.models import Meeting, MeetingKind, MeetingStatus, Presence
from members.models import Branch, member_name

MONTHS = range(1, 13)
QUARTERS = range(1, 5)


def requirements() -> dict[str, int]:
    """Required kind → months between meetings, in the order of ``MeetingKind``."""
    wanted = settings.MEETING_REQUIREMENTS
    return {kind: int(wanted[kind]) for kind in MeetingKind.values if kind in wanted}


def kind_name(kind: str) -> str:
    """How a gap names the kind: 党员大会 is the branch's, 支部党员大会."""
    label = str(MeetingKind(kind).label)
    return _("支部党员大会") if kind == MeetingKind.GENERAL else label


def period_of(month: int, cadence: int) -> tuple[int, int]:
    """The first and last month of the period (of ``cadence`` months) holding ``month``."""
    first = (month - 1) // cadence * cadence + 1
    return first, min(first + cadence - 1, 12)


def period_word(cadence: int) -> str:
    return {1: _("本月"), 3: _("本季度"), 6: _("本半年"), 12: _("本年度")}.get(cadence, _("本期"))


def month_label(first: int, last: int) -> str:
    if first == last:
        return _("%(month)d月") % {"month": first}
    if last - first == 2 and first % 3 == 1:
        return _("第%(quarter)d季度") % {"quarter": (first + 2) // 3}
    return _("%(first)d–%(last)d月") % {"first": first, "last": last}


def recorded_months(branch: Branch, year: int) -> dict[str, set[int]]:
    """Kind → the months of ``year`` with at least one confirmed record (one query)."""
    zone = site_zone()
    months: dict[str, set[int]] = defaultdict(set)
    for kind, starts_at in year_meetings(branch, year).values_list("kind", "starts_at"):
        months[kind].add(timezone.localtime(starts_at, zone).month)
    return months


# --- the grid ------------------------------------------------------------------------------


@dataclass
class GridRow:
    kind: str
    label: str
    counts: list[int]  # twelve months
    cadence: int | None  # months between required meetings; None: not required
    missing: list[str] = field(default_factory=list)  # periods without a record

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass
class Grid:
    branch: Branch
    year: int
    rows: list[GridRow]

    @property
    def months(self) -> range:
        return MONTHS

    @property
    def total(self) -> int:
        return sum(row.total for row in self.rows)


def due_periods(cadence: int, year: int, today: date) -> list[tuple[int, int]]:
    """The periods of ``year`` that have begun by ``today`` (all of them for a past year)."""
    if year > today.year:
        return []
    last_month = 12 if year < today.year else today.month
    periods = []
    for first in range(1, 13, cadence):
        if first <= last_month:
            periods.append(period_of(first, cadence))
    return periods


def missing_periods(months: set[int], cadence: int, year: int, today: date) -> list[str]:
    return [
        month_label(first, last)
        for first, last in due_periods(cadence, year, today)
        if not any(first <= month <= last for month in months)
    ]


def year_grid(branch: Branch, year: int, today: date | None = None) -> Grid:
    """Kind × month counts of the branch's confirmed records in ``year`` (two queries)."""
    today = today or timezone.localdate()
    zone = site_zone()
    counts: dict[str, list[int]] = {kind: [0] * 12 for kind in MeetingKind.values}
    for kind, starts_at in year_meetings(branch, year).values_list("kind", "starts_at"):
        counts[kind][timezone.localtime(starts_at, zone).month - 1] += 1
    required = requirements()
    rows = []
    for kind, label in MeetingKind.choices:
        cadence = required.get(kind)
        months = {month for month, count in zip(MONTHS, counts[kind], strict=True) if count}
        missing = missing_periods(months, cadence, year, today) if cadence else []
        rows.append(GridRow(kind, str(label), counts[kind], cadence, missing))
    return Grid(branch, year, rows)


def gaps(branch: Branch, today: date | None = None) -> list[str]:
    """The required kinds not yet recorded in the period under way, e.g. 本季度尚无支部党员大会."""
    today = today or timezone.localdate()
    months = recorded_months(branch, today.year)
    return gap_messages(months, today)


def gap_messages(months: dict[str, set[int]], today: date, kinds=None) -> list[str]:
    messages = []
    for kind, cadence in requirements().items():
        if kinds is not None and kind not in kinds:
            continue
        first, last = period_of(today.month, cadence)
        if not any(first <= month <= last for month in months.get(kind, ())):
            messages.append(
                _("%(period)s尚无%(kind)s")
                % {"period": period_word(cadence), "kind": kind_name(kind)}
            )
    return messages


# --- the 台账 ------------------------------------------------------------------------------


@dataclass
class LedgerEntry:
    """One meeting as the 台账 prints it."""

    meeting: Meeting
    host: str
    recorder: str
    materials: list[str]
    resolutions: list[tuple[str, str, date | None]]  # text, owner, due
    present: list[str]
    leave: list[tuple[str, str]]  # name, reason
    absent: list[str]

    @property
    def expected(self) -> int:
        return len(self.present) + len(self.leave) + len(self.absent)


def ledger_entry(meeting: Meeting, attendance: list[tuple]) -> LedgerEntry:
    """``attendance``: (presence, reason, name) of each member listed."""
    people = sorted(attendance, key=lambda row: row[2])
    return LedgerEntry(
        meeting=meeting,
        host=member_name(meeting.host),
        recorder=member_name(meeting.recorder),
        materials=[material.page_title for material in meeting.materials.all()],
        resolutions=[
            (resolution.text, member_name(resolution.owner), resolution.due_on)
            for resolution in meeting.resolutions.all()
        ],
        present=[name for presence, _reason, name in people if presence == Presence.PRESENT],
        leave=[(name, reason) for presence, reason, name in people if presence == Presence.LEAVE],
        absent=[name for presence, _reason, name in people if presence == Presence.ABSENT],
    )


def ledger(branch: Branch, year: int) -> list[LedgerEntry]:
    """The branch's confirmed meetings of ``year``, oldest first, with everything the 台账
    prints: a fixed number of queries however many meetings and members."""
    meetings = list(
        year_meetings(branch, year)
        .select_related("host__member_profile", "recorder__member_profile")
        .prefetch_related("materials", "resolutions__owner__member_profile")
    )
    username = f"member__{get_user_model().USERNAME_FIELD}"
    attendance = attendance_by_meeting(meetings, "member__member_profile__display_name", username)
    return [
        ledger_entry(
            meeting, [(p, r, name or login) for p, r, name, login in attendance[meeting.pk]]
        )
        for meeting in meetings
    ]


# --- 组织部: per branch and quarter, recorded or not ----------------------------------------

DONE, MISSING, OPEN, FUTURE = "done", "missing", "open", "future"


@dataclass
class QuarterCell:
    quarter: int
    kinds: list[tuple[str, str]]  # (kind label, DONE / MISSING / OPEN / FUTURE)

    @property
    def complete(self) -> bool:
        return all(status == DONE for _label, status in self.kinds)


@dataclass
class BranchQuarters:
    branch: Branch
    quarters: list[QuarterCell]


def quarter_status(months: set[int], cadence: int, quarter: int, year: int, today: date) -> str:
    """Whether the kind's required meetings of the quarter are recorded.

    A kind due more often than quarterly needs a record in each of its periods in the
    quarter; one due less often needs one in the period that holds the quarter.
    """
    first_month, last_month = quarter * 3 - 2, quarter * 3
    current = (year, (today.month + 2) // 3)
    if (year, quarter) > (today.year, (today.month + 2) // 3):
        return FUTURE
    periods = {period_of(month, cadence) for month in range(first_month, last_month + 1)}
    if all(any(first <= month <= last for month in months) for first, last in periods):
        return DONE
    return OPEN if (year, quarter) == current else MISSING


def oversight(year: int, today: date | None = None) -> list[BranchQuarters]:
    """Every branch, each quarter of ``year``: each required kind recorded or not (two queries)."""
    today = today or timezone.localdate()
    zone = site_zone()
    found: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    rows = Meeting.objects.filter(
        status=MeetingStatus.CONFIRMED,
        starts_at__gte=datetime(year, 1, 1, tzinfo=zone),
        starts_at__lt=datetime(year + 1, 1, 1, tzinfo=zone),
    ).values_list("branch_id", "kind", "starts_at")
    for branch_id, kind, starts_at in rows:
        found[branch_id][kind].add(timezone.localtime(starts_at, zone).month)
    required = requirements()
    summary = []
    for branch in Branch.objects.order_by("organisation", "name"):
        months = found.get(branch.pk, {})
        quarters = [
            QuarterCell(
                quarter,
                [
                    (
                        str(MeetingKind(kind).label),
                        quarter_status(months.get(kind, set()), cadence, quarter, year, today),
                    )
                    for kind, cadence in required.items()
                ],
            )
            for quarter in QUARTERS
        ]
        summary.append(BranchQuarters(branch, quarters))
    return summary
