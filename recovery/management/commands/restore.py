"""``manage.py restore ARCHIVE [--verify] [--force]``: restore a backup, or test one.

The whole archive is checked before anything is touched. The logic lives in
``recovery.service``; README's 备份与恢复 section has the emergency plan.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from recovery.errors import BackupError
from recovery.service import restore, verify


class Command(BaseCommand):
    help = _(
        "从 manage.py backup 生成的备份文件恢复数据库和媒体文件。先检查整个备份文件，"
        "有任何问题就什么也不改；数据库里已有数据时需要 --force。"
        "加 --verify 则只恢复到临时数据库并与清单比对，不动现有的数据库和媒体文件。"
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help=_("备份文件（.tar.gz）"))
        parser.add_argument(
            "--verify",
            action="store_true",
            help=_("只校验：恢复到临时数据库，比对行数和校验和，不改动现有数据"),
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("数据库里已有数据时也恢复（覆盖现有数据）"),
        )

    def handle(self, *args, archive, verify=False, force=False, **options):
        try:
            if verify:
                self.verify(archive)
            else:
                self.restore(archive, force)
        except BackupError as exc:
            raise CommandError(str(exc)) from None

    def restore(self, archive: Path, force: bool) -> None:
        result = restore(archive, force=force)
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "已恢复 %(created)s 的备份：%(tables)d 个表，共 %(rows)d 行，行数与清单一致；%(media)d 个媒体文件。"
                )
                % {
                    "created": result.manifest["created_at"],
                    "tables": result.tables,
                    "rows": result.rows,
                    "media": result.media,
                }
            )
        )
        self.stdout.write(_("如果代码比备份新，请接着运行 manage.py migrate。"))

    def verify(self, archive: Path) -> None:
        result = verify(archive)
        manifest = result.manifest
        self.stdout.write(
            _(
                "备份：%(path)s\n创建于 %(created)s（Django %(django)s，Wagtail %(wagtail)s，%(vendor)s）"
            )
            % {
                "path": archive,
                "created": manifest["created_at"],
                "django": manifest["django"],
                "wagtail": manifest["wagtail"],
                "vendor": manifest["database"]["vendor"],
            }
        )
        self.stdout.write(_("校验和：%(files)d 个文件全部一致") % {"files": result.files})
        if result.differences:
            for line in result.differences:
                self.stderr.write(line)
            raise CommandError(
                _("校验失败：%(count)d 处与清单不符") % {"count": len(result.differences)}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "临时数据库恢复成功：%(tables)d 个表，共 %(rows)d 行，行数与清单一致。现有数据库和媒体文件没有改动。"
                )
                % {"tables": result.tables, "rows": result.rows}
            )
        )
