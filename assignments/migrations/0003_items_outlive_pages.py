"""History outlives pages: links to deleted pages become empty, titles stay."""

import django.db.models.deletion
from django.db import migrations, models


def drop_orphans(apps, schema_editor):
    """Going back: Items of deleted pages cannot be kept by the old schema (the link was required)."""
    apps.get_model("assignments", "AssignmentItem").objects.filter(page__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assignments", "0002_organisation_department"),
        ("home", "0002_editorial_workflow"),
    ]

    operations = [
        migrations.AddField(
            model_name="assignmentitem",
            name="page_title",
            field=models.CharField(blank=True, max_length=255, verbose_name="页面标题"),
        ),
        migrations.AlterField(
            model_name="assignmentitem",
            name="page",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="home.contentpage",
                verbose_name="内容",
            ),
        ),
        migrations.RunPython(migrations.RunPython.noop, drop_orphans),
    ]
