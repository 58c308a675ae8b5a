"""Least privilege: the admin's list of assignments (who set them, for whom) is for 组织部.

Editors (编辑) lose the view of assignments they had from ``learning`` migration 0003.
"""

from django.db import migrations

from core.migration_ops import regroup_permissions

VIEW_ASSIGNMENTS = ("assignments", "assignment", "view_assignment", "Can view 学习任务")


class Migration(migrations.Migration):
    dependencies = [
        ("assignments", "0001_initial"),
        ("members", "0002_organisation_department"),
    ]

    operations = [
        regroup_permissions(give={"组织部": [VIEW_ASSIGNMENTS]}, take={"编辑": [VIEW_ASSIGNMENTS]})
    ]
