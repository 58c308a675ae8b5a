"""Branches and members move here from ``learning``: state only, tables and rows stay."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from core.migration_ops import move_content_types


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('learning', '0003_editors_see_branches'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay where the learning app created them (db_table).
            state_operations=[
                migrations.CreateModel(
                    name='Branch',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, unique=True, verbose_name='支部名称')),
                        ('organisation', models.CharField(blank=True, max_length=150, verbose_name='上级组织')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='创建时间')),
                    ],
                    options={
                        'verbose_name': '党支部',
                        'verbose_name_plural': '党支部',
                        'db_table': 'learning_branch',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='MemberProfile',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('display_name', models.CharField(max_length=60, verbose_name='姓名')),
                        ('student_number', models.CharField(blank=True, max_length=30, verbose_name='学号')),
                        ('role', models.CharField(choices=[('member', '成员'), ('organiser', '组织委员')], default='member', max_length=12, verbose_name='角色')),
                        ('branch', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='members', to='members.branch', verbose_name='党支部')),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='member_profile', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': '成员',
                        'verbose_name_plural': '成员',
                        'db_table': 'learning_memberprofile',
                        'ordering': ['display_name'],
                    },
                ),
            ],
            database_operations=[],
        ),
        move_content_types("learning", "members", ["branch", "memberprofile"]),
    ]
