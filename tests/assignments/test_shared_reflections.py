"""Reflections shared with the branch organiser per assignment, and assignments that require
a reflection: statuses, CSV, reminders and the members' to-do follow."""

import csv
import io
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from assignments.models import Assignment, ReflectionShare
from assignments.progress import todo_list
from audit.models import AccessRecord
from learning.event_log import record_server_event
from learning.models import Verb
from members.models import Role
from reflections.models import Reflection
from tests.factories import (
    AssignmentFactory,
    AssignmentItemFactory,
    BranchFactory,
    ExemplarStoryPageFactory,
    login,
    make_member,
)

pytestmark = pytest.mark.django_db

THOUGHT = "这次学习让我想到，党员的先锋作用不在口号里，而在每一次具体的选择和坚持里。"


def words(count: int) -> str:
    return (THOUGHT * (count // len(THOUGHT) + 1))[:count]


def share_url(assignment, page) -> str:
    return f"/learning/assignments/{assignment.pk}/pages/{page.pk}/share-reflection/"


def reflect(member, page, text=None):
    response = login(member).post(
        f"/learning/pages/{page.pk}/reflection/", {"text": text or words(60)}
    )
    assert response.status_code == 302, response.content


def complete(member, page):
    record_server_event(member, page, Verb.COMPLETED)


@pytest.fixture
def branch():
    return BranchFactory(name="文学院第一党支部")


@pytest.fixture
def organiser(branch):
    return make_member("wenzuzhi", branch=branch, role=Role.ORGANISER, name="刘组织")


@pytest.fixture
def author(branch):
    return make_member("wenxue", branch=branch, name="孙写作", email="sun@example.edu.cn")


@pytest.fixture
def classmate(branch):
    return make_member("tongxue", branch=branch, name="钱同学", email="qian@example.edu.cn")


@pytest.fixture
def pages():
    return [ExemplarStoryPageFactory(title="分享页一"), ExemplarStoryPageFactory(title="分享页二")]


@pytest.fixture
def assignment(branch, pages):
    return AssignmentFactory(branch=branch, pages=pages, title="十二月心得任务")


def detail(organiser, assignment) -> str:
    response = login(organiser).get(f"/branch/assignments/{assignment.pk}/")
    assert response.status_code == 200
    return response.content.decode()


# --- sharing ---------------------------------------------------------------------------------


def test_invisible_until_shared_and_again_after_unsharing(organiser, author, assignment, pages):
    page = pages[0]
    reflect(author, page)
    assert words(60) not in detail(organiser, assignment)

    client = login(author)
    page_html = client.get(page.url).content.decode()
    assert "分享给支部组织者（任务：十二月心得任务）" in page_html
    assert share_url(assignment, page) in page_html

    response = client.post(share_url(assignment, page), {"shared": ["0", "1"]})
    assert response.status_code == 302
    assert response["Location"] == page.url + "#reflection"
    share = ReflectionShare.objects.get()
    html = detail(organiser, assignment)
    assert words(60) in html
    assert "孙写作" in html and "分享页一" in html
    shared_at = timezone.localtime(share.shared_at)
    assert f"{shared_at.month}月{shared_at.day}日" in html
    assert "checked> 分享给支部组织者" in client.get(page.url).content.decode()

    # Edits show through while shared; the organiser never sees scores or reading times.
    reflect(author, page, words(90))
    html = detail(organiser, assignment)
    assert words(90) in html and "自测" not in html

    client.post(share_url(assignment, page), {"shared": "0"})  # the box left unticked
    assert not ReflectionShare.objects.exists()
    assert words(90) not in detail(organiser, assignment)
    assert Reflection.objects.filter(member=author).exists()  # only the share went


def test_viewing_is_written_to_the_audit_trail(organiser, author, assignment, pages):
    reflect(author, pages[0])
    login(author).post(share_url(assignment, pages[0]), {"shared": "1"})
    before = AccessRecord.objects.count()
    detail(organiser, assignment)
    assert AccessRecord.objects.count() == before + 1


def test_shared_for_one_assignment_is_not_shown_for_another(
    organiser, author, branch, assignment, pages
):
    other = AssignmentFactory(branch=branch, pages=pages[:1], title="另一项任务")
    reflect(author, pages[0])
    login(author).post(share_url(assignment, pages[0]), {"shared": "1"})
    assert words(60) in detail(organiser, assignment)
    assert words(60) not in detail(organiser, other)


def test_another_branch_organiser_never_sees_it(author, assignment, pages):
    other_branch = BranchFactory(name="历史学院党支部")
    other_organiser = make_member("lszuzhi", branch=other_branch, role=Role.ORGANISER)
    their_assignment = AssignmentFactory(branch=other_branch, pages=pages, title="历史学院任务")
    reflect(author, pages[0])
    login(author).post(share_url(assignment, pages[0]), {"shared": "1"})
    client = login(other_organiser)
    assert client.get(f"/branch/assignments/{assignment.pk}/").status_code == 404
    assert words(60) not in detail(other_organiser, their_assignment)
    # Nor can the author share with another branch's assignment.
    response = login(author).post(share_url(their_assignment, pages[0]), {"shared": "1"})
    assert response.status_code == 404
    assert ReflectionShare.objects.filter(assignment=their_assignment).count() == 0


def test_another_member_cannot_share_or_read_someones_reflection(
    organiser, author, classmate, assignment, pages
):
    page = pages[0]
    reflect(author, page)
    client = login(classmate)
    assert words(60) not in client.get(page.url).content.decode()
    # The classmate has no reflection of their own: nothing to share, 404; the author's is
    # out of reach whatever they post.
    assert client.post(share_url(assignment, page), {"shared": "1"}).status_code == 404
    assert client.post(share_url(assignment, page), {"shared": "0"}).status_code == 404
    assert not ReflectionShare.objects.exists()
    login(author).post(share_url(assignment, page), {"shared": "1"})
    assert client.post(share_url(assignment, page), {"shared": "0"}).status_code == 404
    assert ReflectionShare.objects.count() == 1


def test_only_assignments_that_are_for_the_member_and_hold_the_page(
    branch, author, classmate, pages
):
    reflect(author, pages[0])
    not_for_them = AssignmentFactory(
        branch=branch, pages=pages, title="指定任务", chosen_members=[classmate]
    )
    without_page = AssignmentFactory(branch=branch, pages=pages[1:], title="没有这一页")
    closed = AssignmentFactory(
        branch=branch, pages=pages, title="已结束任务", closed_at=timezone.now()
    )
    client = login(author)
    for assignment in (not_for_them, without_page, closed):
        assert client.post(share_url(assignment, pages[0]), {"shared": "1"}).status_code == 404
    assert not ReflectionShare.objects.exists()
    html = client.get(pages[0].url).content.decode()
    assert "指定任务" not in html and "没有这一页" not in html and "已结束任务" not in html


def test_a_share_can_still_be_taken_back_after_the_assignment_closed(
    organiser, author, assignment, pages
):
    reflect(author, pages[0])
    client = login(author)
    client.post(share_url(assignment, pages[0]), {"shared": "1"})
    assignment.closed_at = timezone.now()
    assignment.save()
    html = client.get(pages[0].url).content.decode()
    assert "已结束" in html and "撤回分享" in html
    assert client.post(share_url(assignment, pages[0]), {"shared": "0"}).status_code == 302
    assert not ReflectionShare.objects.exists()
    assert words(60) not in detail(organiser, assignment)


def test_no_reflection_nothing_to_share(author, assignment, pages):
    client = login(author)
    html = client.get(pages[0].url).content.decode()
    assert share_url(assignment, pages[0]) not in html
    assert "保存心得后，可以分享给支部组织者（任务：十二月心得任务）" in html
    assert client.post(share_url(assignment, pages[0]), {"shared": "1"}).status_code == 404


@pytest.mark.parametrize("value", [None, "", "2", "yes", "1\x00"])
def test_a_bad_shared_value_is_400(author, assignment, pages, value):
    reflect(author, pages[0])
    data = {} if value is None else {"shared": value}
    assert login(author).post(share_url(assignment, pages[0]), data).status_code == 400
    assert not ReflectionShare.objects.exists()


def test_login_and_post_are_required(client, author, assignment, pages):
    reflect(author, pages[0])
    response = client.post(share_url(assignment, pages[0]), {"shared": "1"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert login(author).get(share_url(assignment, pages[0])).status_code == 405
    assert not ReflectionShare.objects.exists()


def test_a_left_member_shares_disappear_from_the_organisers_page(
    organiser, author, assignment, pages
):
    reflect(author, pages[0])
    login(author).post(share_url(assignment, pages[0]), {"shared": "1"})
    author.member_profile.branch = BranchFactory(name="新支部")
    author.member_profile.save()
    assert words(60) not in detail(organiser, assignment)


# --- assignments that require a reflection -----------------------------------------------------


def statuses_in_csv(organiser, assignment) -> dict[str, tuple[str, str]]:
    response = login(organiser).get(f"/branch/assignments/{assignment.pk}/status.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return {row[1]: (row[3], row[4]) for row in rows[1:]}


def test_required_reflection_status_csv_and_todo_follow(
    organiser, author, classmate, branch, pages
):
    assignment = AssignmentFactory(
        branch=branch, pages=pages, require_reflection=True, title="要心得的任务"
    )
    plain = AssignmentFactory(branch=branch, pages=pages, title="普通任务")
    for page in pages:
        complete(author, page)
        complete(classmate, page)

    assert statuses_in_csv(organiser, plain)["wenxue"] == ("已完成", "2")
    assert statuses_in_csv(organiser, assignment)["wenxue"] == ("学习中", "0")
    html = detail(organiser, assignment)
    assert "要求提交学习心得" in html
    [entry] = [e for e in todo_list(author) if e.assignment.pk == assignment.pk]
    assert not entry.done and all(item.needs_reflection for item in entry.items)
    assert "还需写学习心得" in login(author).get("/learning/").content.decode()

    reflect(author, pages[0])
    assert statuses_in_csv(organiser, assignment)["wenxue"] == ("学习中", "1")
    reflect(author, pages[1])  # not shared: it counts all the same
    assert statuses_in_csv(organiser, assignment)["wenxue"] == ("已完成", "2")
    assert statuses_in_csv(organiser, assignment)["tongxue"] == ("学习中", "0")
    assert not ReflectionShare.objects.exists()
    assert all(e.done for e in todo_list(author, include_done=True))
    assert words(60) not in detail(organiser, assignment)  # written, not shared

    # A reflection alone is not enough: the page must be done too.
    third = ExemplarStoryPageFactory(title="分享页三")
    AssignmentItemFactory(assignment=assignment, page=third, sort_order=5)
    reflect(author, third)
    assert statuses_in_csv(organiser, assignment)["wenxue"] == ("学习中", "2")


def test_deleting_the_reflection_undoes_the_item(organiser, author, branch, pages):
    assignment = AssignmentFactory(branch=branch, pages=pages[:1], require_reflection=True)
    complete(author, pages[0])
    reflect(author, pages[0])
    assert statuses_in_csv(organiser, assignment)["wenxue"][0] == "已完成"
    login(author).post(f"/learning/pages/{pages[0].pk}/reflection/delete/")
    assert statuses_in_csv(organiser, assignment)["wenxue"][0] == "学习中"


def test_dashboard_and_conversation_list_follow(organiser, author, branch, pages):
    overdue = [
        AssignmentFactory(
            branch=branch,
            pages=pages[:1],
            require_reflection=True,
            title=f"过期{n}",
            due_in=timedelta(days=-3),
        )
        for n in range(2)
    ]
    complete(author, pages[0])
    client = login(organiser)
    names = [row.name for row in client.get("/branch/").context["overview"].needs_conversation]
    assert "孙写作" in names
    reflect(author, pages[0])
    names = [row.name for row in client.get("/branch/").context["overview"].needs_conversation]
    assert "孙写作" not in names
    assert all(a.pk for a in overdue)


def run_reminders() -> str:
    out = StringIO()
    call_command("send_reminders", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_reminders_follow_the_required_reflection(branch, author, pages, mailoutbox):
    assignment = AssignmentFactory(
        branch=branch, pages=pages, require_reflection=True, due_in=timedelta(days=1)
    )
    for page in pages:
        complete(author, page)
    reflect(author, pages[0])
    run_reminders()
    [message] = [m for m in mailoutbox if m.to == ["sun@example.edu.cn"]]
    assert "分享页二" in message.body and "分享页一" not in message.body
    assert "要求每项内容学完后写下学习心得" in message.body

    # Once every item has its reflection, the member is done: no reminder for a new due date.
    reflect(author, pages[1])
    mailoutbox.clear()
    assignment.due_on += timedelta(days=1)
    assignment.save()
    run_reminders()
    assert not [m for m in mailoutbox if m.to == ["sun@example.edu.cn"]]


# --- the organiser's form and the admin ----------------------------------------------------------


def test_organiser_sets_and_clears_require_reflection(organiser, branch, pages):
    data = {
        "title": "写心得",
        "note": "",
        "due_on": (timezone.localdate() + timedelta(days=5)).isoformat(),
        "audience": "branch",
        "pages": [str(pages[0].pk)],
        "require_reflection": "on",
        "action": "save",
    }
    client = login(organiser)
    form_html = client.get("/branch/assignments/new/").content.decode()
    assert 'name="require_reflection"' in form_html
    assert client.post("/branch/assignments/new/", data).status_code == 302
    assignment = Assignment.objects.get(branch=branch)
    assert assignment.require_reflection
    edit_url = f"/branch/assignments/{assignment.pk}/edit/"
    assert 'id="id_require_reflection" checked' in (client.get(edit_url).content.decode())
    del data["require_reflection"]
    client.post(edit_url, data)
    assignment.refresh_from_db()
    assert not assignment.require_reflection


def test_the_admin_edits_require_reflection(admin_client, assignment):
    url = f"/admin/snippets/learning/assignment/edit/{assignment.pk}/"
    response = admin_client.get(url)
    assert response.status_code == 200
    assert 'name="require_reflection"' in response.content.decode()


# --- query budgets -----------------------------------------------------------------------------


def test_required_reflections_cost_one_query_whatever_the_branch_size(
    organiser, branch, pages, django_assert_max_num_queries
):
    members = [make_member(f"m{n:02d}", branch=branch) for n in range(30)]
    assignment = AssignmentFactory(branch=branch, pages=pages, require_reflection=True)
    for member in members[:10]:
        complete(member, pages[0])
        Reflection.objects.create(member=member, page=pages[0], text=words(60))
    client = login(organiser)
    # The dashboard keeps its budget of 20; the assignment page stays bounded too.
    with django_assert_max_num_queries(20):
        assert client.get("/branch/").status_code == 200
    with django_assert_max_num_queries(20) as captured:
        assert client.get(f"/branch/assignments/{assignment.pk}/").status_code == 200
    reflection_reads = [
        q for q in captured.captured_queries if 'FROM "reflections_reflection"' in q["sql"]
    ]
    assert len(reflection_reads) == 1
