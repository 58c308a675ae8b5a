from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from learning.retention import parse_age, prune_events


class Command(BaseCommand):
    help = (
        "删除早于给定时长的原始学习事件（例如 --older-than 18m、540d、2y、8w；"
        "一个月按 30 天、一年按 365 天计）。删除前先把它们并入学习记录，记录保持不变，"
        "之后重建学习记录结果也相同。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than", required=True, help="保留时长，如 18m、540d、2y")

    def handle(self, *args, **options):
        try:
            age = parse_age(options["older_than"])
        except ValueError:
            raise CommandError(
                f"无法识别的时长：{options['older_than']!r}。"
                "请写成数字加单位 d（天）、w（周）、m（月）或 y（年），例如 18m、540d、2y。"
            ) from None
        cutoff = timezone.now() - age
        count = prune_events(cutoff)
        if options["verbosity"]:
            self.stdout.write(f"已并入学习记录并删除 {count} 条早于 {cutoff:%Y-%m-%d} 的学习事件。")
