"""学习自测 on a content page: answering, marking, retries, what the
browser and the API see before answering, and pages whose policy is 自测全对."""

import json
import uuid

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from home.models import ContentPage
from learning.event_log import store_events
from learning.models import LearningEvent, LearningRecord, Verb
from learning.records import rebuild_records
from selfcheck.models import SelfCheckAnswer
from tests.factories import (
    ExemplarStoryPageFactory,
    ForumEventPageFactory,
    MicroLecturePageFactory,
    UserFactory,
    login,
)
from tests.selfcheck.helpers import Quiz, give_questions

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz():
    return Quiz()


@pytest.fixture
def story(quiz):
    return give_questions(ExemplarStoryPageFactory(title="自测故事"), quiz)


@pytest.fixture
def member():
    return UserFactory(username="zice")


def answer_url(page) -> str:
    return f"/learning/pages/{page.pk}/self-check/"


def record(member, page):
    return LearningRecord.objects.filter(member=member, page=page).first()


def read_for(member, page, seconds=61):
    """The page script's report: ``seconds`` of reading."""
    store_events(
        member,
        [
            LearningEvent(
                member=member,
                page=page,
                verb=Verb.VIEWED,
                value=seconds,
                occurred_at=timezone.now(),
                client_id=uuid.uuid4(),
            )
        ],
    )


def nothing_stored(member, page) -> bool:
    return (
        not SelfCheckAnswer.objects.filter(member=member, page=page).exists()
        and not LearningEvent.objects.filter(member=member, verb=Verb.ANSWERED).exists()
    )


# --- before answering ------------------------------------------------------------------------


def assert_no_answers_in(text: str, quiz: Quiz) -> None:
    for explanation in quiz.explanations:
        assert explanation not in text
    assert "正确答案" not in text
    assert "self-check__result" not in text
    assert '"correct"' not in text


def test_member_sees_the_questions_as_a_form_without_answers(member, story, quiz):
    text = login(member).get(story.url).content.decode()
    assert 'id="self-check"' in text
    assert "遵义会议在哪一年召开？" in text and "下列哪些属于长征精神？" in text
    assert (
        f'type="radio" id="sc-{quiz.single}-0" name="q-{quiz.single}" value="{quiz.single_right}"'
        in text
    )
    assert (
        f'type="checkbox" id="sc-{quiz.multiple}-2" name="q-{quiz.multiple}" value="{quiz.multiple_wrong}"'
        in text
    )
    assert text.count("多选") == 1
    assert f'action="{answer_url(story)}"' in text
    assert "提交答案" in text
    assert_no_answers_in(text, quiz)
    # The order of options is the editor's, so the right one is not given away by position
    # alone either: here the right option is first only because the test put it there.
    assert "<legend" in text and 'for="sc-' in text


def test_visitor_sees_the_questions_and_a_login_link(client, story, quiz):
    text = client.get(story.url).content.decode()
    assert "遵义会议在哪一年召开？" in text and "坚定信念" in text
    assert "登录后作答" in text
    assert answer_url(story) not in text
    assert 'name="q-' not in text
    assert_no_answers_in(text, quiz)


def test_api_shows_the_questions_without_answers(client, story, quiz):
    detail = client.get(f"/api/v2/pages/{story.pk}/")
    assert detail.status_code == 200
    data = detail.json()
    assert data["completion_policy"] == "quiz"
    assert data["self_check"] == [
        {
            "id": quiz.single,
            "text": "遵义会议在哪一年召开？",
            "multiple": False,
            "options": [
                {"id": quiz.single_right, "text": "1935年"},
                {"id": quiz.single_wrong, "text": "1921年"},
            ],
        },
        {
            "id": quiz.multiple,
            "text": "下列哪些属于长征精神？",
            "multiple": True,
            "options": [
                {"id": quiz.multiple_right[0], "text": "坚定信念"},
                {"id": quiz.multiple_right[1], "text": "不怕牺牲"},
                {"id": quiz.multiple_wrong, "text": "安于现状"},
            ],
        },
    ]
    listings = [
        "/api/v2/pages/?type=stories.ExemplarStoryPage&fields=*",
        "/api/v2/pages/?type=stories.ExemplarStoryPage&fields=self_check",
        "/api/v2/pages/?type=home.ContentPage&fields=*&order=-id",  # newest first: on page 1
        f"/api/v2/pages/{story.pk}/?fields=*",
    ]
    for url in [f"/api/v2/pages/{story.pk}/", *listings]:
        response = client.get(url)
        assert response.status_code == 200, url
        text = json.dumps(response.json(), ensure_ascii=False)
        assert str(story.pk) in text, url
        for explanation in quiz.explanations:
            assert explanation not in text, url
        assert '"correct"' not in text and '"explanation"' not in text, url
        assert "解析" not in text, url


# --- what counts as done ---------------------------------------------------------------------


def test_reading_or_marking_done_does_not_complete_a_quiz_page(member, story):
    client = login(member)
    text = client.get(story.url).content.decode()
    assert "学完标准：自测全对" in text
    assert "学完了</button>" not in text
    read_for(member, story, 61)
    read_for(member, story, 600)
    response = client.post(f"/learning/pages/{story.pk}/studied/", follow=True)
    assert "学完标准是“自测全对”" in response.content.decode()
    assert record(member, story).total_seconds >= 661
    assert record(member, story).completed_at is None


def test_a_wrong_answer_keeps_the_page_undone_and_shows_the_explanations(member, story, quiz):
    client = login(member)
    response = client.post(answer_url(story), quiz.one_wrong())
    assert response.status_code == 302
    assert response["Location"] == story.url + "#self-check"
    rows = SelfCheckAnswer.objects.filter(member=member, page=story)
    assert {(r.question_id, r.attempt, r.correct) for r in rows} == {
        (quiz.single, 1, False),
        (quiz.multiple, 1, True),
    }
    answered = LearningEvent.objects.get(member=member, verb=Verb.ANSWERED)
    assert answered.value == 0.5
    assert record(member, story).completed_at is None

    text = client.get(story.url).content.decode()
    assert "答对 1/2" in text
    assert "✗ 答错了" in text and "✓ 答对了" in text
    assert "你的选择：1921年" in text
    assert "正确答案：1935年" in text
    assert "正确答案：坚定信念；不怕牺牲" in text
    for explanation in quiz.explanations:
        assert explanation in text
    assert "再做一次" in text
    assert "已学完" not in text


def test_all_right_completes_the_page_and_a_rebuild_gives_the_same_record(member, story, quiz):
    client = login(member)
    client.post(answer_url(story), quiz.one_wrong())
    assert record(member, story).completed_at is None
    response = client.post(answer_url(story), quiz.all_right())  # 再做一次
    assert response.status_code == 302
    assert SelfCheckAnswer.objects.filter(member=member, page=story, attempt=2).count() == 2
    done = record(member, story)
    assert done.completed_at is not None
    text = client.get(story.url).content.decode()
    assert "答对 2/2" in text and "全部答对" in text
    assert "已学完" in text

    fields = ("page_id", "first_seen_at", "last_seen_at", "total_seconds", "completed_at")
    before = LearningRecord.objects.filter(member=member).values_list(*fields).order_by("page_id")
    before = list(before)
    LearningRecord.objects.filter(member=member).delete()
    rebuild_records([member.pk])
    after = LearningRecord.objects.filter(member=member).values_list(*fields).order_by("page_id")
    assert list(after) == before
    # A later wrong attempt does not undo it: done is the first all-right attempt.
    client.post(answer_url(story), quiz.one_wrong())
    assert record(member, story).completed_at == done.completed_at


def test_on_a_view_page_questions_are_practice_and_reading_still_counts(member, quiz):
    page = give_questions(MicroLecturePageFactory(title="练习微课"), quiz, policy="view")
    client = login(member)
    text = client.get(page.url).content.decode()
    assert "学完了</button>" in text and "学完标准：浏览" in text
    client.post(answer_url(page), quiz.one_wrong())
    assert record(member, page).completed_at is None
    client.post(f"/learning/pages/{page.pk}/studied/")
    assert record(member, page).completed_at is not None


# --- bad input -------------------------------------------------------------------------------


def test_an_unanswered_question_reshows_the_form_and_stores_nothing(member, story, quiz):
    client = login(member)
    response = client.post(answer_url(story), quiz.answers(single=[quiz.single_wrong]))
    assert response.status_code == 400
    text = response.content.decode()
    error_id = f"sc-{quiz.multiple}-error"
    assert f'id="sc-{quiz.multiple}" aria-describedby="{error_id}"' in text
    assert (
        f'<p class="form-field__error" id="{error_id}">这道题还没有作答：请至少选择一项。</p>'
        in text
    )
    assert f'aria-describedby="sc-{quiz.single}-error"' not in text
    assert f'value="{quiz.single_wrong}" checked' in text  # the other choice is kept
    assert f'value="{quiz.single_right}" checked' not in text
    assert_no_answers_in(text, quiz)
    assert nothing_stored(member, story)


def test_nothing_answered_marks_every_question(member, story, quiz):
    response = login(member).post(answer_url(story), {})
    assert response.status_code == 400
    assert response.content.decode().count('class="form-field__error"') == 2
    assert nothing_stored(member, story)


def test_answers_no_form_of_ours_sends_are_refused(member, story, quiz):
    other_quiz = Quiz(prefix="另")
    other = give_questions(ExemplarStoryPageFactory(title="另一页"), other_quiz)
    client = login(member)
    bad = [
        # an option of the other question of this page
        quiz.answers([quiz.multiple_right[0]], quiz.multiple_right),
        # an option of another page's question
        quiz.answers([other_quiz.single_right], quiz.multiple_right),
        # two options on a single-choice question
        quiz.answers([quiz.single_right, quiz.single_wrong], quiz.multiple_right),
        # a question of another page
        other_quiz.all_right(),
        # an option id that is no option
        quiz.answers(["<script>alert(1)</script>"], quiz.multiple_right),
    ]
    for data in bad:
        response = client.post(answer_url(story), data)
        assert response.status_code == 400, data
        text = response.content.decode()
        assert "无法识别的作答" in text
        assert "<script>alert(1)</script>" not in text
    assert nothing_stored(member, story)
    assert nothing_stored(member, other)


def test_unpublished_unknown_or_questionless_pages_are_not_found(member, story, quiz):
    client = login(member)
    plain = ExemplarStoryPageFactory(title="无题页")
    assert client.post(answer_url(plain), quiz.all_right()).status_code == 404
    assert client.post("/learning/pages/999999999/self-check/", quiz.all_right()).status_code == 404
    story.unpublish()
    assert client.post(answer_url(story), quiz.all_right()).status_code == 404
    assert nothing_stored(member, story)


def test_events_have_no_self_check(member, quiz):
    """Events are done by attendance: even questions written into the row are not used."""
    event = ForumEventPageFactory()
    ContentPage.objects.filter(pk=event.pk).update(self_check=quiz.raw())
    client = login(member)
    text = client.get(event.url).content.decode()
    assert 'id="self-check"' not in text and "遵义会议在哪一年召开？" not in text
    assert client.post(answer_url(event), quiz.all_right()).status_code == 404
    assert nothing_stored(member, event)


def test_restricted_pages_count_when_the_member_may_view_them(member, story, quiz):
    PageViewRestriction.objects.create(page=story, restriction_type=PageViewRestriction.LOGIN)
    assert login(member).post(answer_url(story), quiz.all_right()).status_code == 302
    other = UserFactory(username="mima")
    PageViewRestriction.objects.filter(page=story).update(
        restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    assert login(other).post(answer_url(story), quiz.all_right()).status_code == 404
    assert nothing_stored(other, story)


def test_visitors_are_sent_to_log_in(client, story, quiz):
    response = client.post(answer_url(story), quiz.all_right())
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    assert (
        not SelfCheckAnswer.objects.exists()
        or not SelfCheckAnswer.objects.filter(page=story).exists()
    )


def test_get_is_not_allowed(member, story):
    assert login(member).get(answer_url(story)).status_code == 405


def test_csrf_is_required(member, story, quiz):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.post(answer_url(story), quiz.all_right()).status_code == 403
    assert nothing_stored(member, story)


# --- the editor changes the policy -----------------------------------------------------------


def test_changing_the_policy_recomputes_records(member, quiz, django_capture_on_commit_callbacks):
    page = ExemplarStoryPageFactory(title="改标准")
    read_for(member, page, 61)
    assert record(member, page).completed_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        give_questions(page, quiz, policy="quiz")
    assert record(member, page).completed_at is None
    with django_capture_on_commit_callbacks(execute=True):
        give_questions(page, quiz, policy="view")
    assert record(member, page).completed_at is not None


# --- cost ------------------------------------------------------------------------------------


def test_a_page_with_questions_keeps_its_query_budget(
    client, member, story, quiz, django_assert_max_num_queries
):
    """Anonymous: the site's budget of 15 (questions come from the page row). A member's
    page reads the latest attempt in exactly one query."""
    client.get(story.url)  # warm the per-process caches, as the other budgets do
    with django_assert_max_num_queries(15, info=story.url):
        assert client.get(story.url).status_code == 200
    member_client = login(member)
    member_client.post(answer_url(story), quiz.one_wrong())
    with django_assert_max_num_queries(40) as captured:
        assert member_client.get(story.url).status_code == 200
    answer_queries = [
        q for q in captured.captured_queries if "selfcheck_selfcheckanswer" in q["sql"]
    ]
    assert len(answer_queries) == 1
