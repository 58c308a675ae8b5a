"""Checking what an organiser sent for a meeting record, whole, before anything is written.

``plan`` returns what ``meetings.records`` will write, or raises ``ValidationError`` listing
every problem in Chinese: an attendee, host, recorder or resolution owner outside the branch,
a resolution without text or owner, a page that is not the site's content, too long a text,
an invalid link, a second record of the same kind at the same time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from assignments.progress import branch_members
from home.models import ContentPage
from meetings.models import Attendance, Meeting, MeetingKind, Presence, Resolution
from members.models import Branch, member_name

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


@dataclass
class Plan:
    """What a draft or correction will write, checked whole before anything is."""

    fields: dict
    attendance: dict[int, tuple[str, str]]  # every member of the record: (presence, reason)
    pages: list
    resolutions: list[dict]


@dataclass
class People:
    """Who a record may name: the branch's members now, and (for a record already saved)
    everyone it lists with what it recorded, so a member who has since left can still be
    corrected."""

    branch: dict[int, object]
    listed: dict[int, tuple[str, str]]
    everyone: dict[int, object]


def people_of(branch: Branch, meeting: Meeting | None) -> People:
    members = {user.pk: user for user in branch_members(branch)}
    everyone, listed = dict(members), {}
    if meeting is not None and meeting.pk is not None:
        for row in meeting.attendance.select_related("member__member_profile"):
            everyone.setdefault(row.member_id, row.member)
            listed[row.member_id] = (row.presence, row.reason)
    return People(members, listed, everyone)


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
    attendance: dict, people: People, errors: list[str], *, correcting: bool
) -> dict[int, tuple[str, str]]:
    """Every member of the record with their presence. A reason is kept for 请假 only.

    A draft lists the branch as it is now: anyone the organiser left out was present. A
    correction starts from what the record lists: members it leaves out keep what was
    recorded, and a member the record did not list is added only when marked 请假 or 缺席
    (so members who joined the branch after the meeting are not added to it as present).
    """
    outsiders = [member_id for member_id in attendance if member_id not in people.everyone]
    if outsiders:
        errors.append(
            _("出席名单中有 %(count)d 人不是本支部成员，请刷新名单后重试。")
            % {"count": len(outsiders)}
        )
    if correcting:
        result = dict(people.listed)
    else:
        result = {member_id: (Presence.PRESENT, "") for member_id in people.branch}
    for member_id, (presence, reason) in attendance.items():
        if member_id not in people.everyone:
            continue
        name = member_name(people.everyone[member_id])
        if presence not in Presence.values:
            errors.append(_("%(name)s 的出席情况无效。") % {"name": name})
            continue
        reason = (reason or "").strip() if presence == Presence.LEAVE else ""
        if len(reason) > REASON_MAX:
            errors.append(
                _("%(name)s 的请假事由不能超过 %(max)d 字。") % {"name": name, "max": REASON_MAX}
            )
        if correcting and member_id not in result and presence == Presence.PRESENT:
            continue
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


def plan(branch, meeting, *, fields, attendance, materials, resolutions, correcting=False) -> Plan:
    """Everything checked; raises ValidationError listing every problem found."""
    errors: list[str] = []
    people = people_of(branch, meeting)
    planned = Plan(
        fields=check_fields(fields, people.everyone, errors),
        attendance=check_attendance(attendance, people, errors, correcting=correcting),
        pages=check_materials(materials, errors),
        resolutions=check_resolutions(resolutions, people.everyone, errors),
    )
    if not errors:
        probe = meeting or Meeting(branch=branch)
        for name, value in planned.fields.items():
            setattr(probe, name, value)
        check_model(probe, errors)
    if errors:
        raise ValidationError(errors)
    return planned
