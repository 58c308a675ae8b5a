"""Assignments and reminders move here from ``learning``: state only, tables and rows stay."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from core.migration_ops import move_content_types


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('learning', '0003_editors_see_branches'),
        ('home', '0002_editorial_workflow'),
        ('members', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay where the learning app created them (db_table).
            state_operations=[
                migrations.CreateModel(
                    name='Assignment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=100, verbose_name='标题')),
                        ('note', models.TextField(blank=True, max_length=2000, verbose_name='说明')),
                        ('due_on', models.DateField(verbose_name='截止日期')),
                        ('whole_branch', models.BooleanField(default=True, verbose_name='全支部')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='布置时间')),
                        ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='结束时间')),
                        ('branch', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='assignments', to='members.branch', verbose_name='党支部')),
                        ('chosen_members', models.ManyToManyField(blank=True, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='指定成员')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='布置人')),
                    ],
                    options={
                        'verbose_name': '学习任务',
                        'verbose_name_plural': '学习任务',
                        'db_table': 'learning_assignment',
                        'ordering': ['due_on', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='AssignmentItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('sort_order', models.PositiveSmallIntegerField(default=0)),
                        ('assignment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='items', to='assignments.assignment')),
                        ('page', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='home.contentpage', verbose_name='内容')),
                    ],
                    options={
                        'verbose_name': '任务内容',
                        'verbose_name_plural': '任务内容',
                        'db_table': 'learning_assignmentitem',
                        'ordering': ['sort_order', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='ReminderSent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('due_on', models.DateField()),
                        ('sent_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('assignment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='assignments.assignment')),
                        ('member', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': '提醒记录',
                        'verbose_name_plural': '提醒记录',
                        'db_table': 'learning_remindersent',
                    },
                ),
                migrations.AddIndex(
                    model_name='assignment',
                    index=models.Index(fields=['branch', 'closed_at', 'due_on'], name='learning_as_branch__9edad5_idx'),
                ),
                migrations.AddConstraint(
                    model_name='assignmentitem',
                    constraint=models.UniqueConstraint(fields=('assignment', 'page'), name='one_item_per_page'),
                ),
                migrations.AddConstraint(
                    model_name='remindersent',
                    constraint=models.UniqueConstraint(fields=('assignment', 'member', 'due_on'), name='one_reminder_per_due_date'),
                ),
            ],
            database_operations=[],
        ),
        move_content_types(
            "learning", "assignments", ["assignment", "assignmentitem", "remindersent"]
        ),
    ]
