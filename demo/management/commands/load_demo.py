"""``manage.py load_demo``: fill an empty site with demo content; safe to run again."""

from django.core.management.base import BaseCommand, CommandError

from demo.builder import DemoContentError, build_demo


class Command(BaseCommand):
    help = "加载演示内容：首页、四个栏目及微党课、红色场馆、先进典型、论坛活动。可重复运行，不会重复创建。"

    def handle(self, *args, **options) -> None:
        verbose = options["verbosity"] >= 2
        try:
            report = build_demo(log=self.stdout.write if verbose else None)
        except DemoContentError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"] == 0:
            return
        for note in report.notes:
            self.stdout.write(note)
        self.stdout.write(self.style.SUCCESS(report.summary()))
