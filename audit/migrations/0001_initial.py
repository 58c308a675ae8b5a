"""The audit trail of who saw or exported lists of people."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AccessRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='时间')),
                ('username', models.CharField(max_length=150, verbose_name='用户名')),
                ('address', models.GenericIPAddressField(blank=True, null=True, verbose_name='IP 地址')),
                ('access', models.CharField(choices=[('member_list', '查看成员名单'), ('member_profile', '查看成员资料'), ('branch_progress', '查看支部学习情况'), ('member_progress', '查看成员学习情况'), ('assignment_status', '查看任务完成名单'), ('assignment_csv', '导出任务完成名单 CSV'), ('registration_list', '查看报名名单'), ('registration_csv', '导出报名名单 CSV'), ('check_in_desk', '打开签到台')], max_length=32, verbose_name='操作')),
                ('subject', models.CharField(max_length=200, verbose_name='对象')),
                ('path', models.CharField(max_length=300, verbose_name='网址')),
                ('user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='用户')),
            ],
            options={
                'verbose_name': '访问记录',
                'verbose_name_plural': '访问记录',
                'ordering': ['-at', '-pk'],
                'default_permissions': (),
            },
        ),
    ]
