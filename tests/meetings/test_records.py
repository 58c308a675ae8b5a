"""The rules of recording a meeting (meetings.records)."""

import pytest

from meetings.models import MeetingStatus, Presence
from tests.factories import AttendanceFactory, MeetingFactory, make_member

pytestmark = pytest.mark.django_db


def test_meeting_factories_make_a_draft_of_the_test_branch_with_attendance():
    member = make_member("zhang")
    first, second = MeetingFactory(), MeetingFactory(status=MeetingStatus.CONFIRMED)
    assert first.status == MeetingStatus.DRAFT and first.confirmed_at is None
    assert second.is_confirmed and second.confirmed_at is not None
    assert first.branch == member.member_profile.branch
    row = AttendanceFactory(meeting=first, member=member, presence=Presence.LEAVE, reason="生病")
    assert list(first.attendance.all()) == [row]
