"""``manage.py backup [--output DIR]``: one archive with the database, the media and a manifest.

The logic lives in ``recovery.service``; README's 备份与恢复 section has a cron example.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from recovery.errors import BackupError
from recovery.service import create_backup


class Command(BaseCommand):
    help = _(
        "把数据库、全部媒体文件和清单（行数、校验和）写进一个带时间戳的备份文件 "
        "hongke-backup-年月日-时分秒.tar.gz；网站运行时也可以备份。"
        "设置了环境变量 BACKUP_KEY 时，清单带上用它算出的签名（HMAC-SHA256）。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help=_("备份文件放在哪个目录（默认是 BACKUP_DIR：%(dir)s）")
            % {"dir": settings.BACKUP_DIR},
        )

    def handle(self, *args, output=None, **options):
        try:
            result = create_backup(Path(output or settings.BACKUP_DIR))
        except (BackupError, OSError) as exc:
            raise CommandError(_("备份失败：%(error)s") % {"error": exc}) from None
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "已写入备份：%(path)s（%(size)s；%(tables)d 个表，共 %(rows)d 行；%(media)d 个媒体文件）"
                )
                % {
                    "path": result.path,
                    "size": filesizeformat(result.path.stat().st_size),
                    "tables": result.tables,
                    "rows": result.rows,
                    "media": result.media,
                }
            )
        )
        if not result.signed:
            self.stderr.write(
                _(
                    "警告：没有设置 BACKUP_KEY，这个备份没有签名。恢复时只能加 --trust-unsigned，"
                    "届时无法发现备份是否被改过。请按 README“备份与恢复”设置 BACKUP_KEY。"
                )
            )
        if result.over_limits:
            self.stderr.write(
                _(
                    "警告：这个备份超过了恢复上限 RESTORE_MAX_BYTES（%(bytes)d 字节）或 "
                    "RESTORE_MAX_ENTRIES（%(entries)d）：恢复前要先调高它们。"
                )
                % {"bytes": settings.RESTORE_MAX_BYTES, "entries": settings.RESTORE_MAX_ENTRIES}
            )
