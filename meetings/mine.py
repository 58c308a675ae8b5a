"""我的组织生活: the confirmed records that list the member, newest first.

Kind, time, topics and resolutions of each meeting, the member's own attendance and whether
their 补学 is done; never anyone else's attendance or reason (only the member's own
attendance row is loaded).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from meetings.models import Attendance, Meeting, MeetingStatus, Presence
from meetings.records import member_makeup_done

SHOWN = 20


@dataclass
class MyMeeting:
    meeting: Meeting
    presence: str
    presence_label: str
    makeup_done: bool | None  # None: no 补学 for this member


def my_meetings(user) -> list[MyMeeting]:
    if not getattr(user, "is_authenticated", False):
        return []
    own = Prefetch("attendance", queryset=Attendance.objects.filter(member=user), to_attr="mine")
    meetings = (
        Meeting.objects.filter(attendance__member=user, status=MeetingStatus.CONFIRMED)
        .prefetch_related(own, "resolutions__owner__member_profile")
        .order_by("-starts_at")[:SHOWN]
    )
    meetings = list(meetings)
    done = member_makeup_done(user, meetings)
    rows = []
    for meeting in meetings:
        presence = meeting.mine[0].presence
        rows.append(MyMeeting(meeting, presence, Presence(presence).label, done.get(meeting.pk)))
    return rows
