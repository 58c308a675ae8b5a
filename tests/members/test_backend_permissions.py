"""The session's user is read in one query that also says whether they hold any permission
(members.backends.get_user): members who hold none ask for no permission rows on any page,
and everyone else keeps exactly the permissions Django's model backend gives them."""

import pytest
from django.contrib.auth.models import Group, Permission

from members.backends import ThrottledModelBackend
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def session_user(user):
    return ThrottledModelBackend().get_user(user.pk)


def test_a_member_without_permissions_costs_no_permission_query(django_assert_num_queries):
    member = make_member("wuquan1")
    user = session_user(member)
    with django_assert_num_queries(0):
        assert not user.has_perm("wagtailadmin.access_admin")
        assert user.get_all_permissions() == set()


def test_a_permission_of_their_own_is_kept():
    member = make_member("zhijie1")
    member.user_permissions.add(Permission.objects.get(codename="access_admin"))
    assert session_user(member).has_perm("wagtailadmin.access_admin")


def test_a_groups_permissions_are_kept():
    member = make_member("zuyuan1")
    group = Group.objects.create(name="资料审核组")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    member.groups.add(group)
    assert session_user(member).has_perm("wagtailadmin.access_admin")


def test_a_superuser_keeps_every_permission():
    admin = make_member("chaoji1", is_superuser=True)
    assert session_user(admin).has_perm("wagtailadmin.access_admin")


def test_an_inactive_user_is_no_session_user():
    member = make_member("tingyong1", is_active=False)
    assert session_user(member) is None
