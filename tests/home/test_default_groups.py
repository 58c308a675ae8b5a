"""Only our groups exist: Wagtail's default "Moderators" and "Editors" are removed.

They come with Wagtail's own migrations and carry page, image and document permissions
that nobody reviews; an account put in one of them by mistake would bypass 编辑/审核.
"""

from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
OUR_GROUPS = {"编辑", "审核", "组织部", "活动管理"}


def test_after_migrations_only_our_groups_remain():
    assert set(Group.objects.values_list("name", flat=True)) == OUR_GROUPS


def test_the_migration_removes_them_and_keeps_other_memberships():
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    editors, _ = Group.objects.get_or_create(name="Editors")
    user = UserFactory(username="laobianji", groups=["编辑", "组织部"])
    user.groups.add(moderators, editors)

    migration = import_module("home.migrations.0004_remove_wagtail_default_groups")
    migration.remove_wagtail_default_groups(apps, None)

    assert set(Group.objects.values_list("name", flat=True)) == OUR_GROUPS
    assert set(user.groups.values_list("name", flat=True)) == {"编辑", "组织部"}
    # Nothing left to remove: a second run (or a database that never had them) is fine.
    migration.remove_wagtail_default_groups(apps, None)
    assert set(Group.objects.values_list("name", flat=True)) == OUR_GROUPS
