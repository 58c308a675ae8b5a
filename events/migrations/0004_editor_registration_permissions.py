"""Editors (编辑) and reviewers (审核) may see event registrations in the admin; editors may
also check people in at the door.

``view_registration``: the "活动报名" listing, each event's "报名名单" page and its CSV.
``change_registration`` (editors only): ``events.registration.can_check_in_others``, the
check-in desk on the event page. The admin never edits registrations, whatever the
permission (``events.wagtail_hooks.ReadOnlyPolicy``).

Django creates model permissions after all migrations have run (post_migrate), so on a
fresh database they do not exist yet here: they are created with the names Django would
give them, and Django's own pass later finds them in place.
"""

from django.db import migrations

EDITORS = "编辑"
REVIEWERS = "审核"
NAMES = {
    "view_registration": "Can view 活动报名",
    "change_registration": "Can change 活动报名",
}
GRANTS = {
    EDITORS: ["view_registration", "change_registration"],
    REVIEWERS: ["view_registration"],
}


def registration_permission(apps, codename):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="events", model="registration")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": NAMES[codename]}
    )
    return permission


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group_name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(*(registration_permission(apps, codename) for codename in codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in GRANTS.items():
        group = Group.objects.filter(name=group_name).first()
        if group is None:
            continue
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="events",
                content_type__model="registration",
                codename__in=codenames,
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("home", "0002_editorial_workflow"),
        ("events", "0003_registrations"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
