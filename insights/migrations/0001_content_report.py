"""The content report (Reports → 内容报告) is for the groups that act on content.

``ContentReport`` is a model without a table; its one permission, ``view_contentreport``,
opens the report. 编辑 and 审核 get it (they have admin access from ``home`` 0002; going
backwards takes only this permission away); 组织部, 活动管理 and plain members do not.
"""

from django.db import migrations, models

from core.migration_ops import regroup_permissions

VIEW_REPORT = ("insights", "contentreport", "view_contentreport", "Can view 内容报告")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("home", "0002_editorial_workflow"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [
        migrations.CreateModel(
            name="ContentReport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
            ],
            options={
                "verbose_name": "内容报告",
                "verbose_name_plural": "内容报告",
                "managed": False,
                "default_permissions": ("view",),
            },
        ),
        regroup_permissions(
            give={"编辑": [VIEW_REPORT], "审核": [VIEW_REPORT]}, take={}
        ),
    ]
