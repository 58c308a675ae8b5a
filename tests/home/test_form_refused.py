"""Every refused form of a content page is one page (home.refused, form_refused.html): 400,
the app's message, its section again where there is one, and the way back."""

import pytest

from home.refused import TEMPLATE
from tests.factories import ExemplarStoryPageFactory, login, make_member
from tests.selfcheck.helpers import Quiz, give_questions

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    return give_questions(ExemplarStoryPageFactory(title="表单测试故事"), Quiz())


def refused(page, path: str, data: dict):
    response = login(make_member("biaodan")).post(f"/learning/pages/{page.pk}/{path}", data)
    assert response.status_code == 400
    assert [t.name for t in response.templates][0] == TEMPLATE
    html = response.content.decode()
    assert f'<a href="{page.url}' in html and "返回页面" in html
    assert '<meta name="robots" content="noindex">' in html
    return html


def test_a_vote_refused(story):
    html = refused(story, "feedback/", {"value": "maybe"})
    assert "<title>评价没有保存 · " in html
    assert "评价没有保存，请按提示修改后再提交。" in html
    assert 'id="feedback"' in html


def test_a_reflection_refused(story):
    html = refused(story, "reflection/", {"text": "短"})
    assert "<title>心得没有保存 · " in html
    assert "心得没有保存，请按提示修改后再提交。" in html
    assert 'id="reflection-text"' in html and 'aria-invalid="true"' in html


def test_answers_left_out(story):
    html = refused(story, "self-check/", {})
    assert "<title>作答没有提交 · " in html
    assert f"<h1>{story.title}</h1>" in html
    assert 'id="self-check"' in html and "form-alert" not in html.split("</header>", 2)[1]


def test_answers_that_are_not_ours(story):
    html = refused(story, "self-check/", {"q-nonsense": "x"})
    assert "<h1>无法识别的作答</h1>" in html
    assert "提交的答案与本页的自测题对不上（题目已更新，或选项不属于这道题），没有保存。" in html
    assert f'<a href="{story.url}#self-check">' in html
    assert 'id="self-check"' not in html
