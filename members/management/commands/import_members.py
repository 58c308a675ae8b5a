"""``manage.py import_members FILE.csv [--dry-run] [--update-emails]``: branches and members.

The logic lives in ``members.roster``; ``core.importing.ImportCommand`` turns its result
into output and an exit status. The format is described in ``docs/members.md``.
"""

from typing import Any

from django.core.management.base import CommandParser

from core.importing import ImportCommand
from members.roster import COLUMN_LIST, RosterImport
from members.roster_checks import UPDATE_EMAILS_FLAG


class Command(ImportCommand):
    help = (
        f"从 CSV 文件（列：{COLUMN_LIST}）批量导入党支部成员，格式见 docs/members.md。"
        "先检查整个文件，有任何问题就一条也不导入；从不修改已有成员的密码，"
        "新成员会得到一个设置密码的一次性链接；有后台权限的账号一律不能导入，"
        f"已有的邮箱只有加 {UPDATE_EMAILS_FLAG} 才会修改。"
    )
    importer = RosterImport
    file_help = "要导入的 .csv 文件（UTF-8，可以带 BOM；第一行是表头）"
    dry_run_help = "只检查并列出将新建或更新的成员和党支部，不写入任何内容"
    nothing_imported = "没有导入任何成员"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            UPDATE_EMAILS_FLAG,
            action="store_true",
            help="替换已有成员与文件中不同的邮箱（写入前先逐行列出“旧 → 新”）；"
            "不加时，这样的行被拒绝，整个文件不导入",
        )

    def make_import(self, file: str, *, dry_run: bool, **options: Any) -> RosterImport:
        return RosterImport(
            file,
            dry_run=dry_run,
            update_emails=options["update_emails"],
            announce=self.stdout.write,
        )
