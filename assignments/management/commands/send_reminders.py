"""``manage.py send_reminders``: email members whose 待学任务 is due within 48 hours.

Run from cron (say every morning); the rules live in ``assignments.reminders``.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from assignments.reminders import Reminder, Run, send_reminders


class Command(BaseCommand):
    help = (
        "给 48 小时内到期、尚未学完待学任务的成员发提醒邮件；每人每个任务每个截止日期只提醒一次"
        "（延期后会再提醒一次）。没有邮箱的成员会列在输出中。"
    )

    def handle(self, *args, **options) -> None:
        self.verbosity = options["verbosity"]
        run = send_reminders(timezone.now(), on_sent=self.tell_sent)
        self.report(run)
        if run.failed:
            # Not recorded as sent, so the next run tries them again.
            raise CommandError(_("有 {count} 封提醒邮件没有发出。").format(count=len(run.failed)))

    def tell_sent(self, reminder: Reminder) -> None:
        if self.verbosity >= 2:
            self.stdout.write(
                _("已提醒 {who}：《{title}》").format(
                    who=reminder.who, title=reminder.assignment.title
                )
            )

    def report(self, run: Run) -> None:
        if run.no_email:
            self.stdout.write(_("以下成员没有邮箱，未能提醒："))
            for reminder in run.no_email:
                self.stdout.write(
                    _("  {who}：《{title}》").format(
                        who=reminder.who, title=reminder.assignment.title
                    )
                )
        for reminder, error in run.failed:
            self.stderr.write(
                _("发送失败 {who}：《{title}》：{error}").format(
                    who=reminder.who, title=reminder.assignment.title, error=error
                )
            )
        self.stdout.write(
            _(
                "提醒邮件：已发送 {sent} 封，此前已提醒 {already} 人次，"
                "没有邮箱 {no_email} 人次，发送失败 {failed} 封。"
            ).format(
                sent=run.sent,
                already=run.already,
                no_email=len(run.no_email),
                failed=len(run.failed),
            )
        )
