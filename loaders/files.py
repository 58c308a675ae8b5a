"""Files an import line names (covers, panoramas, audio guides): found, read and checked while
the file is checked, stored as Wagtail images and documents only when it is written.

A path is relative to the directory of the JSON Lines file, as an editor keeps a folder with
the file and its pictures. Absolute paths and paths that leave that directory (``..``, or a
link pointing elsewhere) are refused, so an import file cannot pull in arbitrary files of
the server. A stored image or document is reused when one with the same content (Wagtail's
``file_hash``, SHA-1) exists, so importing the same line again does not pile up copies.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.images import ImageFile
from PIL import Image, UnidentifiedImageError
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from loaders.parsers import InvalidValue, describe_json_type

# What Wagtail's image upload takes (its default WAGTAILIMAGES_EXTENSIONS).
IMAGE_FORMATS = {"JPEG", "PNG", "GIF", "WEBP", "AVIF"}


@dataclass
class FileData:
    """One file beside the import file, checked. Only its hash is kept until the import is
    written (a file of many panoramas would not fit in memory); it is read again then."""

    name: str  # as the line wrote it
    path: Path
    file_hash: str  # SHA-1, as Wagtail's file_hash

    def read_again(self) -> bytes:
        """The file's content at writing time, refused if it changed since it was checked."""
        try:
            data = self.path.read_bytes()
        except OSError as exc:
            raise ValidationError(f"无法读取文件 {self.name}：{exc.strerror or exc}") from None
        if hashlib.sha1(data).hexdigest() != self.file_hash:
            raise ValidationError(f"文件 {self.name} 在检查之后被改动了，请重新导入")
        return data

    def check_unchanged(self) -> None:
        """Like ``read_again`` without holding the file in memory (a lecture's video)."""
        try:
            unchanged = file_sha1(self.path) == self.file_hash
        except OSError as exc:
            raise ValidationError(f"无法读取文件 {self.name}：{exc.strerror or exc}") from None
        if not unchanged:
            raise ValidationError(f"文件 {self.name} 在检查之后被改动了，请重新导入")

    @property
    def stem(self) -> str:
        return PurePath(self.name).stem


@dataclass
class ImageData(FileData):
    width: int = 0
    height: int = 0


def _resolve(value: Any, folder: Path) -> Path:
    if not isinstance(value, str):
        raise InvalidValue(f"必须是文件路径（字符串），不能是{describe_json_type(value)}")
    text = value.strip()
    if not text:
        raise InvalidValue("不能为空")
    if PurePath(text).is_absolute() or text.startswith(("/", "\\")) or ":" in text[:3]:
        raise InvalidValue(f"必须是相对于导入文件所在目录的路径，不能是绝对路径：{text}")
    base = folder.resolve()
    path = (base / text).resolve()
    if not path.is_relative_to(base):
        raise InvalidValue(f"不能指向导入文件所在目录之外：{text}")
    if not path.is_file():
        raise InvalidValue(f"找不到文件：{text}（相对于导入文件所在目录）")
    return path


def file_sha1(path: Path) -> str:
    """Wagtail's file_hash, read a megabyte at a time."""
    digest = hashlib.sha1()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def read_file(value: Any, folder: Path) -> FileData:
    """The file a line names, read through; InvalidValue when it cannot be used."""
    path = _resolve(value, folder)
    try:
        file_hash = file_sha1(path)
    except OSError as exc:
        raise InvalidValue(f"无法读取文件 {value.strip()}：{exc.strerror or exc}") from None
    return FileData(name=value.strip(), path=path, file_hash=file_hash)


def read_image(value: Any, folder: Path) -> ImageData:
    """An image file (what Wagtail's image upload accepts), with its size."""
    read = read_file(value, folder)
    try:
        with Image.open(read.path) as picture:
            picture_format, (width, height) = picture.format, picture.size
            picture.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise InvalidValue(f"不是图片文件（无法识别）：{read.name}") from None
    if picture_format not in IMAGE_FORMATS:
        shown = "、".join(sorted(IMAGE_FORMATS))
        raise InvalidValue(f"图片格式 {picture_format} 不受支持，请用 {shown}：{read.name}")
    return ImageData(read.name, read.path, read.file_hash, width=width, height=height)


def read_document(value: Any, folder: Path) -> FileData:
    """A document file of a kind the site accepts (WAGTAILDOCS_EXTENSIONS)."""
    read = read_file(value, folder)
    allowed = getattr(settings, "WAGTAILDOCS_EXTENSIONS", None)
    extension = PurePath(read.name).suffix.lower().lstrip(".")
    if allowed and extension not in allowed:
        raise InvalidValue(
            f"文件类型 .{extension} 不受支持，请用 {'、'.join(allowed)}：{read.name}"
        )
    return read


def store_image(image: ImageData, title: str):
    """The Wagtail image with this content, created when there is none."""
    model = get_image_model()
    existing = model.objects.filter(file_hash=image.file_hash).first()
    if existing is not None:
        return existing
    data = image.read_again()
    stored = model(
        title=title[:255],
        file=ImageFile(io.BytesIO(data), name=PurePath(image.name).name),
        file_size=len(data),
        file_hash=image.file_hash,
    )
    stored.save()
    return stored


def store_document(document: FileData, title: str):
    """The Wagtail document with this content, created when there is none."""
    model = get_document_model()
    existing = model.objects.filter(file_hash=document.file_hash).first()
    if existing is not None:
        return existing
    document.check_unchanged()
    with document.path.open("rb") as handle:
        stored = model(
            title=title[:255],
            file=File(handle, name=PurePath(document.name).name),
            file_size=document.path.stat().st_size,
            file_hash=document.file_hash,
        )
        stored.save()
    return stored
