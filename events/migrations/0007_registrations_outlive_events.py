"""History outlives pages: links to deleted pages become empty, titles stay."""

import django.db.models.deletion
from django.db import migrations, models


def drop_orphans(apps, schema_editor):
    """Going back: Registrations of deleted events cannot be kept by the old schema (the link was required)."""
    apps.get_model("events", "Registration").objects.filter(event__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0006_event_managers"),
    ]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="event_title",
            field=models.CharField(blank=True, max_length=255, verbose_name="活动标题"),
        ),
        migrations.AlterField(
            model_name="registration",
            name="event",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="registrations",
                to="events.forumeventpage",
                verbose_name="活动",
            ),
        ),
        migrations.RunPython(migrations.RunPython.noop, drop_orphans),
    ]
