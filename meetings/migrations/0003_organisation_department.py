"""The 组织部 group (members' migration 0002 made it for the member lists) also holds
``meetings.oversee_meetings``: an administrator only adds people to it (Settings → Users) to
let them read every branch's meeting records and the overview."""

from django.db import migrations

from core.migration_ops import regroup_permissions

OVERSEE_MEETINGS = ("meetings", "meeting", "oversee_meetings", "组织部：查看各支部组织生活记录")


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0002_meetingremindersent"),
        ("members", "0002_organisation_department"),
    ]

    operations = [regroup_permissions(give={"组织部": [OVERSEE_MEETINGS]}, take={})]
