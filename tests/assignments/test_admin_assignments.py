"""The organisation department (组织部) and superusers see every branch's assignments in the
Wagtail admin; editors and reviewers do not."""

import importlib
from datetime import date

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assignments.models import Assignment
from core.migration_ops import _move_content_types
from home.models import ContentPage
from learning.models import LearningRecord
from members.models import Role
from tests.factories import AssignmentFactory, BranchFactory, UserFactory, login, make_member

pytestmark = pytest.mark.django_db

LIST = "wagtailsnippets_learning_assignment:list"
INSPECT = "wagtailsnippets_learning_assignment:inspect"
EDIT = "wagtailsnippets_learning_assignment:edit"
ADD = "wagtailsnippets_learning_assignment:add"
BRANCHES = "wagtailsnippets_learning_branch:list"
MEMBERS = "wagtailsnippets_learning_memberprofile:list"


@pytest.fixture
def superuser(db):
    return UserFactory(username="boss", is_superuser=True, is_staff=True)


@pytest.fixture
def pages(db):
    return list(ContentPage.objects.live().order_by("pk")[:3])


@pytest.fixture
def setup(pages):
    """Two branches, each with an assignment: one open, one closed."""
    computing = BranchFactory(name="计算机学院学生第一党支部", organisation="计算机学院党委")
    marxism = BranchFactory(name="马克思主义学院教工党支部", organisation="马克思主义学院党委")
    organiser = make_member("zuzhi", name="组织委员甲", branch=computing, role=Role.ORGANISER)
    open_one = AssignmentFactory(
        branch=computing,
        title="学习党的二十大报告",
        pages=pages[:2],
        due_on=date(2026, 12, 1),
        created_by=organiser,
    )
    closed_one = AssignmentFactory(
        branch=marxism,
        title="重温入党誓词",
        pages=pages[2:],
        due_on=date(2026, 10, 1),
        whole_branch=False,
        closed_at=timezone.now(),
    )
    closed_one.chosen_members.add(make_member("ma1", name="马一", branch=marxism))
    return computing, marxism, open_one, closed_one


def rows(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("who", ["superuser", "member_officer"])
def test_superusers_and_the_organisation_department_list_assignments_of_every_branch(
    request, setup, who
):
    client = login(request.getfixturevalue(who))
    html = rows(client.get(reverse(LIST)))
    assert "学习党的二十大报告" in html and "重温入党誓词" in html
    assert "进行中" in html and "已结束" in html
    assert "全支部" in html and "指定成员 1 人" in html
    assert "组织委员甲（zuzhi）" in html  # who set it


@pytest.mark.parametrize("who", ["superuser", "member_officer"])
def test_filters_by_branch_status_due_date_and_search(request, setup, who):
    computing, marxism, _open, _closed = setup
    client = login(request.getfixturevalue(who))
    url = reverse(LIST)

    def titles(**params) -> set[str]:
        html = rows(client.get(url, params))
        return {title for title in ("学习党的二十大报告", "重温入党誓词") if title in html}

    assert titles(branch=computing.pk) == {"学习党的二十大报告"}
    assert titles(branch=marxism.pk) == {"重温入党誓词"}
    assert titles(status="open") == {"学习党的二十大报告"}
    assert titles(status="closed") == {"重温入党誓词"}
    assert titles(branch=computing.pk, status="closed") == set()
    assert titles(due_on_from="2026-11-01") == {"学习党的二十大报告"}
    assert titles(due_on_to="2026-10-31") == {"重温入党誓词"}
    assert titles(q="誓词") == {"重温入党誓词"}
    # The filter form speaks Chinese.
    html = rows(client.get(url))
    assert "进行中" in html and "已结束" in html and "截止日期" in html
    # Nonsense in the query string is ignored, never an error.
    assert client.get(url, {"branch": "junk", "status": "x", "due_on_from": "y"}).status_code == 200


def test_inspect_shows_pages_in_order_and_counts_but_no_names(member_officer, setup, pages):
    computing, _marxism, open_one, _closed = setup
    done = make_member("wan", name="完成者", branch=computing)
    started = make_member("kai", name="开始者", branch=computing)
    make_member("wei", name="未开始者", branch=computing)
    now = timezone.now()
    for page in pages[:2]:
        LearningRecord.objects.create(
            member=done, page=page, first_seen_at=now, last_seen_at=now, completed_at=now
        )
    LearningRecord.objects.create(
        member=started, page=pages[0], first_seen_at=now, last_seen_at=now
    )

    html = rows(login(member_officer).get(reverse(INSPECT, args=[open_one.pk])))
    first, second = (html.index(page.title) for page in pages[:2])
    assert first < second
    assert pages[2].title not in html
    # Four members with the organiser: one done, one in progress, two not started.
    assert "已完成：1 人" in html and "学习中：1 人" in html and "未开始：2 人" in html
    assert "共 4 人，完成 25%" in html
    assert "完成者" not in html and "开始者" not in html and "未开始者" not in html
    # 组织部 only looks: no edit link, and the edit form is refused.
    assert reverse(EDIT, args=[open_one.pk]) not in html
    assert login(member_officer).get(reverse(EDIT, args=[open_one.pk])).status_code in (302, 403)


def test_inspect_of_an_assignment_for_chosen_members(superuser, setup):
    _computing, _marxism, _open, closed_one = setup
    html = rows(login(superuser).get(reverse(INSPECT, args=[closed_one.pk])))
    assert "已结束" in html and "指定成员 1 人" in html
    assert "未开始：1 人" in html and "共 1 人" in html
    assert reverse(EDIT, args=[closed_one.pk]) in html  # superusers may edit


def test_superuser_creates_an_assignment_as_its_setter(superuser, setup):
    computing = setup[0]
    client = login(superuser)
    assert client.get(reverse(ADD)).status_code == 200
    response = client.post(
        reverse(ADD),
        {
            "branch": computing.pk,
            "title": "学习新党章",
            "note": "",
            "due_on": "2026-12-20",
            "whole_branch": "on",
        },
    )
    assert response.status_code == 302
    created = Assignment.objects.get(title="学习新党章")
    assert created.created_by == superuser and created.branch == computing


@pytest.mark.parametrize("who", ["editor", "reviewer", "plain"])
def test_editors_reviewers_and_members_cannot_see_assignments(request, setup, who):
    if who == "plain":
        user = make_member("putong", name="普通成员", branch=setup[0])
    else:
        user = request.getfixturevalue(who)
    client = login(user)
    urls = [reverse(LIST), reverse(INSPECT, args=[setup[2].pk]), reverse(MEMBERS)]
    if who != "editor":  # editors see the branches (names and sizes) to name check-in staff
        urls.append(reverse(BRANCHES))
    for url in urls:
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert "学习党的二十大报告" not in response.content.decode()


def test_the_organisation_department_sees_branches_and_members(member_officer, setup):
    client = login(member_officer)
    html = rows(client.get(reverse(BRANCHES)))
    assert "计算机学院学生第一党支部" in html and "马克思主义学院教工党支部" in html
    filtered = rows(client.get(reverse(BRANCHES), {"organisation": "计算机学院党委"}))
    assert "计算机学院学生第一党支部" in filtered
    assert "马克思主义学院教工党支部" not in filtered
    # 组织部 sees who is in which branch (never learning history: that has no admin view).
    assert client.get(reverse(MEMBERS)).status_code == 200


def test_editors_see_branch_names_and_sizes_only(editor, setup):
    client = login(editor)
    html = rows(client.get(reverse(BRANCHES)))
    assert "计算机学院学生第一党支部" in html
    assert client.get(reverse(MEMBERS)).status_code in (302, 403)
    assert "组织委员甲" not in html


def test_listing_queries_do_not_grow_with_assignments(superuser, member_officer, pages):
    branches = [BranchFactory(name=f"第{n}党支部") for n in range(3)]
    members = [make_member(f"m{n}", name=f"成员{n}", branch=branches[0]) for n in range(3)]

    def make(count: int) -> None:
        for n in range(count):
            assignment = AssignmentFactory(
                branch=branches[n % 3],
                title=f"任务{Assignment.objects.count()}",
                pages=pages,
                whole_branch=n % 2 == 0,
                created_by=members[n % 3],
                closed_at=timezone.now() if n % 4 == 0 else None,
            )
            assignment.chosen_members.add(*members[:2])

    for user in (superuser, member_officer):
        client = login(user)
        client.get(reverse(LIST))  # warm caches (content types, site root)
        Assignment.objects.all().delete()
        make(3)
        with CaptureQueriesContext(connection) as few:
            rows(client.get(reverse(LIST)))
        make(27)
        with CaptureQueriesContext(connection) as many:
            html = rows(client.get(reverse(LIST)))
        assert "任务19" in html  # a full page of twenty
        assert len(many) == len(few), [query["sql"] for query in many]


def test_listing_of_thirty_assignments_is_a_bounded_number_of_queries(
    member_officer, pages, django_assert_max_num_queries
):
    branch = BranchFactory(name="第一党支部")
    for n in range(30):
        AssignmentFactory(
            branch=branch,
            title=f"任务{n}",
            pages=pages,
            created_by=make_member(f"s{n}", name=f"布置人{n}", branch=branch),
        )
    client = login(member_officer)
    client.get(reverse(LIST))
    with django_assert_max_num_queries(20):
        html = rows(client.get(reverse(LIST)))
    assert "任务19" in html and "布置人19（s19）" in html
    with django_assert_max_num_queries(20):
        html = rows(client.get(reverse(LIST), {"p": 2}))
    assert "任务29" in html and "布置人29（s29）" in html


MOVED = {
    ("members", "view_branch"),
    ("members", "view_memberprofile"),
    ("assignments", "view_assignment"),
}


def view_permissions(group) -> set[tuple[str, str]]:
    """The group's rights on branches, members and assignments, wherever they live."""
    return set(
        group.permissions.filter(
            content_type__app_label__in=["learning", "members", "assignments"]
        ).values_list("content_type__app_label", "codename")
    )


def move_to_learning_and_back(action) -> None:
    """Put the content types where they were when migration 0003 ran, act, move them back."""
    for app_label, models in (
        ("members", ["branch", "memberprofile"]),
        ("assignments", ["assignment", "assignmentitem", "remindersent"]),
    ):
        _move_content_types(apps, app_label, "learning", models)
    action()
    _move_content_types(apps, "learning", "members", ["branch", "memberprofile"])
    _move_content_types(
        apps, "learning", "assignments", ["assignment", "assignmentitem", "remindersent"]
    )


ORGANISATION_DEPARTMENT = {
    ("wagtailadmin", "access_admin"),
    ("members", "view_branch"),
    ("members", "change_branch"),
    ("members", "view_memberprofile"),
    ("members", "change_memberprofile"),
    ("assignments", "view_assignment"),
    ("meetings", "oversee_meetings"),
}


def rights(group_name: str) -> set[tuple[str, str]]:
    group = Group.objects.filter(name=group_name).first()
    if group is None:
        return set()
    return set(group.permissions.values_list("content_type__app_label", "codename"))


def test_migration_0003_gave_editors_view_permissions_only_and_reverses():
    migration = importlib.import_module("learning.migrations.0003_editors_see_branches")
    editors = Group.objects.get(name="编辑")
    move_to_learning_and_back(lambda: migration.revoke(apps, None))
    assert view_permissions(editors) == set()
    move_to_learning_and_back(lambda: migration.grant(apps, None))
    move_to_learning_and_back(lambda: migration.grant(apps, None))  # twice changes nothing
    assert view_permissions(editors) == MOVED


def test_member_data_is_left_to_the_organisation_department_and_reverses():
    members_step = importlib.import_module("members.migrations.0002_organisation_department")
    assignments_step = importlib.import_module(
        "assignments.migrations.0002_organisation_department"
    )
    meetings_step = importlib.import_module("meetings.migrations.0003_organisation_department")
    steps = [
        members_step.Migration.operations[0],
        assignments_step.Migration.operations[0],
        meetings_step.Migration.operations[0],
    ]

    # As migrated: editors keep the branch list only; reviewers have nothing.
    assert view_permissions(Group.objects.get(name="编辑")) == {("members", "view_branch")}
    assert view_permissions(Group.objects.get(name="审核")) == set()
    assert rights("组织部") == ORGANISATION_DEPARTMENT

    for step in reversed(steps):
        step.reverse_code(apps, None)
    assert view_permissions(Group.objects.get(name="编辑")) == MOVED
    assert not Group.objects.filter(name="组织部").exists()  # no permissions, no users
    for _twice in range(2):
        for step in steps:
            step.code(apps, None)
    assert view_permissions(Group.objects.get(name="编辑")) == {("members", "view_branch")}
    assert rights("组织部") == ORGANISATION_DEPARTMENT


def test_moving_content_types_keeps_permissions_both_ways():
    """The models moved out of ``learning``; their permissions follow (core.migration_ops)."""
    department = Group.objects.get(name="组织部")
    seen = []
    move_to_learning_and_back(lambda: seen.append(view_permissions(department)))
    assert seen == [
        {
            ("learning", codename)
            for _app, codename in ORGANISATION_DEPARTMENT
            if _app in ("members", "assignments")
        }
    ]
    assert view_permissions(department) == {
        (app, codename)
        for app, codename in ORGANISATION_DEPARTMENT
        if app in ("members", "assignments")
    }
    assert not ContentType.objects.filter(app_label="learning", model="branch").exists()
