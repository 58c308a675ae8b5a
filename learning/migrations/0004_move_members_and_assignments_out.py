"""Branches, members and assignments now live in ``members`` and ``assignments``."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0001_initial'),
        ('assignments', '0001_initial'),
        ('learning', '0003_editors_see_branches'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay where the learning app created them (db_table).
            state_operations=[
                migrations.RemoveField(
                    model_name='remindersent',
                    name='assignment',
                ),
                migrations.RemoveField(
                    model_name='assignmentitem',
                    name='assignment',
                ),
                migrations.RemoveField(
                    model_name='assignmentitem',
                    name='page',
                ),
                migrations.RemoveField(
                    model_name='memberprofile',
                    name='branch',
                ),
                migrations.RemoveField(
                    model_name='memberprofile',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='remindersent',
                    name='member',
                ),
                migrations.DeleteModel(
                    name='Assignment',
                ),
                migrations.DeleteModel(
                    name='AssignmentItem',
                ),
                migrations.DeleteModel(
                    name='Branch',
                ),
                migrations.DeleteModel(
                    name='MemberProfile',
                ),
                migrations.DeleteModel(
                    name='ReminderSent',
                ),
            ],
            database_operations=[],
        ),
    ]
