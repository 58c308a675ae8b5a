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


def can_see_everything(user, meeting: Meeting) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.has_perm(OVERSEE):
        return True
    branch = organiser_branch(user)
    return branch is not None and branch.pk == meeting.branch_id


def meeting_subject(meeting: Meeting) -> str:
    """How a record is named in the audit trail: 支部 · 类型 时间."""
    return f"{meeting.branch.name} · {meeting}"
