from django.core.management.base import BaseCommand

from learning.records import rebuild_records


class Command(BaseCommand):
    help = (
        "从学习事件日志（及清理旧事件时并入记录的部分）重建每个成员每个页面的学习记录"
        "（结果与实时更新一致）；每个成员在一个事务里重建，读者不会看到记录暂时消失。"
    )

    def handle(self, *args, **options):
        count = rebuild_records()
        if options["verbosity"]:
            self.stdout.write(f"已重建 {count} 条学习记录。")
