"""``manage.py import_content FILE.jsonl [--dry-run]``: bulk import for editors.

The logic lives in ``loaders.content``; this command only turns its result into output
and an exit status. The format is described in ``docs/import.md``.
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from loaders.content import ImportFileError, import_file


class Command(BaseCommand):
    help = (
        "从 JSON Lines 文件批量导入微党课、红色场馆、先进典型和论坛活动（格式见 docs/import.md）。"
        "先检查整个文件，有任何问题就一条也不导入。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="要导入的 .jsonl 文件（UTF-8，每行一个 JSON 对象）")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="只检查并列出将新建或更新的页面，不写入任何内容",
        )

    def handle(self, *args, file: str, dry_run: bool, **options) -> None:
        try:
            result = import_file(file, dry_run=dry_run)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        if result.problems:
            for problem in result.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"发现 {len(result.problems)} 个问题，没有导入任何内容。请修改文件后重新导入。"
            )
        for line in result.report_lines():
            self.stdout.write(line)
