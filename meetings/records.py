"""The rules of recording a meeting: drafts, confirming, corrections, attendance.

One home for them (the pages, the importer and the demo call these):

- a draft is saved whole or not at all (``save_draft``); every attendee, host, recorder and
  resolution owner is a member of the branch, every resolution has an owner;
- confirming (``confirm``) locks the record; a meeting still in the future cannot be
  confirmed; the absent get their 补学 (``meetings.makeup``);
- a confirmed record changes only through ``correct``, with a reason, keeping the record as
  it was and as it became (``Correction.before``/``after``, from ``snapshot``);
- attendance is what a person recorded, or the check-ins of the linked forum event
  (``attendance_from_event``); members left out of what the organiser sent were present.

Refusals raise ``ValidationError`` with Chinese messages naming what was wrong, before
anything is written.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from assignments.progress import branch_members
from events.registration_models import Registration
from home.models import ContentPage
from meetings.makeup import create_makeup, makeup_done, sync_makeup
from meetings.models import (
    Attendance,
    Correction,
    Meeting,
    MeetingKind,
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
    "roster",
    "save_draft",
    "snapshot",
]

# What ``fields`` may set on a meeting (anything else is a programming error).
FIELDS = (
    "kind",
    "starts_at",
    "place",
    "online_link",
    "host",
    "recorder",
    "topics",
    "minutes",
    "event",
    "makeup_reflection",
)
REASON_MAX = Attendance._meta.get_field("reason").max_length
RESOLUTION_MAX = Resolution._meta.get_field("text").max_length
CORRECTION_REASON_MAX = Correction._meta.get_field("reason").max_length


def roster(branch: Branch) -> QuerySet:
    """The branch's members, by name (the people a meeting's attendance is taken of)."""
    return branch_members(branch)


# --- checking what the organiser sent ----------------------------------------------------------


@dataclass
class Plan:
    """What a draft or correction will write, checked whole before anything is."""

    fields: dict
    attendance: dict[int, tuple[str, str]]  # every member of the record: (presence, reason)
    pages: list
    resolutions: list[dict]


def allowed_members(branch: Branch, meeting: Meeting | None) -> dict[int, object]:
    """Who may appear in the record: the branch's members, and (for a record already saved)
    anyone it already lists, so a member who has since left can still be corrected."""
    people = {user.pk: user for user in roster(branch)}
    if meeting is not None and meeting.pk is not None:
        for row in meeting.attendance.select_related("member__member_profile"):
            people.setdefault(row.member_id, row.member)
    return people


def check_fields(fields: dict, people: dict[int, object], errors: list[str]) -> dict:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown meeting fields: {sorted(unknown)}")
    if fields.get("kind") not in MeetingKind.values:
        errors.append(_("请选择会议类型。"))
    starts_at = fields.get("starts_at")
    if not isinstance(starts_at, datetime) or timezone.is_naive(starts_at):
        errors.append(_("请填写有效的会议时间。"))
    for name, label in (("host", _("主持人")), ("recorder", _("记录人"))):
        person = fields.get(name)
        if person is not None and person.pk not in people:
            errors.append(_("%(role)s必须是本支部成员。") % {"role": label})
    if not (fields.get("topics") or "").strip():
        errors.append(_("请填写议题。"))
    for name in ("topics", "minutes"):
        field = Meeting._meta.get_field(name)
        if len(fields.get(name) or "") > field.max_length:
            errors.append(
                _("%(field)s不能超过 %(max)d 字。")
                % {"field": field.verbose_name, "max": field.max_length}
            )
    return {name: fields.get(name) for name in FIELDS}


def check_attendance(
    attendance: dict, people: dict[int, object], errors: list[str]
) -> dict[int, tuple[str, str]]:
    """Every member of the record with their presence; anyone the organiser left out was
    present. A reason is kept for 请假 only."""
    outsiders = [member_id for member_id in attendance if member_id not in people]
    if outsiders:
        errors.append(
            _("出席名单中有 %(count)d 人不是本支部成员，请刷新名单后重试。")
            % {"count": len(outsiders)}
        )
    result = {member_id: (Presence.PRESENT, "") for member_id in people}
    for member_id, (presence, reason) in attendance.items():
        if member_id not in people:
            continue
        name = member_name(people[member_id])
        if presence not in Presence.values:
            errors.append(_("%(name)s 的出席情况无效。") % {"name": name})
            continue
        reason = (reason or "").strip() if presence == Presence.LEAVE else ""
        if len(reason) > REASON_MAX:
            errors.append(
                _("%(name)s 的请假事由不能超过 %(max)d 字。") % {"name": name, "max": REASON_MAX}
            )
        result[member_id] = (presence, reason)
    return result


def check_materials(materials: list, errors: list[str]) -> list:
    """The pages in order, each once; only the site's content pages can be studied."""
    pages, seen = [], set()
    for page in materials:
        if page is None or page.pk in seen:
            continue
        seen.add(page.pk)
        pages.append(page)
    content = set(ContentPage.objects.filter(pk__in=seen).values_list("pk", flat=True))
    for page in pages:
        if page.pk not in content:
            errors.append(
                _("“%(title)s”不是本站的学习内容，不能作为学习材料。") % {"title": page.title}
            )
    return pages


def check_resolutions(
    resolutions: list[dict], people: dict[int, object], errors: list[str]
) -> list[dict]:
    checked = []
    for number, resolution in enumerate(resolutions, start=1):
        text = (resolution.get("text") or "").strip()
        owner, due_on = resolution.get("owner"), resolution.get("due_on")
        if not text:
            errors.append(_("第 %(n)d 条决议没有内容。") % {"n": number})
        elif len(text) > RESOLUTION_MAX:
            errors.append(
                _("第 %(n)d 条决议不能超过 %(max)d 字。") % {"n": number, "max": RESOLUTION_MAX}
            )
        if owner is None:
            errors.append(_("第 %(n)d 条决议没有负责人。") % {"n": number})
        elif owner.pk not in people:
            errors.append(_("第 %(n)d 条决议的负责人必须是本支部成员。") % {"n": number})
        if due_on is not None and (not isinstance(due_on, date) or isinstance(due_on, datetime)):
            errors.append(_("第 %(n)d 条决议的完成期限无效。") % {"n": number})
        checked.append({"text": text, "owner": owner, "due_on": due_on})
    return checked


def check_model(meeting: Meeting, errors: list[str]) -> None:
    """The model's own limits (lengths, the online link), and one record per branch, kind
    and time."""
    try:
        meeting.full_clean(
            exclude=["branch", "host", "recorder", "event", "makeup", "created_by", "confirmed_by"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            label = Meeting._meta.get_field(name).verbose_name if name != "__all__" else ""
            errors.extend(f"{label}：{message}" if label else message for message in messages)
    same = Meeting.objects.filter(
        branch=meeting.branch, kind=meeting.kind, starts_at=meeting.starts_at
    ).exclude(pk=meeting.pk)
    if meeting.kind and isinstance(meeting.starts_at, datetime) and same.exists():
        errors.append(
            _("本支部在这个时间已有一条%(kind)s记录。") % {"kind": meeting.get_kind_display()}
        )


def plan(branch, meeting, *, fields, attendance, materials, resolutions) -> Plan:
    """Everything checked; raises ValidationError listing every problem found."""
    errors: list[str] = []
    people = allowed_members(branch, meeting)
    planned = Plan(
        fields=check_fields(fields, people, errors),
        attendance=check_attendance(attendance, people, errors),
        pages=check_materials(materials, errors),
        resolutions=check_resolutions(resolutions, people, errors),
    )
    if not errors:
        probe = meeting or Meeting(branch=branch)
        for name, value in planned.fields.items():
            setattr(probe, name, value)
        check_model(probe, errors)
    if errors:
        raise ValidationError(errors)
    return planned


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
    """The meeting read again inside the transaction, so two saves cannot cross."""
    return Meeting.objects.select_for_update().select_related("branch").get(pk=meeting.pk)


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
    audience in step. A reason is required; a correction that changes nothing is refused."""
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
