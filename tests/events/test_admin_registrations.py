"""Event managers (活动管理) see event registrations in the Wagtail admin, per event with the waiting list in
order, and export them as CSV."""

import csv
import importlib
import io
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events.models import Registration
from events.registration import cancel, check_in, register
from members.models import Role
from tests.factories import (
    BranchFactory,
    ForumEventPageFactory,
    MicroLecturePageFactory,
    UserFactory,
    login,
    make_member,
)

pytestmark = pytest.mark.django_db

LIST = "event_registrations:index"
INSPECT = "event_registrations:inspect"
PAGE = "events_registrations"
CSV = "events_registrations_csv"
CSV_HEADER = [
    "序号",
    "姓名",
    "用户名",
    "学号",
    "党支部",
    "状态",
    "候补顺位",
    "报名时间",
    "确认时间",
    "取消时间",
    "签到时间",
]


def html_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def csv_of(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs
    text = response.content.decode("utf-8")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.fixture
def branches():
    return (
        BranchFactory(name="计算机学院学生第一党支部"),
        BranchFactory(name="马克思主义学院教工党支部"),
    )


@pytest.fixture
def forum(branches):
    """Two places: 张三 and 李四 confirmed, 王五 then 赵六 waiting, 钱七 cancelled.

    钱七 cancelled while waiting, so nobody moved up; times are one minute apart.
    """
    computing, marxism = branches
    event = ForumEventPageFactory(slug="admin-forum", title="科技报国论坛", capacity=2)
    people = {
        "zhang": make_member("zhang", name="张三", branch=computing, student_number="2023001"),
        "li": make_member("li", name="李四", branch=marxism),
        "qian": make_member("qian", name="钱七", branch=computing),
        "wang": make_member("wang", name="王五", branch=computing),
        "zhao": make_member("zhao", name="赵六", branch=marxism),
    }
    start = timezone.now() - timedelta(hours=1)
    for minute, username in enumerate(["zhang", "li", "qian", "wang", "zhao"]):
        outcome = register(event, people[username])
        # Spread the arrival times so the order (and the CSV times) are unambiguous.
        Registration.objects.filter(pk=outcome.registration.pk).update(
            queued_at=start + timedelta(minutes=minute)
        )
    cancel(event, people["qian"])
    return event, people


def statuses(event) -> dict[str, str]:
    return dict(Registration.objects.filter(event=event).values_list("member__username", "status"))


def test_the_fixture_went_through_the_real_rules(forum):
    event, _people = forum
    assert statuses(event) == {
        "zhang": "confirmed",
        "li": "confirmed",
        "qian": "cancelled",
        "wang": "waiting",
        "zhao": "waiting",
    }


# --- the listing --------------------------------------------------------------------------


def test_event_manager_lists_registrations_with_event_member_branch_and_status(
    event_manager, forum
):
    html = html_of(login(event_manager).get(reverse(LIST)))
    for text in ("科技报国论坛", "张三", "李四", "王五", "赵六", "钱七"):
        assert text in html
    assert "计算机学院学生第一党支部" in html and "马克思主义学院教工党支部" in html
    assert "已报名" in html and "候补" in html and "已取消" in html
    # Read-only: no add, edit or delete, and no such URLs at all.
    registration = Registration.objects.get(member=forum[1]["zhang"])
    assert reverse(INSPECT, args=[registration.pk]) in html
    for name in ("add", "edit", "delete"):
        with pytest.raises(Exception):  # noqa: B017 - NoReverseMatch
            reverse(f"event_registrations:{name}", args=[registration.pk])


def test_event_manager_filters_by_event_status_and_check_in_and_searches(event_manager, forum):
    event, people = forum
    other = ForumEventPageFactory(slug="other-forum", title="红色经典读书会", capacity=None)
    register(other, make_member("sun", name="孙八"))
    zhang = Registration.objects.get(event=event, member=people["zhang"])
    Registration.objects.filter(pk=zhang.pk).update(checked_in_at=timezone.now())
    client = login(event_manager)

    def names(**params) -> set[str]:
        html = html_of(client.get(reverse(LIST), params))
        return {name for name in ("张三", "李四", "王五", "赵六", "钱七", "孙八") if name in html}

    assert names() == {"张三", "李四", "王五", "赵六", "钱七", "孙八"}
    assert names(event=other.pk) == {"孙八"}
    assert names(event=event.pk) == {"张三", "李四", "王五", "赵六", "钱七"}
    assert names(event=event.pk, status="waiting") == {"王五", "赵六"}
    assert names(status="cancelled") == {"钱七"}
    assert names(checked_in="yes") == {"张三"}
    assert names(event=event.pk, checked_in="no") == {"李四", "王五", "赵六", "钱七"}
    assert names(q="王五") == {"王五"}
    assert names(q="zhao") == {"赵六"}
    assert names(ordering="-queued_at", event=event.pk) == {"张三", "李四", "王五", "赵六", "钱七"}
    # The event filter names events with their dates (the same title may recur).
    assert f"红色经典读书会（{timezone.localtime(other.starts_at):%Y-%m-%d}）" in html_of(
        client.get(reverse(LIST))
    )
    # Nonsense in the query string is ignored, never an error.
    junk = {"event": "junk", "status": "x", "checked_in": "maybe", "ordering": "member__password"}
    assert client.get(reverse(LIST), junk).status_code == 200


def test_listing_is_a_bounded_number_of_queries(
    event_manager, forum, django_assert_max_num_queries
):
    event, _people = forum
    for n in range(60):
        register(event, make_member(f"extra{n}", name=f"候补{n}"))
    client = login(event_manager)
    client.get(reverse(LIST))  # warm caches (content types, site root)
    with django_assert_max_num_queries(20):
        html = html_of(client.get(reverse(LIST)))
    assert html.count("科技报国论坛") >= 50


def test_inspect_shows_the_history_of_a_registration(event_manager, forum):
    event, people = forum
    zhang = Registration.objects.get(event=event, member=people["zhang"])
    check_in_by = make_member("zuzhi", role=Role.ORGANISER, name="组织委员甲")
    # Check-in opens two hours before the start: pretend the event is about to start.
    type(event).objects.filter(pk=event.pk).update(starts_at=timezone.now() + timedelta(hours=1))
    check_in(zhang, check_in_by)
    client = login(event_manager)

    html = html_of(client.get(reverse(INSPECT, args=[zhang.pk])))
    assert "张三（zhang）" in html and "科技报国论坛" in html
    assert "报名成功" in html and "签到" in html and "组织委员甲（zuzhi）" in html
    assert reverse(PAGE, args=[event.pk]) in html

    qian = Registration.objects.get(event=event, member=people["qian"])
    html = html_of(client.get(reverse(INSPECT, args=[qian.pk])))
    assert html.index("进入候补") < html.index("取消报名")

    zhao = Registration.objects.get(event=event, member=people["zhao"])
    html = html_of(client.get(reverse(INSPECT, args=[zhao.pk])))
    assert "进入候补" in html and "候补顺位" in html


# --- one event's list ---------------------------------------------------------------------


def section(html: str, name: str) -> str:
    start = html.index(f'data-registrations="{name}"')
    return html[start : html.index("</section>", start)]


def test_event_page_shows_summary_confirmed_waiting_in_order_and_cancelled(event_manager, forum):
    event, people = forum
    # 张三 cancels: 王五 moves up, 赵六 is first in line, then a newcomer.
    cancel(event, people["zhang"])
    register(event, make_member("late", name="周九"))
    html = html_of(login(event_manager).get(reverse(PAGE, args=[event.pk])))

    assert "报名名单" in html and "科技报国论坛" in html
    start = html.index("data-registrations-summary")
    summary = html[start : html.index("</table>", start)]
    cells = [cell.split(">")[-1] for cell in summary.split("</td>")[:-1]]
    assert cells == ["2", "2", "0", "2", "2"]  # capacity, confirmed, checked in, waiting, cancelled

    confirmed = section(html, "confirmed")
    assert "李四" in confirmed and "王五" in confirmed and "赵六" not in confirmed
    waiting = section(html, "waiting")
    assert waiting.index("赵六") < waiting.index("周九")
    assert "<td>1</td>" in waiting and "<td>2</td>" in waiting
    cancelled = section(html, "cancelled")
    assert "张三" in cancelled and "钱七" in cancelled
    assert cancelled.index("张三") < cancelled.index("钱七")  # the latest first
    assert reverse(CSV, args=[event.pk]) in html and "导出 CSV" in html


def test_event_page_without_capacity_or_registrations(event_manager):
    event = ForumEventPageFactory(slug="open-forum", capacity=None)
    html = html_of(login(event_manager).get(reverse(PAGE, args=[event.pk])))
    assert "不限" in html and "还没有人报名。" in html and "没有人在候补。" in html


def test_event_page_of_a_hundred_registrations_is_a_bounded_number_of_queries(
    event_manager, branches, django_assert_max_num_queries
):
    event = ForumEventPageFactory(slug="big-forum", capacity=60)
    for n in range(100):
        register(
            event,
            make_member(
                f"m{n}", name=f"成员{n}", branch=branches[n % 2], student_number=f"2024{n:03d}"
            ),
        )
    for n in range(0, 100, 10):
        cancel(event, Registration.objects.get(event=event, member__username=f"m{n}").member)
    client = login(event_manager)
    client.get(reverse(PAGE, args=[event.pk]))
    with django_assert_max_num_queries(15):
        html = html_of(client.get(reverse(PAGE, args=[event.pk])))
    assert "成员99" in html
    with django_assert_max_num_queries(10):
        rows = csv_of(client.get(reverse(CSV, args=[event.pk])))
    assert len(rows) == 101
    assert sum(1 for row in rows[1:] if row[5] == "候补") == 30


# --- the CSV ------------------------------------------------------------------------------


def local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def test_csv_has_bom_header_and_rows_in_order(event_manager, forum):
    event, people = forum
    rows = csv_of(login(event_manager).get(reverse(CSV, args=[event.pk])))
    assert rows[0] == CSV_HEADER
    body = rows[1:]
    assert [row[0] for row in body] == ["1", "2", "3", "4", "5"]
    assert [row[1] for row in body] == ["张三", "李四", "王五", "赵六", "钱七"]
    assert [row[5] for row in body] == ["已报名", "已报名", "候补", "候补", "已取消"]
    assert [row[6] for row in body] == ["", "", "1", "2", ""]

    zhang = Registration.objects.get(event=event, member=people["zhang"])
    assert body[0] == [
        "1",
        "张三",
        "zhang",
        "2023001",
        "计算机学院学生第一党支部",
        "已报名",
        "",
        local(zhang.queued_at),
        local(zhang.confirmed_at),
        "",
        "",
    ]
    qian = Registration.objects.get(event=event, member=people["qian"])
    assert body[4][4] == "计算机学院学生第一党支部"
    assert body[4][8] == "" and body[4][9] == local(qian.cancelled_at)
    assert body[1][4] == "马克思主义学院教工党支部"


def test_csv_times_are_beijing_time_and_the_filename_names_the_event(event_manager, forum):
    event, people = forum
    response = login(event_manager).get(reverse(CSV, args=[event.pk]))
    today = timezone.localtime(timezone.now(), timezone.get_fixed_timezone(8 * 60))
    expected = f"科技报国论坛-报名名单-{today:%Y%m%d}.csv"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and quote(expected) in disposition
    zhang = Registration.objects.get(event=event, member=people["zhang"])
    beijing = (zhang.queued_at + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")
    assert csv_of(response)[1][7] == beijing


def test_csv_defuses_formulas_in_names(event_manager, branches):
    event = ForumEventPageFactory(slug="formula-forum", title="公式/测试", capacity=3)
    register(event, make_member("formula", name="=1+1", branch=branches[0], student_number="+86"))
    response = login(event_manager).get(reverse(CSV, args=[event.pk]))
    row = csv_of(response)[1]
    assert row[1] == "'=1+1" and row[3] == "'+86"
    # A slash in the title would make a path of the file name.
    disposition = response["Content-Disposition"]
    assert quote("公式_测试-报名名单-") in disposition and "%2F" not in disposition


def test_member_without_profile_shows_the_username(event_manager):
    event = ForumEventPageFactory(slug="staff-forum", capacity=3)
    register(event, UserFactory(username="staffer"))
    rows = csv_of(login(event_manager).get(reverse(CSV, args=[event.pk])))
    assert rows[1][1:5] == ["staffer", "staffer", "", ""]
    assert "staffer" in html_of(login(event_manager).get(reverse(PAGE, args=[event.pk])))


# --- who may see it -----------------------------------------------------------------------


def test_superusers_see_it_too(forum):
    event, _people = forum
    boss = UserFactory(username="boss", is_superuser=True, is_staff=True)
    client = login(boss)
    assert client.get(reverse(LIST)).status_code == 200
    assert client.get(reverse(PAGE, args=[event.pk])).status_code == 200
    assert client.get(reverse(CSV, args=[event.pk])).status_code == 200


@pytest.mark.parametrize("who", ["editor", "reviewer", "member_officer"])
def test_editors_reviewers_and_the_organisation_department_see_no_registrations(
    request, who, forum
):
    """Least privilege: editing pages, reviewing them or keeping the member lists gives no
    sight of who registered for what."""
    event, people = forum
    registration = Registration.objects.get(event=event, member=people["zhang"])
    client = login(request.getfixturevalue(who))
    for url in (
        reverse(LIST),
        reverse(INSPECT, args=[registration.pk]),
        reverse(PAGE, args=[event.pk]),
        reverse(CSV, args=[event.pk]),
    ):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert "张三" not in response.content.decode()
    assert "event-registrations" not in html_of(client.get(reverse("wagtailadmin_home")))


@pytest.mark.parametrize("who", ["plain", "organiser", "anonymous"])
def test_members_and_organisers_are_sent_to_the_admin_login(who, forum):
    event, people = forum
    registration = Registration.objects.get(event=event, member=people["zhang"])
    if who == "anonymous":
        client = Client()
    elif who == "plain":
        client = login(people["zhang"])
    else:
        client = login(make_member("zuzhi", role=Role.ORGANISER, name="组织委员"))
    for url in (
        reverse(LIST),
        reverse(INSPECT, args=[registration.pk]),
        reverse(PAGE, args=[event.pk]),
        reverse(CSV, args=[event.pk]),
    ):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("wagtailadmin_login")), url
        assert "张三" not in response.content.decode()


def test_admin_users_without_the_permission_are_refused(forum):
    event, people = forum
    registration = Registration.objects.get(event=event, member=people["zhang"])
    other = Group.objects.create(name="其他后台用户")
    other.permissions.add(
        *Group.objects.get(name="编辑").permissions.exclude(
            content_type__app_label="events", content_type__model="registration"
        )
    )
    user = UserFactory(username="backoffice", groups=["其他后台用户"])
    client = login(user)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    for url in (
        reverse(LIST),
        reverse(INSPECT, args=[registration.pk]),
        reverse(PAGE, args=[event.pk]),
        reverse(CSV, args=[event.pk]),
    ):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert response["Location"] == reverse("wagtailadmin_home"), url
    # Unknown ids are not revealed to them either: the same refusal.
    assert client.get(reverse(PAGE, args=[999999])).status_code in (302, 403)


def test_unknown_page_and_a_page_that_is_not_an_event_are_404(event_manager, forum):
    client = login(event_manager)
    not_an_event = MicroLecturePageFactory()
    for page_id in (999999, not_an_event.pk):
        assert client.get(reverse(PAGE, args=[page_id])).status_code == 404
        assert client.get(reverse(CSV, args=[page_id])).status_code == 404
    assert client.get(reverse(INSPECT, args=[999999])).status_code == 404


# --- reaching it from the event page ------------------------------------------------------


def test_event_pages_have_a_registrations_button_for_those_who_may_see_them(editor, forum):
    event, _people = forum
    editor.groups.add(Group.objects.get(name="活动管理"))  # edits pages and runs events
    url = reverse(PAGE, args=[event.pk])
    edit = reverse("wagtailadmin_pages:edit", args=[event.pk])
    assert url in html_of(login(editor).get(edit))
    explorer = reverse("wagtailadmin_explore", args=[event.get_parent().pk])
    assert url in html_of(login(editor).get(explorer))

    # Not on other pages.
    page = MicroLecturePageFactory()
    html = html_of(login(editor).get(reverse("wagtailadmin_pages:edit", args=[page.pk])))
    assert reverse(PAGE, args=[page.pk]) not in html and "报名名单" not in html

    # Not for someone who may edit pages but not see registrations.
    plain_editor = UserFactory(username="editor2", groups=["编辑"])
    assert url not in html_of(login(plain_editor).get(edit))


def test_admin_menu_has_the_registrations_item_for_those_who_may_see_them(event_manager, reviewer):
    # The sidebar is JSON for the admin's JavaScript: Chinese comes \u-escaped.
    item = '"name": "event-registrations", "label": "\\u6d3b\\u52a8\\u62a5\\u540d"'
    html = html_of(login(event_manager).get(reverse("wagtailadmin_home")))
    assert item in html and f'"url": "{reverse(LIST)}"' in html
    html = html_of(login(reviewer).get(reverse("wagtailadmin_home")))
    assert "event-registrations" not in html


# --- the permissions migration ------------------------------------------------------------


def registration_codenames(group_name: str) -> set[str]:
    group = Group.objects.filter(name=group_name).first()
    if group is None:
        return set()
    return set(
        group.permissions.filter(content_type__app_label="events").values_list(
            "codename", flat=True
        )
    )


def test_migrations_leave_registrations_to_event_managers_only_and_reverse():
    earlier = importlib.import_module("events.migrations.0004_editor_registration_permissions")
    later = importlib.import_module("events.migrations.0006_event_managers")
    regroup = later.Migration.operations[0]
    both = {"view_registration", "change_registration"}

    # As migrated: 活动管理 has both; editors and reviewers nothing.
    assert registration_codenames("活动管理") == both
    assert registration_codenames("编辑") == registration_codenames("审核") == set()

    regroup.reverse_code(apps, None)  # back to 0004's grants; the empty group goes
    assert registration_codenames("编辑") == both
    assert registration_codenames("审核") == {"view_registration"}
    assert not Group.objects.filter(name="活动管理").exists()
    earlier.revoke(apps, None)
    assert registration_codenames("编辑") == registration_codenames("审核") == set()
    earlier.grant(apps, None)

    regroup.code(apps, None)
    regroup.code(apps, None)  # running it twice changes nothing
    assert registration_codenames("活动管理") == both
    assert registration_codenames("编辑") == registration_codenames("审核") == set()


def test_group_editor_offers_view_and_check_in_permissions_only():
    boss = UserFactory(username="boss", is_superuser=True, is_staff=True)
    managers = Group.objects.get(name="活动管理")
    html = html_of(login(boss).get(reverse("wagtailusers_groups:edit", args=[managers.pk])))
    view, change, add, delete = (
        Permission.objects.get(content_type__app_label="events", codename=f"{action}_registration")
        for action in ("view", "change", "add", "delete")
    )
    assert f'value="{view.pk}"' in html and f'value="{change.pk}"' in html
    assert f'value="{add.pk}"' not in html and f'value="{delete.pk}"' not in html
