"""``manage.py send_meeting_reminders``: e-mail organisers whose branch still lacks a required
meeting this quarter (or this month, for monthly kinds), from two weeks before the quarter ends.

Run from cron every morning; each branch, kind and quarter is reminded once. The rules live in
``meetings.reminders``.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from meetings.ledger import kind_name
from meetings.reminders import Run, send_meeting_reminders


class Command(BaseCommand):
    help = (
        "季度结束前两周（MEETING_REMINDER_DAYS_BEFORE_QUARTER_END），给还缺少规定组织生活记录的"
        "党支部的组织委员发提醒邮件；每个支部、每类会议、每季度只提醒一次。"
    )

    def handle(self, *args, **options) -> None:
        run = send_meeting_reminders(timezone.now())
        self.report(run)
        if run.failed:
            raise CommandError(f"有 {len(run.failed)} 封提醒邮件没有发出。")

    def report(self, run: Run) -> None:
        for reminder in run.no_email:
            kinds = "、".join(kind_name(kind) for kind in reminder.kinds)
            self.stdout.write(f"{reminder.branch.name} 的组织委员没有邮箱，未能提醒：{kinds}")
        for reminder, error in run.failed:
            self.stderr.write(f"发送失败 {reminder.branch.name}：{error}")
        self.stdout.write(
            f"组织生活提醒：已发送 {run.sent} 封，此前已提醒 {run.already} 项，"
            f"没有邮箱 {len(run.no_email)} 个支部，发送失败 {len(run.failed)} 封。"
        )
