"""Editors (编辑) may look at every branch, its members and its assignments in the admin.

View permission only: editors change none of them. A profile is name, branch, role and
student number; learning history has no admin view at all, so editors never see it.
Reviewers (审核) get nothing new. Superusers see everything already.

Django creates model permissions after all migrations have run (post_migrate), so on a
fresh database they do not exist yet here: they are created with the names Django would
give them, and Django's own pass later finds them in place.
"""

from django.db import migrations

EDITORS = "编辑"
VIEW = [
    ("branch", "Can view 党支部"),
    ("memberprofile", "Can view 成员"),
    ("assignment", "Can view 学习任务"),
]


def view_permissions(apps):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    permissions = []
    for model, name in VIEW:
        content_type, _ = ContentType.objects.get_or_create(app_label="learning", model=model)
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=f"view_{model}", defaults={"name": name}
        )
        permissions.append(permission)
    return permissions


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.add(*view_permissions(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors = Group.objects.filter(name=EDITORS).first()
    if editors is None:
        return
    codenames = [f"view_{model}" for model, _name in VIEW]
    editors.permissions.remove(
        *Permission.objects.filter(content_type__app_label="learning", codename__in=codenames)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("home", "0002_editorial_workflow"),
        ("learning", "0002_assignments"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
