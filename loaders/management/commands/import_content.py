"""``manage.py import_content FILE.jsonl [--dry-run]``: bulk import for editors.

The logic lives in ``loaders.content``; ``core.importing.ImportCommand`` turns its result
into output and an exit status. The format is described in ``docs/import.md``.
"""

from core.importing import ImportCommand
from loaders.content import ContentImport


class Command(ImportCommand):
    help = (
        "从 JSON Lines 文件批量导入微党课、红色场馆、先进典型和论坛活动（格式见 docs/import.md）。"
        "先检查整个文件，有任何问题就一条也不导入。"
    )
    importer = ContentImport
    file_help = "要导入的 .jsonl 文件（UTF-8，每行一个 JSON 对象）"
    dry_run_help = "只检查并列出将新建或更新的页面，不写入任何内容"
