"""The organiser's page search inside the assignment form shows only what any visitor may
read: drafts and pages in login-restricted sections are neither found nor echoed back, even
when their ids are posted by hand; pages already in the assignment keep showing."""

import pytest
from wagtail.models import PageViewRestriction

from members.models import Role
from stories.models import StoryIndexPage
from tests.factories import (
    AssignmentFactory,
    BranchFactory,
    ExemplarStoryPageFactory,
    MicroLecturePageFactory,
    login,
    make_member,
)

pytestmark = pytest.mark.django_db

NEW_URL = "/branch/assignments/new/"


@pytest.fixture
def organiser():
    branch = BranchFactory(name="数学学院党支部")
    return make_member("zuzhi9", branch=branch, role=Role.ORGANISER, name="钱组织")


@pytest.fixture
def hidden_pages():
    """A draft lecture and a story in a section only members who log in may read."""
    draft = MicroLecturePageFactory(title="绝密草稿讲座", publish=False, live=False)
    section = StoryIndexPage.objects.get()
    PageViewRestriction.objects.create(page=section, restriction_type=PageViewRestriction.LOGIN)
    private = ExemplarStoryPageFactory(title="绝密内部故事")
    return [draft, private]


def search(organiser, pages, query=""):
    data = {"action": "search", "q": query, "title": "任务", "audience": "branch"}
    data["pages"] = [str(page.pk) for page in pages]
    return login(organiser).post(NEW_URL, data)


def test_posted_ids_of_drafts_and_private_pages_echo_no_title(organiser, hidden_pages):
    response = search(organiser, hidden_pages)
    assert response.status_code == 200
    text = response.content.decode()
    for page in hidden_pages:
        assert page.title not in text
        assert f'value="{page.pk}"' not in text
    assert response.context["selected_pages"] == []


def test_search_finds_no_draft_or_private_page(organiser, hidden_pages):
    response = search(organiser, [], query="绝密")
    assert response.status_code == 200
    assert response.context["results"] == []
    text = response.content.decode()
    assert "绝密草稿讲座" not in text and "绝密内部故事" not in text


def test_a_public_page_posted_by_id_is_echoed(organiser):
    page = MicroLecturePageFactory(title="公开的讲座")
    response = search(organiser, [page])
    assert [p.pk for p in response.context["selected_pages"]] == [page.pk]
    assert f'value="{page.pk}" checked' in response.content.decode()


def test_a_page_already_in_the_assignment_stays_listed_after_it_is_unpublished(organiser):
    page = MicroLecturePageFactory(title="后来撤回的讲座")
    assignment = AssignmentFactory(
        branch=organiser.member_profile.branch, title="十二月学习", pages=[page]
    )
    page.unpublish()
    url = f"/branch/assignments/{assignment.pk}/edit/"
    data = {"action": "search", "q": "", "title": "十二月学习", "audience": "branch"}
    response = login(organiser).post(url, {**data, "pages": [str(page.pk)]})
    assert [p.pk for p in response.context["selected_pages"]] == [page.pk]
