"""Reports → 内容报告: per-page figures for editors, never about a person, "<5" below five."""

import csv
import io
import json
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from feedback.models import Helpfulness, PageVote
from insights.privacy import MIN_GROUP, masked_parts, masked_share
from learning.models import LearningRecord
from selfcheck.models import SelfCheckAnswer
from tests.factories import (
    ExemplarStoryPageFactory,
    MicroLecturePageFactory,
    UserFactory,
    login,
    make_member,
)

pytestmark = pytest.mark.django_db
REPORT = "/admin/reports/content/"
NEEDS_WORK = "/admin/reports/content/needs-work/"
TOPIC = "报告测试专题"
ZONE = timezone.get_default_timezone()


def question(qid: str, text: str, right: int = 0) -> dict:
    return {
        "type": "question",
        "id": qid,
        "value": {
            "text": text,
            "options": [
                {
                    "type": "item",
                    "id": f"{qid}-{i}",
                    "value": {"text": f"选项{i}", "correct": i == right},
                }
                for i in range(3)
            ],
            "explanation": "解析",
        },
    }


QUESTIONS = json.dumps(
    [question("qa", "中国共产党第一次全国代表大会在哪一年召开？"), question("qb", "遵义会议的意义")]
)
CHAPTERS = json.dumps(
    [
        {"type": "chapter", "id": "c1", "value": {"start_seconds": 0, "title": "开篇"}},
        {"type": "chapter", "id": "c2", "value": {"start_seconds": 300, "title": "转折"}},
        {"type": "chapter", "id": "c3", "value": {"start_seconds": 450, "title": "结语"}},
    ]
)


def lecture(title="长征中的转折", **fields):
    fields.setdefault("duration_seconds", 600)
    return MicroLecturePageFactory(
        title=title, topic=TOPIC, chapters=CHAPTERS, self_check=QUESTIONS, **fields
    )


def members(count: int, prefix: str = "xueyuan"):
    return [
        make_member(f"{prefix}{i}", name=f"成员姓名{prefix}{i}", student_number=f"2026{i:04d}")
        for i in range(count)
    ]


def study(page, people, *, seconds=100, progress=0.0, completed=False, at=None):
    at = at or timezone.now() - timedelta(days=1)
    for offset, person in enumerate(people):
        LearningRecord.objects.create(
            member=person,
            page=page,
            page_title=page.title,
            first_seen_at=at,
            last_seen_at=at + timedelta(minutes=5),
            total_seconds=seconds if isinstance(seconds, int) else seconds[offset],
            best_progress=progress,
            completed_at=at if completed else None,
        )


def vote(page, people, value, note=""):
    for person in people:
        PageVote.objects.create(member=person, page=page, value=value, note=note)


def answer(page, people, question_id, correct, attempt=1):
    SelfCheckAnswer.objects.bulk_create(
        SelfCheckAnswer(
            member=person,
            page=page,
            question_id=question_id,
            attempt=attempt,
            chosen=[],
            correct=correct,
        )
        for person in people
    )


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def html(client, url=REPORT, **params) -> str:
    response = client.get(url, {"topic": TOPIC, **params})
    assert response.status_code == 200
    return response.content.decode()


def row_of(rows, title):
    return next(row for row in rows if row[1] == title)


# --- the threshold ----------------------------------------------------------------------------


def test_below_five_members_every_figure_is_shown_as_less_than_five(editor):
    page = lecture()
    people = members(MIN_GROUP - 1)
    study(page, people, seconds=120, progress=0.5, completed=True)
    answer(page, people, "qa", True)
    vote(page, people, Helpfulness.NOT_HELPFUL, note="讲得太快了")
    client = login(editor)

    rows = csv_rows(client.get(REPORT, {"topic": TOPIC, "export": "csv"}))
    assert rows[0][:6] == [
        "类型",
        "标题",
        "专题",
        "开始学习人数",
        "学完人数",
        "学习时长中位数（秒）",
    ]
    row = row_of(rows, "长征中的转折")
    assert row[3:6] == ["<5", "<5", "<5"]
    assert row[6] == "第1题 <5；第2题 <5"
    assert row[7] == "未播放 至 7:30 结语: <5"  # every chapter small: one merged group
    assert row[8:] == ["<5", "<5", ""]  # no notes below five votes
    page_html = html(client)
    assert "讲得太快了" not in page_html and "120" not in page_html


def test_from_five_members_the_exact_figures_show(editor):
    page = lecture()
    people = members(MIN_GROUP)
    study(page, people[:2], seconds=60, progress=0.2)  # 2 min in 开篇 (0–300 s)
    study(page, people[2:], seconds=[100, 200, 300], progress=0.6, completed=True)  # 360 s: 转折
    answer(page, people, "qa", True)
    answer(page, people[:3], "qb", True)
    answer(page, people[3:], "qb", False)
    answer(page, people, "qb", True, attempt=2)  # later tries do not count
    vote(page, people[:3], Helpfulness.HELPFUL, note="例子很好")
    vote(page, people[3:], Helpfulness.NOT_HELPFUL)

    rows = csv_rows(login(editor).get(REPORT, {"topic": TOPIC, "export": "csv"}))
    row = row_of(rows, "长征中的转折")
    # 3 of 5 completed: the 2 who did not would be 5 − 3, so 学完 is hidden too.
    assert row[3:6] == ["5", "隐藏", "100"]  # median of 60, 60, 100, 200, 300
    # 3 right and 2 wrong: no rate, as 60% of 5 would tell the two.
    assert row[6] == "第1题 100%；第2题 <5"
    assert row[8:] == ["隐藏", "隐藏", "例子很好\n例子很好\n例子很好"]

    page_html = html(login(editor))
    assert "1:40" in page_html  # the median as minutes
    assert "中国共产党第一次全国代表大会在哪一年召开" in page_html  # the question's text
    assert "100%" in page_html and "60%" not in page_html and "例子很好" in page_html


def test_chapters_count_where_viewers_stopped(editor):
    page = lecture()
    study(page, members(5, "a"), progress=0.3)  # 180 s: 开篇
    study(page, members(6, "b"), progress=0.55)  # 330 s: 转折
    study(page, members(5, "c"), progress=1.0)  # the end: 结语
    study(page, members(2, "d"), progress=0.0)  # never played
    row = row_of(csv_rows(login(editor).get(REPORT, {"topic": TOPIC, "export": "csv"})), page.title)
    # The one small bucket could be worked out from the 18 starters: it is merged with the
    # next one, and only their sum is shown.
    assert row[7] == "未播放 至 0:00 开篇: 7；5:00 转折: 6；7:30 结语: 5"
    assert row[3] == "18"


def test_a_lecture_without_chapters_is_cut_in_quarters(editor):
    page = MicroLecturePageFactory(title="没有章节的微党课", topic=TOPIC, duration_seconds=None)
    study(page, members(5, "a"), progress=0.1)
    study(page, members(7, "b"), progress=0.8)
    row = row_of(csv_rows(login(editor).get(REPORT, {"topic": TOPIC, "export": "csv"})), page.title)
    assert row[7] == "未播放: <5；0–25%: 5；25–50%: <5；50–75%: <5；75–100%: 7"
    assert row[6] == ""  # no self-check


def test_no_member_is_named_in_the_page_or_the_exports(editor):
    page = lecture()
    people = members(6)
    study(page, people, completed=True)
    answer(page, people, "qa", False)
    vote(page, people, Helpfulness.NOT_HELPFUL, note="希望多一些案例")
    client = login(editor)
    csv_text = client.get(REPORT, {"topic": TOPIC, "export": "csv"}).content.decode("utf-8-sig")
    needs_csv = client.get(NEEDS_WORK, {"topic": TOPIC, "export": "csv"}).content.decode(
        "utf-8-sig"
    )
    for text in (html(client), html(client, NEEDS_WORK), csv_text, needs_csv):
        for person in people:
            assert person.username not in text
            assert person.member_profile.display_name not in text
            assert person.member_profile.student_number not in text
            assert f"/admin/users/{person.pk}/" not in text
    assert "希望多一些案例" in csv_text
    assert client.get(REPORT, {"topic": TOPIC, "export": "xlsx"}).status_code == 200


def test_notes_are_made_safe_for_spreadsheets_and_html(editor):
    page = lecture()
    vote(page, members(5), Helpfulness.NOT_HELPFUL, note='=HYPERLINK("x")<b>粗</b>')
    client = login(editor)
    row = row_of(csv_rows(client.get(REPORT, {"topic": TOPIC, "export": "csv"})), page.title)
    assert row[10].startswith("'=HYPERLINK")
    assert "<b>粗</b>" not in html(client)


# --- 需要改进 ----------------------------------------------------------------------------------


def test_needs_work_ranks_pages_by_unhelpful_votes_and_low_completion(editor):
    good = lecture("讲得清楚的课")
    study(good, members(10, "g"), completed=True)
    vote(good, members(5, "gv"), Helpfulness.HELPFUL)
    unclear = lecture("听不懂的课")
    study(unclear, members(5, "u"), completed=True)
    study(unclear, members(5, "uu"))  # 50 % completed
    vote(unclear, members(5, "uv"), Helpfulness.NOT_HELPFUL)  # all unhelpful
    dull = lecture("没人学完的课")
    study(dull, members(5, "d"))  # 0 % completed, no votes
    few = lecture("人太少的课")
    study(few, members(3, "f"))
    vote(few, members(2, "fv"), Helpfulness.NOT_HELPFUL)

    client = login(editor)
    rows = csv_rows(client.get(NEEDS_WORK, {"topic": TOPIC, "export": "csv"}))
    assert rows[0] == [
        "改进分",
        "类型",
        "标题",
        "专题",
        "开始学习人数",
        "学完率",
        "评价人数",
        "没帮助占比",
    ]
    assert [row[2] for row in rows[1:]] == ["听不懂的课", "没人学完的课", "讲得清楚的课"]
    assert rows[1][0] == "1.50" and rows[1][4:] == ["10", "50%", "5", "100%"]
    assert rows[2][0] == "1.00" and rows[2][4:] == ["5", "0%", "<5", "<5"]
    assert rows[3][0] == "0.00"
    page_html = html(client, NEEDS_WORK)
    assert "听不懂的课" in page_html and "人太少的课" not in page_html
    assert page_html.index("听不懂的课") < page_html.index("讲得清楚的课")


# --- filters -------------------------------------------------------------------------------------


def test_filters_by_kind_topic_and_study_dates(editor):
    old = lecture("去年学的课")
    study(old, members(5, "o"), at=datetime(2025, 3, 10, 12, tzinfo=ZONE))
    new = lecture("今年学的课")
    study(new, members(5, "n"), at=datetime(2026, 10, 10, 12, tzinfo=ZONE))
    ExemplarStoryPageFactory(title="报告测试典型", topic=TOPIC)
    client = login(editor)

    everything = html(client)
    assert (
        "去年学的课" in everything and "今年学的课" in everything and "报告测试典型" in everything
    )
    stories = html(client, kind="story")
    assert "报告测试典型" in stories and "今年学的课" not in stories
    assert "报告测试典型" not in html(client, topic="党史学习")

    autumn = html(client, studied_from="2026-10-01", studied_to="2026-10-31")
    assert "今年学的课" in autumn and "去年学的课" not in autumn and "报告测试典型" not in autumn
    # the last day counts whole
    assert "今年学的课" in html(client, studied_from="2026-10-10", studied_to="2026-10-10")
    spring = html(client, NEEDS_WORK, studied_from="2025-01-01", studied_to="2025-12-31")
    assert "去年学的课" in spring and "今年学的课" not in spring


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "nonsense"},
        {"topic": "不存在的专题"},
        {"studied_from": "2026-13-45"},
        {"studied_from": "x" * 500, "studied_to": "<script>alert(1)</script>"},
        {"p": "999"},
        {"p": "-1"},
        {"export": "pdf"},
        {"ordering": "title; drop table"},
        {"studied_from": "2026-10-31", "studied_to": "2026-10-01"},
        {"studied_from": "0001-01-01", "studied_to": "9999-12-31"},
    ],
)
def test_bad_filter_values_give_the_normal_page(editor, params):
    lecture()
    client = login(editor)
    for url in (REPORT, NEEDS_WORK):
        response = client.get(url, params)
        assert response.status_code == 200, (url, params)
        assert "<script>alert(1)" not in response.content.decode()


# --- who may read it ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["editor", "reviewer", "superuser"])
def test_editors_reviewers_and_superusers_read_the_report(request, who):
    if who == "superuser":
        user = UserFactory(username="boss", is_superuser=True, is_staff=True)
    else:
        user = request.getfixturevalue(who)
    client = login(user)
    for url in (REPORT, NEEDS_WORK, REPORT + "results/", NEEDS_WORK + "results/"):
        assert client.get(url).status_code == 200, url
    assert "内容报告" in client.get(REPORT).content.decode()
    assert REPORT in client.get(reverse("wagtailadmin_home")).content.decode()


@pytest.mark.parametrize("who", ["member_officer", "event_manager"])
def test_other_admin_users_get_403_and_no_menu_item(request, who):
    client = login(request.getfixturevalue(who))
    for url in (REPORT, NEEDS_WORK, REPORT + "results/"):
        assert client.get(url).status_code == 403, url
        assert client.get(url, {"export": "csv"}).status_code == 403, url
    assert REPORT not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_members_and_visitors_never_reach_it():
    member = make_member("putong", name="普通成员")
    for client in (login(member), login(UserFactory())):
        for url in (REPORT, NEEDS_WORK, REPORT + "?export=csv"):
            response = client.get(url)
            assert response.status_code in (302, 403)
            assert "内容报告" not in response.content.decode()
    from django.test import Client

    assert Client().get(REPORT).status_code == 302


# --- queries -------------------------------------------------------------------------------------


def build(pages: int, people: int, tag: str):
    crowd = members(people, tag)
    for index in range(pages):
        page = (
            lecture(f"{tag}课{index}")
            if index % 2
            else ExemplarStoryPageFactory(
                title=f"{tag}典型{index}", topic=TOPIC, self_check=QUESTIONS
            )
        )
        study(page, crowd, progress=0.4, completed=index % 3 == 0)
        answer(page, crowd, "qa", index % 2 == 0)
        vote(page, crowd, Helpfulness.NOT_HELPFUL, note="需要更新")


def queries(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url, {"topic": TOPIC, **params}).status_code == 200
    return len(context.captured_queries)


def test_the_report_takes_the_same_queries_whatever_the_data(editor, django_assert_max_num_queries):
    client = login(editor)
    build(3, 5, "s")
    small = {
        (url, tuple(params.items())): queries(client, url, **params)
        for url in (REPORT, NEEDS_WORK)
        for params in ({}, {"studied_from": "2020-01-01"}, {"export": "csv"})
    }
    build(12, 8, "l")
    large = {key: queries(client, key[0], **dict(key[1])) for key in small}
    assert large == small
    with django_assert_max_num_queries(20):
        client.get(REPORT, {"topic": TOPIC})
    with django_assert_max_num_queries(20):
        client.get(NEEDS_WORK, {"topic": TOPIC})


def test_the_migration_gives_editors_and_reviewers_the_report_and_takes_only_that_back():
    import importlib

    from django.apps import apps
    from django.contrib.auth.models import Group

    regroup = importlib.import_module("insights.migrations.0001_content_report").Migration
    regroup = regroup.operations[1]

    def codenames(name):
        return set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))

    for name in ("编辑", "审核"):
        assert "view_contentreport" in codenames(name)
    for name in ("组织部", "活动管理"):
        assert "view_contentreport" not in codenames(name)
    regroup.reverse_code(apps, None)
    for name in ("编辑", "审核"):
        assert "view_contentreport" not in codenames(name)
        assert "access_admin" in codenames(name)
    regroup.code(apps, None)
    regroup.code(apps, None)  # twice changes nothing
    assert "view_contentreport" in codenames("编辑")


def test_vote_counts_are_hidden_below_five_and_notes_show_from_five_votes(editor):
    page = lecture()
    vote(page, members(5, "h"), Helpfulness.HELPFUL, note="收获很大")
    vote(page, members(1, "n"), Helpfulness.NOT_HELPFUL, note="太长")
    row = row_of(csv_rows(login(editor).get(REPORT, {"topic": TOPIC, "export": "csv"})), page.title)
    # 6 votes: 没帮助 (1) is hidden, so 有帮助 cannot be shown either (6 − 5 would tell).
    assert row[8:10] == ["隐藏", "隐藏"]
    assert sorted(row[10].split("\n")) == sorted(["收获很大"] * 5 + ["太长"])


def test_a_small_group_cannot_be_worked_out_by_subtraction():
    # Parts of a whole: a small part is merged with its neighbour, and neither is shown.
    assert masked_parts([6, 1]) == ["隐藏", "隐藏"]
    assert masked_parts([7, 5, 2]) == [7, "隐藏", "隐藏"]
    assert masked_parts([9, 2, 3]) == [9, "隐藏", "隐藏"]
    # No one at all is not a small group; a small whole is small in every part.
    assert masked_parts([8, 0]) == [8, "<5"]
    assert masked_parts([1, 2]) == ["<5", "<5"]
    # Shares: shown only when neither side is one to four people.
    assert masked_share(4, 10) == "<5"
    assert masked_share(6, 10) == "<5"
    assert masked_share(5, 10) == "50%"
    assert masked_share(5, 5) == "100%" and masked_share(0, 7) == "0%"
    assert masked_share(2, 3) == "<5"
