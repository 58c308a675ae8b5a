"""The "<5" rule holds against subtraction: an editor who reads every figure the content
report and its 需要改进 list show (page, CSV and XLSX) cannot work out a group of one to four.

Each attack is tried the same way: two pages whose members differ only in the hidden small
group (one member against two, say) are built from real learning events, self-check
attempts and votes; if the two pages show the very same figures in every format, nothing
shown can tell the hidden figure. Date windows are tried on one page, a day apart.
"""

import csv
import io
import itertools
import json
from datetime import datetime, timedelta

import openpyxl
import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from feedback.models import Helpfulness, PageVote
from home.selfcheck import questions_of
from insights.privacy import MIN_GROUP, masked_parts, small
from learning.event_log import store_events
from learning.models import LearningEvent, Verb
from selfcheck.marking import Mark, record_attempt
from tests.factories import MicroLecturePageFactory, login, make_member

pytestmark = pytest.mark.django_db
REPORT = "/admin/reports/content/"
NEEDS_WORK = "/admin/reports/content/needs-work/"
TOPIC = "减法攻击专题"
ZONE = timezone.get_default_timezone()
A_DAY_AGO = timezone.now() - timedelta(days=1)

QUESTIONS = json.dumps(
    [
        {
            "type": "question",
            "id": "q1",
            "value": {
                "text": "遵义会议在哪一年召开？",
                "options": [
                    {"type": "item", "id": "right", "value": {"text": "1935", "correct": True}},
                    {"type": "item", "id": "wrong", "value": {"text": "1945", "correct": False}},
                ],
                "explanation": "1935年1月。",
            },
        }
    ]
)
CHAPTERS = json.dumps(
    [
        {"type": "chapter", "id": "c1", "value": {"start_seconds": 0, "title": "开篇"}},
        {"type": "chapter", "id": "c2", "value": {"start_seconds": 300, "title": "转折"}},
        {"type": "chapter", "id": "c3", "value": {"start_seconds": 450, "title": "结语"}},
    ]
)
# Where a member stopped, as the furthest point played: 未播放, 开篇, 转折, 结语 (not the end,
# so nobody completes by playing).
STOPPED_IN = [0.0, 0.3, 0.6, 0.8]


def lecture(title: str):
    return MicroLecturePageFactory(
        title=title, topic=TOPIC, duration_seconds=600, chapters=CHAPTERS, self_check=QUESTIONS
    )


class Crowd:
    """Members, each used once, so two pages can be studied by people of the same number."""

    def __init__(self):
        self.count = 0

    def __call__(self, number: int) -> list:
        people = [make_member(f"jianfa{self.count + i}") for i in range(number)]
        self.count += number
        return people


def study(page, people, *, at=A_DAY_AGO, seconds=200, stopped=STOPPED_IN[2], done=False):
    """Each member's events, as the page script sends them: time read, the furthest point
    played and, when ``done``, 学完了. Their records are derived from these events."""
    for person in people:
        events = [
            LearningEvent(member=person, page=page, verb=Verb.VIEWED, value=seconds, occurred_at=at)
        ]
        if stopped:
            events.append(
                LearningEvent(
                    member=person,
                    page=page,
                    verb=Verb.PROGRESSED,
                    value=stopped,
                    occurred_at=at + timedelta(minutes=1),
                )
            )
        if done:
            events.append(
                LearningEvent(
                    member=person,
                    page=page,
                    verb=Verb.COMPLETED,
                    occurred_at=at + timedelta(minutes=2),
                )
            )
        store_events(person, events)


def answer(page, people, *, right: bool):
    """A first self-check attempt each, marked and stored as the self-check form does."""
    question = questions_of(page)[0]
    for person in people:
        record_attempt(person, page, [Mark(question, frozenset({"right" if right else "wrong"}))])


def vote(page, people, value):
    for person in people:
        PageVote.objects.create(member=person, page=page, value=value)


# --- what an editor sees ---------------------------------------------------------------------


def html_rows(content: bytes) -> dict[str, list[str]]:
    """Each listed page's cells, its own (title, kind, topic) left out."""
    rows = {}
    for tr in BeautifulSoup(content, "html.parser").select("tbody tr"):
        cells = tr.find_all("td", recursive=False)
        titled = next(cell for cell in cells if cell.find("a"))
        rows[titled.find("a").get_text(strip=True)] = [
            " ".join(cell.get_text(" ", strip=True).split()) for cell in cells if cell is not titled
        ]
    return rows


def table_rows(table: list[list]) -> dict[str, list]:
    header, *body = table
    title = header.index("标题")
    return {row[title]: [v for i, v in enumerate(row) if i != title] for row in body}


def csv_table(response) -> list[list]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_table(response) -> list[list]:
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [["" if v is None else str(v) for v in row] for row in book.active.values]


def shown(client, **params) -> dict[str, dict[str, list]]:
    """Everything both reports show, per format and page title."""
    result = {}
    for name, url in (("report", REPORT), ("needs_work", NEEDS_WORK)):
        query = {"topic": TOPIC, **params}
        response = client.get(url, query)
        assert response.status_code == 200
        result[f"{name} html"] = html_rows(response.content)
        result[f"{name} csv"] = table_rows(csv_table(client.get(url, {**query, "export": "csv"})))
        result[f"{name} xlsx"] = table_rows(
            xlsx_table(client.get(url, {**query, "export": "xlsx"}))
        )
    return result


def assert_indistinguishable(editor, first, second):
    """The two pages show exactly the same figures, in both reports and every format."""
    for where, rows in shown(login(editor)).items():
        assert first.title in rows and second.title in rows, where
        assert rows[first.title] == rows[second.title], where


# --- the attacks -------------------------------------------------------------------------------


def test_the_needs_work_score_gives_back_no_hidden_share_of_unhelpful_votes(editor):
    """Score − (1 − completion rate) was the share of 没帮助: 1 of 10 votes against 2."""
    crowd = Crowd()
    one, two = lecture("一人说没帮助的课"), lecture("两人说没帮助的课")
    for page, unhelpful in ((one, 1), (two, 2)):
        people = crowd(10)
        study(page, people, done=True)
        vote(page, people[unhelpful:], Helpfulness.HELPFUL)
        vote(page, people[:unhelpful], Helpfulness.NOT_HELPFUL)
    assert_indistinguishable(editor, one, two)


def test_a_self_check_rate_gives_back_no_small_group_of_wrong_answers(editor):
    """90% of 10 first tries was one member who answered wrong."""
    crowd = Crowd()
    one, two = lecture("一人答错的课"), lecture("两人答错的课")
    for page, wrong in ((one, 1), (two, 2)):
        people = crowd(10)
        study(page, people)
        answer(page, people[wrong:], right=True)
        answer(page, people[:wrong], right=False)
    assert_indistinguishable(editor, one, two)


def test_started_and_completed_give_back_no_small_group_who_did_not_complete(editor):
    """开始学习 10 and 学完 9 was one member who did not complete."""
    crowd = Crowd()
    one, two = lecture("一人没学完的课"), lecture("两人没学完的课")
    for page, left in ((one, 1), (two, 2)):
        people = crowd(10)
        study(page, people[left:], done=True)
        study(page, people[:left])
    assert_indistinguishable(editor, one, two)


def test_the_chapters_give_back_no_small_group_through_the_starters(editor):
    """17 starters − 6 − 5 − a "≥5" that could only be 5 left the one who never played."""
    crowd = Crowd()
    one, two = lecture("一人未播放的课"), lecture("两人未播放的课")
    for page, stopped in ((one, [1, 5, 6, 5]), (two, [2, 4, 6, 5])):
        for where, number in zip(STOPPED_IN, stopped, strict=True):
            study(page, crowd(number), stopped=where)
    assert_indistinguishable(editor, one, two)


def test_the_votes_give_back_no_small_group_through_their_total(editor):
    """评价人数 6 (需要改进) − 有帮助 "≥5" left the one who found the page unhelpful."""
    crowd = Crowd()
    one, two = lecture("六票一票没帮助的课"), lecture("六票两票没帮助的课")
    for page, unhelpful in ((one, 1), (two, 2)):
        people = crowd(6)
        study(page, people)
        vote(page, people[unhelpful:], Helpfulness.HELPFUL)
        vote(page, people[:unhelpful], Helpfulness.NOT_HELPFUL)
    assert_indistinguishable(editor, one, two)


def test_two_date_windows_a_day_apart_give_the_same_figures(editor):
    """Wednesday–Sunday against Thursday–Sunday was the one member who studied on Wednesday."""
    crowd = Crowd()
    page = lecture("周中学习的课")
    wednesday = datetime(2026, 10, 7, 20, tzinfo=ZONE)
    study(page, crowd(1), at=wednesday)
    study(page, crowd(5), at=wednesday + timedelta(days=1))
    client = login(editor)
    wider = shown(client, studied_from="2026-10-07", studied_to="2026-10-11")
    narrower = shown(client, studied_from="2026-10-08", studied_to="2026-10-11")
    for where, rows in wider.items():
        assert rows[page.title] == narrower[where][page.title], where
    # The page says which weeks were counted: Monday 5 to Sunday 11 October.
    page_html = client.get(REPORT, {"topic": TOPIC, "studied_from": "2026-10-08"}).content
    assert "2026-10-05" in page_html.decode() and "2026-10-11" not in page_html.decode()
    bounded = client.get(REPORT, {"topic": TOPIC, "studied_to": "2026-10-08"}).content.decode()
    assert "2026-10-11" in bounded


def test_no_small_part_can_be_pinned_by_anyone_who_knows_the_rule():
    """Every split the rule can show, against every split that shows the same: a part of one
    to four members always has another possible value, whatever the total."""
    for length, top in ((2, 16), (3, 13), (4, 11)):
        seen: dict[tuple, list[tuple]] = {}
        for counts in itertools.product(range(top), repeat=length):
            key = (tuple(masked_parts(list(counts))), sum(counts))
            seen.setdefault(key, []).append(counts)
        for splits in seen.values():
            for counts in splits:
                if max(counts) > top - 1 - MIN_GROUP:
                    continue  # its look-alikes may lie past the values tried
                for index, count in enumerate(counts):
                    if small(count):
                        assert len({other[index] for other in splits}) > 1, counts


def test_merged_chapters_are_never_a_small_group_unless_everyone_is():
    from insights.privacy import merged_parts

    for counts in itertools.product(range(8), repeat=4):
        groups = merged_parts(list(counts))
        assert [i for members, _total in groups for i in members] == [0, 1, 2, 3]
        if sum(counts) >= MIN_GROUP:
            assert not any(small(total) for _members, total in groups), counts
