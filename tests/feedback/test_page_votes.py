"""对你有帮助吗？: one vote per member and page, replaced on voting again."""

import pytest

from feedback.models import PageVote
from mylearning.export import export_history
from mylearning.history import delete_history
from tests.factories import MicroLecturePageFactory, UserFactory, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return UserFactory(username="toupiao")


@pytest.fixture
def lecture():
    return MicroLecturePageFactory()


def vote_url(page) -> str:
    return f"/learning/pages/{page.pk}/feedback/"


def test_vote_is_stored_and_shown_on_the_page(member, lecture):
    client = login(member)
    response = client.post(vote_url(lecture), {"value": "helpful", "note": "讲得清楚"})
    assert response.status_code == 302
    assert response["Location"].startswith(lecture.url)
    vote = PageVote.objects.get(member=member, page=lecture)
    assert (vote.value, vote.note) == ("helpful", "讲得清楚")
    page = client.get(lecture.url).content.decode()
    assert "你的评价：有帮助" in page
    assert "讲得清楚" in page


def test_changing_the_vote_replaces_it(member, lecture):
    client = login(member)
    client.post(vote_url(lecture), {"value": "helpful"})
    client.post(vote_url(lecture), {"value": "not_helpful", "note": "太短"})
    vote = PageVote.objects.get(member=member, page=lecture)
    assert (vote.value, vote.note) == ("not_helpful", "太短")
    assert PageVote.objects.filter(member=member).count() == 1


def test_json_answer_when_asked(member, lecture):
    response = login(member).post(
        vote_url(lecture), {"value": "helpful"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 200
    assert response.json() == {"page": lecture.pk, "value": "helpful", "note": ""}


def test_a_long_note_keeps_the_text_and_shows_the_limit(member, lecture):
    note = "长" * 201
    response = login(member).post(vote_url(lecture), {"value": "helpful", "note": note})
    assert response.status_code == 400
    text = response.content.decode()
    assert note in text
    assert "最多 200 个字" in text
    assert not PageVote.objects.exists()


@pytest.mark.parametrize("note", ["坏\x00字", "换\x1b行"])
def test_control_characters_are_refused(member, lecture, note):
    response = login(member).post(vote_url(lecture), {"value": "helpful", "note": note})
    assert response.status_code == 400
    assert not PageVote.objects.exists()


def test_an_unknown_choice_is_refused(member, lecture):
    response = login(member).post(vote_url(lecture), {"value": "maybe"})
    assert response.status_code == 400
    assert not PageVote.objects.exists()


def test_unpublished_private_or_missing_pages_give_404(member, lecture):
    from wagtail.models import PageViewRestriction

    client = login(member)
    assert (
        client.post("/learning/pages/999999999/feedback/", {"value": "helpful"}).status_code == 404
    )
    PageViewRestriction.objects.create(page=lecture, restriction_type=PageViewRestriction.LOGIN)
    assert client.post(vote_url(lecture), {"value": "helpful"}).status_code == 404
    other = MicroLecturePageFactory()
    other.unpublish()
    assert client.post(vote_url(other), {"value": "helpful"}).status_code == 404
    assert not PageVote.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, lecture):
    response = client.post(vote_url(lecture), {"value": "helpful"})
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    assert not PageVote.objects.exists()
    page = client.get(lecture.url).content.decode()
    assert "后可以告诉我们这一页对你有没有帮助" in page
    assert vote_url(lecture) not in page


def test_get_is_not_allowed(member, lecture):
    assert login(member).get(vote_url(lecture)).status_code == 405


def test_content_page_keeps_its_query_budget(
    client, member, lecture, django_assert_max_num_queries
):
    """Anonymous pages keep the site's budget of 15; a member's page (which also records the
    view) reads the vote in exactly one query."""
    client.get(lecture.url)  # warm the per-process caches, as the other budgets do
    with django_assert_max_num_queries(15, info=lecture.url):
        assert client.get(lecture.url).status_code == 200
    member_client = login(member)
    member_client.post(vote_url(lecture), {"value": "helpful"})
    # 40 before the shared fragments and the remembered route (home.fragments).
    with django_assert_max_num_queries(30) as captured:
        assert member_client.get(lecture.url).status_code == 200
    vote_queries = [q for q in captured.captured_queries if "feedback_pagevote" in q["sql"]]
    assert len(vote_queries) == 1


def test_votes_are_exported_and_erased(member, lecture):
    login(member).post(vote_url(lecture), {"value": "not_helpful", "note": "例子太少"})
    exported = export_history(member)["page_votes"]
    assert exported == [
        {
            "page": lecture.pk,
            "page_title": lecture.title,
            "value": "not_helpful",
            "note": "例子太少",
            "created_at": exported[0]["created_at"],
            "updated_at": exported[0]["updated_at"],
        }
    ]
    assert delete_history(member).votes == 1
    assert not PageVote.objects.filter(member=member).exists()


def test_a_note_may_have_line_breaks(member, lecture):
    login(member).post(vote_url(lecture), {"value": "helpful", "note": "第一点\r\n第二点"})
    assert PageVote.objects.get(member=member, page=lecture).note.splitlines() == [
        "第一点",
        "第二点",
    ]
