"""A page done by 自测全对 in an assignment: the organiser's status page, CSV, reminders and
the member's to-do follow the member's answers through the normal path (the records)."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from assignments.progress import todo_list
from assignments.reminders import due_reminders
from learning.event_log import record_server_event
from learning.models import Verb
from members.models import Role
from tests.factories import (
    AssignmentFactory,
    BranchFactory,
    ExemplarStoryPageFactory,
    login,
    make_member,
)
from tests.selfcheck.helpers import Quiz, give_questions

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    branch = BranchFactory(name="自测支部")
    organiser = make_member("zuzhi_zc", name="王组织", branch=branch, role=Role.ORGANISER)
    member = make_member("xuesheng_zc", name="李自测", branch=branch)
    quiz = Quiz()
    page = give_questions(ExemplarStoryPageFactory(title="要答对的故事"), quiz)
    assignment = AssignmentFactory(
        branch=branch, title="自测任务", due_in=timedelta(days=1), pages=[page]
    )
    return organiser, member, quiz, page, assignment


def csv_status(organiser, assignment, name: str) -> str:
    response = login(organiser).get(f"/branch/assignments/{assignment.pk}/status.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return next(row for row in rows if row[0] == name)[3]


def page_status(organiser, assignment, name: str) -> str:
    html = login(organiser).get(f"/branch/assignments/{assignment.pk}/").content.decode()
    row = html[html.index(name) :]
    return row[: row.index("</tr>")]


def test_status_csv_reminders_and_todo_follow_the_self_check(setting):
    organiser, member, quiz, page, assignment = setting
    client = login(member)

    # Reading and 学完了 do not complete a 自测全对 page: still to do everywhere.
    record_server_event(member, page, Verb.VIEWED, value=0)
    client.post(f"/learning/pages/{page.pk}/studied/")
    assert csv_status(organiser, assignment, "李自测") == "学习中"
    reminded = {r.member.pk for r in due_reminders(timezone.now())[0]}
    assert member.pk in reminded

    # A wrong answer: still in progress.
    client.post(f"/learning/pages/{page.pk}/self-check/", quiz.one_wrong())
    assert csv_status(organiser, assignment, "李自测") == "学习中"
    assert "学习中" in page_status(organiser, assignment, "李自测")

    # All right: done for the organiser, no reminder, off the member's to-do.
    client.post(f"/learning/pages/{page.pk}/self-check/", quiz.all_right())
    assert csv_status(organiser, assignment, "李自测") == "已完成"
    assert "已完成" in page_status(organiser, assignment, "李自测")
    reminded = {r.member.pk for r in due_reminders(timezone.now())[0]}
    assert member.pk not in reminded
    assert todo_list(member) == []
