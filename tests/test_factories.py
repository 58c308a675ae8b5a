"""The suite's factories (tests/factories.py) keep the conventions the tests rely on."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from events.models import ForumEventPage
from members.models import Branch, Role
from tests.factories import (
    DEFAULT_BRANCH,
    BranchFactory,
    ForumEventPageFactory,
    MicroLecturePageFactory,
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
