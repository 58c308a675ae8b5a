"""Backing up, restoring and verifying, whatever the database (``sqlite`` or ``postgres``).

``create_backup`` writes one archive, signed with ``BACKUP_KEY`` when it is set; ``restore``
checks the caps and the signature before unpacking anything and the whole archive before it
touches anything, refuses a database that already holds data unless forced, and compares
every table's row count afterwards; ``verify`` restores into a scratch database and compares,
touching neither the live database nor the media files.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import django
import wagtail
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from . import postgres, sqlite
from .archive import (
    FORMAT,
    VERSION,
    Archive,
    Checked,
    Limits,
    check_archive,
    media_files,
    unpack_archive,
    write_archive,
)
from .errors import BackupError
from .signing import backup_key
from .tables import count_differences

VENDORS = {"sqlite": sqlite, "postgresql": postgres}
# The manifest and its signature, counted beside the files when a backup checks the caps.
MAX_EXTRA_BYTES = 1024 * 1024


def vendor_module(vendor: str):
    try:
        return VENDORS[vendor]
    except KeyError:
        raise BackupError(
            _("不支持的数据库类型：%(vendor)s（只支持 SQLite 和 PostgreSQL）") % {"vendor": vendor}
        ) from None


def restore_limits() -> Limits:
    return Limits(settings.RESTORE_MAX_BYTES, settings.RESTORE_MAX_ENTRIES)


@dataclass
class BackupResult:
    path: Path
    tables: int
    rows: int
    media: int
    signed: bool
    over_limits: bool  # restoring it will need higher RESTORE_MAX_BYTES / RESTORE_MAX_ENTRIES


def _over_limits(files: list[tuple[Path, str]]) -> bool:
    limits = restore_limits()
    unpacked = sum(path.stat().st_size for path, _name in files) + MAX_EXTRA_BYTES
    return unpacked > limits.bytes or len(files) + 2 > limits.entries


def create_backup(directory: Path) -> BackupResult:
    """Dump the database and copy MEDIA_ROOT into one new archive in ``directory``."""
    vendor = vendor_module(connection.vendor)
    key = backup_key()  # a short key stops the backup before anything is dumped
    now = timezone.localtime()
    media = media_files(Path(settings.MEDIA_ROOT))
    with tempfile.TemporaryDirectory(prefix="hongke-backup-") as work:
        dump, counts, migrations = vendor.dump(connection, Path(work))
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": now.isoformat(),
            "django": django.get_version(),
            "wagtail": wagtail.__version__,
            "database": {
                "vendor": connection.vendor,
                "file": vendor.DUMP_NAME,
                "format": vendor.DUMP_FORMAT,
            },
            "migrations": migrations,
            "tables": counts,
        }
        files = [(dump, vendor.DUMP_NAME), *media]
        path = write_archive(
            directory, now.strftime("hongke-backup-%Y%m%d-%H%M%S"), files, manifest, key
        )
        over = _over_limits(files)
    return BackupResult(path, len(counts), sum(counts.values()), len(media), key is not None, over)


def _checked_vendor(archive: Archive):
    """The vendor module for the archive, which must be the configured database's kind."""
    vendor = archive.manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            _("备份来自 %(archive)s 数据库，当前配置的是 %(configured)s：不支持跨数据库类型恢复")
            % {"archive": vendor, "configured": connection.vendor}
        )
    return vendor_module(vendor)


def _refuse_data(vendor) -> None:
    holding = {table: rows for table, rows in vendor.live_counts(connection).items() if rows}
    if holding:
        sample = "、".join(f"{table}（{rows} 行）" for table, rows in list(holding.items())[:5])
        raise BackupError(
            _(
                "数据库不是空的：%(count)d 个表有数据，例如 %(sample)s。"
                "恢复会覆盖这些数据；确定要覆盖请加 --force。"
            )
            % {"count": len(holding), "sample": sample}
        )


def _put_file(source: Path, target: Path) -> None:
    """Copy to a temporary name beside ``target``, then rename: never a half-written upload."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}-")
    os.close(handle)
    try:
        shutil.copyfile(source, temporary)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@dataclass
class RestoreResult:
    tables: int
    rows: int
    media: int
    manifest: dict = field(repr=False)
    unverified: str | None = None


def _check(path: Path, trust_unsigned: bool) -> Checked:
    """Caps and signature, before a staging folder exists: a refused archive writes nothing."""
    return check_archive(path, restore_limits(), backup_key(), trust_unsigned=trust_unsigned)


def _unpack(path: Path, staging: Path, checked: Checked) -> Archive:
    return unpack_archive(path, checked, restore_limits(), staging)


def restore(path: Path, *, force: bool = False, trust_unsigned: bool = False) -> RestoreResult:
    """Check the archive, then replace the configured database and write the media files."""
    checked = _check(path, trust_unsigned)
    with tempfile.TemporaryDirectory(prefix="hongke-restore-") as staging:
        archive = _unpack(path, Path(staging), checked)
        vendor = _checked_vendor(archive)
        if not force:
            _refuse_data(vendor)
        vendor.restore(connection, archive.database)
        media_root = Path(settings.MEDIA_ROOT)
        for staged, name in archive.media:
            _put_file(staged, media_root / name)
    expected = archive.manifest["tables"]
    differences = count_differences(expected, vendor.live_counts(connection))
    if differences:
        raise BackupError(
            _("恢复后的行数与备份清单不符：\n%(lines)s") % {"lines": "\n".join(differences)}
        )
    return RestoreResult(
        len(expected),
        sum(expected.values()),
        len(archive.media),
        archive.manifest,
        archive.unverified,
    )


@dataclass
class VerifyResult:
    tables: int
    rows: int
    files: int
    manifest: dict = field(repr=False)
    differences: list[str] = field(default_factory=list)
    unverified: str | None = None


def verify(path: Path, *, trust_unsigned: bool = False) -> VerifyResult:
    """Check every checksum, restore into a scratch database and compare every row count."""
    checked = _check(path, trust_unsigned)
    with tempfile.TemporaryDirectory(prefix="hongke-verify-") as staging:
        archive = _unpack(path, Path(staging), checked)
        vendor = vendor_module(archive.manifest["database"]["vendor"])
        if vendor is postgres and connection.vendor != "postgresql":
            raise BackupError(_("校验 PostgreSQL 备份需要配置 PostgreSQL 数据库（DATABASE_URL）"))
        counts = vendor.scratch_counts(connection, archive.database)
    expected = archive.manifest["tables"]
    return VerifyResult(
        tables=len(expected),
        rows=sum(expected.values()),
        files=len(archive.manifest["files"]),
        manifest=archive.manifest,
        differences=count_differences(expected, counts, extra=True),
        unverified=archive.unverified,
    )
