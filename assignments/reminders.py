"""Reminding members whose 待学任务 is due within 48 hours (``manage.py send_reminders``).

Each member gets one reminder per assignment and due date (``ReminderSent``), so running
it again sends nothing new, and extending the due date allows exactly one more. Done
members and overdue or closed assignments get nothing; an assignment that requires a
reflection is done only with one on every item (the email says so). Django's email settings decide how
mail leaves; members without an email address are listed so that an organiser can tell
them in person.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Site

from assignments.models import Assignment, ReminderSent, StudyStatus
from assignments.progress import (
    any_requires_reflection,
    audience_ids,
    branch_members,
    item_page_ids,
    load_progress,
    with_items,
)
from home.models import ContentPage
from members.models import person_label

WINDOW = timedelta(hours=48)


@dataclass
class Reminder:
    assignment: Assignment
    member: object  # the user, with member_profile loaded
    pages: list  # the items' pages not done yet, in the organiser's order

    @property
    def who(self) -> str:
        return person_label(self.member)


@dataclass
class Run:
    """What one run did: sent, reminded before, without an address, failed (with why)."""

    sent: int = 0
    already: int = 0
    no_email: list[Reminder] = field(default_factory=list)
    failed: list[tuple[Reminder, str]] = field(default_factory=list)


def format_day(day: date) -> str:
    return _("{year}年{month}月{day}日").format(year=day.year, month=day.month, day=day.day)


def one_line(text: str) -> str:
    # A line break in a title would make the subject an invalid header.
    return " ".join(text.split())


def send_reminders(now: datetime, on_sent: Callable[[Reminder], None] | None = None) -> Run:
    """Send every reminder due now over one connection; record each one sent."""
    reminders, already = due_reminders(now)
    run = Run(already=already)
    url = site_url()
    connection = get_connection()
    # Opened once for the whole run; if the server is down, each send reports it.
    with suppress(OSError):
        connection.open()
    try:
        for reminder in reminders:
            if not reminder.member.email.strip():
                run.no_email.append(reminder)
                continue
            error = deliver(reminder_message(reminder, url, connection), connection)
            if error:
                run.failed.append((reminder, error))
                continue
            record_sent(reminder)
            run.sent += 1
            if on_sent:
                on_sent(reminder)
    finally:
        with suppress(OSError):
            connection.close()
    return run


def record_sent(reminder: Reminder) -> None:
    # ignore_conflicts: a concurrent run may have recorded the same reminder.
    ReminderSent.objects.bulk_create(
        [
            ReminderSent(
                assignment=reminder.assignment,
                member=reminder.member,
                due_on=reminder.assignment.due_on,
            )
        ],
        ignore_conflicts=True,
    )


def assignments_due(now: datetime) -> list[Assignment]:
    """Open assignments due within ``WINDOW`` from ``now``, with their items."""
    today, last_day = timezone.localdate(now), timezone.localdate(now + WINDOW)
    return [
        assignment
        for assignment in with_items(
            Assignment.objects.filter(
                closed_at__isnull=True, due_on__gte=today, due_on__lte=last_day
            ).order_by("due_on", "pk")
        )
        if now < assignment.due_at <= now + WINDOW
    ]


def due_reminders(now: datetime) -> tuple[list[Reminder], int]:
    """Who to remind of what, and how many were reminded already.

    A fixed number of queries for the assignments and pages, then two per branch with
    an assignment due (its members and their records; three when one of them requires a
    reflection), however many members it has.
    """
    assignments = assignments_due(now)
    if not assignments:
        return [], 0
    # Only pages the member can open: the same items their 待学任务 list shows.
    visible = set(
        ContentPage.objects.visible()
        .filter(pk__in={pk for a in assignments for pk in item_page_ids(a)})
        .values_list("pk", flat=True)
    )
    reminded = set(
        ReminderSent.objects.filter(assignment__in=assignments).values_list(
            "assignment_id", "member_id", "due_on"
        )
    )
    by_branch = defaultdict(list)
    for assignment in assignments:
        by_branch[assignment.branch_id].append(assignment)

    reminders, already = [], 0
    for branch_id, branch_assignments in by_branch.items():
        members = {member.pk: member for member in branch_members(branch_id)}
        progress = load_progress(
            list(members),
            {pk for a in branch_assignments for pk in item_page_ids(a) if pk in visible},
            reflections=any_requires_reflection(branch_assignments),
        )
        for assignment in branch_assignments:
            items = [item for item in assignment.items.all() if item.page_id in visible]
            if not items:
                continue  # nothing left the member could open
            pages = [item.page_id for item in items]
            required = assignment.require_reflection
            for member_id in audience_ids(assignment, list(members)):
                member_progress = progress[member_id]
                if member_progress.status(pages, required) == StudyStatus.DONE:
                    continue
                if (assignment.pk, member_id, assignment.due_on) in reminded:
                    already += 1
                    continue
                todo = [i.page for i in items if not member_progress.is_done(i.page_id, required)]
                reminders.append(Reminder(assignment, members[member_id], todo))
    return reminders, already


def site_url() -> str:
    site = Site.objects.filter(is_default_site=True).first()
    return (site.root_url if site else settings.WAGTAILADMIN_BASE_URL).rstrip("/")


def reminder_message(reminder: Reminder, site_url: str, connection) -> EmailMessage:
    assignment, profile = reminder.assignment, reminder.member.member_profile
    due = format_day(assignment.due_on)
    subject = _("待学任务提醒：《{title}》将于 {due} 截止").format(
        title=one_line(assignment.title), due=due
    )
    lines = [
        _("{name}，你好：").format(name=profile.display_name),
        "",
        _("学习任务《{title}》将于 {due} 截止，下面这些内容你还没有学完：").format(
            title=assignment.title, due=due
        ),
        "",
    ]
    for number, page in enumerate(reminder.pages, start=1):
        lines.append(f"{number}. {page.title}")
        url = page.get_full_url()
        if url:
            lines.append(f"   {url}")
    if assignment.require_reflection:
        lines += ["", _("这项任务要求每项内容学完后写下学习心得（心得默认仅你自己可见）。")]
    if assignment.note.strip():
        lines += ["", _("任务说明："), assignment.note.strip()]
    lines += [
        "",
        _("在“我的学习”里可以看到你的全部待学任务："),
        site_url + reverse("mylearning:my_learning"),
    ]
    return automatic_email(subject, lines, [reminder.member.email.strip()], connection)


def automatic_email(subject: str, lines: list[str], to: list[str], connection) -> EmailMessage:
    """A message the site sends by itself: the lines, then a word not to reply to it."""
    lines = [*lines, "", _("这封邮件由红课自动发送，请不要直接回复。")]
    return EmailMessage(
        subject=subject,
        body="\n".join(lines) + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        connection=connection,
    )


def deliver(message: EmailMessage, connection) -> str | None:
    """Send one message; on failure the reason, and a fresh connection for the next one."""
    try:
        message.send()
    except OSError as exc:  # smtplib's errors, refused connections and timeouts
        with suppress(OSError):
            connection.close()
        with suppress(OSError):
            connection.open()
        return f"{exc.__class__.__name__}: {exc}"
    return None
