"""The archive: one ``.tar.gz`` with the database dump, the media files, ``manifest.json``
and, when ``BACKUP_KEY`` is set, the manifest's signature ``manifest.json.sig``.

Writing goes to a hidden temporary file in the output directory that is renamed only once
complete, so an archive with the final name is always whole. Reading goes twice through the
archive. The first pass reads only the tar headers, the manifest and the signature, and
writes nothing: the caps on entries and unpacked bytes are checked from the headers, then
the signature; a tar bomb or a forged manifest is refused before a byte is unpacked. The
second pass stages the files, the caps checked again, and every checksum is compared with
the signed manifest before the caller may use any of it.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import tarfile
import tempfile
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from django.utils.translation import gettext as _

from .errors import BackupError
from .signing import sign, signature_problem

FORMAT = "hongke-backup"
VERSION = 1
MANIFEST = "manifest.json"
SIGNATURE = "manifest.json.sig"
MAX_SIGNATURE_BYTES = 1024
MEDIA = "media"
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
CHUNK = 1024 * 1024
SHA256 = re.compile(r"[0-9a-f]{64}")


class _Hashing:
    """A file being read into the archive, hashed on the way."""

    def __init__(self, file):
        self.file = file
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.digest.update(data)
        return data


def media_files(media_root: Path) -> list[tuple[Path, str]]:
    """Every file under MEDIA_ROOT with its name in the archive (``media/…``), sorted."""
    if not media_root.is_dir():
        return []
    found = []
    for directory, _dirs, names in os.walk(media_root):
        for name in names:
            path = Path(directory) / name
            if path.is_file():
                found.append((path, f"{MEDIA}/{path.relative_to(media_root).as_posix()}"))
    return sorted(found, key=lambda item: item[1])


def _add_file(tar: tarfile.TarFile, path: Path, name: str) -> str:
    info = tar.gettarinfo(str(path), arcname=name)
    with open(path, "rb") as file:
        hashing = _Hashing(file)
        tar.addfile(info, hashing)
    return hashing.digest.hexdigest()


def _add_data(tar: tarfile.TarFile, name: str, data: bytes, mtime: float) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(mtime)
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(data))


def _add_manifest(tar: tarfile.TarFile, manifest: dict) -> bytes:
    data = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
    _add_data(tar, MANIFEST, data, manifest_time(manifest))
    return data


def manifest_time(manifest: dict) -> float:
    return datetime.fromisoformat(manifest["created_at"]).timestamp()


def free_name(directory: Path, stem: str) -> Path:
    """``stem.tar.gz`` in ``directory``, or ``stem-2.tar.gz`` … if a backup took that name."""
    path, number = directory / f"{stem}.tar.gz", 1
    while path.exists():
        number += 1
        path = directory / f"{stem}-{number}.tar.gz"
    return path


def write_archive(
    directory: Path, stem: str, files: list[tuple[Path, str]], manifest: dict, key: bytes | None
):
    """Write the archive atomically; the manifest gets every file's SHA-256, and is signed
    with ``key`` when there is one. Returns its path."""
    directory.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{stem}-", suffix=".partial")
    try:
        with os.fdopen(handle, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
                manifest["files"] = {name: _add_file(tar, path, name) for path, name in files}
                data = _add_manifest(tar, manifest)
                if key is not None:
                    _add_data(tar, SIGNATURE, sign(data, key), manifest_time(manifest))
            raw.flush()
            os.fsync(raw.fileno())
        final = free_name(directory, stem)
        os.replace(temporary, final)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return final


# --- reading ----------------------------------------------------------------------------

# What tarfile reads beside the members (headers, pax records, padding), allowed per entry
# on top of the byte cap, and the most it may ask for at once (a pax or long-name header is
# read whole, into memory).
HEADER_ALLOWANCE = 16 * 1024
MAX_READ = 4 * CHUNK


@dataclass(frozen=True)
class Limits:
    """How much a restore may unpack: bytes of all files together, and tar entries."""

    bytes: int
    entries: int


@dataclass
class Checked:
    """An archive's manifest, read and checked (signature first) with nothing unpacked."""

    manifest: dict
    unverified: str | None  # why the signature was not verified; None: it was


@dataclass
class Archive:
    """A checked archive, unpacked into a staging folder."""

    manifest: dict
    database: Path
    media: list[tuple[Path, str]]  # staged file, path relative to MEDIA_ROOT
    unverified: str | None


def _too_big(limits: Limits) -> BackupError:
    return BackupError(
        _(
            "备份解压后超过上限 RESTORE_MAX_BYTES（%(limit)d 字节），拒绝恢复，什么也没有改动。"
            "确认是自己的备份时，调高 RESTORE_MAX_BYTES 再恢复。"
        )
        % {"limit": limits.bytes}
    )


def _too_many(limits: Limits) -> BackupError:
    return BackupError(
        _(
            "备份中的条目数超过上限 RESTORE_MAX_ENTRIES（%(limit)d），拒绝恢复，什么也没有改动。"
            "确认是自己的备份时，调高 RESTORE_MAX_ENTRIES 再恢复。"
        )
        % {"limit": limits.entries}
    )


class _Bounded:
    """The decompressed tar stream, never read past what the caps allow.

    The members' headers are checked against the caps as they come (``_entries``); this is
    the backstop under tarfile's own reading: headers claiming gigabytes and skipping ahead
    over a member's data both stop here.
    """

    def __init__(self, file, limits: Limits):
        self.file = file
        self.limits = limits
        self.end = limits.bytes + (limits.entries + 2) * HEADER_ALLOWANCE

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0 or size > MAX_READ:
            raise _too_big(self.limits)
        if self.file.tell() + size > self.end:
            raise _too_big(self.limits)
        return self.file.read(size)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence != io.SEEK_SET or offset > self.end:
            raise _too_big(self.limits)
        return self.file.seek(offset)

    def tell(self) -> int:
        return self.file.tell()


def _safe_name(name: str) -> str:
    path = PurePosixPath(name)
    unsafe = (
        path.is_absolute() or "\\" in name or any(part in ("", ".", "..") for part in path.parts)
    )
    if unsafe or not path.parts:
        raise BackupError(_("备份中有不安全的文件路径：%(name)s") % {"name": name})
    return path.as_posix()


def _entries(tar: tarfile.TarFile, limits: Limits):
    """Each file's member and safe name, its header checked against the caps first."""
    count = total = 0
    seen = set()
    for member in tar:
        count += 1
        if count > limits.entries:
            raise _too_many(limits)
        if member.isdir():
            continue
        name = _safe_name(member.name)
        if not member.isfile() or member.issparse():
            raise BackupError(_("备份中有不是普通文件的条目：%(name)s") % {"name": name})
        if name in seen:
            raise BackupError(_("备份中同一个文件出现了两次：%(name)s") % {"name": name})
        seen.add(name)
        total += member.size
        if total > limits.bytes:
            raise _too_big(limits)
        yield member, name


def _read_small(tar: tarfile.TarFile, member: tarfile.TarInfo, largest: int) -> bytes:
    if member.size > largest:
        raise BackupError(_("%(name)s 大得不正常") % {"name": member.name})
    source, parts = tar.extractfile(member), []
    while chunk := source.read(CHUNK):
        parts.append(chunk)
    return b"".join(parts)


def _scan(tar: tarfile.TarFile, limits: Limits) -> tuple[bytes | None, bytes | None]:
    """The first pass: the manifest and the signature; every other member is only counted."""
    manifest = signature = None
    for member, name in _entries(tar, limits):
        if name == MANIFEST:
            manifest = _read_small(tar, member, MAX_MANIFEST_BYTES)
        elif name == SIGNATURE:
            signature = _read_small(tar, member, MAX_SIGNATURE_BYTES)
    return manifest, signature


def _stage_member(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> str:
    """Copy one member to ``target`` and return its SHA-256."""
    digest = hashlib.sha256()
    source = tar.extractfile(member)
    target.parent.mkdir(parents=True, exist_ok=True)
    with source, open(target, "wb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def _stage(tar: tarfile.TarFile, limits: Limits, staging: Path) -> dict[str, str]:
    """The second pass: every file but the manifest and signature staged, with its SHA-256."""
    return {
        name: _stage_member(tar, member, staging / "files" / name)
        for member, name in _entries(tar, limits)
        if name not in (MANIFEST, SIGNATURE)
    }


def _read_tar(path: Path, limits: Limits, read):
    """``read(tar)`` over the archive, any damage reported as one BackupError."""
    if not path.is_file():
        raise BackupError(_("找不到备份文件：%(path)s") % {"path": path})
    try:
        with gzip.open(path, "rb") as raw:
            with tarfile.open(fileobj=_Bounded(raw, limits), mode="r:") as tar:
                return read(tar)
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise BackupError(
            _("备份文件已损坏或不完整，无法读取：%(path)s（%(error)s）")
            % {"path": path, "error": exc}
        ) from None


def _check_manifest(data: bytes) -> dict:
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BackupError(_("manifest.json 不是有效的 JSON：%(error)s") % {"error": exc}) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(_("manifest.json 不是红课备份的清单"))
    if manifest.get("version") != VERSION:
        raise BackupError(
            _("备份格式版本 %(found)s 与本程序支持的版本 %(version)s 不符")
            % {"found": manifest.get("version"), "version": VERSION}
        )
    _check_fields(manifest)
    return manifest


def _check_fields(manifest: dict) -> None:
    database, tables, files = (manifest.get(key) for key in ("database", "tables", "files"))
    problems = [
        not isinstance(manifest.get("created_at"), str) and "created_at",
        not isinstance(manifest.get("migrations"), dict) and "migrations",
        not (isinstance(database, dict) and all(
            isinstance(database.get(key), str) for key in ("vendor", "file", "format")
        )) and "database",
        not (isinstance(tables, dict) and all(
            isinstance(rows, int) and not isinstance(rows, bool) and rows >= 0
            for rows in tables.values()
        )) and "tables",
        not (isinstance(files, dict) and all(
            isinstance(value, str) and SHA256.fullmatch(value) for value in files.values()
        )) and "files",
    ]  # fmt: skip
    wrong = [name for name in problems if name]
    if wrong:
        raise BackupError(
            _("manifest.json 中这些项缺失或格式不对：%(keys)s") % {"keys": ", ".join(wrong)}
        )


def _check_files(manifest: dict, digests: dict[str, str]) -> None:
    listed = manifest["files"]
    missing, extra = sorted(set(listed) - set(digests)), sorted(set(digests) - set(listed))
    if missing:
        raise BackupError(_("备份中缺少文件：%(name)s") % {"name": ", ".join(missing)})
    if extra:
        raise BackupError(_("备份中有清单里没有的文件：%(name)s") % {"name": ", ".join(extra)})
    for name, digest in sorted(digests.items()):
        if listed[name] != digest:
            raise BackupError(_("校验和不符（文件被改动或损坏）：%(name)s") % {"name": name})
    if manifest["database"]["file"] not in digests:
        raise BackupError(_("备份中没有数据库文件"))


def check_archive(
    path: Path, limits: Limits, key: bytes | None, *, trust_unsigned: bool = False
) -> Checked:
    """Caps, signature and manifest, read from the archive without unpacking anything.

    An archive not signed with ``key`` is refused unless ``trust_unsigned``; then the reason
    comes back in ``unverified`` for the operator to see.
    """
    data, signature = _read_tar(path, limits, lambda tar: _scan(tar, limits))
    if data is None:
        raise BackupError(_("备份中没有 manifest.json（文件不完整或不是红课的备份）"))
    problem = signature_problem(data, signature, key)
    if problem and not trust_unsigned:
        raise BackupError(
            _("%(problem)s。只有确认备份来源可信时，才可以加 --trust-unsigned 跳过签名检查。")
            % {"problem": problem}
        )
    return Checked(_check_manifest(data), problem)


def unpack_archive(path: Path, checked: Checked, limits: Limits, staging: Path) -> Archive:
    """Stage every file into ``staging`` and compare each with the checked manifest."""
    manifest = checked.manifest
    digests = _read_tar(path, limits, lambda tar: _stage(tar, limits, staging))
    _check_files(manifest, digests)
    files = staging / "files"
    media = [
        (files / name, name.removeprefix(f"{MEDIA}/"))
        for name in sorted(digests)
        if name.startswith(f"{MEDIA}/")
    ]
    return Archive(manifest, files / manifest["database"]["file"], media, checked.unverified)
