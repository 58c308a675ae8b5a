"""The 组织部 group (members' migration 0002 made it for the member lists) also holds
``meetings.oversee_meetings``: an administrator only adds people to it (Settings → Users) to
let them read every branch's meeting records and the overview."""

from django.db import migrations

GROUP = "组织部"


def create_group(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="meetings", model="meeting")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="oversee_meetings",
        defaults={"name": "组织部：查看各支部组织生活记录"},
    )
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(permission)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0002_meetingremindersent"),
        ("members", "0002_organisation_department"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
