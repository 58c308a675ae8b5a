"""``manage.py load_demo``: fill an empty site with demo content; safe to run again."""

from django.core.management.base import BaseCommand, CommandError

from demo.builder import DemoContentError, build_demo
from demo.history import build_demo_people
from demo.lecture_media import MediaToolError
from demo.people import DemoPeopleError


class Command(BaseCommand):
    help = "加载演示内容：首页、四个栏目及微党课、红色场馆、先进典型、论坛活动。可重复运行，不会重复创建。"

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--no-media",
            action="store_true",
            help="不生成微党课的演示音视频和字幕（不需要 espeak-ng 和 ffmpeg）",
        )
        parser.add_argument(
            "--no-people",
            action="store_true",
            help="不创建演示党支部、成员、学习任务、活动报名和学习记录",
        )

    def handle(self, *args, **options) -> None:
        verbose = options["verbosity"] >= 2
        try:
            report = build_demo(
                log=self.stdout.write if verbose else None, media=not options["no_media"]
            )
        except DemoContentError as error:
            raise CommandError(str(error)) from error
        except MediaToolError as error:
            raise CommandError(f"没有加载演示内容：{error}") from None
        people = None
        if not options["no_people"]:
            try:
                people = build_demo_people()
            except DemoPeopleError as error:
                raise CommandError(f"没有创建演示成员：{error}") from None
        if options["verbosity"] == 0:
            return
        for note in report.notes:
            self.stdout.write(note)
        self.stdout.write(self.style.SUCCESS(report.summary()))
        if people:
            self.stdout.write(self.style.SUCCESS(people))
