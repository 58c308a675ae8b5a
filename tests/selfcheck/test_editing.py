"""Editors: the page form refuses 自测全对 without questions and a question without a right
option."""

import json

import pytest
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, streamfield

from stories.models import ExemplarStoryPage
from tests.factories import ExemplarStoryPageFactory

pytestmark = pytest.mark.django_db


def question(*options, explanation="因为如此。"):
    """A question's form value; options are (text, correct) pairs."""
    return {
        "text": "遵义会议在哪一年召开？",
        "options": {
            "count": len(options),
            **{
                str(n): {"value": {"text": text, "correct": correct}, "deleted": "", "order": n}
                for n, (text, correct) in enumerate(options)
            },
        },
        "explanation": explanation,
    }


def edit(admin_client, page, *, policy, questions):
    """Save a draft of ``page`` through the admin's edit form (every other field as it is)."""
    url = f"/admin/pages/{page.pk}/edit/"
    data = querydict_from_html(admin_client.get(url).content.decode(), form_id="page-edit-form")
    data = data.copy()
    form_fields = nested_form_data(
        {
            "body": streamfield([]),
            "achievements": streamfield([]),
            "self_check": streamfield([("question", q) for q in questions]),
        }
    )
    for key, value in form_fields.items():
        data[key] = value
    data["completion_policy"] = policy
    return admin_client.post(url, data)


@pytest.fixture
def story():
    return ExemplarStoryPageFactory(title="编辑自测")


def test_quiz_policy_without_questions_is_refused(admin_client, story):
    response = edit(admin_client, story, policy="quiz", questions=[])
    assert response.status_code == 200
    messages = response.context["form"].errors["completion_policy"]
    assert messages == ["学完标准是“自测全对”，请先添加至少一道自测题。"]
    story.refresh_from_db()
    assert story.completion_policy == "view"
    assert not story.has_unpublished_changes


def test_a_question_without_a_right_option_is_refused(admin_client, story):
    response = edit(
        admin_client,
        story,
        policy="view",
        questions=[question(("1921年", False), ("1935年", False))],
    )
    assert response.status_code == 200
    assert "self_check" in response.context["form"].errors
    (error,) = response.context["form"].errors.as_data()["self_check"]
    assert "请至少勾选一个正确答案" in json.dumps(error.as_json_data(), ensure_ascii=False)
    assert not ExemplarStoryPage.objects.get(pk=story.pk).has_unpublished_changes


def test_a_quiz_with_right_options_is_saved(admin_client, story):
    response = edit(
        admin_client,
        story,
        policy="quiz",
        questions=[question(("1921年", False), ("1935年", True))],
    )
    assert response.status_code == 302
    draft = ExemplarStoryPage.objects.get(pk=story.pk).get_latest_revision_as_object()
    assert draft.completion_policy == "quiz"
    assert [q.value["text"] for q in draft.self_check_questions] == ["遵义会议在哪一年召开？"]
