"""Operations that migrations moving models between apps share.

When a model moves to another app (``SeparateDatabaseAndState``: the table stays), its
content type must move with it, or the permissions granted on it (editors' view rights)
and Wagtail's references to it would stay behind on a stale label.
"""

from django.db import migrations


def _move_content_types(apps, from_app: str, to_app: str, models: list[str]) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for model in models:
        old = ContentType.objects.filter(app_label=from_app, model=model).first()
        if old is None:
            continue
        new = ContentType.objects.filter(app_label=to_app, model=model).first()
        if new is None:
            old.app_label = to_app
            old.save(update_fields=["app_label"])
            continue
        # Both exist (Django created the new one in between): keep the new, bring over
        # the permissions it lacks, and drop the old.
        have = set(Permission.objects.filter(content_type=new).values_list("codename", flat=True))
        Permission.objects.filter(content_type=old).exclude(codename__in=have).update(
            content_type=new
        )
        old.delete()


def move_content_types(from_app: str, to_app: str, models: list[str]) -> migrations.RunPython:
    """A reversible RunPython moving these models' content types from one app to another."""

    def forwards(apps, schema_editor):
        _move_content_types(apps, from_app, to_app, models)

    def backwards(apps, schema_editor):
        _move_content_types(apps, to_app, from_app, models)

    return migrations.RunPython(forwards, backwards)


# --- groups and their model permissions -------------------------------------------------

# (app_label, model, codename, name): a model permission as Django names it.
PermissionSpec = tuple[str, str, str, str]
ACCESS_ADMIN: PermissionSpec = ("wagtailadmin", "admin", "access_admin", "Can access Wagtail admin")


def _permission(apps, spec: PermissionSpec):
    """The permission, created with Django's name if missing: Django creates model
    permissions only after every migration has run (post_migrate), and finds these then."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    app_label, model, codename, name = spec
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return permission


def _regroup(apps, give: dict[str, list[PermissionSpec]], take: dict[str, list[PermissionSpec]]):
    Group = apps.get_model("auth", "Group")
    for group_name, specs in give.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(*(_permission(apps, spec) for spec in specs))
    for group_name, specs in take.items():
        group = Group.objects.filter(name=group_name).first()
        if group is not None:  # a site may have removed the group: nothing to take
            group.permissions.remove(*(_permission(apps, spec) for spec in specs))


def regroup_permissions(
    give: dict[str, list[PermissionSpec]], take: dict[str, list[PermissionSpec]]
) -> migrations.RunPython:
    """A reversible RunPython: groups in ``give`` get these permissions (created if
    missing), groups in ``take`` lose those. Backwards does the opposite, and deletes a
    given group left with no permissions and no users."""

    def forwards(apps, schema_editor):
        _regroup(apps, give, take)

    def backwards(apps, schema_editor):
        _regroup(apps, take, give)
        Group = apps.get_model("auth", "Group")
        Group.objects.filter(name__in=give, permissions__isnull=True, user__isnull=True).delete()

    return migrations.RunPython(forwards, backwards)
