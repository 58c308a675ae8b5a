from django.core.management.base import BaseCommand

from learning.records import rebuild_records


class Command(BaseCommand):
    help = "从学习事件日志重建每个成员每个页面的学习记录（结果与实时更新一致）。"

    def handle(self, *args, **options):
        count = rebuild_records()
        if options["verbosity"]:
            self.stdout.write(f"已重建 {count} 条学习记录。")
