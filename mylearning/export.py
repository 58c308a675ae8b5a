"""我的学习 → 下载: everything the site keeps about a member, as one JSON document.

Like ``mylearning.history``, every function takes the member and filters by it; each part of
the export is one query whatever the size of the history.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from assignments.models import ReflectionShare
from events.models import Registration
from feedback.models import PageVote
from home.deleted import deleted_label
from learning.models import (
    Dismissal,
    LearningEvent,
    LearningRecord,
    ReadingListPreference,
)
from meetings.models import Attendance, MeetingKind, MeetingStatus, Presence
from members.models import MemberProfile
from reflections.models import Reflection
from selfcheck.models import SelfCheckAnswer


def iso(moment: datetime | None) -> str | None:
    return (
        timezone.localtime(moment, timezone.get_default_timezone()).isoformat() if moment else None
    )


def export_filename(member, now: datetime | None = None) -> str:
    today = timezone.localtime(now or timezone.now(), timezone.get_default_timezone()).date()
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
        "meeting_attendance": exported_meeting_attendance(member),
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


def exported_meeting_attendance(member) -> list[dict[str, Any]]:
    """The member's own line in each confirmed 组织生活 record (their own reason included);
    the branch keeps the record itself, so erasing learning history leaves it (docs/meetings.md)."""
    rows = (
        Attendance.objects.filter(member=member, meeting__status=MeetingStatus.CONFIRMED)
        .order_by("meeting__starts_at", "pk")
        .values_list(
            "meeting__branch__name", "meeting__kind", "meeting__starts_at", "presence", "reason"
        )
    )
    return [
        {
            "branch": branch,
            "kind": str(MeetingKind(kind).label),
            "starts_at": iso(starts_at),
            "presence": str(Presence(presence).label),
            "reason": reason,
        }
        for branch, kind, starts_at, presence, reason in rows
    ]
