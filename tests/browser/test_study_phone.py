"""Learning that means something, on a 375 px phone.

A member opens a page whose 学完标准 is 自测全对, answers its self-check wrong (the
explanations show, the page stays undone), then right (done); writes a reflection, which the
branch assignment requires, shares it with the organiser, and votes 有帮助. The organiser's
assignment page follows through the normal path: 未开始, then 学习中 after the self-check
(the reflection is still missing), then 已完成 with the shared reflection to read.
"""

import uuid

import pytest

from tests.browser.support import Phone, branch_with_people, counts, in_server

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

REFLECTION = (
    "读完这篇故事，我最深的体会是：科研报国不是一句口号，而是几十年如一日的坚持。"
    "面对失败不放弃，面对名利不动心，把个人理想融入国家需要，这正是我们青年学生应当学习的。"
)

PAGE_AND_ASSIGNMENT = """
import json
from datetime import timedelta
from django.utils import timezone
from assignments.models import Assignment, AssignmentItem
from home.selfcheck import QuestionSpec, self_check_data
from tests.factories import ExemplarStoryPageFactory

questions = [
    QuestionSpec("“两弹一星”中的“一星”指的是哪颗卫星？", ("东方红一号", "风云一号"),
                 frozenset({{0}}), "1970 年发射的东方红一号是我国第一颗人造地球卫星。"),
    QuestionSpec("下列哪些是两弹一星精神的内容？", ("热爱祖国", "无私奉献", "安于现状"),
                 frozenset({{0, 1}}), "两弹一星精神：热爱祖国、无私奉献、自力更生、艰苦奋斗……"),
]
page = ExemplarStoryPageFactory(
    title="自测测试：科研报国的故事{suffix}",
    slug="self-check-story-{suffix}",
    topic="两弹一星精神",
    summary="一位科学家的报国之路。",
    self_check=self_check_data(questions),
    completion_policy="quiz",
)
page.save_revision().publish()
assignment = Assignment.objects.create(
    branch_id={branch_id},
    title="学习两弹一星精神{suffix}",
    due_on=timezone.localdate() + timedelta(days=7),
    require_reflection=True,
)
AssignmentItem.objects.create(assignment=assignment, page=page)
print(json.dumps({{"url": page.url, "assignment": assignment.pk, "title": assignment.title}}))
"""


@pytest.fixture
def study(server_url, tmp_path_factory):
    branch = branch_with_people(tmp_path_factory, "物理学院党支部")
    made = in_server(
        branch["env"],
        PAGE_AND_ASSIGNMENT.format(suffix=uuid.uuid4().hex[:6], branch_id=branch["id"]),
    )
    return {**branch, **made}


def test_a_member_learns_for_real_and_the_organiser_sees_it(browser, server_url, study):
    member = Phone(browser, server_url, "study")
    organiser = Phone(browser, server_url, "study-organiser")
    try:
        learn_and_follow(member, organiser, study)
    finally:
        member.close()
        organiser.close()


def learn_and_follow(member: Phone, organiser: Phone, study):
    assignment_page = f"/branch/assignments/{study['assignment']}/"
    organiser.login(study["organiser"])
    organiser.goto(assignment_page)
    assert counts(organiser.page) == {"已完成": 0, "学习中": 0, "未开始": 3}

    page = member.page
    member.login(study["member"])
    member.goto(study["url"])
    # The answers are not in the page before answering: neither explanation nor marks.
    html = page.content()
    assert "东方红一号是我国第一颗" not in html and "正确答案" not in html
    assert page.get_by_text("学完标准：自测全对").is_visible()
    assert page.get_by_role("button", name="学完了").count() == 0
    member.check("1-page")

    # Wrong: the explanations show and the page is not done.
    page.get_by_label("风云一号").check()
    page.get_by_label("热爱祖国").check()
    member.submit(page.get_by_role("button", name="提交答案"))
    section = page.locator("#self-check")
    assert section.get_by_text("上次作答：答对 0/2").is_visible()
    assert section.get_by_text("✗ 答错了").count() == 2
    assert section.get_by_text("东方红一号是我国第一颗人造地球卫星").is_visible()
    assert page.locator(".study__done").count() == 0
    member.check("2-wrong", screenshot=False)
    member.show("2-wrong", section)

    # Right, at the second try: done.
    page.get_by_label("东方红一号").check()
    page.get_by_label("热爱祖国").check()
    page.get_by_label("无私奉献").check()
    page.get_by_label("安于现状").uncheck()
    member.submit(page.get_by_role("button", name="再做一次"))
    assert section.get_by_text("上次作答：答对 2/2").is_visible()
    assert page.locator(".study__done").is_visible()
    member.show("3-right", section)

    # The organiser: the page is done, but the assignment also asks for a reflection.
    organiser.goto(assignment_page)
    assert counts(organiser.page) == {"已完成": 0, "学习中": 1, "未开始": 2}
    assert organiser.page.get_by_text(REFLECTION[:20]).count() == 0

    # A reflection that is too short keeps the text and names the limit.
    box = page.get_by_label("写下你的学习心得")
    box.fill("很受启发。")
    member.submit(page.get_by_role("button", name="保存心得"))
    assert page.get_by_text("心得至少 50 字").is_visible()
    assert page.get_by_label("写下你的学习心得").input_value() == "很受启发。"
    # The form comes back with status 400, which Chromium logs; nothing else may be logged.
    assert [e for e in member.errors if "status of 400" not in e] == []
    member.errors.clear()
    member.check("4-too-short", screenshot=False)

    page.get_by_label("写下你的学习心得").fill(REFLECTION)
    member.submit(page.get_by_role("button", name="保存心得"))
    assert page.get_by_text("已保存，最近修改于").is_visible()

    # Still private: the organiser sees the status change, not the text.
    organiser.goto(assignment_page)
    assert counts(organiser.page) == {"已完成": 1, "学习中": 0, "未开始": 2}
    assert organiser.page.get_by_text(REFLECTION[:20]).count() == 0

    # Shared for this assignment: now the organiser can read it.
    member.goto(study["url"])
    page.get_by_label(f"分享给支部组织者（任务：{study['title']}）").check()
    member.submit(page.get_by_role("button", name="保存分享设置"))
    assert page.get_by_text(f"已分享给支部组织者（任务：{study['title']}）").is_visible()
    member.check("5-shared", screenshot=False)
    member.show("5-shared", page.locator("#reflection"))

    # 对你有帮助吗？ 有帮助.
    member.submit(page.locator("#feedback").get_by_role("button", name="有帮助"))
    assert page.get_by_text("你的评价：有帮助").is_visible()
    member.check("6-voted", screenshot=False)
    member.show("6-voted", page.locator("#feedback"))

    organiser.goto(assignment_page)
    assert counts(organiser.page) == {"已完成": 1, "学习中": 0, "未开始": 2}
    shared = organiser.page.locator(".shared-reflection")
    assert shared.count() == 1
    assert REFLECTION[:30] in shared.inner_text()
    assert "李明" in shared.inner_text()
    organiser.check("7-organiser", screenshot=False)
    organiser.show("7-organiser", shared)

    # The organiser's CSV agrees, and carries statuses only, never the reflection.
    response = organiser.context.request.get(organiser.server_url + assignment_page + "status.csv")
    assert response.status == 200
    rows = response.body().decode("utf-8-sig")
    member_row = next(line for line in rows.splitlines() if "李明" in line)
    assert "已完成" in member_row
    assert REFLECTION[:20] not in rows
