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
