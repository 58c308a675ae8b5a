"""Backup → wipe → restore on whichever database DATABASE_URL selects (SQLite or PostgreSQL).

Every test runs on a site of its own (``scratch_site`` in conftest.py): the shared test
database with the demo is copied, never written.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import re
import tarfile
from datetime import timedelta
from pathlib import Path

import pytest
import wagtail_factories
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone
from wagtail.documents.models import Document

from learning.models import LearningEvent, LearningRecord, Verb
from members.models import MemberProfile
from recovery import archive as archive_module
from tests.factories import MicroLecturePageFactory, UserFactory, make_member
from tests.recovery.conftest import BACKUP_KEY

# --verify makes a scratch database; tests that count them must not run beside each other.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("recovery-verify")]

NAME = re.compile(r"hongke-backup-\d{8}-\d{6}\.tar\.gz")
MANIFEST = "manifest.json"
SIGNATURE = "manifest.json.sig"


# --- what a site holds, read without the code under test --------------------------------


def table_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        return {
            table: cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            and cursor.fetchone()[0]
            for table in connection.introspection.table_names(cursor)
        }


def sample_rows() -> dict[str, list]:
    from django.contrib.auth import get_user_model
    from wagtail.images.models import Image
    from wagtail.models import Page

    return {
        "users": list(get_user_model().objects.order_by("pk").values()),
        "members": list(MemberProfile.objects.order_by("pk").values()),
        "events": list(LearningEvent.objects.order_by("pk").values()),
        "records": list(LearningRecord.objects.order_by("pk").values()),
        "pages": list(
            Page.objects.order_by("path").values("pk", "path", "title", "url_path", "live")
        ),
        "images": list(Image.objects.order_by("pk").values("pk", "title", "file", "file_hash")),
        "documents": list(Document.objects.order_by("pk").values("pk", "title", "file")),
    }


def media_checksums(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def site_state(site) -> tuple:
    return table_counts(), sample_rows(), media_checksums(site.media_root)


def add_content(site) -> None:
    """Members, a page, learning events and records, an image, a document, a stray upload."""
    member = make_member("backup-member", name="王小红", email="wang@example.edu.cn")
    make_member("backup-organiser", name="李组织")
    UserFactory(username="plain-user")
    lecture = MicroLecturePageFactory(title="备份测试微党课", slug="backup-lecture")
    now = timezone.now()
    for minutes, verb in ((30, Verb.VIEWED), (20, Verb.PROGRESSED), (10, Verb.COMPLETED)):
        LearningEvent.objects.create(
            member=member,
            page=lecture,
            verb=verb,
            value=0.5,
            occurred_at=now - timedelta(minutes=minutes),
        )
    LearningRecord.objects.create(
        member=member, page=lecture, first_seen_at=now, last_seen_at=now, total_seconds=95
    )
    wagtail_factories.ImageFactory(title="备份测试图片")
    Document.objects.create(
        title="备份测试附件", file=ContentFile(b"%PDF-1.4 test", name="附件.pdf")
    )
    stray = site.media_root / "其他" / "深层" / "笔记.txt"
    stray.parent.mkdir(parents=True)
    stray.write_text("不在任何表里的上传文件也要备份", encoding="utf-8")


def back_up(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    call_command("backup", output=out, stdout=io.StringIO())
    files = list(out.iterdir())
    assert len(files) == 1 and NAME.fullmatch(files[0].name), files
    return files[0]


def signature_of(manifest: bytes, key: str = BACKUP_KEY) -> bytes:
    """What the signature member holds: HMAC-SHA256 of the manifest's bytes, in hex."""
    return hmac.new(key.encode(), manifest, hashlib.sha256).hexdigest().encode()


def rewrite(source: Path, target: Path, change) -> Path:
    """A copy of the archive with ``change(name, data)`` applied to each member (None: drop it).

    A signed archive is signed again over the changed manifest, as if by someone holding the
    key, so a test reaches the check behind the signature.
    """
    with tarfile.open(source) as old:
        members = [(member, old.extractfile(member).read()) for member in old]
    changed = [(member, change(member.name, data)) for member, data in members]
    manifest = next((data for member, data in changed if member.name == MANIFEST), None)
    with tarfile.open(target, "w:gz") as new:
        for member, data in changed:
            if member.name == SIGNATURE and manifest is not None:
                data = signature_of(manifest)
            if data is not None:
                member.size = len(data)
                new.addfile(member, io.BytesIO(data))
    return target


def restore(archive: Path, *flags: str) -> str:
    out = io.StringIO()
    call_command("restore", str(archive), *flags, stdout=out, stderr=out)
    return out.getvalue()


# --- the round trip ----------------------------------------------------------------------


def test_round_trip_restores_every_row_and_every_file(scratch_site, tmp_path):
    add_content(scratch_site)
    before = site_state(scratch_site)
    archive = back_up(tmp_path)

    scratch_site.wipe()
    assert table_counts() == {} and media_checksums(scratch_site.media_root) == {}
    output = restore(archive)

    assert "行数与清单一致" in output and "签名有效" in output
    counts, rows, media = site_state(scratch_site)
    assert counts == before[0]
    assert rows == before[1]
    assert media == before[2]
    assert rows["members"] and len(rows["events"]) == 3 and "其他/深层/笔记.txt" in media
    assert MemberProfile.objects.get(user__username="backup-member").display_name == "王小红"


def test_manifest_describes_the_archive(scratch_site, tmp_path):
    archive = back_up(tmp_path)
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        names = set(tar.getnames())
        signature = tar.extractfile(SIGNATURE).read()
        digests = {
            name: hashlib.sha256(tar.extractfile(name).read()).hexdigest()
            for name in names - {MANIFEST, SIGNATURE}
        }
        assert signature.strip() == signature_of(tar.extractfile(MANIFEST).read())
    assert manifest["format"] == "hongke-backup" and manifest["version"] == 1
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["tables"] == table_counts()
    assert manifest["migrations"]["wagtailcore"].startswith("0")
    assert manifest["files"] == digests
    assert {f"media/{name}" for name in media_checksums(scratch_site.media_root)} <= names
    assert manifest["django"] and manifest["wagtail"] and manifest["created_at"]


def test_database_with_data_is_refused_without_force(scratch_site, tmp_path):
    archive = back_up(tmp_path)
    UserFactory(username="added-after-backup")
    before = site_state(scratch_site)

    with pytest.raises(CommandError, match="数据库不是空的.*--force"):
        restore(archive)
    assert site_state(scratch_site) == before

    restore(archive, "--force")
    assert not UserFactory._meta.model.objects.filter(username="added-after-backup").exists()


# --- broken archives change nothing -------------------------------------------------------


def assert_refused(site, archive: Path, message: str) -> None:
    """Refused, with --force and with --verify, and nothing in the site changed."""
    before = site_state(site)
    with pytest.raises(CommandError, match=message):
        restore(archive, "--force")
    with pytest.raises(CommandError, match=message):
        restore(archive, "--verify")
    assert site_state(site) == before


def test_truncated_archive_is_refused(scratch_site, tmp_path):
    archive = back_up(tmp_path)
    cut = tmp_path / "cut.tar.gz"
    data = archive.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    UserFactory(username="added-after-backup")
    assert_refused(scratch_site, cut, "损坏或不完整")


@pytest.mark.parametrize("target", ["media/", "database."])
def test_tampered_member_is_refused(scratch_site, tmp_path, target):
    archive = back_up(tmp_path)

    def flip_one_byte(name, data):
        if name.startswith(target) and not flip_one_byte.done:
            flip_one_byte.done = name
            middle = len(data) // 2
            return data[:middle] + bytes([data[middle] ^ 1]) + data[middle + 1 :]
        return data

    flip_one_byte.done = None
    tampered = rewrite(archive, tmp_path / "tampered.tar.gz", flip_one_byte)
    UserFactory(username="added-after-backup")
    assert_refused(
        scratch_site, tampered, re.escape(f"校验和不符（文件被改动或损坏）：{flip_one_byte.done}")
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda name, data: None if name == "manifest.json" else data, "没有 manifest.json"),
        (lambda name, data: b"{not json" if name == "manifest.json" else data, "不是有效的 JSON"),
        (lambda name, data: None if name.startswith("database.") else data, "缺少文件：database"),
    ],
    ids=["no-manifest", "bad-manifest", "no-database"],
)
def test_incomplete_archive_is_refused(scratch_site, tmp_path, change, message):
    archive = rewrite(back_up(tmp_path), tmp_path / "changed.tar.gz", change)
    assert_refused(scratch_site, archive, message)


def test_path_leaving_media_is_refused(scratch_site, tmp_path):
    archive = back_up(tmp_path)
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(archive) as old, tarfile.open(evil, "w:gz") as new:
        for member in old:
            new.addfile(member, old.extractfile(member))
        info = tarfile.TarInfo("media/../../escaped.txt")
        info.size = 3
        new.addfile(info, io.BytesIO(b"bad"))
    assert_refused(scratch_site, evil, "不安全的文件路径")
    assert not (tmp_path / "escaped.txt").exists()


def test_archive_from_the_other_database_is_refused(scratch_site, tmp_path):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"

    def relabel(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["database"]["vendor"] = other
        return json.dumps(manifest).encode()

    archive = rewrite(back_up(tmp_path), tmp_path / "other.tar.gz", relabel)
    before = site_state(scratch_site)
    with pytest.raises(CommandError, match="不支持跨数据库类型恢复"):
        restore(archive, "--force")
    assert site_state(scratch_site) == before


# --- verify -------------------------------------------------------------------------------


def scratch_databases() -> set[str]:
    if connection.vendor != "postgresql":
        return set()
    with connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE 'hongke_verify_%%'")
        return {name for (name,) in cursor.fetchall()}


def test_verify_restores_elsewhere_and_touches_nothing(scratch_site, tmp_path):
    add_content(scratch_site)
    archive = back_up(tmp_path)
    UserFactory(username="added-after-backup")
    before, databases = site_state(scratch_site), scratch_databases()

    output = restore(archive, "--verify")

    assert "全部一致" in output and "行数与清单一致" in output
    assert site_state(scratch_site) == before
    assert scratch_databases() == databases


def test_verify_fails_when_the_restored_rows_differ_from_the_manifest(scratch_site, tmp_path):
    def miscount(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["tables"]["auth_user"] += 1
        return json.dumps(manifest).encode()

    archive = rewrite(back_up(tmp_path), tmp_path / "miscounted.tar.gz", miscount)
    before = site_state(scratch_site)
    with pytest.raises(CommandError, match="校验失败：1 处"):
        restore(archive, "--verify")
    with pytest.raises(CommandError, match="auth_user"):
        restore(archive, "--force")  # the restore's own count check fails loudly too
    assert site_state(scratch_site)[2] == before[2]


# --- writing ------------------------------------------------------------------------------


def test_a_failed_backup_leaves_no_archive(scratch_site, tmp_path, monkeypatch):
    def crash(tar, manifest):
        raise OSError("disk full")

    monkeypatch.setattr(archive_module, "_add_manifest", crash)
    with pytest.raises(CommandError, match="disk full"):
        call_command("backup", output=tmp_path / "out", stdout=io.StringIO())
    assert list((tmp_path / "out").iterdir()) == []


def test_backup_dir_setting_is_the_default(scratch_site, tmp_path, settings):
    settings.BACKUP_DIR = tmp_path / "configured"
    call_command("backup", stdout=io.StringIO())
    assert [NAME.fullmatch(path.name) is not None for path in settings.BACKUP_DIR.iterdir()] == [
        True
    ]
