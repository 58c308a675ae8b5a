"""The 台账 print page, its CSV and XLSX, and the kind × month grid: who sees what, audited."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from openpyxl import load_workbook

from audit.models import Access, AccessRecord
from meetings.ledger import gaps, ledger, year_grid
from meetings.meeting_csv import CSV_HEADER, export_rows, import_meetings
from meetings.models import Meeting, MeetingKind, MeetingStatus
from members.models import Role
from tests.factories import BranchFactory, login, make_member

SHANGHAI = ZoneInfo("Asia/Shanghai")
YEAR = 2025


def oversee(user):
    user.user_permissions.add(Permission.objects.get(codename="oversee_meetings"))
    return user


@pytest.fixture
def branch(db):
    branch = BranchFactory(name="化学学院第一党支部")
    make_member("zhang", name="张三", branch=branch, role=Role.ORGANISER)
    for username, name in (("li", "李四"), ("wang", "王五"), ("zhao", "赵六"), ("qian", "钱七")):
        make_member(username, name=name, branch=branch)
    lines = [
        ",".join(CSV_HEADER),
        "化学学院第一党支部,党员大会,2025-03-14 14:30,学院 302 会议室,zhang,li,"
        "学习全国两会精神,zhang;li;wang,zhao:实验课冲突,qian",
        "化学学院第一党支部,支委会,2025-01-08 19:00,线上,zhang,li,研究寒假工作,zhang;li,,",
        "化学学院第一党支部,支委会,2025-03-05 19:00,线上,zhang,li,研究发展对象,zhang;li,,",
    ]
    import_meetings("\n".join(lines) + "\n")
    Meeting.objects.filter(kind="general").update(minutes="会议记录：同意接收两名预备党员。")
    return branch


def _user(username):
    return get_user_model().objects.get(username=username)


def test_the_ledger_lists_each_meeting_with_counts_names_and_signature_lines(branch):
    response = login(_user("zhang")).get(f"/branch/meetings/ledger/{YEAR}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="ledger-meeting"') == 3
    assert "应到 5 人，实到 3 人，请假 1 人，缺席 1 人" in html
    assert "赵六（实验课冲突）" in html and "钱七" in html
    assert "同意接收两名预备党员" in html
    assert "主持人签字" in html and "记录人签字" in html
    assert "meetings/ledger.css" in html
    assert "private" in response["Cache-Control"]
    # Oldest first.
    assert html.index("研究寒假工作") < html.index("研究发展对象") < html.index("学习全国两会精神")
    assert AccessRecord.objects.filter(access=Access.MEETING_LEDGER, username="zhang").count() == 1


def test_the_print_css_is_a4():
    css = (Path(__file__).parents[2] / "meetings/static/meetings/ledger.css").read_text()
    assert "@page { size: A4" in css and "@media print" in css


def test_drafts_are_not_in_the_ledger(branch):
    Meeting.objects.filter(kind="general").update(status=MeetingStatus.DRAFT)
    assert [entry.meeting.kind for entry in ledger(branch, YEAR)] == ["committee", "committee"]


def test_the_ledger_takes_a_fixed_number_of_queries(branch, django_assert_max_num_queries):
    client = login(_user("zhang"))
    with django_assert_max_num_queries(20):
        client.get(f"/branch/meetings/ledger/{YEAR}/")


def test_members_other_organisers_and_editors_are_kept_out(branch, editor):
    other_branch = BranchFactory()
    outsider = make_member("outsider_org", branch=other_branch, role=Role.ORGANISER)
    url = f"/branch/meetings/ledger/{YEAR}/"
    assert login(_user("li")).get(url).status_code == 403  # a member of the branch
    assert login(editor).get(url).status_code == 403
    # Another branch's organiser sees their own (empty) ledger, never this one.
    mine = login(outsider).get(url)
    assert mine.status_code == 200 and "赵六" not in mine.content.decode()
    assert login(outsider).get(f"{url}?branch={branch.pk}").status_code == 404
    assert (
        login(outsider).get(f"/branch/meetings/ledger/{YEAR}.csv?branch={branch.pk}").status_code
        == 404
    )
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    for path in ("ledger/2025.csv", "ledger/2025.xlsx", "grid/2025/"):
        assert login(_user("li")).get(f"/branch/meetings/{path}").status_code == 403


def test_oversight_chooses_the_branch(branch):
    staff = oversee(make_member("zuzhibu", branch=None))
    client = login(staff)
    response = client.get(f"/branch/meetings/ledger/{YEAR}/?branch={branch.pk}")
    assert response.status_code == 200
    assert "赵六（实验课冲突）" in response.content.decode()
    assert f"?branch={branch.pk}" in response.content.decode()  # links keep the branch
    assert client.get(f"/branch/meetings/ledger/{YEAR}/?branch=999999").status_code == 404
    assert client.get(f"/branch/meetings/ledger/{YEAR}/?branch=x").status_code == 404
    # Without a branch chosen: to the overview, where the branches are.
    assert client.get(f"/branch/meetings/ledger/{YEAR}/")["Location"] == "/oversight/meetings/"


def test_csv_export_is_the_import_format_and_audited(branch):
    response = login(_user("zhang")).get(f"/branch/meetings/ledger/{YEAR}.csv")
    assert response.status_code == 200
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == CSV_HEADER
    assert rows[1:] == export_rows(branch, YEAR)
    assert rows[3][8] == "zhao:实验课冲突"
    assert AccessRecord.objects.filter(access=Access.MEETING_EXPORT).count() == 1


def test_xlsx_export_has_the_same_rows(branch):
    response = login(_user("zhang")).get(f"/branch/meetings/ledger/{YEAR}.xlsx")
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell or "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert values[0] == CSV_HEADER
    assert values[1:] == export_rows(branch, YEAR)
    assert AccessRecord.objects.filter(access=Access.MEETING_EXPORT).count() == 1


def test_the_grid_counts_meetings_by_kind_and_month(branch):
    grid = year_grid(branch, YEAR, today=date(2025, 12, 31))
    rows = {row.kind: row for row in grid.rows}
    assert rows["committee"].counts == [1, 0, 1] + [0] * 9
    assert rows["general"].counts[2] == 1
    assert rows["general"].missing == ["第2季度", "第3季度", "第4季度"]
    assert rows["committee"].missing[:2] == ["2月", "4月"]
    assert rows["theme_day"].cadence is None and rows["theme_day"].missing == []
    assert grid.total == 3


def test_gaps_name_the_period_under_way(branch):
    assert gaps(branch, date(2025, 3, 20)) == ["本月尚无党小组会", "本季度尚无党课"]
    assert "本季度尚无支部党员大会" in gaps(branch, date(2025, 5, 1))


def test_the_grid_page_shows_gaps_to_the_branchs_organisers_only(branch, monkeypatch):
    monkeypatch.setattr(
        "django.utils.timezone.now", lambda: datetime(2025, 5, 10, 12, tzinfo=SHANGHAI)
    )
    own = login(_user("zhang")).get(f"/branch/meetings/grid/{YEAR}/").content.decode()
    assert "本季度尚无支部党员大会" in own
    staff = oversee(make_member("zuzhibu", branch=None))
    seen = login(staff).get(f"/branch/meetings/grid/{YEAR}/?branch={branch.pk}")
    assert seen.status_code == 200
    assert "尚无" not in seen.content.decode() and "未记录" not in seen.content.decode()
    assert AccessRecord.objects.filter(access=Access.MEETING_LEDGER).count() == 2


def test_a_year_out_of_range_is_404(branch):
    assert login(_user("zhang")).get("/branch/meetings/ledger/1900/").status_code == 404
    assert MeetingKind.GENERAL.label == "党员大会"
