"""send_reminders: one email per member, assignment and due date, only when due soon and not done."""

import re
import smtplib
from datetime import datetime, timedelta
from functools import partial
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assignments.models import ReminderSent
from learning.event_log import record_server_event
from learning.models import Verb
from tests.factories import (
    AssignmentFactory,
    BranchFactory,
    ExemplarStoryPageFactory,
    MicroLecturePageFactory,
    RevolutionarySitePageFactory,
    make_member,
)

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
SUMMARY = re.compile(
    r"提醒邮件：已发送 (\d+) 封，此前已提醒 (\d+) 人次，没有邮箱 (\d+) 人次，发送失败 (\d+) 封。"
)


@pytest.fixture
def branch(db):
    return BranchFactory(name="计算机学院学生第一党支部")


@pytest.fixture
def zhang(branch):
    return make_member("zhangsan", name="张三", branch=branch, email="zhangsan@example.edu.cn")


@pytest.fixture
def li(branch):
    return make_member("lisi", name="李四", branch=branch, email="lisi@example.edu.cn")


@pytest.fixture
def pages(db):
    lecture = MicroLecturePageFactory(title="遵义会议的历史意义")
    story = ExemplarStoryPageFactory(title="黄文秀：扶贫路上的青春")
    return [lecture, story]


# Every assignment here is due tomorrow unless a test says otherwise: reminders go the day before.
assign = partial(AssignmentFactory, title="学习二十大精神", due_in=timedelta(days=1))


def complete(member, *pages) -> None:
    for page in pages:
        record_server_event(member, page, Verb.COMPLETED)


def run() -> str:
    out = StringIO()
    call_command("send_reminders", stdout=out, stderr=StringIO())
    return out.getvalue()


def counts(output: str) -> tuple[int, int, int, int]:
    """(sent, already reminded, no email, failed) from the summary line."""
    match = SUMMARY.search(output)
    assert match, output
    return tuple(int(number) for number in match.groups())


def recipients(outbox) -> list[str]:
    return sorted(address for message in outbox for address in message.to)


def test_member_not_done_is_reminded_once_with_links_to_what_is_left(
    branch, zhang, pages, mailoutbox
):
    lecture, story = pages
    assignment = assign(branch=branch, pages=pages, note="请在支部会前学完。")
    complete(zhang, lecture)

    output = run()

    assert counts(output) == (1, 0, 0, 0)
    [message] = mailoutbox
    assert message.to == ["zhangsan@example.edu.cn"]
    due = assignment.due_on
    assert message.subject == (
        f"待学任务提醒：《学习二十大精神》将于 {due.year}年{due.month}月{due.day}日 截止"
    )
    assert message.body.startswith("张三，你好：")
    assert story.title in message.body
    assert story.get_full_url() in message.body
    assert story.get_full_url().startswith("http")
    assert lecture.title not in message.body  # already done
    assert "请在支部会前学完。" in message.body
    assert "http://localhost/learning/" in message.body  # 我的学习, on the default site
    assert ReminderSent.objects.filter(
        assignment=assignment, member=zhang, due_on=assignment.due_on
    ).exists()


def test_done_member_is_not_reminded(branch, zhang, li, pages, mailoutbox):
    assign(branch=branch, pages=pages)
    complete(zhang, *pages)

    output = run()

    assert recipients(mailoutbox) == ["lisi@example.edu.cn"]
    assert counts(output) == (1, 0, 0, 0)
    assert not ReminderSent.objects.filter(member=zhang).exists()


def test_second_run_sends_nothing_new(branch, zhang, li, pages, mailoutbox):
    assign(branch=branch, pages=pages)
    assert counts(run()) == (2, 0, 0, 0)

    output = run()

    assert len(mailoutbox) == 2
    assert counts(output) == (0, 2, 0, 0)


def test_extending_the_due_date_allows_one_more_reminder(branch, zhang, pages, mailoutbox):
    assignment = assign(branch=branch, pages=pages, due_in=timedelta(days=0))
    run()
    assignment.due_on += timedelta(days=1)  # due today, extended to tomorrow
    assignment.save()

    assert counts(run()) == (1, 0, 0, 0)
    assert counts(run()) == (0, 1, 0, 0)
    assert len(mailoutbox) == 2
    assert sorted(ReminderSent.objects.values_list("due_on", flat=True)) == [
        assignment.due_on - timedelta(days=1),
        assignment.due_on,
    ]


@pytest.mark.parametrize("due_in_days", [-1, 5])
def test_no_reminder_when_overdue_or_not_due_soon(branch, zhang, pages, mailoutbox, due_in_days):
    assign(branch=branch, pages=pages, due_in=timedelta(days=due_in_days))

    assert counts(run()) == (0, 0, 0, 0)
    assert mailoutbox == []


def test_no_reminder_for_closed_assignment(branch, zhang, pages, mailoutbox):
    assign(branch=branch, pages=pages, closed_at=timezone.now())

    assert counts(run()) == (0, 0, 0, 0)
    assert mailoutbox == []


def test_window_is_the_next_48_hours(branch, zhang, pages, mailoutbox, monkeypatch):
    """At 8:00 in Shanghai, today and tomorrow end within 48 hours; the day after does not."""
    now = datetime(2026, 11, 24, 8, 0, tzinfo=SHANGHAI)
    monkeypatch.setattr(timezone, "now", lambda: now)
    for day in (23, 24, 25, 26):
        AssignmentFactory(
            branch=branch,
            title=f"11月{day}日截止",
            due_on=now.date().replace(day=day),
            pages=pages[:1],
        )

    run()

    assert sorted(message.subject for message in mailoutbox) == [
        "待学任务提醒：《11月24日截止》将于 2026年11月24日 截止",
        "待学任务提醒：《11月25日截止》将于 2026年11月25日 截止",
    ]


def test_chosen_members_only_are_reminded(branch, zhang, li, pages, mailoutbox):
    other_branch = BranchFactory(name="马克思主义学院教工党支部")
    # Chosen, then left the branch.
    moved = make_member("wangwu", name="王五", branch=other_branch, email="wangwu@example.edu.cn")
    assign(branch=branch, pages=pages, chosen_members=[li, moved])

    run()

    assert recipients(mailoutbox) == ["lisi@example.edu.cn"]


def test_inactive_members_and_other_branches_are_not_reminded(branch, zhang, pages, mailoutbox):
    zhang.is_active = False
    zhang.save()
    elsewhere = BranchFactory(name="马克思主义学院教工党支部")
    make_member("wangwu", name="王五", branch=elsewhere, email="wangwu@example.edu.cn")
    assign(branch=branch, pages=pages)

    assert counts(run()) == (0, 0, 0, 0)
    assert mailoutbox == []


def test_member_without_email_is_listed_not_recorded(branch, zhang, pages, mailoutbox):
    nomail = make_member("zhaoliu", name="赵六", branch=branch, email="")
    assign(branch=branch, pages=pages)

    output = run()

    assert recipients(mailoutbox) == ["zhangsan@example.edu.cn"]
    assert "以下成员没有邮箱，未能提醒：\n  赵六（zhaoliu）：《学习二十大精神》" in output
    assert counts(output) == (1, 0, 1, 0)
    assert not ReminderSent.objects.filter(member=nomail).exists()
    assert counts(run()) == (0, 1, 1, 0)  # listed again until someone adds an address


def test_unpublished_items_are_left_out(branch, zhang, li, pages, mailoutbox):
    lecture, story = pages
    hidden = RevolutionarySitePageFactory(title="已下线的纪念馆")
    hidden.unpublish()
    assign(branch=branch, pages=[lecture, story, hidden])
    complete(zhang, lecture, story)  # all that can still be opened

    run()

    [message] = mailoutbox
    assert message.to == ["lisi@example.edu.cn"]
    assert hidden.title not in message.body


class RefusesLisi(EmailBackend):
    """Delivers like the test backend, but the server refuses one address."""

    def send_messages(self, messages):
        for message in messages:
            if "lisi@example.edu.cn" in message.to:
                raise smtplib.SMTPRecipientsRefused({"lisi@example.edu.cn": (550, b"no")})
        return super().send_messages(messages)


def test_failed_send_is_reported_not_recorded_and_others_still_go(
    branch, zhang, li, pages, mailoutbox, settings
):
    settings.EMAIL_BACKEND = f"{__name__}.RefusesLisi"
    make_member("wangwu", name="王五", branch=branch, email="wangwu@example.edu.cn")
    assign(branch=branch, pages=pages)
    out, err = StringIO(), StringIO()

    with pytest.raises(CommandError, match="有 1 封提醒邮件没有发出"):
        call_command("send_reminders", stdout=out, stderr=err)

    assert recipients(mail.outbox) == ["wangwu@example.edu.cn", "zhangsan@example.edu.cn"]
    assert "发送失败 李四（lisi）：《学习二十大精神》：SMTPRecipientsRefused" in err.getvalue()
    assert counts(out.getvalue()) == (2, 0, 0, 1)
    assert not ReminderSent.objects.filter(member=li).exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert counts(run()) == (1, 2, 0, 0)  # the next run tries again


def test_queries_do_not_grow_with_members(branch, pages, mailoutbox):
    """Seven queries per run (assignments, items, chosen members, visible pages in two,
    reminders so far, the default site), plus the sites' root paths unless cached, two per
    branch (members, records) and one per email sent (its ReminderSent)."""
    other = BranchFactory(name="马克思主义学院教工党支部")
    for number in range(3):
        make_member(
            f"a{number}", name=f"甲{number}", branch=branch, email=f"a{number}@example.edu.cn"
        )
        make_member(
            f"b{number}", name=f"乙{number}", branch=other, email=f"b{number}@example.edu.cn"
        )
    assign(branch=branch, pages=pages, title="任务一")
    assign(branch=branch, pages=pages[:1], title="任务二", due_in=timedelta(days=0))
    assign(branch=other, pages=pages, title="任务三")

    with CaptureQueriesContext(connection) as queries:
        output = run()

    sent = counts(output)[0]
    assert sent == 9
    assert len(queries) <= 7 + 1 + 2 * 2 + sent, [query["sql"] for query in queries]
