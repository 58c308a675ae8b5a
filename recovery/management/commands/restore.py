"""``manage.py restore ARCHIVE [--verify] [--force] [--trust-unsigned]``: restore a backup, or
test one.

The caps and the manifest's signature (``BACKUP_KEY``) are checked before anything is
unpacked, the whole archive before anything is touched. The logic lives in
``recovery.service``; README's 备份与恢复 section has the emergency plan.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from recovery.errors import BackupError
from recovery.service import restore, verify

TRUST_UNSIGNED_WARNING = gettext_lazy(
    "警告：--trust-unsigned：不要求签名。没有签名、签名不符或没有 BACKUP_KEY 的备份也会恢复。"
    "校验和只能发现损坏，发现不了篡改：能改动这个文件的人可以换掉数据库（包括管理员账号和密码）"
    "和媒体文件。只在确认备份来源可信时使用。"
)


class Command(BaseCommand):
    help = _(
        "从 manage.py backup 生成的备份文件恢复数据库和媒体文件。先检查整个备份文件，"
        "有任何问题就什么也不改；数据库里已有数据时需要 --force。"
        "备份必须带有用 BACKUP_KEY 算出的签名，否则要加 --trust-unsigned。"
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
        parser.add_argument(
            "--trust-unsigned",
            action="store_true",
            help=_(
                "没有签名、签名不符或没有 BACKUP_KEY 时也恢复：不再能发现备份是否被改过，"
                "只在确认备份来源可信时使用"
            ),
        )

    def handle(self, *args, archive, verify=False, force=False, trust_unsigned=False, **options):
        if trust_unsigned:
            self.stderr.write(self.style.WARNING(TRUST_UNSIGNED_WARNING))
        try:
            if verify:
                self.verify(archive, trust_unsigned)
            else:
                self.restore(archive, force, trust_unsigned)
        except BackupError as exc:
            raise CommandError(str(exc)) from None

    def signature(self, unverified: str | None) -> None:
        if unverified:
            self.stderr.write(
                self.style.WARNING(_("签名：没有验证签名（%(reason)s）。") % {"reason": unverified})
            )
        else:
            self.stdout.write(_("签名有效：清单由持有 BACKUP_KEY 的人签名，之后没有改动。"))

    def restore(self, archive: Path, force: bool, trust_unsigned: bool) -> None:
        result = restore(archive, force=force, trust_unsigned=trust_unsigned)
        self.signature(result.unverified)
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

    def verify(self, archive: Path, trust_unsigned: bool) -> None:
        result = verify(archive, trust_unsigned=trust_unsigned)
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
        self.signature(result.unverified)
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
