"""Reminding organisers of required meetings not yet recorded (``manage.py send_meeting_reminders``).

From ``MEETING_REMINDER_DAYS_BEFORE_QUARTER_END`` days before a quarter ends, each branch's
organisers get one e-mail listing the required kinds (``MEETING_REQUIREMENTS``) with no
confirmed record in the period under way: this quarter for quarterly kinds, this month for
monthly ones. Each branch, kind and quarter is reminded once (``MeetingReminderSent``), so
running it every day sends nothing new. Organisers without an e-mail address are listed for
the person running it.
"""

from __future__ import annotations

from collections import defaultdict
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assignments.reminders import automatic_email, deliver, format_day, site_url
from meetings.ledger import gap_messages, requirements
from meetings.meeting_csv import site_zone
from meetings.models import Meeting, MeetingReminderSent, MeetingStatus
from members.models import Branch, MemberProfile


@dataclass
class BranchReminder:
    branch: Branch
    kinds: list[str]  # the required kinds missing
    organisers: list  # users
    quarter_start: date
    quarter_end: date

    @property
    def addresses(self) -> list[str]:
        return [user.email.strip() for user in self.organisers if user.email.strip()]


@dataclass
class Run:
    sent: int = 0
    already: int = 0
    no_email: list[BranchReminder] = field(default_factory=list)
    failed: list[tuple[BranchReminder, str]] = field(default_factory=list)


def quarter_of(day: date) -> tuple[date, date]:
    """The first and last day of the quarter holding ``day``."""
    first_month = (day.month - 1) // 3 * 3 + 1
    start = date(day.year, first_month, 1)
    after = date(day.year + 1, 1, 1) if first_month == 10 else date(day.year, first_month + 3, 1)
    return start, after - timedelta(days=1)


def in_reminder_window(today: date) -> bool:
    _start, end = quarter_of(today)
    return (end - today).days < settings.MEETING_REMINDER_DAYS_BEFORE_QUARTER_END


def missing_kinds(months: dict[str, set[int]], today: date) -> list[str]:
    """The required kinds with no record in their period under way."""
    missing = []
    for kind in requirements():
        if gap_messages(months, today, kinds={kind}):
            missing.append(kind)
    return missing


def due_reminders(today: date) -> tuple[list[BranchReminder], int]:
    """What to send today, and how many (branch, kind) pairs were reminded already."""
    if not in_reminder_window(today):
        return [], 0
    quarter_start, quarter_end = quarter_of(today)
    zone = site_zone()
    recorded: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    meetings = Meeting.objects.filter(
        status=MeetingStatus.CONFIRMED,
        starts_at__gte=datetime(today.year, 1, 1, tzinfo=zone),
        starts_at__lt=datetime(today.year + 1, 1, 1, tzinfo=zone),
    ).values_list("branch_id", "kind", "starts_at")
    for branch_id, kind, starts_at in meetings:
        recorded[branch_id][kind].add(timezone.localtime(starts_at, zone).month)
    sent = set(
        MeetingReminderSent.objects.filter(quarter_start=quarter_start).values_list(
            "branch_id", "kind"
        )
    )
    organisers: dict[int, list] = defaultdict(list)
    branches: dict[int, Branch] = {}
    profiles = MemberProfile.objects.organisers().filter(user__is_active=True)
    for profile in profiles.select_related("user", "branch").order_by("display_name", "pk"):
        organisers[profile.branch_id].append(profile.user)
        branches[profile.branch_id] = profile.branch
    reminders, already = [], 0
    for branch_id, users in organisers.items():
        kinds = missing_kinds(recorded.get(branch_id, {}), today)
        new = [kind for kind in kinds if (branch_id, kind) not in sent]
        already += len(kinds) - len(new)
        if new:
            reminders.append(
                BranchReminder(branches[branch_id], new, users, quarter_start, quarter_end)
            )
    reminders.sort(key=lambda reminder: reminder.branch.name)
    return reminders, already


def reminder_message(reminder: BranchReminder, today: date, url: str, connection) -> EmailMessage:
    gaps = gap_messages({}, today, kinds=set(reminder.kinds))
    subject = _("组织生活提醒：%(branch)s 本季度还有组织生活尚未记录") % {
        "branch": reminder.branch.name
    }
    lines = [
        _("%(branch)s 的组织委员，你好：") % {"branch": reminder.branch.name},
        "",
        _("本季度将于 %(end)s 结束，以下规定的组织生活还没有记录：")
        % {"end": format_day(reminder.quarter_end)},
        "",
        *(f"· {gap}" for gap in gaps),
        "",
        _("如果会议已经召开，请在手机上补录并确认；如果还没有召开，请抓紧安排。"),
        _("本支部今年的组织生活统计："),
        url + reverse("meetings:grid", args=[today.year]),
    ]
    return automatic_email(subject, lines, reminder.addresses, connection)


def record_sent(reminder: BranchReminder) -> None:
    MeetingReminderSent.objects.bulk_create(
        [
            MeetingReminderSent(
                branch=reminder.branch, kind=kind, quarter_start=reminder.quarter_start
            )
            for kind in reminder.kinds
        ],
        ignore_conflicts=True,  # a concurrent run may have recorded it
    )


def send_meeting_reminders(now: datetime | None = None) -> Run:
    """Send every reminder due now over one connection; record each one sent."""
    today = timezone.localdate(now or timezone.now())
    reminders, already = due_reminders(today)
    run = Run(already=already)
    if not reminders:
        return run
    url = site_url()
    connection = get_connection()
    with suppress(OSError):
        connection.open()
    try:
        for reminder in reminders:
            if not reminder.addresses:
                run.no_email.append(reminder)
                continue
            error = deliver(reminder_message(reminder, today, url, connection), connection)
            if error:
                run.failed.append((reminder, error))
                continue
            record_sent(reminder)
            run.sent += 1
    finally:
        with suppress(OSError):
            connection.close()
    return run


__all__ = ["BranchReminder", "Run", "due_reminders", "quarter_of", "send_meeting_reminders"]
