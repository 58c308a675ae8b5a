"""The demo site has self-checks under each 学完标准, and a live 意见箱; loading it twice changes
nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from wagtail.models import Page

from demo import content
from demo.builder import DemoContentError, build_demo
from feedback.models import SuggestionBoxPage
from home.blocks import SELF_CHECK_MAX_OPTIONS, SELF_CHECK_MIN_OPTIONS
from home.kinds import Completion, CompletionPolicy, completion_of, kind_by_content_type
from home.models import ContentPage
from home.selfcheck import questions_of

pytestmark = pytest.mark.django_db


def pages_with_questions() -> list[ContentPage]:
    return [page for page in ContentPage.objects.live().specific() if questions_of(page)]


def snapshot() -> dict:
    return {
        page.pk: (page.completion_policy, list(page.self_check.raw_data))
        for page in ContentPage.objects.specific()
    }


def test_at_least_six_pages_have_valid_questions_under_each_policy():
    pages = pages_with_questions()
    assert len(pages) >= 6
    policies = [page.completion_policy for page in pages]
    assert policies.count(CompletionPolicy.QUIZ) >= 2
    assert policies.count(CompletionPolicy.REFLECTION) == 1
    assert policies.count(CompletionPolicy.VIEW) >= 3
    # Only these pages have a policy other than 浏览.
    others = ContentPage.objects.exclude(completion_policy=CompletionPolicy.VIEW)
    assert {page.pk for page in others} <= {page.pk for page in pages}
    multiple = single = 0
    for page in pages:
        questions = questions_of(page)
        assert 2 <= len(questions) <= 4, page.title
        kinds = kind_by_content_type()
        assert completion_of(kinds[page.content_type_id]) != Completion.ATTENDED
        for question in questions:
            assert SELF_CHECK_MIN_OPTIONS <= len(question.options) <= SELF_CHECK_MAX_OPTIONS
            assert question.right, question.text
            assert question.text and question.explanation
            multiple += question.multiple
            single += not question.multiple
        # Ids are stored with the blocks, not made up from positions when read.
        for block in page.self_check.raw_data:
            assert block["id"] and all(option["id"] for option in block["value"]["options"])
    assert multiple >= 3 and single >= 3


def test_the_suggestion_box_is_published():
    box = SuggestionBoxPage.objects.get()
    assert box.live and box.get_view_restrictions().count() == 0
    assert box.get_parent().specific_class.__name__ == "HomePage"
    assert box.form_fields.count() == 3


def test_the_suggestion_box_answers_anyone(client):
    response = client.get(SuggestionBoxPage.objects.get().url)
    assert response.status_code == 200
    assert "意见类别" in response.content.decode()


def test_loading_the_demo_again_changes_nothing():
    pages, before = Page.objects.count(), snapshot()

    call_command("load_demo", "--no-people", verbosity=0)

    assert Page.objects.count() == pages
    after = snapshot()
    assert after == before
    assert sum(bool(data) for _policy, data in after.values()) >= 6  # a real comparison


def test_a_mistake_in_the_demo_questions_stops_the_demo(monkeypatch):
    broken = {
        "completion": "quiz",
        "questions": [{"text": "题", "options": ["甲"], "answers": [1], "explanation": "解析"}],
    }
    monkeypatch.setitem(content.SELF_CHECKS, "no-such-page", broken)
    pages = Page.objects.count()

    with pytest.raises(DemoContentError) as raised:
        build_demo()

    message = str(raised.value)
    # The importer's own rule and words for questions.
    assert "no-such-page" in message and "questions[0].options：至少需要 2 个选项" in message
    assert Page.objects.count() == pages
