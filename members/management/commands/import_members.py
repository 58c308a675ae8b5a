"""``manage.py import_members FILE.csv [--dry-run]``: bulk import of branches and members.

The logic lives in ``members.roster``; ``core.importing.ImportCommand`` turns its result
into output and an exit status. The format is described in ``docs/members.md``.
"""

from core.importing import ImportCommand
from members.roster import COLUMN_LIST, RosterImport


class Command(ImportCommand):
    help = (
        f"从 CSV 文件（列：{COLUMN_LIST}）批量导入党支部成员，格式见 docs/members.md。"
        "先检查整个文件，有任何问题就一条也不导入；从不修改已有成员的密码，"
        "新成员会得到一个设置密码的一次性链接。"
    )
    importer = RosterImport
    file_help = "要导入的 .csv 文件（UTF-8，可以带 BOM；第一行是表头）"
    dry_run_help = "只检查并列出将新建或更新的成员和党支部，不写入任何内容"
    nothing_imported = "没有导入任何成员"
