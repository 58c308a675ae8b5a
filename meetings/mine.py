"""我的组织生活: a member's own view of their branch's confirmed records.

Kind, time, topics and resolutions of each meeting, the member's own attendance and whether
their 补学 is done; never anyone else's attendance or reason (only the member's own
attendance row is loaded).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from meetings.models import Attendance, Meeting, MeetingStatus, Presence
from meetings.records import makeup_done

SHOWN = 20


@dataclass
class MyMeeting:
    meeting: Meeting
    presence: str
    presence_label: str
    makeup_done: bool | None  # None: no 补学 for this member


def my_meetings(user) -> list[MyMeeting]:
    profile = getattr(user, "member_profile", None)
    if profile is None or profile.branch_id is None:
        return []
    own = Prefetch("attendance", queryset=Attendance.objects.filter(member=user), to_attr="mine")
    meetings = (
        Meeting.objects.filter(branch_id=profile.branch_id, status=MeetingStatus.CONFIRMED)
        .select_related("makeup")
        .prefetch_related(own, "resolutions__owner__member_profile")
        .order_by("-starts_at")[:SHOWN]
    )
    rows = []
    for meeting in meetings:
        presence = meeting.mine[0].presence if meeting.mine else Presence.PRESENT
        done = None
        if presence != Presence.PRESENT and meeting.makeup_id:
            done = makeup_done(meeting).get(user.pk)
        rows.append(MyMeeting(meeting, presence, Presence(presence).label, done))
    return rows
