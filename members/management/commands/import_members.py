"""``manage.py import_members FILE.csv [--dry-run]``: bulk import of branches and members.

The logic lives in ``members.roster``; this command only turns its result into output
and an exit status. The format is described in ``docs/members.md``.
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from members.roster import COLUMN_LIST, MemberFileError, import_members


class Command(BaseCommand):
    help = (
        f"从 CSV 文件（列：{COLUMN_LIST}）批量导入党支部成员，格式见 docs/members.md。"
        "先检查整个文件，有任何问题就一条也不导入；从不修改已有成员的密码，"
        "新成员会得到一个设置密码的一次性链接。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="要导入的 .csv 文件（UTF-8，可以带 BOM；第一行是表头）")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="只检查并列出将新建或更新的成员和党支部，不写入任何内容",
        )

    def handle(self, *args, file: str, dry_run: bool, **options) -> None:
        try:
            result = import_members(file, dry_run=dry_run)
        except MemberFileError as exc:
            raise CommandError(str(exc)) from None
        if result.problems:
            for problem in result.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"发现 {len(result.problems)} 个问题，没有导入任何成员。请修改文件后重新导入。"
            )
        for line in result.report_lines():
            self.stdout.write(line)
