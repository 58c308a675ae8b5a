"""An organiser records a branch meeting on a 375 px phone; the absent catch up (补学).

Through the real server and real Chromium: the organiser of a 15-person branch opens
/branch/meetings/, fills in the new-meeting form (kind, time, place, host, recorder, topics,
a page of the site found by the form's own search, a resolution), marks two members 请假
with a reason and one 缺席, saves the draft and confirms it. The three find a 补学 task on
their home page; one opens the material and presses 学完了, and the organiser's record then
shows 已补学 for them, and the year's 台账 lists the meeting with its counts. Every screen fits the phone, names its controls and keeps its tap
targets at 44 px.
"""

from datetime import date, timedelta
from urllib.parse import urlparse

import pytest

from tests.browser.support import (
    PASSWORD,
    SCREENSHOTS,
    Phone,
    branch_with_people,
    counts,
    in_server,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SEARCH_WORD = "长征"
LECTURE = "长征：一次理想信念的伟大远征"
EXTRA_MEMBERS = 12  # with the organiser, 李明 and 张华: 15 people

MORE_PEOPLE = """
import json
from django.contrib.auth import get_user_model
from members.models import Branch, MemberProfile
branch = Branch.objects.get(pk={branch_id})
for n in range({count}):
    user = get_user_model().objects.create_user(f"m{{n:02d}}{suffix}", password={password!r})
    MemberProfile.objects.create(user=user, display_name=f"党员{{n:02d}}", branch=branch)
print(json.dumps(MemberProfile.objects.filter(branch=branch).count()))
"""

MAKEUP = """
import json
from meetings.models import Meeting
meeting = Meeting.objects.get(branch_id={branch_id})
makeup = meeting.makeup
print(json.dumps({{
    "status": meeting.status,
    "title": makeup.title if makeup else None,
    "audience": sorted(makeup.chosen_members.values_list("username", flat=True)) if makeup else [],
}}))
"""


@pytest.fixture
def branch(server_url, tmp_path_factory):
    made = branch_with_people(tmp_path_factory, "机械学院第二党支部")
    code = MORE_PEOPLE.format(
        branch_id=made["id"], count=EXTRA_MEMBERS, suffix=made["suffix"], password=PASSWORD
    )
    assert in_server(made["env"], code) == 15
    return made


def test_organiser_records_a_meeting_and_an_absentee_catches_up(browser, server_url, branch):
    organiser = Phone(browser, server_url, "meetings")
    member = Phone(browser, server_url, "meetings")
    other = Phone(browser, server_url, "meetings")
    try:
        detail_url = record_and_confirm(organiser, branch)
        absentees_catch_up(member, other, branch)
        page = organiser.page
        page.goto(detail_url, wait_until="load")
        organiser.settle()
        row = page.locator("tr", has=page.get_by_role("rowheader", name="李明"))
        assert "已补学" in row.inner_text()
        absent_row = page.locator("tr", has=page.get_by_role("rowheader", name="党员03"))
        assert "未补学" in absent_row.inner_text()
        organiser.check("7-record-makeup-done")
        # The year's 台账 lists the meeting with its counts and the reasons for leave.
        held = date.fromisoformat(branch["today"]) - timedelta(days=1)
        organiser.goto(f"/branch/meetings/ledger/{held.year}/")
        block = page.locator("section.ledger-meeting", has_text="党员大会").inner_text()
        assert "应到 15 人，实到 12 人，请假 2 人，缺席 1 人" in block
        assert "李明（参加学科竞赛）" in block and "党员03" in block
        organiser.check("8-ledger")
    finally:
        for phone in (organiser, member, other):
            phone.close()


def fill_form(organiser: Phone, branch) -> None:
    page = organiser.page
    form = page.locator("form.account-form")
    page.get_by_label("会议类型").select_option(label="党员大会")
    held = date.fromisoformat(branch["today"]) - timedelta(days=1)
    page.get_by_label("日期").fill(held.isoformat())
    page.get_by_label("开始时间").fill("19:00")
    page.get_by_label("地点").fill("机械楼 204 党员活动室")
    page.get_by_label("主持人").select_option(label="王组织")
    page.get_by_label("记录人").select_option(label="党员00")
    page.get_by_label("议题").fill("学习长征精神；讨论本学期发展对象培养计划")
    page.get_by_label("会议记录").fill("与会同学逐一发言。")
    # The study material, found by the form's own search (the form keeps what was typed).
    page.get_by_label("搜索内容").fill(SEARCH_WORD)
    organiser.submit(form.get_by_role("button", name="搜索", exact=True).last)
    assert page.get_by_label("议题").input_value().startswith("学习长征精神")
    page.locator(".page-picker").get_by_label(LECTURE).check()
    page.get_by_label("决议 1").fill("每位同学本月内提交一篇学习心得")
    page.get_by_label("负责人").first.select_option(label="党员00")
    # Two on leave (with reasons), one absent; everyone else stays 出席.
    for name, reason in (("李明", "参加学科竞赛"), ("张华", "生病就医")):
        group = page.get_by_role("radiogroup", name=name)
        group.get_by_label("请假", exact=True).check()
        page.get_by_label(f"{name}的请假事由").fill(reason)
    page.get_by_role("radiogroup", name="党员03").get_by_label("缺席", exact=True).check()


def record_and_confirm(organiser: Phone, branch) -> str:
    page = organiser.page
    organiser.login(branch["organiser"])
    organiser.goto("/branch/meetings/")
    assert page.get_by_text("还没有组织生活记录。").is_visible()
    organiser.check("1-list-empty")

    page.get_by_role("link", name="新建记录").click()
    page.wait_for_url("**/branch/meetings/new/")
    organiser.settle()
    assert page.get_by_role("radiogroup").count() == 15
    organiser.check("2-new-form")

    # Saved too early: the errors in Chinese, nothing written.
    save = page.get_by_role("button", name="保存草稿")
    organiser.submit(save)
    assert page.get_by_text("记录未保存，请按提示修改。").is_visible()
    assert page.locator("#id_topics_error").inner_text().strip() == "请填写议题。"
    assert in_server(branch["env"], MAKEUP_COUNT.format(branch_id=branch["id"])) == 0

    fill_form(organiser, branch)
    organiser.check("3-form-filled")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "meetings-3b-form-whole.png"), full_page=True)
    organiser.submit(page.get_by_role("button", name="保存草稿"))
    assert urlparse(page.url).path.startswith("/branch/meetings/")
    assert page.get_by_text("草稿已保存。").is_visible()
    assert counts(page) == {"应到": 15, "出席": 12, "请假": 2, "缺席": 1}
    assert page.get_by_text("参加学科竞赛").is_visible()
    organiser.check("4-draft")
    page.screenshot(path=str(SCREENSHOTS / "meetings-4b-draft-whole.png"), full_page=True)

    organiser.submit(page.get_by_role("button", name="确认记录"))
    assert page.get_by_text("记录已确认。请假和缺席的同学已收到补学任务。").is_visible()
    assert page.get_by_role("link", name="更正").is_visible()
    assert page.get_by_role("button", name="确认记录").count() == 0
    organiser.check("5-confirmed")
    made = in_server(branch["env"], MAKEUP.format(branch_id=branch["id"]))
    assert made["status"] == "confirmed" and made["title"].startswith("补学：党员大会")
    assert made["audience"] == sorted([branch["member"], branch["other"], f"m03{branch['suffix']}"])
    return page.url


MAKEUP_COUNT = """
import json
from meetings.models import Meeting
print(json.dumps(Meeting.objects.filter(branch_id={branch_id}).count()))
"""


def absentees_catch_up(member: Phone, other: Phone, branch) -> None:
    # 张华 (on leave) finds the 补学 on the home page too.
    other.login(branch["other"])
    other.goto("/")
    todo = other.page.locator("section.todo .todo__assignment", has_text="补学：党员大会")
    assert todo.is_visible()
    assert todo.get_by_role("link", name=LECTURE).is_visible()

    # 李明 (on leave) finds it, studies the material and presses 学完了.
    mine = member.page
    member.login(branch["member"])
    member.goto("/")
    todo = mine.locator("section.todo .todo__assignment", has_text="补学：党员大会")
    assert todo.is_visible()
    member.check("6-member-home")
    todo.get_by_role("link", name=LECTURE).click()
    mine.wait_for_load_state("load")
    member.settle()
    mine.get_by_role("button", name="学完了").click()
    mine.wait_for_load_state("load")
    member.settle()
    assert mine.get_by_text(f"已记下：《{LECTURE}》学完了。").is_visible()

    # 我的学习 lists the meeting with their own attendance, and no one else's reason.
    member.goto("/learning/")
    section = mine.locator("#my-meetings")
    assert "我的出席情况：请假" in section.inner_text()
    assert "已补学" in section.inner_text()
    assert "生病就医" not in mine.content()
    member.check("6b-my-meetings")
