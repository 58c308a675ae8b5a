"""Least privilege: registrations (names, student numbers, branches) are for 活动管理 only.

Editors (编辑) and reviewers (审核) lose the registration permissions ``events`` migration
0004 gave them. 活动管理 (whoever runs the forum events) may see every event's
registrations and CSV (``view_registration``) and check people in at the door
(``change_registration``). Organisers named on an event as check-in staff keep the desk
through the event's own field, not through a permission.
"""

from django.db import migrations

from core.migration_ops import ACCESS_ADMIN, regroup_permissions

VIEW = ("events", "registration", "view_registration", "Can view 活动报名")
CHANGE = ("events", "registration", "change_registration", "Can change 活动报名")


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0005_check_in_staff"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [
        regroup_permissions(
            give={"活动管理": [ACCESS_ADMIN, VIEW, CHANGE]},
            take={"编辑": [VIEW, CHANGE], "审核": [VIEW]},
        )
    ]
