"""``manage.py import_meetings``: past records from CSV, all or nothing, and back out again."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from core.spreadsheet import csv_safe
from meetings.meeting_csv import (
    CSV_HEADER,
    MeetingImportError,
    export_rows,
    import_meetings,
    parse_rows,
)
from meetings.models import Attendance, Meeting, MeetingSource, MeetingStatus, Presence
from members.models import Role
from tests.factories import BranchFactory, make_member

HEADER = ",".join(CSV_HEADER)


@pytest.fixture
def branch(db):
    branch = BranchFactory(name="化学学院第一党支部")
    make_member("zhang", name="张三", branch=branch, role=Role.ORGANISER)
    for username, name in (("li", "李四"), ("wang", "王五"), ("zhao", "赵六"), ("qian", "钱七")):
        make_member(username, name=name, branch=branch)
    return branch


def csv_text(*lines: str) -> str:
    return "\n".join([HEADER, *lines]) + "\n"


GOOD = (
    "化学学院第一党支部,党员大会,2025-03-14 14:30,学院 302 会议室,zhang,li,"
    '"学习全国两会精神；讨论发展对象",zhang;li;wang,zhao:实验课冲突,qian',
    "化学学院第一党支部,支委会,2025-04-02 19:00,线上,zhang,li,研究第二季度工作安排,zhang;li,,",
)


def test_a_good_file_makes_confirmed_imported_records_without_makeup(branch):
    result = import_meetings(csv_text(*GOOD))
    assert (result.created, result.unchanged) == (2, 0)
    general = Meeting.objects.get(kind="general")
    assert general.status == MeetingStatus.CONFIRMED
    assert general.source == MeetingSource.IMPORT
    assert general.makeup is None
    assert general.host.username == "zhang" and general.recorder.username == "li"
    assert general.topics == "学习全国两会精神；讨论发展对象"
    local = general.starts_at.astimezone(ZoneInfo("Asia/Shanghai"))
    assert (local.hour, local.minute) == (14, 30)
    rows = {a.member.username: (a.presence, a.reason) for a in general.attendance.all()}
    assert rows == {
        "zhang": (Presence.PRESENT, ""),
        "li": (Presence.PRESENT, ""),
        "wang": (Presence.PRESENT, ""),
        "zhao": (Presence.LEAVE, "实验课冲突"),
        "qian": (Presence.ABSENT, ""),
    }


def test_the_same_file_twice_changes_nothing(branch):
    import_meetings(csv_text(*GOOD))
    before = list(Meeting.objects.values_list("pk", "kind", "starts_at", "topics"))
    attendance = Attendance.objects.count()
    result = import_meetings(csv_text(*GOOD))
    assert (result.created, result.unchanged) == (0, 2)
    assert list(Meeting.objects.values_list("pk", "kind", "starts_at", "topics")) == before
    assert Attendance.objects.count() == attendance


BAD_LINES = [
    (
        "不存在的支部,党员大会,2025-03-14 14:30,,,,议题,zhang,,",
        "党支部“不存在的支部”在网站上不存在",
    ),
    ("化学学院第一党支部,茶话会,2025-03-14 14:30,,,,议题,zhang,,", "会议类型“茶话会”不对"),
    ("化学学院第一党支部,党课,2025/03/14,,,,议题,zhang,,", "时间“2025/03/14”不对"),
    ("化学学院第一党支部,党课,2025-02-30 10:00,,,,议题,zhang,,", "时间“2025-02-30 10:00”不对"),
    ("化学学院第一党支部,党课,2099-01-01 10:00,,,,议题,zhang,,", "还没有到"),
    ("化学学院第一党支部,党课,2025-03-14 14:30,,,,议题,zhang;nobody,,", "nobody 在网站上不存在"),
    (
        "化学学院第一党支部,党课,2025-03-14 14:30,,,,议题,zhang;outsider,,",
        "outsider 不是“化学学院第一党支部”的成员",
    ),
    ("化学学院第一党支部,党课,2025-03-14 14:30,,outsider,,议题,zhang,,", "主持人用户名 outsider"),
    (
        "化学学院第一党支部,党课,2025-03-14 14:30,,,,议题,zhang;li,li:生病,",
        "li 在出席、请假、缺席中出现了不止一次",
    ),
    ("化学学院第一党支部,党课,2025-03-14 14:30,,,,,zhang,,", "议题（topics）不能为空"),
    ("化学学院第一党支部,党课,2025-03-14 14:30,,,,议题,zhang,:生病,", "leave 里有一项缺少用户名"),
    ("化学学院第一党支部,党课,2025-03-14 14:30,,,,议题,zhang", "这一行有 8 列"),
]


@pytest.mark.parametrize(("line", "message"), BAD_LINES)
def test_one_bad_line_refuses_the_whole_file(branch, line, message):
    make_member("outsider", branch=BranchFactory())
    with pytest.raises(MeetingImportError) as refused:
        import_meetings(csv_text(*GOOD, line))
    assert any(p.startswith("第 4 行：") and message in p for p in refused.value.problems), (
        refused.value.problems
    )
    assert not Meeting.objects.exists()
    assert not Attendance.objects.exists()


def test_the_same_meeting_twice_in_one_file_is_refused(branch):
    with pytest.raises(MeetingImportError) as refused:
        parse_rows(csv_text(GOOD[0], GOOD[1], GOOD[0]))
    assert refused.value.problems == ["第 4 行：与第 2 行是同一次会议（党支部、类型和时间都相同）"]


def test_a_wrong_header_or_an_empty_file_is_refused(branch):
    with pytest.raises(MeetingImportError, match="第 1 行：表头应正好是"):
        parse_rows("branch,kind,when\n" + GOOD[0])
    with pytest.raises(MeetingImportError, match="文件是空的"):
        parse_rows("")
    with pytest.raises(MeetingImportError, match="只有表头"):
        parse_rows(HEADER + "\n")


def test_line_numbers_count_quoted_line_breaks(branch):
    multi = '化学学院第一党支部,党课,2025-05-10 10:00,,,,"第一段\n第二段",zhang,,'
    with pytest.raises(MeetingImportError) as refused:
        parse_rows(csv_text(multi, "化学学院第一党支部,茶话会,2025-05-11 10:00,,,,议题,zhang,,"))
    assert refused.value.problems[0].startswith("第 4 行：")


def test_the_command_reports_success_and_refuses_bad_files(branch, tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_bytes(("\ufeff" + csv_text(*GOOD)).encode("utf-8"))  # Excel's byte order mark
    call_command("import_meetings", str(good))
    assert "新建 2 条" in capsys.readouterr().out
    call_command("import_meetings", str(good))
    assert "已有 2 条未改动" in capsys.readouterr().out

    bad = tmp_path / "bad.csv"
    bad.write_text(csv_text("化学学院第一党支部,党课,2025-06-01 10:00,,,,议题,ghost,,"))
    with pytest.raises(CommandError, match="没有导入任何会议"):
        call_command("import_meetings", str(bad))
    assert "第 2 行：present 中的用户名 ghost 在网站上不存在" in capsys.readouterr().err

    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(csv_text(*GOOD).encode("gbk"))
    with pytest.raises(CommandError, match="不是 UTF-8"):
        call_command("import_meetings", str(gbk))
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(CommandError):
        call_command("import_meetings", str(empty))
    assert Meeting.objects.count() == 2


def test_export_then_import_into_an_empty_database_gives_the_same_export(branch):
    risky = (
        '化学学院第一党支部,主题党日,2025-07-01 09:00,"西柏坡, 纪念馆",zhang,li,'
        "-重温入党誓词,zhang;wang,li:在外地实习;zhao:,qian"
    )
    import_meetings(csv_text(*GOOD, risky))
    exported = export_rows(branch, 2025)
    assert len(exported) == 3
    assert exported[2][6] == "-重温入党誓词"
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for row in exported:
        writer.writerow([csv_safe(cell) for cell in row])  # as the CSV download writes them
    Attendance.objects.all().delete()
    Meeting.objects.all().delete()
    import_meetings(out.getvalue())
    assert export_rows(branch, 2025) == exported


def test_the_demo_site_without_people_has_no_meetings(db):
    # tests/conftest.py loads the demo with --no-people.
    assert not Meeting.objects.exists()


def test_the_demo_branch_gets_a_year_of_meetings_through_the_import(db):
    from demo.meetings import build_meetings, year_of_meetings_csv
    from demo.people import BRANCH_NAME, demo_users, import_people
    from members.models import Branch

    import_people()
    now = datetime(2026, 12, 7, 12, tzinfo=ZoneInfo("Asia/Shanghai"))
    text = year_of_meetings_csv(BRANCH_NAME, now)
    assert text == year_of_meetings_csv(BRANCH_NAME, now)  # the same story every load
    branch = Branch.objects.get(name=BRANCH_NAME)
    organiser, members = demo_users()

    class Organisation:
        pass

    organisation = Organisation()
    organisation.branch = branch
    made = build_meetings(organisation, now)
    assert made == len(text.strip().splitlines()) - 1
    assert build_meetings(organisation, now) == 0  # once
    kinds = set(Meeting.objects.filter(branch=branch).values_list("kind", flat=True))
    assert kinds == {"general", "committee", "group", "lecture", "theme_day", "life"}
    assert Meeting.objects.filter(branch=branch, kind="committee").count() == 12
    assert Meeting.objects.filter(branch=branch, kind="general").count() == 4
    assert Attendance.objects.filter(meeting__branch=branch, presence=Presence.LEAVE).exists()
    assert Attendance.objects.filter(meeting__branch=branch, presence=Presence.ABSENT).exists()
    assert not Meeting.objects.filter(starts_at__gt=now).exists()
    assert organiser.username == "liuyang" and members
