"""``send_meeting_reminders``: two weeks before a quarter ends, once per branch, kind and quarter."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command

from meetings.meeting_csv import CSV_HEADER, import_meetings
from meetings.models import MeetingReminderSent
from meetings.reminders import due_reminders, quarter_of, send_meeting_reminders
from members.models import Role
from tests.factories import BranchFactory, make_member

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=SHANGHAI)


@pytest.fixture
def branch(db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    branch = BranchFactory(name="甲支部")
    make_member(
        "jia_org", name="甲组织委员", branch=branch, role=Role.ORGANISER, email="org@example.cn"
    )
    make_member("jia_1", name="甲成员", branch=branch, email="member@example.cn")
    lines = [
        ",".join(CSV_HEADER),
        "甲支部,党员大会,2025-05-10 19:00,,,,议题,jia_org;jia_1,,",
        "甲支部,支委会,2025-06-03 19:00,,,,议题,jia_org,,",
    ]
    import_meetings("\n".join(lines) + "\n")
    return branch


def test_quarters():
    assert quarter_of(date(2025, 6, 20)) == (date(2025, 4, 1), date(2025, 6, 30))
    assert quarter_of(date(2025, 12, 1)) == (date(2025, 10, 1), date(2025, 12, 31))


def test_nothing_before_the_last_two_weeks(branch):
    assert send_meeting_reminders(at(date(2025, 6, 16))).sent == 0
    assert mail.outbox == []


def test_organisers_are_told_the_missing_kinds_once(branch):
    run = send_meeting_reminders(at(date(2025, 6, 20)))
    assert run.sent == 1
    (message,) = mail.outbox
    assert message.to == ["org@example.cn"]  # organisers only, never the members
    assert "甲支部" in message.subject
    assert "本月尚无党小组会" in message.body
    assert "本季度尚无党课" in message.body
    assert "支部党员大会" not in message.body and "支委会" not in message.body
    assert "/branch/meetings/grid/2025/" in message.body
    assert set(MeetingReminderSent.objects.values_list("kind", flat=True)) == {"group", "lecture"}

    again = send_meeting_reminders(at(date(2025, 6, 25)))
    assert (again.sent, again.already) == (0, 2)
    assert len(mail.outbox) == 1
    # Next quarter: a fresh start.
    assert send_meeting_reminders(at(date(2025, 9, 20))).sent == 1


def test_a_kind_recorded_meanwhile_is_not_asked_for(branch):
    import_meetings(",".join(CSV_HEADER) + "\n甲支部,党课,2025-06-18 19:00,,,,议题,jia_org,,\n")
    reminders, _already = due_reminders(date(2025, 6, 20))
    assert [r.kinds for r in reminders] == [["group"]]


def test_organisers_without_email_are_listed(branch, capsys, monkeypatch):
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(username="jia_org").update(email="")
    monkeypatch.setattr("django.utils.timezone.now", lambda: at(date(2025, 6, 20)))
    call_command("send_meeting_reminders")
    out = capsys.readouterr().out
    assert "甲支部 的组织委员没有邮箱" in out
    assert mail.outbox == []
    assert not MeetingReminderSent.objects.exists()
