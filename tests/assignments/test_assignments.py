"""Branch organisers assign study material and follow up (/branch/), members see 待学任务.

Completion always comes from real learning records, reached through the events endpoint.
"""

import csv
import io
import json
import uuid
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from assignments.models import Assignment, AssignmentItem
from exhibits.models import RevolutionarySitePage
from home.models import ContentPage
from lectures.models import MicroLecturePage
from members.models import MemberProfile, Role
from stories.models import ExemplarStoryPage
from tests.factories import AssignmentFactory, BranchFactory, login, make_member

pytestmark = pytest.mark.django_db

NEW_URL = "/branch/assignments/new/"


def today():
    return timezone.localdate()


def send_event(member, page, verb, value):
    """One event through the events endpoint, as the page's button or script would send it."""
    event = {
        "id": str(uuid.uuid4()),
        "page": page.pk,
        "verb": verb,
        "value": value,
        "at": timezone.now().isoformat(),
    }
    response = login(member).post(
        "/api/learning/events/", json.dumps({"events": [event]}), content_type="application/json"
    )
    assert response.status_code == 200, response.content


def complete(member, page):
    """学完了."""
    send_event(member, page, "completed", None)


def view(member, page, seconds=20):
    send_event(member, page, "viewed", seconds)


@pytest.fixture
def pages():
    live = ContentPage.objects.visible()
    return [
        MicroLecturePage.objects.live().order_by("pk")[0],
        RevolutionarySitePage.objects.live().order_by("pk")[0],
        ExemplarStoryPage.objects.live().order_by("pk")[0],
        live.exclude(pk__in=[]).order_by("-pk")[0],
    ]


@pytest.fixture
def branch():
    return BranchFactory(name="计算机学院第一党支部", organisation="计算机学院党委")


@pytest.fixture
def other_branch():
    return BranchFactory(name="物理学院党支部", organisation="物理学院党委")


@pytest.fixture
def organiser(branch):
    return make_member("zuzhi", branch=branch, role=Role.ORGANISER, name="王组织")


@pytest.fixture
def members(branch):
    return [
        make_member("li", branch=branch, name="李明", email="li@example.edu.cn"),
        make_member("zhang", branch=branch, name="张华", email="zhang@example.edu.cn"),
        make_member("chen", branch=branch, name="陈静"),
    ]


@pytest.fixture
def foreign(other_branch, pages):
    """Another branch with its organiser, a member and an assignment."""
    other_organiser = make_member("wuli", branch=other_branch, role=Role.ORGANISER)
    other_member = make_member("zhao", branch=other_branch, name="赵强")
    assignment = AssignmentFactory(branch=other_branch, pages=pages[:1], title="物理支部任务")
    return other_organiser, other_member, assignment


def form_data(chosen_pages, **overrides):
    data = {
        "title": "学习井冈山精神",
        "note": "本月组织生活会前学完",
        "due_on": (today() + timedelta(days=10)).isoformat(),
        "audience": "branch",
        "pages": [str(page.pk) for page in chosen_pages],
        "action": "save",
    }
    data.update(overrides)
    return data


# --- creating, editing, extending, closing ------------------------------------------------


def test_organiser_creates_assignment_for_whole_branch(organiser, branch, members, pages):
    response = login(organiser).post(NEW_URL, form_data(pages[:3]))
    assignment = Assignment.objects.get(branch=branch)
    assert response.status_code == 302
    assert response["Location"] == f"/branch/assignments/{assignment.pk}/"
    assert assignment.title == "学习井冈山精神"
    assert assignment.whole_branch and assignment.created_by == organiser
    assert [item.page_id for item in assignment.items.all()] == [p.pk for p in pages[:3]]
    detail = login(organiser).get(response["Location"])
    assert detail.status_code == 200
    text = detail.content.decode()
    assert "学习井冈山精神" in text and "未开始" in text
    for member in members:
        assert member.member_profile.display_name in text


def test_search_inside_the_form_keeps_what_was_typed_and_saves_nothing(organiser, pages):
    data = form_data(pages[:1], action="search", q="井冈山", title="我的任务")
    response = login(organiser).post(NEW_URL, data)
    assert response.status_code == 200
    assert Assignment.objects.count() == 0
    text = response.content.decode()
    assert 'value="我的任务"' in text
    assert f'value="{pages[0].pk}" checked' in text
    results = response.context["results"]
    assert any("井冈山" in page.title for page in results)
    assert pages[0].pk not in [page.pk for page in results]


def test_searching_before_saving_shows_no_errors_and_leaves_the_site_search_alone(organiser):
    data = {"action": "search", "q": "长征", "title": "", "audience": "branch"}
    text = login(organiser).post(NEW_URL, data).content.decode()
    assert "请填写标题" not in text and "请选择截止日期" not in text
    assert 'aria-invalid="true"' not in text
    assert 'id="site-search-q" type="search" name="q" value=""' in text
    assert 'id="page-search" type="search" name="q" value="长征"' in text
    # The date's help is linked to its input for screen readers.
    assert 'aria-describedby="id_due_on_helptext"' in text
    assert 'id="id_due_on_helptext"' in text


def test_form_on_a_phone_renders_without_javascript(organiser):
    response = login(organiser).get(NEW_URL)
    text = response.content.decode()
    assert response.status_code == 200
    assert 'type="date"' in text and 'name="q"' in text
    assert 'name="action" value="save"' in text


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"title": ""}, "title", "请填写标题"),
        ({"title": "   "}, "title", "请填写标题"),
        ({"pages": []}, "pages", "请至少选择一项学习内容"),
        ({"due_on": "2020-01-01"}, "due_on", "截止日期不能早于今天"),
        ({"due_on": "明天"}, "due_on", "请填写有效日期"),
        ({"due_on": ""}, "due_on", "请选择截止日期"),
        ({"audience": "chosen"}, "members", "请至少选择一位成员"),
        ({"audience": "everyone"}, "audience", "请选择全支部成员或指定成员"),
    ],
)
def test_form_errors_are_shown_next_to_the_field_and_nothing_is_saved(
    organiser, pages, overrides, field, message
):
    response = login(organiser).post(NEW_URL, form_data(pages[:2], **overrides))
    assert response.status_code == 200
    assert Assignment.objects.count() == 0 and AssignmentItem.objects.count() == 0
    assert message in " ".join(response.context["form"].errors[field])
    text = response.content.decode()
    error_block = text.split(f'id="id_{field}_error"')[1].split("</div>")[0]
    assert message in error_block


def test_tampered_choices_are_refused(organiser, pages, foreign):
    _other_organiser, other_member, _assignment = foreign
    unpublished = MicroLecturePage.objects.live().order_by("pk")[1]
    unpublished.unpublish()
    cases = [
        ({"pages": ["999999"]}, "pages", "所选内容不存在或未发布"),
        ({"pages": ["abc"]}, "pages", "所选内容不存在或未发布"),
        ({"pages": [str(unpublished.pk)]}, "pages", "所选内容不存在或未发布"),
        (
            {"audience": "chosen", "members": [str(other_member.pk)]},
            "members",
            "所选成员不在本支部",
        ),
        ({"title": "x" * 101}, "title", "标题最多 100 个字"),
        ({"pages": ["9" * 5000]}, "pages", "所选内容不存在或未发布"),  # int() refuses > 4300 digits
        ({"pages": ["9" * 30]}, "pages", "所选内容不存在或未发布"),  # beyond the id column
        ({"pages": ["１２"]}, "pages", "所选内容不存在或未发布"),  # full-width digits
        (
            {"audience": "chosen", "members": ["9" * 5000]},
            "members",
            "所选成员不在本支部",
        ),
    ]
    for overrides, field, message in cases:
        response = login(organiser).post(NEW_URL, form_data(pages[:1], **overrides))
        assert response.status_code == 200
        assert message in " ".join(response.context["form"].errors[field])
    assert Assignment.objects.filter(branch__name="计算机学院第一党支部").count() == 0


def test_a_search_round_trip_with_huge_ids_shows_the_form(organiser, pages):
    data = form_data(pages[:1], action="search", q="井冈山")
    data["pages"] = ["9" * 5000, str(pages[0].pk)]
    data["members"] = ["9" * 5000]
    response = login(organiser).post(NEW_URL, data)
    assert response.status_code == 200
    assert [page.pk for page in response.context["selected_pages"]] == [pages[0].pk]


def test_html_in_fields_is_escaped(organiser, pages):
    login(organiser).post(NEW_URL, form_data(pages[:1], title="<script>x</script>"))
    assignment = Assignment.objects.get()
    text = login(organiser).get(f"/branch/assignments/{assignment.pk}/").content.decode()
    assert "<script>x</script>" not in text and "&lt;script&gt;" in text


def test_editing_and_extending(organiser, branch, members, pages):
    assignment = AssignmentFactory(branch=branch, pages=pages[:1], due_in=timedelta(days=1))
    url = f"/branch/assignments/{assignment.pk}/edit/"
    form = login(organiser).get(url).context["form"]
    assert form.initial["title"] == assignment.title
    later = today() + timedelta(days=20)
    response = login(organiser).post(
        url,
        form_data(
            pages[1:3],
            title="延期后的任务",
            due_on=later.isoformat(),
            audience="chosen",
            members=[str(members[0].pk)],
        ),
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.title == "延期后的任务" and assignment.due_on == later
    assert not assignment.whole_branch
    assert list(assignment.chosen_members.all()) == [members[0]]
    assert [item.page_id for item in assignment.items.all()] == [p.pk for p in pages[1:3]]


def test_an_overdue_assignment_can_be_edited_without_moving_its_date(organiser, branch, pages):
    assignment = AssignmentFactory(branch=branch, pages=pages[:1], due_in=timedelta(days=-3))
    url = f"/branch/assignments/{assignment.pk}/edit/"
    data = form_data(pages[:1], due_on=assignment.due_on.isoformat(), note="补充说明")
    assert login(organiser).post(url, data).status_code == 302
    # ...but it cannot be moved to another past date.
    data = form_data(pages[:1], due_on=(today() - timedelta(days=1)).isoformat())
    assert login(organiser).post(url, data).status_code == 200


def test_closing(organiser, branch, members, pages):
    assignment = AssignmentFactory(branch=branch, pages=pages[:1], title="十一月专题学习")
    assert "十一月专题学习" in login(members[0]).get("/learning/").content.decode()
    url = f"/branch/assignments/{assignment.pk}/close/"
    assert login(organiser).get(url).status_code == 405
    assert login(organiser).post(url).status_code == 302
    assignment.refresh_from_db()
    assert assignment.closed_at is not None
    assert "十一月专题学习" not in login(members[0]).get("/learning/").content.decode()
    # A closed assignment is kept for the record, and no longer edited.
    assert login(organiser).get(f"/branch/assignments/{assignment.pk}/").status_code == 200
    response = login(organiser).post(
        f"/branch/assignments/{assignment.pk}/edit/", form_data(pages[:1])
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.title == "十一月专题学习"


# --- completion from learning records --------------------------------------------------------


def test_completion_follows_the_events_endpoint(organiser, branch, members, pages):
    assignment = AssignmentFactory(branch=branch, pages=pages[:2], title="十一月专题学习")
    detail = f"/branch/assignments/{assignment.pk}/"
    status = login(organiser).get(detail).context["status"]
    # The organiser belongs to the branch too, so the whole-branch audience is four.
    assert (status.done, status.in_progress, status.not_started) == (0, 0, 4)

    view(members[0], pages[0])
    complete(members[1], pages[0])
    complete(members[1], pages[1])
    status = login(organiser).get(detail).context["status"]
    assert status.statuses == {
        members[0].pk: "in_progress",
        members[1].pk: "done",
        members[2].pk: "not_started",
        organiser.pk: "not_started",
    }
    assert (status.done, status.in_progress, status.not_started) == (1, 1, 2)
    assert status.percent_done == 25

    # The member sees it on their to-do: one item ticked.
    home = login(members[1]).get("/").content.decode()
    assert "十一月专题学习" not in home  # done: the home page lists what is left to do
    todo = login(members[0]).get("/").context["todo"]
    assert [entry.assignment.pk for entry in todo] == [assignment.pk]
    assert [item.done for item in todo[0].items] == [False, False]


def test_late_joiners_receive_open_branch_assignments(organiser, branch, pages):
    open_one = AssignmentFactory(branch=branch, pages=pages[:1], title="全支部任务")
    AssignmentFactory(branch=branch, pages=pages[:1], title="指定任务", whole_branch=False)
    closed = AssignmentFactory(branch=branch, pages=pages[:1], title="已结束任务")
    closed.closed_at = timezone.now()
    closed.save()
    newcomer = make_member("xinlai", branch=branch, name="新同学")
    todo = login(newcomer).get("/learning/").context["todo"]
    assert [entry.assignment.pk for entry in todo] == [open_one.pk]
    status = login(organiser).get(f"/branch/assignments/{open_one.pk}/").context["status"]
    assert newcomer.pk in status.audience


def test_chosen_members_only(organiser, branch, members, pages):
    assignment = AssignmentFactory(branch=branch, pages=pages[:1], chosen_members=[members[1]])
    assert login(members[1]).get("/").context["todo"][0].assignment == assignment
    assert login(members[0]).get("/").context["todo"] == []
    status = login(organiser).get(f"/branch/assignments/{assignment.pk}/").context["status"]
    assert status.audience == [members[1].pk]


def test_overdue_items_are_marked_for_the_member(branch, members, pages):
    AssignmentFactory(branch=branch, pages=pages[:1], due_in=timedelta(days=-2), title="逾期任务")
    text = login(members[0]).get("/").content.decode()
    assert "待学任务" in text and "逾期任务" in text and "已过期" in text


def test_reading_list_leads_with_assigned_items(branch, members, pages):
    assignment = AssignmentFactory(branch=branch, pages=pages[:3], due_in=timedelta(days=5))
    complete(members[0], pages[2])
    data = login(members[0]).get("/api/learning/reading-list/").json()
    assigned = data["assigned"]
    assert [item["page"] for item in assigned] == [pages[0].pk, pages[1].pk]
    for item in assigned:
        assert {"page", "title", "url", "kind", "topic", "tags", "reason"} <= set(item)
        assert item["assignment"] == assignment.pk
        assert item["due"] == assignment.due_on.isoformat()
    listed = {item["page"] for item in data["items"]}
    assert not listed & {pages[0].pk, pages[1].pk}
    page = login(members[0]).get("/learning/for-you/").content.decode()
    assert "支部布置的学习" in page and pages[0].title in page


def test_members_of_other_branches_get_no_assigned_items(branch, pages, foreign):
    AssignmentFactory(branch=branch, pages=pages[:2])
    _organiser, other_member, other_assignment = foreign
    data = login(other_member).get("/api/learning/reading-list/").json()
    assert {item["assignment"] for item in data["assigned"]} == {other_assignment.pk}


# --- dashboard, conversation prompt, CSV, print ----------------------------------------------


def test_dashboard_roster_and_conversation_prompt(organiser, branch, members, pages):
    AssignmentFactory(branch=branch, pages=pages[:1], due_in=timedelta(days=-5), title="逾期一")
    AssignmentFactory(branch=branch, pages=pages[1:2], due_in=timedelta(days=-1), title="逾期二")
    AssignmentFactory(branch=branch, pages=pages[2:3], due_in=timedelta(days=3), title="未到期")
    complete(members[0], pages[0])
    complete(members[0], pages[1])
    complete(members[1], pages[0])
    response = login(organiser).get("/branch/")
    overview = response.context["overview"]
    rows = {row.member.pk: row for row in overview.roster}
    assert (rows[members[0].pk].open_count, rows[members[0].pk].overdue_count) == (1, 0)
    assert (rows[members[1].pk].open_count, rows[members[1].pk].overdue_count) == (2, 1)
    assert (rows[members[2].pk].open_count, rows[members[2].pk].overdue_count) == (3, 2)
    assert rows[organiser.pk].overdue_count == 2
    assert {row.member for row in overview.needs_conversation} == {members[2], organiser}
    text = response.content.decode()
    assert "需要当面关心的同学" in text and "当面" in text
    assert "排行" not in text and "名次" not in text
    # The roster is by name, every member listed.
    for member in members:
        assert member.member_profile.display_name in text


def test_csv_export(organiser, branch, members, pages):
    members[0].member_profile.student_number = "=1+2"
    members[0].member_profile.save()
    assignment = AssignmentFactory(branch=branch, pages=pages[:2])
    complete(members[0], pages[0])
    complete(members[0], pages[1])
    view(members[1], pages[0])
    response = login(organiser).get(f"/branch/assignments/{assignment.pk}/status.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ["姓名", "用户名", "学号", "状态", "已完成项数", "共计项数"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["李明"][3:] == ["已完成", "2", "2"]
    assert by_name["李明"][2] == "'=1+2"  # never a formula in Excel
    assert by_name["张华"][3:] == ["学习中", "0", "2"]
    assert by_name["陈静"][3:] == ["未开始", "0", "2"]
    assert by_name["王组织"][3] == "未开始"
    assert len(rows) == 5


def test_print_view(organiser, branch, members, pages):
    AssignmentFactory(branch=branch, pages=pages[:1], title="打印任务")
    complete(members[0], pages[0])
    response = login(organiser).get("/branch/print/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "打印任务" in text and "✓" in text and "李明" in text


def test_member_detail_shows_statuses_only(organiser, branch, members, pages):
    AssignmentFactory(branch=branch, pages=pages[:2], title="任务甲")
    view(members[0], pages[0], seconds=300)
    response = login(organiser).get(f"/branch/members/{members[0].pk}/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "任务甲" in text and "学习中" in text
    assert "300" not in text and "分钟" not in text  # no reading time shown to organisers


def test_dashboard_queries_do_not_grow_with_the_branch(
    organiser, branch, pages, django_assert_max_num_queries
):
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"m{n:03d}", password="!") for n in range(200)
    )
    MemberProfile.objects.bulk_create(
        MemberProfile(user=user, display_name=f"成员{n:03d}", branch=branch)
        for n, user in enumerate(users)
    )
    for number in range(20):
        AssignmentFactory(
            branch=branch,
            pages=pages[number % 4 : number % 4 + 2],
            due_in=timedelta(days=number - 10),
            title=f"任务{number}",
            whole_branch=number % 3 != 0,
            chosen_members=users[:50] if number % 3 == 0 else (),
        )
    client = login(organiser)
    with django_assert_max_num_queries(20):
        response = client.get("/branch/")
    assert response.status_code == 200
    assert len(response.context["overview"].roster) == 201
    with django_assert_max_num_queries(20):
        assert client.get("/branch/print/").status_code == 200


# --- permissions -------------------------------------------------------------------------


def organiser_urls(assignment, member):
    return [
        ("get", f"/branch/assignments/{assignment.pk}/"),
        ("get", f"/branch/assignments/{assignment.pk}/edit/"),
        ("post", f"/branch/assignments/{assignment.pk}/edit/"),
        ("post", f"/branch/assignments/{assignment.pk}/close/"),
        ("get", f"/branch/assignments/{assignment.pk}/status.csv"),
        ("get", f"/branch/members/{member.pk}/"),
    ]


def test_organisers_cannot_reach_another_branch(organiser, pages, foreign):
    _other_organiser, other_member, other_assignment = foreign
    client = login(organiser)
    for method, url in organiser_urls(other_assignment, other_member):
        response = getattr(client, method)(url, form_data(pages[:1]) if method == "post" else None)
        assert response.status_code == 404, url
    other_assignment.refresh_from_db()
    assert other_assignment.is_open and other_assignment.title == "物理支部任务"
    # The dashboard and print view show only their own branch.
    for url in ("/branch/", "/branch/print/"):
        text = client.get(url).content.decode()
        assert "物理支部任务" not in text and "赵强" not in text


def test_members_cannot_reach_organiser_pages(branch, members, pages):
    assignment = AssignmentFactory(branch=branch, pages=pages[:1])
    client = login(members[0])
    urls = [("get", "/branch/"), ("get", "/branch/print/"), ("get", NEW_URL), ("post", NEW_URL)]
    for method, url in urls + organiser_urls(assignment, members[1]):
        response = getattr(client, method)(url, form_data(pages[:1]) if method == "post" else None)
        assert response.status_code == 403, url
    assert Assignment.objects.count() == 1 and Assignment.objects.get().is_open


def test_anonymous_visitors_are_sent_to_login(branch, members, pages):
    assignment = AssignmentFactory(branch=branch, pages=pages[:1])
    for method, url in [("get", "/branch/")] + organiser_urls(assignment, members[0]):
        response = getattr(Client(), method)(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_organiser_without_branch_is_refused(pages):
    lonely = make_member("gudu", branch=None, role=Role.ORGANISER)
    assert login(lonely).get("/branch/").status_code == 403


def test_unknown_assignment_is_404(organiser):
    assert login(organiser).get("/branch/assignments/999999/").status_code == 404
