"""The suite's factories (tests/factories.py) keep the conventions the tests rely on."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from assignments.models import StudyStatus
from assignments.progress import load_progress
from events.models import ForumEventPage, RegistrationStatus
from learning.reading_list.items import reading_list
from members.models import Branch, Role
from tests.factories import (
    DEFAULT_BRANCH,
    AssignmentFactory,
    BranchFactory,
    DismissalFactory,
    ExemplarStoryPageFactory,
    ForumEventPageFactory,
    LearningEventFactory,
    LearningRecordFactory,
    MicroLecturePageFactory,
    PageVoteFactory,
    ReflectionFactory,
    RegistrationFactory,
    RevolutionarySitePageFactory,
    SelfCheckAnswerFactory,
    UserFactory,
    login,
    make_member,
)

pytestmark = pytest.mark.django_db


def test_users_log_in_with_pw_and_their_username():
    user = UserFactory(username="zhangsan")
    assert Client().login(username="zhangsan", password="pw-zhangsan")
    assert user.email == "" and not user.is_staff
    assert UserFactory(username="lisi", password="秘密").check_password("秘密")


def test_groups_are_given_by_name_and_must_exist():
    editor = UserFactory(username="bianji", groups=["编辑"])
    assert list(editor.groups.values_list("name", flat=True)) == ["编辑"]
    with pytest.raises(Group.DoesNotExist):
        UserFactory(username="typo", groups=["编缉"])


def test_members_share_the_test_branch_unless_told_otherwise():
    first, second = make_member("a"), make_member("b", name="乙", role=Role.ORGANISER)
    assert first.member_profile.branch == second.member_profile.branch
    assert first.member_profile.branch.name == DEFAULT_BRANCH
    assert Branch.objects.filter(name=DEFAULT_BRANCH).count() == 1
    assert first.member_profile.display_name == "a" and second.member_profile.display_name == "乙"
    assert second.member_profile.is_organiser

    own = BranchFactory(name="计算机学院学生第一党支部")
    member = make_member("c", branch=own, email="c@example.edu.cn", student_number="2026001")
    assert member.member_profile.branch == own
    assert (member.email, member.member_profile.student_number) == ("c@example.edu.cn", "2026001")
    assert make_member("d", branch=None).member_profile.branch is None
    assert login(member).get("/learning/").status_code == 200


def test_pages_are_published_under_their_section_or_left_as_drafts(client):
    event = ForumEventPageFactory(capacity=3, tags=["科技报国", "青年"])
    assert event.live and event.get_parent().specific_class.__name__ == "EventIndexPage"
    assert ForumEventPage.objects.live().filter(pk=event.pk, capacity=3).exists()
    assert {tag.name for tag in event.tags.all()} == {"科技报国", "青年"}
    assert client.get(event.url).status_code == 200

    draft = MicroLecturePageFactory(title="草稿", live=False, publish=False)
    assert not draft.live and draft.get_latest_revision() is None
    published = MicroLecturePageFactory(title="已发布")
    assert published.live and published.get_latest_revision() is not None
    assert published.slug != draft.slug


def test_sites_are_published_under_the_sites_section(client):
    site = RevolutionarySitePageFactory(title="测试纪念馆", province="江西省")
    assert site.get_parent().specific_class.__name__ == "ExhibitIndexPage"
    assert client.get(site.url).status_code == 200


def test_assignments_list_their_pages_in_order_for_the_branch_or_chosen_members():
    first, second = MicroLecturePageFactory(), ExemplarStoryPageFactory()
    assignment = AssignmentFactory(pages=[second, first])
    assert [item.page.specific for item in assignment.items.all()] == [second, first]
    assert assignment.branch.name == DEFAULT_BRANCH and assignment.whole_branch
    assert assignment.due_on == timezone.localdate() + timedelta(days=7)
    assert not assignment.is_overdue()
    assert AssignmentFactory(due_in=timedelta(days=-1)).is_overdue()

    member = make_member("xueyuan")
    chosen = AssignmentFactory(pages=[first], chosen_members=[member])
    assert not chosen.whole_branch and list(chosen.chosen_members.all()) == [member]


def test_records_and_registrations_are_what_members_see():
    member = make_member("xuexi")
    lecture, story = MicroLecturePageFactory(), ExemplarStoryPageFactory()
    assignment = AssignmentFactory(pages=[lecture, story])
    LearningRecordFactory(member=member, page=lecture, completed=True)
    LearningRecordFactory(member=member, page=story)
    progress = load_progress([member.pk], [lecture.pk, story.pk])[member.pk]
    assert progress.done == {lecture.pk} and progress.started == {lecture.pk, story.pk}
    assert progress.status([lecture.pk, story.pk]) == StudyStatus.IN_PROGRESS
    assert [item.page_id for item in assignment.items.all()] == [lecture.pk, story.pk]

    event = ForumEventPageFactory(starts_in=timedelta(days=2))
    place = RegistrationFactory(event=event, member=member, checked_in=True)
    assert place.is_confirmed and place.confirmed_at and place.checked_in_at
    waiting = RegistrationFactory(event=event, status=RegistrationStatus.WAITING)
    assert waiting.confirmed_at is None and not waiting.is_confirmed
    with pytest.raises(IntegrityError), transaction.atomic():  # only a confirmed place
        RegistrationFactory(status=RegistrationStatus.WAITING, checked_in=True)
    assert LearningEventFactory(member=member, page=lecture).verb == "viewed"


def test_what_members_write_and_answer_is_theirs():
    member = make_member("xinde")
    lecture = MicroLecturePageFactory(title="心得页")
    reflection = ReflectionFactory(member=member, page=lecture)
    assert reflection.page_title == "心得页" and reflection.text
    assert PageVoteFactory(member=member, page=lecture).value == "helpful"
    assert SelfCheckAnswerFactory(member=member, page=lecture).correct
    DismissalFactory(member=member, page=lecture)
    assert lecture.pk not in {item.page.pk for item in reading_list(member, limit=50)}
