"""The rules of recording a meeting: drafts, confirming, corrections, attendance.

One home for them (the pages, the importer and the demo call these):

- a draft is saved whole or not at all (``save_draft``); every attendee, host, recorder and
  resolution owner is a member of the branch, every resolution has an owner;
- confirming (``confirm``) locks the record; a meeting still in the future cannot be
  confirmed; the absent get their 补学 (``meetings.makeup``);
- a confirmed record changes only through ``correct``, with a reason, keeping the record as
  it was and as it became (``Correction.before``/``after``, from ``snapshot``);
- attendance is what a person recorded, or the check-ins of the linked forum event
  (``attendance_from_event``); in a draft, members left out of what the organiser sent
  were present; in a correction, they keep what the record says (``meetings.checks``).

Refusals raise ``ValidationError`` with Chinese messages naming what was wrong, before
anything is written.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from assignments.progress import branch_members
from events.registration_models import Registration
from meetings.checks import Plan, plan
from meetings.makeup import create_makeup, makeup_done, member_makeup_done, sync_makeup
from meetings.models import (
    Attendance,
    Correction,
    Meeting,
    MeetingMaterial,
    MeetingStatus,
    Presence,
    Resolution,
)
from members.models import Branch, member_name

__all__ = [
    "AttendanceRow",
    "attendance_from_event",
    "attendance_rows",
    "confirm",
    "correct",
    "counts",
    "makeup_done",
    "member_makeup_done",
    "roster",
    "save_draft",
    "snapshot",
]

CORRECTION_REASON_MAX = Correction._meta.get_field("reason").max_length


def roster(branch: Branch) -> QuerySet:
    """The branch's members, by name (the people a meeting's attendance is taken of)."""
    return branch_members(branch)


# --- writing ------------------------------------------------------------------------------------


def write(meeting: Meeting, planned: Plan) -> Meeting:
    """Replace the record's fields, attendance, materials and resolutions (in a transaction)."""
    for name, value in planned.fields.items():
        setattr(meeting, name, value)
    meeting.save()
    meeting.attendance.all().delete()
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, member_id=member_id, presence=presence, reason=reason)
        for member_id, (presence, reason) in planned.attendance.items()
    )
    meeting.materials.all().delete()
    MeetingMaterial.objects.bulk_create(
        MeetingMaterial(meeting=meeting, page_id=page.pk, page_title=page.title[:255], sort_order=n)
        for n, page in enumerate(planned.pages)
    )
    meeting.resolutions.all().delete()
    Resolution.objects.bulk_create(
        Resolution(meeting=meeting, sort_order=n, **resolution)
        for n, resolution in enumerate(planned.resolutions)
    )
    return meeting


def locked(meeting: Meeting) -> Meeting:
    """The caller's meeting, read again inside the transaction (its row locked where the
    database can), so two saves cannot cross and the caller sees what was written."""
    list(Meeting.objects.select_for_update().filter(pk=meeting.pk).values_list("pk"))
    meeting.refresh_from_db()
    return meeting


def follow_roster(meeting: Meeting) -> None:
    """A draft shows the branch as it is now (``attendance_rows``); confirming records just
    that: members who joined since it was saved were present, members who left are gone."""
    now_in = set(roster(meeting.branch).values_list("pk", flat=True))
    meeting.attendance.exclude(member_id__in=now_in).delete()
    recorded = set(meeting.attendance.values_list("member_id", flat=True))
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, member_id=member_id, presence=Presence.PRESENT)
        for member_id in sorted(now_in - recorded)
    )


def save_draft(
    branch: Branch,
    by,
    *,
    meeting: Meeting | None = None,
    fields: dict,
    attendance: dict,
    materials: list,
    resolutions: list[dict],
) -> Meeting:
    """Save a new draft (``meeting=None``) or replace an existing draft of ``branch``.

    ``attendance`` maps member ids to ``(presence, reason)``; members left out were present.
    A confirmed record is refused: it changes only through ``correct``.
    """
    with transaction.atomic():
        if meeting is not None:
            meeting = locked(meeting)
            if meeting.branch_id != branch.pk:
                raise ValidationError(_("这条记录不属于本支部。"))
            if meeting.is_confirmed:
                raise ValidationError(
                    _("这条记录已确认，不能直接修改；如需改动，请提交更正并说明原因。")
                )
        planned = plan(
            branch,
            meeting,
            fields=fields,
            attendance=attendance,
            materials=materials,
            resolutions=resolutions,
        )
        if meeting is None:
            meeting = Meeting(branch=branch, created_by=by, status=MeetingStatus.DRAFT)
        return write(meeting, planned)


def refuse_future(starts_at: datetime, now: datetime) -> None:
    if starts_at > now:
        raise ValidationError(_("会议时间还没到，不能确认尚未召开的会议。"))


def confirm(meeting: Meeting, by, *, now: datetime | None = None) -> Meeting:
    """Lock the record and give the 请假/缺席 members their 补学 (when it studied something)."""
    now = now or timezone.now()
    with transaction.atomic():
        meeting = locked(meeting)
        if meeting.is_confirmed:
            raise ValidationError(_("这条记录已经确认过了。"))
        refuse_future(meeting.starts_at, now)
        meeting.status = MeetingStatus.CONFIRMED
        meeting.confirmed_at = now
        meeting.confirmed_by = by
        meeting.save(update_fields=["status", "confirmed_at", "confirmed_by"])
        follow_roster(meeting)
        create_makeup(meeting, by, now)
        return meeting


def correct(
    meeting: Meeting,
    by,
    *,
    reason: str,
    fields: dict,
    attendance: dict,
    materials: list,
    resolutions: list[dict],
    now: datetime | None = None,
) -> Correction:
    """Change a confirmed record, keeping it as it was and as it became, and keep its 补学's
    audience in step. A reason is required; a correction that changes nothing is refused.

    ``attendance`` changes whom it names; members it leaves out keep what the record says,
    and a member the record did not list is added only when marked 请假 or 缺席.
    """
    now = now or timezone.now()
    reason = (reason or "").strip()
    with transaction.atomic():
        meeting = locked(meeting)
        if not meeting.is_confirmed:
            raise ValidationError(_("只有已确认的记录才需要更正；草稿可以直接修改。"))
        if not reason:
            raise ValidationError(_("请填写更正原因。"))
        if len(reason) > CORRECTION_REASON_MAX:
            raise ValidationError(
                _("更正原因不能超过 %(max)d 字。") % {"max": CORRECTION_REASON_MAX}
            )
        planned = plan(
            meeting.branch,
            meeting,
            fields=fields,
            attendance=attendance,
            materials=materials,
            resolutions=resolutions,
            correcting=True,
        )
        refuse_future(planned.fields["starts_at"], now)
        before = snapshot(meeting)
        write(meeting, planned)
        after = snapshot(meeting)
        if after == before:
            raise ValidationError(_("更正后的内容与原记录相同，没有需要更正的地方。"))
        sync_makeup(meeting, by, now)
        return Correction.objects.create(
            meeting=meeting, made_by=by, made_at=now, reason=reason, before=before, after=after
        )


# --- reading ------------------------------------------------------------------------------------


def person(user) -> dict | None:
    return None if user is None else {"id": user.pk, "name": member_name(user)}


def snapshot(meeting: Meeting) -> dict:
    """The whole record as JSON-able data: what a correction keeps before and after."""
    meeting = Meeting.objects.select_related(
        "host__member_profile", "recorder__member_profile"
    ).get(pk=meeting.pk)
    attendance = meeting.attendance.select_related("member__member_profile").order_by("member_id")
    return {
        "kind": meeting.kind,
        "starts_at": meeting.starts_at.isoformat(),
        "place": meeting.place,
        "online_link": meeting.online_link,
        "host": person(meeting.host),
        "recorder": person(meeting.recorder),
        "topics": meeting.topics,
        "minutes": meeting.minutes,
        "event": meeting.event_id,
        "makeup_reflection": meeting.makeup_reflection,
        "attendance": [
            {
                "member": row.member_id,
                "name": member_name(row.member),
                "presence": row.presence,
                "reason": row.reason,
            }
            for row in attendance
        ],
        "materials": [
            {"page": material.page_id, "title": material.page_title}
            for material in meeting.materials.all()
        ],
        "resolutions": [
            {
                "text": resolution.text,
                "owner": person(resolution.owner),
                "due_on": resolution.due_on.isoformat() if resolution.due_on else None,
            }
            for resolution in meeting.resolutions.select_related("owner__member_profile")
        ],
    }


def attendance_from_event(meeting: Meeting) -> dict[int, tuple[str, str]]:
    """For a meeting held as a forum event: the branch's members who checked in were
    present, the others absent (no reasons: a check-in list does not know them). Empty when
    the meeting is linked to no event."""
    if meeting.event_id is None:
        return {}
    checked_in = set(
        Registration.objects.filter(
            event_id=meeting.event_id, checked_in_at__isnull=False
        ).values_list("member_id", flat=True)
    )
    return {
        member_id: (Presence.PRESENT if member_id in checked_in else Presence.ABSENT, "")
        for member_id in roster(meeting.branch).values_list("pk", flat=True)
    }


@dataclass(frozen=True)
class AttendanceRow:
    """One member at one meeting. ``makeup_done`` is None for a member with no 补学 (present,
    or the record has none), otherwise whether they have done it. ``reason`` is private: the
    branch's organisers and 组织部 only."""

    member: object
    name: str
    presence: str
    reason: str
    makeup_done: bool | None

    @property
    def presence_label(self) -> str:
        return Presence(self.presence).label


def attendance_rows(meeting: Meeting) -> list[AttendanceRow]:
    """Everyone in the record, by name, in a fixed number of queries.

    A draft shows the branch as it is now (members who joined since it was saved are
    present, members who left are gone); a confirmed record shows who it recorded.
    """
    stored = {
        row.member_id: row for row in meeting.attendance.select_related("member__member_profile")
    }
    if meeting.is_confirmed:
        people = [(row.member, row.presence, row.reason) for row in stored.values()]
    else:
        people = []
        for member in roster(meeting.branch):
            row = stored.get(member.pk)
            people.append(
                (member, row.presence, row.reason) if row else (member, Presence.PRESENT, "")
            )
    done = makeup_done(meeting)
    rows = [
        AttendanceRow(member, member_name(member), presence, reason, done.get(member.pk))
        for member, presence, reason in people
    ]
    return sorted(rows, key=lambda row: (row.name, row.member.pk))


def counts(meeting: Meeting) -> dict[str, int]:
    """How many members the record lists, and how many were present, on leave, absent."""
    tally = Counter(meeting.attendance.values_list("presence", flat=True))
    return {
        "total": sum(tally.values()),
        "present": tally[Presence.PRESENT],
        "leave": tally[Presence.LEAVE],
        "absent": tally[Presence.ABSENT],
    }
