"""The archive: one ``.tar.gz`` with the database dump, the media files and ``manifest.json``.

Writing goes to a hidden temporary file in the output directory that is renamed only once
complete, so an archive with the final name is always whole. Reading checks everything
(readable, manifest well formed, every file present with its SHA-256, nothing extra, no
path leaving the staging folder) before the caller may use any of it.
"""

from __future__ import annotations

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

FORMAT = "hongke-backup"
VERSION = 1
MANIFEST = "manifest.json"
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


def _add_manifest(tar: tarfile.TarFile, manifest: dict) -> None:
    data = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
    info = tarfile.TarInfo(MANIFEST)
    info.size = len(data)
    info.mtime = int(manifest_time(manifest))
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(data))


def manifest_time(manifest: dict) -> float:
    return datetime.fromisoformat(manifest["created_at"]).timestamp()


def free_name(directory: Path, stem: str) -> Path:
    """``stem.tar.gz`` in ``directory``, or ``stem-2.tar.gz`` … if a backup took that name."""
    path, number = directory / f"{stem}.tar.gz", 1
    while path.exists():
        number += 1
        path = directory / f"{stem}-{number}.tar.gz"
    return path


def write_archive(directory: Path, stem: str, files: list[tuple[Path, str]], manifest: dict):
    """Write the archive atomically; the manifest gets every file's SHA-256. Returns its path."""
    directory.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{stem}-", suffix=".partial")
    try:
        with os.fdopen(handle, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
                manifest["files"] = {name: _add_file(tar, path, name) for path, name in files}
                _add_manifest(tar, manifest)
            raw.flush()
            os.fsync(raw.fileno())
        final = free_name(directory, stem)
        os.replace(temporary, final)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return final


# --- reading ----------------------------------------------------------------------------


@dataclass
class Archive:
    """A checked archive, unpacked into a staging folder."""

    manifest: dict
    database: Path
    media: list[tuple[Path, str]]  # staged file, path relative to MEDIA_ROOT


def _safe_name(name: str) -> str:
    path = PurePosixPath(name)
    unsafe = (
        path.is_absolute() or "\\" in name or any(part in ("", ".", "..") for part in path.parts)
    )
    if unsafe or not path.parts:
        raise BackupError(_("备份中有不安全的文件路径：%(name)s") % {"name": name})
    return path.as_posix()


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


def _unpack(tar: tarfile.TarFile, staging: Path) -> tuple[bytes | None, dict[str, str]]:
    manifest, digests = None, {}
    for member in tar:
        if member.isdir():
            continue
        name = _safe_name(member.name)
        if not member.isfile():
            raise BackupError(_("备份中有不是普通文件的条目：%(name)s") % {"name": name})
        if name in digests or (name == MANIFEST and manifest is not None):
            raise BackupError(_("备份中同一个文件出现了两次：%(name)s") % {"name": name})
        if name == MANIFEST:
            if member.size > MAX_MANIFEST_BYTES:
                raise BackupError(_("manifest.json 大得不正常"))
            manifest = tar.extractfile(member).read()
        else:
            digests[name] = _stage_member(tar, member, staging / "files" / name)
    return manifest, digests


def _open_and_unpack(path: Path, staging: Path) -> tuple[bytes | None, dict[str, str]]:
    if not path.is_file():
        raise BackupError(_("找不到备份文件：%(path)s") % {"path": path})
    try:
        with tarfile.open(path, mode="r:gz") as tar:
            return _unpack(tar, staging)
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise BackupError(
            _("备份文件已损坏或不完整，无法读取：%(path)s（%(error)s）")
            % {"path": path, "error": exc}
        ) from None


def _check_manifest(data: bytes | None) -> dict:
    if data is None:
        raise BackupError(_("备份中没有 manifest.json（文件不完整或不是红课的备份）"))
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


def read_archive(path: Path, staging: Path) -> Archive:
    """Unpack ``path`` into ``staging`` and check all of it; BackupError names what is wrong."""
    data, digests = _open_and_unpack(path, staging)
    manifest = _check_manifest(data)
    _check_files(manifest, digests)
    files = staging / "files"
    media = [
        (files / name, name.removeprefix(f"{MEDIA}/"))
        for name in sorted(digests)
        if name.startswith(f"{MEDIA}/")
    ]
    return Archive(manifest, files / manifest["database"]["file"], media)
