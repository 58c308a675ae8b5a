"""The fixed check-in code gives way to a per-event secret the rotating codes come from."""

from django.db import migrations, models

import events.models


def give_each_event_its_secret(apps, schema_editor):
    """The field's default is drawn once for all existing rows: every event needs its own."""
    ForumEventPage = apps.get_model("events", "ForumEventPage")
    for event in ForumEventPage.objects.only("pk"):
        ForumEventPage.objects.filter(pk=event.pk).update(
            check_in_secret=events.models.new_check_in_secret()
        )


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0007_registrations_outlive_events"),
    ]

    operations = [
        migrations.AddField(
            model_name="forumeventpage",
            name="check_in_secret",
            field=models.CharField(
                default=events.models.new_check_in_secret, editable=False, max_length=64
            ),
        ),
        migrations.RunPython(give_each_event_its_secret, migrations.RunPython.noop),
        migrations.RemoveField(model_name="forumeventpage", name="check_in_code"),
    ]
