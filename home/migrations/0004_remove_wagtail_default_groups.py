"""Wagtail's own default groups, "Moderators" and "Editors", are removed.

Wagtail's migrations create them with page, image and document permissions; our groups
(编辑, 审核 here, 组织部 and 活动管理 in ``members`` and ``events``) replace them, and a
second set nobody reviews would let an account put there by mistake publish without review.
Deleting a group removes only its own memberships and permissions; a user's other groups
stay. Going back does nothing: the old groups are not wanted again.
"""

from django.db import migrations

WAGTAIL_DEFAULT_GROUPS = ("Moderators", "Editors")


def remove_wagtail_default_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=WAGTAIL_DEFAULT_GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        # 0002 already runs after every Wagtail migration that creates or fills them.
        ("home", "0003_contentpage_completion_policy_contentpage_self_check"),
    ]

    operations = [
        migrations.RunPython(remove_wagtail_default_groups, migrations.RunPython.noop),
    ]
