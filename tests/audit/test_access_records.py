"""Who looked at or exported lists of people is written down, and only superusers read it."""

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import Access, AccessRecord
from events.models import Registration
from events.registration import register
from home.models import ContentPage
from members.models import MemberProfile, Role
from tests.factories import (
    AssignmentFactory,
    BranchFactory,
    ForumEventPageFactory,
    UserFactory,
    login,
    make_member,
)

pytestmark = pytest.mark.django_db
REPORT = "/admin/reports/access-records/"


def records() -> list[tuple[str, str, str]]:
    """(username, access, subject), oldest first."""
    return list(
        AccessRecord.objects.order_by("at", "pk").values_list("username", "access", "subject")
    )


@pytest.fixture
def branch():
    return BranchFactory(name="化学学院第二党支部")


@pytest.fixture
def organiser(branch):
    return make_member("shuji", branch=branch, role=Role.ORGANISER, name="周书记")


@pytest.fixture
def assignment(branch, organiser):
    make_member("xueyuan", branch=branch, name="吴同学", student_number="20261234")
    return AssignmentFactory(
        branch=branch,
        title="学习新时代青年使命",
        due_on="2026-12-31",
        pages=[ContentPage.objects.visible().first()],
    )


def test_the_organisers_branch_pages_and_csv_are_recorded(organiser, assignment, branch):
    member = MemberProfile.objects.get(display_name="吴同学").user
    client = Client(REMOTE_ADDR="10.1.2.3")
    client.force_login(organiser)
    for url in (
        "/branch/",
        "/branch/print/",
        f"/branch/assignments/{assignment.pk}/",
        f"/branch/assignments/{assignment.pk}/status.csv",
        f"/branch/members/{member.pk}/",
    ):
        assert client.get(url).status_code == 200, url
    subject = "化学学院第二党支部《学习新时代青年使命》"
    assert records() == [
        ("shuji", Access.BRANCH_PROGRESS, "化学学院第二党支部"),
        ("shuji", Access.BRANCH_PROGRESS, "化学学院第二党支部（打印）"),
        ("shuji", Access.ASSIGNMENT_STATUS, subject),
        ("shuji", Access.ASSIGNMENT_CSV, subject),
        ("shuji", Access.MEMBER_PROGRESS, "化学学院第二党支部 · 吴同学（xueyuan）"),
    ]
    first = AccessRecord.objects.order_by("at", "pk").first()
    assert first.address == "10.1.2.3" and first.user == organiser and first.path == "/branch/"


def test_refused_and_missing_pages_are_not_recorded(organiser, assignment):
    outsider = make_member("waiyuan", branch=BranchFactory(), name="外人")
    assert login(outsider).get("/branch/").status_code == 403
    assert login(organiser).get("/branch/assignments/999999/").status_code == 404
    assert login(outsider).get("/learning/").status_code == 200  # one's own history
    assert records() == []


def test_registration_lists_csv_and_the_check_in_desk_are_recorded(event_manager, branch):
    event = ForumEventPageFactory(title="创新报国先锋论坛", starts_in=timedelta(hours=1))
    event.check_in_branches.add(branch)
    event.save()
    register(event, make_member("baoming", name="郑报名"))
    registration = Registration.objects.get(event=event)
    client = login(event_manager)
    for url in (
        reverse("event_registrations:index"),
        reverse("event_registrations:inspect", args=[registration.pk]),
        reverse("events_registrations", args=[event.pk]),
        reverse("events_registrations_csv", args=[event.pk]),
        event.url + "check-in/",
    ):
        assert client.get(url).status_code == 200, url
    assert records() == [
        ("huodong1", Access.REGISTRATION_LIST, "全部活动"),
        ("huodong1", Access.REGISTRATION_LIST, "郑报名 · 创新报国先锋论坛"),
        ("huodong1", Access.REGISTRATION_LIST, "创新报国先锋论坛"),
        ("huodong1", Access.REGISTRATION_CSV, "创新报国先锋论坛"),
        ("huodong1", Access.CHECK_IN_DESK, "创新报国先锋论坛"),
    ]


def test_the_member_list_and_a_member_in_the_admin_are_recorded(member_officer):
    member = make_member("chakan", name="冯被查")
    client = login(member_officer)
    assert client.get("/admin/snippets/learning/memberprofile/").status_code == 200
    profile = member.member_profile
    assert (
        client.get(f"/admin/snippets/learning/memberprofile/edit/{profile.pk}/").status_code == 200
    )
    assert records() == [
        ("zuzhibu1", Access.MEMBER_LIST, "成员名单"),
        ("zuzhibu1", Access.MEMBER_PROFILE, "冯被查（chakan）"),
    ]


def test_superusers_read_and_export_the_trail(organiser, assignment):
    login(organiser).get("/branch/")
    boss = UserFactory(username="boss", is_superuser=True, is_staff=True)
    client = login(boss)
    html = client.get(REPORT).content.decode()
    assert "访问记录" in html and "shuji" in html and "查看支部学习情况" in html
    assert REPORT in client.get(reverse("wagtailadmin_home")).content.decode()

    filtered = client.get(REPORT, {"access": Access.REGISTRATION_CSV}).content.decode()
    assert "shuji" not in filtered
    assert client.get(REPORT, {"access": "junk", "at_from": "x"}).status_code == 200

    response = client.get(REPORT, {"export": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["时间", "用户名", "操作", "对象", "IP 地址", "网址"]
    assert rows[1][1:4] == ["shuji", "查看支部学习情况", "化学学院第二党支部"]
    beijing = timezone.localtime(AccessRecord.objects.get().at, timezone.get_default_timezone())
    assert rows[1][0] == beijing.strftime("%Y-%m-%d %H:%M:%S")
    assert client.get(REPORT, {"export": "xlsx"}).status_code == 200


@pytest.mark.parametrize("who", ["editor", "reviewer", "event_manager", "member_officer"])
def test_nobody_else_reads_the_trail(request, who, organiser, assignment):
    login(organiser).get("/branch/")
    client = login(request.getfixturevalue(who))
    response = client.get(REPORT)
    assert response.status_code in (302, 403)
    assert "shuji" not in response.content.decode()
    assert client.get(REPORT, {"export": "csv"}).status_code in (302, 403)
    assert REPORT not in client.get(reverse("wagtailadmin_home")).content.decode()
    assert login(organiser).get(REPORT).status_code == 302  # not even into the admin
