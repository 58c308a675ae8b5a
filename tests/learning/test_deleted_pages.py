"""History outlives pages: deleting a page in the Wagtail admin keeps every
event, record, registration and assignment item, shown as "已删除的内容：《…》" without a
link; the reading list and progress ignore them."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from assignments.models import AssignmentItem
from events.models import Registration
from events.registration import register
from learning.event_log import record_server_event
from learning.models import LearningEvent, LearningRecord, Verb
from learning.reading_list.queries import load_member
from learning.reading_list.shared import current_shared
from members.models import Role
from tests.factories import (
    AssignmentFactory,
    BranchFactory,
    ExemplarStoryPageFactory,
    ForumEventPageFactory,
    LearningRecordFactory,
    MicroLecturePageFactory,
    UserFactory,
    login,
    make_member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def branch():
    return BranchFactory(name="历史学院党支部", organisation="历史学院党委")


@pytest.fixture
def member(branch):
    return make_member("lishi", branch=branch, name="李史")


@pytest.fixture
def organiser(branch):
    return make_member("zuzhi", branch=branch, role=Role.ORGANISER, name="王组织")


@pytest.fixture
def story():
    return ExemplarStoryPageFactory(title="要删除的故事")


@pytest.fixture
def kept_story():
    return ExemplarStoryPageFactory(title="留下的故事")


@pytest.fixture
def admin_client(db):
    return login(UserFactory(username="root", is_superuser=True, is_staff=True))


def delete_in_admin(client, page) -> None:
    response = client.post(f"/admin/pages/{page.pk}/delete/")
    assert response.status_code == 302, response.content[:500]


@pytest.fixture
def studied(member, story, kept_story, branch):
    """The member read both stories to the end; an assignment names both."""
    for page in (story, kept_story):
        record_server_event(member, page, Verb.VIEWED, 90)
        record_server_event(member, page, Verb.COMPLETED)
    return AssignmentFactory(branch=branch, title="十二月专题", pages=[story, kept_story])


def test_deleting_a_page_in_the_admin_keeps_the_history(
    admin_client, member, story, studied, organiser
):
    before = LearningEvent.objects.filter(member=member).count()
    delete_in_admin(admin_client, story)

    assert LearningEvent.objects.filter(member=member).count() == before
    orphans = LearningRecord.objects.get(member=member, page__isnull=True)
    assert orphans.page_title == "要删除的故事" and orphans.completed_at is not None
    assert set(
        LearningEvent.objects.filter(page__isnull=True).values_list("page_title", flat=True)
    ) == {"要删除的故事"}
    item = AssignmentItem.objects.get(assignment=studied, page__isnull=True)
    assert item.page_title == "要删除的故事"

    client = login(member)
    page = client.get("/learning/").content.decode()
    assert "已删除的内容：《要删除的故事》" in page and "留下的故事" in page
    assert "原始事件保留 18 个月" in page

    export = json.loads(client.get("/learning/export/").content)
    titles = {event["page_title"] for event in export["events"]}
    assert "已删除的内容：《要删除的故事》" in titles
    deleted = [r for r in export["records"] if r["page"] is None]
    assert deleted[0]["page_title"] == "已删除的内容：《要删除的故事》"

    # The organiser: the deleted item is listed as deleted and no longer counted.
    organiser_client = login(organiser)
    assert organiser_client.get("/branch/").status_code == 200
    detail = organiser_client.get(f"/branch/assignments/{studied.pk}/").content.decode()
    assert "已删除的内容：《要删除的故事》" in detail
    printed = organiser_client.get("/branch/print/").content.decode()
    assert "已删除的内容：《要删除的故事》" in printed
    csv = organiser_client.get(f"/branch/assignments/{studied.pk}/status.csv")
    assert csv.status_code == 200


def test_reading_list_and_todo_ignore_deleted_pages(admin_client, member, story, studied):
    delete_in_admin(admin_client, story)
    data = load_member(member.pk, current_shared(), timezone.now())
    assert all(entry.page_id is not None for entry in data.history)
    assert login(member).get("/learning/for-you/").status_code == 200
    assert login(member).get("/").status_code == 200


def test_a_deleted_event_keeps_its_registrations(admin_client, member):
    event = ForumEventPageFactory(title="要删除的论坛")
    register(event, member)
    delete_in_admin(admin_client, event)

    registration = Registration.objects.get(member=member)
    assert registration.event is None and registration.event_title == "要删除的论坛"
    export = json.loads(login(member).get("/learning/export/").content)
    assert export["event_registrations"][0]["event_title"] == "已删除的内容：《要删除的论坛》"

    listing = admin_client.get(reverse("event_registrations:index"))
    assert "已删除的内容：《要删除的论坛》" in listing.content.decode()
    inspect = admin_client.get(reverse("event_registrations:inspect", args=[registration.pk]))
    assert "已删除的内容：《要删除的论坛》" in inspect.content.decode()


def test_unpublishing_keeps_everything(member, story, studied):
    story.unpublish()
    assert LearningRecord.objects.filter(member=member, page=story).exists()
    page = login(member).get("/learning/").content.decode()
    assert "要删除的故事" in page


def test_deleting_a_whole_section_keeps_the_titles_of_its_pages():
    """Wagtail deletes a subtree in one go: every page in it keeps its history too."""
    lecture = MicroLecturePageFactory(title="整节删除的课程")
    member = make_member("subtree")
    now = timezone.now()
    LearningRecordFactory(member=member, page=lecture, first_seen_at=now)
    lecture.get_parent().delete()
    record = LearningRecord.objects.get(member=member)
    assert record.page_id is None and record.page_title == "整节删除的课程"
