"""组织部's overview: per branch and quarter, recorded or not; never who attended."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from audit.models import Access, AccessRecord
from meetings.ledger import DONE, FUTURE, MISSING, OPEN, oversight, quarter_status
from meetings.meeting_csv import CSV_HEADER, import_meetings
from members.models import Role
from tests.factories import BranchFactory, UserFactory, login, make_member
from tests.meetings.test_ledger import oversee

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def branches(db):
    first = BranchFactory(name="甲支部")
    second = BranchFactory(name="乙支部")
    make_member("jia_org", name="甲组织委员", branch=first, role=Role.ORGANISER)
    make_member("jia_1", name="甲成员", branch=first)
    lines = [",".join(CSV_HEADER)]
    lines += [
        f"甲支部,{kind},2025-{month:02d}-10 19:00,,,,议题,jia_org,jia_1:请假事由保密,"
        for kind, month in (("党员大会", 2), ("党课", 3), ("支委会", 1), ("支委会", 2))
    ]
    lines += [
        "甲支部,支委会,2025-03-10 19:00,,,,议题,jia_org,,",
        "甲支部,党小组会,2025-01-10 19:00,,,,议题,jia_org,,",
    ]
    import_meetings("\n".join(lines) + "\n")
    return first, second


def test_quarter_status_follows_each_kinds_cadence():
    today = date(2025, 5, 15)
    assert quarter_status({2}, 3, 1, 2025, today) == DONE
    assert quarter_status({1, 2, 3}, 1, 1, 2025, today) == DONE
    assert quarter_status({1, 3}, 1, 1, 2025, today) == MISSING
    assert quarter_status(set(), 3, 2, 2025, today) == OPEN
    assert quarter_status(set(), 3, 3, 2025, today) == FUTURE
    assert quarter_status({7}, 6, 4, 2025, date(2025, 12, 31)) == DONE


def test_each_branch_each_quarter(branches):
    first, second = branches
    summary = {row.branch.name: row for row in oversight(2025, date(2025, 12, 31))}
    q1 = dict(summary["甲支部"].quarters[0].kinds)
    assert q1 == {"党员大会": DONE, "支委会": DONE, "党小组会": MISSING, "党课": DONE}
    assert not summary["甲支部"].quarters[0].complete
    assert all(status == MISSING for _label, status in summary["乙支部"].quarters[2].kinds)


def test_the_page_needs_the_permission_and_shows_no_people(branches, editor, monkeypatch):
    monkeypatch.setattr(
        "django.utils.timezone.now", lambda: datetime(2025, 12, 1, 12, tzinfo=SHANGHAI)
    )
    url = "/oversight/meetings/"
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert login(editor).get(url).status_code == 403
    assert (
        login(make_member("jia_org2", branch=branches[0], role=Role.ORGANISER)).get(url).status_code
        == 403
    )
    staff = oversee(make_member("zuzhibu", branch=None))
    response = login(staff).get(url + "?year=2025")
    assert response.status_code == 200
    html = response.content.decode()
    assert "甲支部" in html and "乙支部" in html
    assert "甲成员" not in html and "请假事由保密" not in html and "jia_1" not in html
    assert "oversight-status--missing" in html
    assert AccessRecord.objects.filter(access=Access.MEETING_OVERSIGHT, username="zuzhibu").exists()
    assert login(staff).get(url + "?year=1800").status_code == 404
    assert login(staff).get(url + "?year=abc").status_code == 200  # this year


def test_the_overview_takes_a_fixed_number_of_queries(branches, django_assert_max_num_queries):
    for number in range(10):
        BranchFactory(name=f"丙支部{number}")
    staff = oversee(make_member("zuzhibu", branch=None))
    client = login(staff)
    with django_assert_max_num_queries(15):
        assert client.get("/oversight/meetings/?year=2025").status_code == 200


@pytest.mark.django_db
def test_the_organisation_department_group_holds_the_permission():
    """Adding someone to 组织部 is all an administrator does (meetings' migration 0003)."""
    from django.contrib.auth.models import Group

    group = Group.objects.get(name="组织部")
    assert group.permissions.filter(codename="oversee_meetings").exists()
    user = UserFactory()
    assert not user.has_perm("meetings.oversee_meetings")
    user.groups.add(group)
    user = type(user).objects.get(pk=user.pk)
    assert user.has_perm("meetings.oversee_meetings")
