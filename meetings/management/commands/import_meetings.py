"""``manage.py import_meetings FILE.csv``: past 组织生活 records from a CSV file.

The format and its checks live in ``meetings.meeting_csv`` (and docs/meetings.md). One bad
line refuses the whole file: each problem is printed as ``第 N 行：…`` and the command exits
with status 1, having written nothing.
"""

from django.core.management.base import BaseCommand, CommandError

from meetings.meeting_csv import ImportFileError, MeetingImportError, import_meetings_file


class Command(BaseCommand):
    help = (
        "从 CSV 文件导入以往的组织生活记录（表头 branch,kind,starts_at,place,host,recorder,"
        "topics,present,leave,absent）。有任何一行不对，整个文件都不导入；同一文件导入两次不会重复。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="UTF-8 编码的 CSV 文件")

    def handle(self, *args, file: str, **options) -> None:
        try:
            result = import_meetings_file(file)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        except MeetingImportError as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"发现 {len(exc.problems)} 个问题，没有导入任何会议。请修改文件后重新导入。"
            ) from None
        self.stdout.write(
            f"导入完成：新建 {result.created} 条组织生活记录，已有 {result.unchanged} 条未改动。"
        )
