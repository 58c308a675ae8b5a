"""Who may see what of a branch's 组织生活 records (one rule for every view).

Everything (minutes, absence reasons, everyone's attendance, attachments): the branch's own
organisers and holders of ``meetings.oversee_meetings`` (组织部). A member of the branch:
the confirmed records' kind, time, place, topics, materials, resolutions and their own
attendance. Anyone else: nothing (the views answer 404).
"""

from __future__ import annotations

from meetings.models import Meeting
from members.models import organiser_branch

OVERSEE = "meetings.oversee_meetings"


def can_oversee(user) -> bool:
    """组织部: every branch's records, the 台账 of any branch, the overview."""
    return user.has_perm(OVERSEE)


def can_see_everything(user, meeting: Meeting) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if can_oversee(user):
        return True
    branch = organiser_branch(user)
    return branch is not None and branch.pk == meeting.branch_id


def can_see_part(user, meeting: Meeting) -> bool:
    """A member's part of a confirmed record: they are in its branch, or the record lists them
    (a member who has since moved to another branch still sees the meetings they were at)."""
    if not meeting.is_confirmed or not getattr(user, "is_authenticated", False):
        return False
    profile = getattr(user, "member_profile", None)
    if profile is not None and profile.branch_id == meeting.branch_id:
        return True
    return meeting.attendance.filter(member=user).exists()


def meeting_subject(meeting: Meeting) -> str:
    """How a record is named in the audit trail: 支部 · 类型 时间."""
    return f"{meeting.branch.name} · {meeting}"
