"""History outlives pages: links to deleted pages become empty, titles stay."""

import django.db.models.deletion
from django.db import migrations, models


def drop_orphans(apps, schema_editor):
    """Going back: events and records of deleted pages cannot be kept by the old schema
    (the link was required)."""
    for name in ("LearningEvent", "LearningRecord"):
        apps.get_model("learning", name).objects.filter(page__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0002_editorial_workflow"),
        ("learning", "0004_move_members_and_assignments_out"),
    ]

    operations = [
        migrations.AddField(
            model_name="learningevent",
            name="page_title",
            field=models.CharField(blank=True, max_length=255, verbose_name="页面标题"),
        ),
        migrations.AddField(
            model_name="learningrecord",
            name="folded_completed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="learningrecord",
            name="folded_first_seen_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="learningrecord",
            name="folded_last_seen_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="learningrecord",
            name="folded_progress",
            field=models.FloatField(default=0),
        ),
        migrations.AddField(
            model_name="learningrecord",
            name="folded_seconds",
            field=models.FloatField(default=0),
        ),
        migrations.AddField(
            model_name="learningrecord",
            name="page_title",
            field=models.CharField(blank=True, max_length=255, verbose_name="页面标题"),
        ),
        migrations.AlterField(
            model_name="learningevent",
            name="page",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="home.contentpage",
            ),
        ),
        migrations.AlterField(
            model_name="learningrecord",
            name="page",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="home.contentpage",
            ),
        ),
        migrations.RunPython(migrations.RunPython.noop, drop_orphans),
    ]
