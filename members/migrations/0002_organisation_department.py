"""Least privilege: member profiles (names, student numbers) are for the 组织部 group only.

Editors (编辑) lose the view of member profiles they had from ``learning`` migration
0003; they keep the list of branches (names and sizes), which they need to name an
event's check-in branches. 组织部 (the organisation department: whoever keeps the member
lists) may look members up and make the occasional single change; bulk changes come
through ``import_members``. Superusers see everything, as before.
"""

from django.db import migrations

from core.migration_ops import ACCESS_ADMIN, regroup_permissions

ORGANISATION_DEPARTMENT = "组织部"
EDITORS = "编辑"
VIEW_PROFILES = ("members", "memberprofile", "view_memberprofile", "Can view 成员")


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0001_initial"),
        # Branches and profiles moved here from learning there, content types with them.
        ("learning", "0004_move_members_and_assignments_out"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [
        regroup_permissions(
            give={
                ORGANISATION_DEPARTMENT: [
                    ACCESS_ADMIN,
                    ("members", "branch", "view_branch", "Can view 党支部"),
                    ("members", "branch", "change_branch", "Can change 党支部"),
                    VIEW_PROFILES,
                    ("members", "memberprofile", "change_memberprofile", "Can change 成员"),
                ]
            },
            take={EDITORS: [VIEW_PROFILES]},
        )
    ]
