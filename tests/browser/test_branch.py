"""An organiser sets study on a 375 px phone; a member finds it in 待学任务 and finishes it.

Everything goes through the real server and real Chromium: the organiser logs in, looks at
the branch dashboard, makes a mistake in the assignment form, searches for a page inside
the form, ticks it and assigns it; a member of the branch sees it at the top of the home
page, opens it, presses 学完了, and the organiser's status page counts one done. No page may
fetch anything from another host.
"""

import uuid
from datetime import date, timedelta
from urllib.parse import urlparse

import pytest

from tests.browser.support import HEIGHT, Phone, branch_with_people, counts, in_server

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SEARCH_WORD = "长征"  # found in several demo pages' titles and texts
# The demo 微党课 to assign: a lecture has the 学完了 button (a forum event is done by check-in).
LECTURE = "长征：一次理想信念的伟大远征"


ASSIGNMENTS = """
import json
from assignments.models import Assignment
print(json.dumps(list(Assignment.objects.filter(branch_id={branch_id}).values_list("title", flat=True))))
"""


@pytest.fixture
def branch(server_url, tmp_path_factory):
    """A branch in the server's database: an organiser and two members, all with passwords."""
    return branch_with_people(tmp_path_factory, "计算机学院第一党支部")


def assignment_titles(branch) -> list[str]:
    return in_server(branch["env"], ASSIGNMENTS.format(branch_id=branch["id"]))


def test_organiser_assigns_on_a_phone_and_a_member_finishes_it(browser, server_url, branch):
    organiser = Phone(browser, server_url, "branch")
    member = Phone(browser, server_url, "branch")
    try:
        organiser_assigns_and_member_finishes(organiser, member, branch)
    finally:
        organiser.close()
        member.close()


def organiser_assigns_and_member_finishes(organiser: Phone, member: Phone, branch):
    page = organiser.page

    # 1. The dashboard: fits the phone, the roster lists the whole branch.
    organiser.login(branch["organiser"])
    organiser.goto("/branch/")
    roster = page.locator("table.roster")
    roster.wait_for(state="visible")
    assert page.get_by_role("heading", name="支部成员（3 人）").is_visible()
    for name in ("王组织", "李明", "张华"):
        assert roster.get_by_role("link", name=name).is_visible()
    assert page.get_by_text("还没有进行中的任务。").is_visible()
    organiser.check("1-dashboard")

    # 2a. 布置新任务, tapped too early: errors in Chinese next to the fields, nothing saved.
    page.get_by_role("link", name="布置新任务").click()
    page.wait_for_url("**/branch/assignments/new/")
    organiser.settle()
    organiser.check("2-new-form")
    save = page.get_by_role("button", name="布置任务")
    save.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/branch/assignments/new/")
    assert page.get_by_text("任务未保存，请按提示修改。").is_visible()
    title = page.get_by_label("标题")
    error = page.locator("#id_title_error")
    assert error.inner_text().strip() == "请填写标题。"
    assert error.is_visible()
    described = (title.get_attribute("aria-describedby") or "").split()
    adjacent = error.evaluate(
        "(error) => error.parentElement.contains(document.getElementById('id_title'))"
    )
    assert "id_title_error" in described or adjacent, "the title's error is not by the field"
    title_box, error_box = title.bounding_box(), error.bounding_box()
    assert 0 <= error_box["y"] - (title_box["y"] + title_box["height"]) < 80
    assert page.locator("#id_due_on_error").inner_text().strip() == "请选择截止日期。"
    assert "请至少选择一项学习内容。" in page.locator(".page-picker").inner_text()
    assert assignment_titles(branch) == []
    organiser.check("3-form-errors")

    # 2b. Fill it in as a person would: title, search inside the form, tick, date, save.
    assignment_title = "学习长征精神" + uuid.uuid4().hex[:4]
    title.click()
    page.keyboard.type(assignment_title)
    search = page.get_by_label("搜索内容")
    search.click()
    page.keyboard.type(SEARCH_WORD)
    page.keyboard.press("Enter")  # Enter in a text field searches, never saves
    page.wait_for_load_state("load")
    organiser.settle()
    assert assignment_titles(branch) == [], "Enter in the search box saved the assignment"
    assert page.get_by_label("标题").input_value() == assignment_title
    assert page.get_by_label("搜索内容").input_value() == SEARCH_WORD
    results = page.locator(".page-picker label.checkbox")
    assert any(LECTURE in text for text in results.all_inner_texts()), "长征 did not find it"
    page_title = LECTURE
    choice = page.locator(".page-picker").get_by_label(LECTURE)
    choice.check()
    assert choice.is_checked()
    due = (date.fromisoformat(branch["today"]) + timedelta(days=7)).isoformat()
    page.get_by_label("截止日期").fill(due)
    organiser.check("4-form-filled")
    page.get_by_role("button", name="布置任务").click()
    page.wait_for_url("**/branch/assignments/*/")
    organiser.settle()
    detail_url = page.url
    assert page.get_by_role("heading", level=1).inner_text() == assignment_title
    assert page.get_by_text(f"任务已布置：《{assignment_title}》").is_visible()
    assert page.locator(".learning-list").get_by_role("link", name=page_title).is_visible()
    assert counts(page) == {"已完成": 0, "学习中": 0, "未开始": 3}
    assert assignment_titles(branch) == [assignment_title]
    organiser.check("5-assignment")

    organiser.goto("/branch/")
    summary = page.locator(".assignment-summary", has_text=assignment_title)
    assert summary.is_visible()
    assert counts(summary) == {"已完成": 0, "学习中": 0, "未开始": 3}
    assert "完成率 0%" in summary.inner_text()
    organiser.check("6-dashboard-with-assignment")

    # 3. A member of the branch: 待学任务 at the top of the home page, above the fold.
    mine = member.page
    member.login(branch["member"])
    member.goto("/")
    todo = mine.locator("section.todo")
    heading = todo.get_by_role("heading", name="待学任务")
    assert heading.is_visible()
    entry = todo.locator(".todo__assignment", has_text=assignment_title)
    entry_title = entry.locator(".todo__title")
    assert entry_title.inner_text().strip() == assignment_title
    for element in (heading, entry_title):
        box = element.bounding_box()
        assert box is not None and box["y"] + box["height"] <= HEIGHT, (
            f"{element} is below the fold at y={box and box['y']}"
        )
    assert "已学 0 / 1" in entry.inner_text()
    member.check("7-member-home")

    entry.get_by_role("link", name=page_title).click()
    mine.wait_for_load_state("load")
    member.settle()
    item_path = urlparse(mine.url).path
    assert mine.get_by_role("heading", level=1).inner_text().strip() == page_title
    member.check("8-member-item")
    mine.get_by_role("button", name="学完了").click()
    mine.wait_for_load_state("load")
    member.settle()
    assert urlparse(mine.url).path == item_path
    assert mine.get_by_text(f"已记下：《{page_title}》学完了。").is_visible()
    assert mine.locator(".study__done").is_visible()
    assert mine.get_by_role("button", name="学完了").count() == 0
    member.check("9-member-studied")

    member.goto("/learning/")
    entry = mine.locator("section.todo .todo__assignment", has_text=assignment_title)
    assert entry.is_visible()
    assert "todo__assignment--done" in entry.get_attribute("class")
    assert entry.locator(".badge", has_text="已完成").is_visible()
    assert "已学 1 / 1" in entry.inner_text()
    item = entry.locator(".todo__item", has_text=page_title)
    assert "todo__item--done" in item.get_attribute("class")
    assert item.locator(".todo__check").inner_text().strip() == "✓"
    assert "（已学完）" in item.text_content()
    member.check("10-member-learning")

    # The finished assignment leaves the home page's 待学任务.
    member.goto("/")
    assert mine.locator("section.todo .todo__assignment", has_text=assignment_title).count() == 0
    member.check("11-member-home-after")

    # 4. The organiser's status page now counts one done, by name.
    page.goto(detail_url, wait_until="load")
    organiser.settle()
    assert counts(page) == {"已完成": 1, "学习中": 0, "未开始": 2}
    row = page.locator("tr", has=page.get_by_role("link", name="李明"))
    assert "已完成" in row.inner_text() and "1 / 1" in row.inner_text()
    organiser.check("12-assignment-one-done")
