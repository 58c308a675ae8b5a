"""Restore trusts an archive only when BACKUP_KEY signed its manifest, and unpacks nothing past
its caps.

Checksums inside the archive find damage, not tampering: whoever can change a file can
change its checksum too. These tests forge archives as such a person would, and build tar
bombs, and check each is refused with a message naming what was wrong and nothing changed.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
import tempfile
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.recovery.test_backup_restore import (
    MANIFEST,
    SIGNATURE,
    assert_refused,
    back_up,
    restore,
    signature_of,
)

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("recovery-verify")]

NOTICE = "公告.txt"
MiB = 1024 * 1024


def members(archive: Path) -> list[tuple[tarfile.TarInfo, bytes]]:
    with tarfile.open(archive) as tar:
        return [(member, tar.extractfile(member).read()) for member in tar]


def write_members(target: Path, content: list[tuple[tarfile.TarInfo, bytes]]) -> Path:
    with tarfile.open(target, "w:gz") as tar:
        for member, data in content:
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
    return target


def forge(archive: Path, target: Path, signature) -> Path:
    """The notice replaced and its checksum in the manifest made to match, as a forger would.

    ``signature(manifest)`` gives the signature member's new bytes (None: left out).
    """
    forged = "伪造的通知".encode()
    content = members(archive)
    manifest = json.loads(next(data for member, data in content if member.name == MANIFEST))
    manifest["files"][f"media/{NOTICE}"] = hashlib.sha256(forged).hexdigest()
    manifest_data = json.dumps(manifest, ensure_ascii=False).encode()
    changed = []
    for member, data in content:
        if member.name == f"media/{NOTICE}":
            data = forged
        elif member.name == MANIFEST:
            data = manifest_data
        elif member.name == SIGNATURE:
            data = signature(manifest_data, data)
            if data is None:
                continue
        changed.append((member, data))
    return write_members(target, changed)


@pytest.fixture
def signed_archive(scratch_site, tmp_path) -> Path:
    (scratch_site.media_root / NOTICE).write_text("真的通知", encoding="utf-8")
    return back_up(tmp_path)


# --- the signature -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("signature", "message"),
    [
        (lambda manifest, old: None, "没有签名.*--trust-unsigned"),
        (lambda manifest, old: old, "签名不符"),
        (
            lambda manifest, old: signature_of(manifest, "someone-elses-key-0123456789abcdef"),
            "签名不符",
        ),
    ],
    ids=["unsigned", "old-signature", "other-key"],
)
def test_forged_manifest_with_matching_checksums_is_refused(
    scratch_site, signed_archive, tmp_path, signature, message
):
    forged = forge(signed_archive, tmp_path / "forged.tar.gz", signature)
    assert_refused(scratch_site, forged, message)
    assert (scratch_site.media_root / NOTICE).read_text(encoding="utf-8") == "真的通知"


def test_trust_unsigned_restores_and_says_what_it_skipped(scratch_site, signed_archive, tmp_path):
    forged = forge(signed_archive, tmp_path / "forged.tar.gz", lambda manifest, old: None)

    output = restore(forged, "--force", "--trust-unsigned")

    assert "--trust-unsigned" in output and "没有验证签名" in output
    assert "行数与清单一致" in output
    assert (scratch_site.media_root / NOTICE).read_text(encoding="utf-8") == "伪造的通知"


def test_a_signed_archive_is_not_restored_without_the_key(
    scratch_site, signed_archive, monkeypatch
):
    monkeypatch.delenv("BACKUP_KEY")
    assert_refused(scratch_site, signed_archive, "没有设置 BACKUP_KEY")


def test_backup_without_a_key_warns_and_writes_an_unsigned_archive(
    scratch_site, tmp_path, monkeypatch
):
    monkeypatch.delenv("BACKUP_KEY")
    out, err = io.StringIO(), io.StringIO()
    call_command("backup", output=tmp_path / "out", stdout=out, stderr=err)
    (archive,) = (tmp_path / "out").iterdir()

    assert "没有设置 BACKUP_KEY" in err.getvalue()
    assert SIGNATURE not in {member.name for member, _data in members(archive)}
    assert_refused(scratch_site, archive, "没有签名")
    assert "没有验证签名" in restore(archive, "--verify", "--trust-unsigned")


def test_a_short_key_is_refused(scratch_site, tmp_path, monkeypatch):
    monkeypatch.setenv("BACKUP_KEY", "too-short")
    with pytest.raises(CommandError, match="BACKUP_KEY 太短"):
        call_command("backup", output=tmp_path / "out", stdout=io.StringIO())


# --- caps, read from the tar headers before anything is unpacked --------------------------


def assert_refused_unpacking_nothing(site, archive: Path, message: str, monkeypatch, tmp_path):
    """Refused within seconds, and before a staging folder exists: there is nowhere to stage."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no-staging-here"))
    started = time.monotonic()
    assert_refused(site, archive, message)
    assert time.monotonic() - started < 10
    assert not (tmp_path / "no-staging-here").exists()


def raw_tar_gz(target: Path, header: tarfile.TarInfo, data_chunks, chunk: bytes) -> Path:
    """A tar.gz written block by block: one header, then ``data_chunks`` copies of ``chunk``."""
    with open(target, "wb") as out:
        out.write(gzip.compress(header.tobuf(tarfile.PAX_FORMAT)))
        packed = gzip.compress(chunk, compresslevel=9)
        for _ in range(data_chunks):
            out.write(packed)
        out.write(gzip.compress(bytes(2 * tarfile.BLOCKSIZE)))
    return target


def test_gzip_bomb_is_refused(scratch_site, tmp_path, settings, monkeypatch):
    settings.RESTORE_MAX_BYTES = 256 * MiB
    header = tarfile.TarInfo("media/zeros.bin")
    header.size = 2048 * MiB  # two gigabytes of zeros from a file of two megabytes
    bomb = raw_tar_gz(tmp_path / "bomb.tar.gz", header, 2048, bytes(MiB))
    assert bomb.stat().st_size < 4 * MiB
    assert_refused_unpacking_nothing(
        scratch_site, bomb, r"RESTORE_MAX_BYTES（268435456 字节）", monkeypatch, tmp_path
    )


def test_header_claiming_a_huge_file_is_refused(scratch_site, tmp_path, monkeypatch):
    header = tarfile.TarInfo("database.sqlite3")
    header.size = 1024**4  # a terabyte claimed, a few bytes present
    archive = raw_tar_gz(tmp_path / "huge.tar.gz", header, 1, b"x" * tarfile.BLOCKSIZE)
    assert_refused_unpacking_nothing(
        scratch_site, archive, "RESTORE_MAX_BYTES", monkeypatch, tmp_path
    )


def test_extended_header_claiming_a_gigabyte_is_never_read(scratch_site, tmp_path, monkeypatch):
    """tarfile reads a pax header whole, into memory: one claiming a gigabyte is refused."""
    header = tarfile.TarInfo("././@PaxHeader")
    header.type = tarfile.XHDTYPE
    header.size = 1024 * MiB
    archive = raw_tar_gz(tmp_path / "pax.tar.gz", header, 1024, bytes(MiB))
    assert_refused_unpacking_nothing(
        scratch_site, archive, "RESTORE_MAX_BYTES", monkeypatch, tmp_path
    )


def test_archive_with_too_many_entries_is_refused(scratch_site, tmp_path, settings, monkeypatch):
    settings.RESTORE_MAX_ENTRIES = 1000
    many = tmp_path / "many.tar.gz"
    with tarfile.open(many, "w:gz") as tar:
        for number in range(5000):
            tar.addfile(tarfile.TarInfo(f"media/many/{number}.txt"), io.BytesIO())
    assert_refused_unpacking_nothing(
        scratch_site, many, r"RESTORE_MAX_ENTRIES（1000）", monkeypatch, tmp_path
    )


def test_caps_apply_to_a_signed_backup_too(
    scratch_site, signed_archive, settings, monkeypatch, tmp_path
):
    settings.RESTORE_MAX_ENTRIES = 1
    assert_refused_unpacking_nothing(
        scratch_site, signed_archive, "RESTORE_MAX_ENTRIES", monkeypatch, tmp_path
    )
    monkeypatch.setattr(tempfile, "tempdir", None)
    settings.RESTORE_MAX_ENTRIES = 10_000
    assert "签名有效" in restore(signed_archive, "--verify")


def test_backup_warns_when_restoring_it_needs_higher_caps(scratch_site, tmp_path, settings):
    settings.RESTORE_MAX_ENTRIES = 2
    err = io.StringIO()
    call_command("backup", output=tmp_path / "out", stdout=io.StringIO(), stderr=err)
    assert "RESTORE_MAX_ENTRIES（2）" in err.getvalue()
