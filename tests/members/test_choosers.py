"""Wagtail's choosers for branches, members and assignments follow the same permissions as
their listings: an admin user who may not view the model gets 403 from every chooser view,
never a list of names; a listing of members through the chooser is written to the audit trail.
"""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from audit.models import Access, AccessRecord
from tests.factories import AssignmentFactory, UserFactory, login, make_member

pytestmark = pytest.mark.django_db

CHOOSERS = {
    "branch": "wagtailsnippetchoosers_learning_branch",
    "memberprofile": "wagtailsnippetchoosers_learning_memberprofile",
    "assignment": "wagtailsnippetchoosers_learning_assignment",
}


def chooser_urls(model_name: str, pk) -> list[str]:
    namespace = CHOOSERS[model_name]
    return [
        reverse(f"{namespace}:choose"),
        reverse(f"{namespace}:choose_results") + "?q=",
        reverse(f"{namespace}:chosen", args=[pk]),
        reverse(f"{namespace}:chosen_multiple") + f"?id={pk}",
    ]


@pytest.fixture
def people():
    """A member with a name worth hiding and an assignment of their branch."""
    user = make_member("mimi1", name="秘密同学")
    branch = user.member_profile.branch
    assignment = AssignmentFactory(branch=branch, title="秘密任务", due_on="2030-01-01")
    return {
        "branch": branch.pk,
        "memberprofile": user.member_profile.pk,
        "assignment": assignment.pk,
    }


@pytest.mark.parametrize("group", ["编辑", "审核"])
@pytest.mark.parametrize("model_name", ["memberprofile", "assignment"])
def test_editors_and_reviewers_get_403_from_people_choosers(people, group, model_name):
    client = login(UserFactory(groups=[group]))
    for url in chooser_urls(model_name, people[model_name]):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "秘密" not in response.content.decode()
    assert not AccessRecord.objects.exists()


def test_reviewers_may_not_choose_branches_without_the_view_permission(people):
    client = login(UserFactory(groups=["审核"]))
    for url in chooser_urls("branch", people["branch"]):
        assert client.get(url).status_code == 403, url


def test_editors_still_choose_branches_for_an_events_check_in(people, editor):
    """编辑 hold view_branch: they name the branches whose organisers may check people in."""
    client = login(editor)
    for url in chooser_urls("branch", people["branch"]):
        assert client.get(url).status_code == 200, url


def test_an_admin_user_of_no_group_gets_403(people):
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client = login(user)
    for model_name in CHOOSERS:
        for url in chooser_urls(model_name, people[model_name]):
            assert client.get(url).status_code == 403, url


def test_the_organisation_department_chooses_members_and_is_recorded(people, member_officer):
    client = login(member_officer)
    namespace = CHOOSERS["memberprofile"]

    response = client.get(reverse(f"{namespace}:choose"))
    assert response.status_code == 200
    assert "秘密同学" in response.json()["html"]
    response = client.get(reverse(f"{namespace}:choose_results") + "?q=秘密")
    assert response.status_code == 200

    records = list(AccessRecord.objects.order_by("pk"))
    assert [r.access for r in records] == [Access.MEMBER_LIST, Access.MEMBER_LIST]
    assert all(r.username == member_officer.username for r in records)
    assert "q=" in records[1].path


def test_the_organisation_department_chooses_branches_and_assignments(people, member_officer):
    client = login(member_officer)
    for model_name in ("branch", "assignment"):
        for url in chooser_urls(model_name, people[model_name]):
            assert client.get(url).status_code == 200, url
    # Neither lists people: nothing to record.
    assert not AccessRecord.objects.exists()
