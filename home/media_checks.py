"""Checks on an uploaded audio or video file, made in the document form before it is saved.

Only what the first bytes and the size tell: a request never waits for ffmpeg (the
transcoder, in the background, finds what these cannot, such as a truncated file). An upload
is refused when it is larger than ``MEDIA_MAX_UPLOAD_MB`` or when its extension names a
media format its content is not, e.g. a PDF renamed ``.mp4``.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

# Extension → the content family it promises. Lectures transcode documents with these.
MEDIA_EXTENSIONS = {
    "mp4": "isobmff",
    "m4v": "isobmff",
    "m4a": "isobmff",
    "mov": "isobmff",
    "webm": "matroska",
    "mkv": "matroska",
    "ogg": "ogg",
    "oga": "ogg",
    "ogv": "ogg",
    "opus": "ogg",
    "wav": "wave",
    "mp3": "mpeg-audio",
}

# Old QuickTime files may start with any of these boxes instead of ftyp.
QUICKTIME_BOXES = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}


def is_media_name(name: str) -> bool:
    return extension_of(name) in MEDIA_EXTENSIONS


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def sniff(head: bytes) -> str:
    """The content family of a file from its first bytes ("" when not recognised)."""
    if head[4:8] == b"ftyp" or head[4:8] in QUICKTIME_BOXES:
        return "isobmff"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "matroska"
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "wave"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mpeg-audio"
    for magic, family in OTHER_FORMATS:
        if head.startswith(magic):
            return family
    return ""


OTHER_FORMATS = [
    (b"%PDF", "pdf"),
    (b"PK\x03\x04", "zip"),
    (b"\x89PNG", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF8", "gif"),
    (b"fLaC", "flac"),
    (b"WEBVTT", "vtt"),
]


def family_label(family: str) -> str:
    labels = {
        "isobmff": _("MP4/MOV/M4A 音视频"),
        "matroska": _("WebM/MKV 视频"),
        "ogg": _("Ogg 音频"),
        "wave": _("WAV 音频"),
        "mpeg-audio": _("MP3 音频"),
        "pdf": _("PDF 文档"),
        "zip": _("ZIP 压缩包或 Office 文档"),
        "png": _("PNG 图片"),
        "jpeg": _("JPEG 图片"),
        "gif": _("GIF 图片"),
        "flac": _("FLAC 音频"),
        "vtt": _("WebVTT 字幕"),
    }
    return labels.get(family, _("无法识别的格式"))


def media_upload_problem(uploaded) -> str | None:
    """Why ``uploaded`` (a Django UploadedFile) may not be kept, or None when it may."""
    extension = extension_of(uploaded.name or "")
    promised = MEDIA_EXTENSIONS.get(extension)
    if promised is None:
        return None
    limit_mb = settings.MEDIA_MAX_UPLOAD_MB
    if uploaded.size is not None and uploaded.size > limit_mb * 1024 * 1024:
        return _("音视频文件不能超过 %(limit)s MB，这个文件有 %(size)s MB。") % {
            "limit": limit_mb,
            "size": round(uploaded.size / (1024 * 1024), 1),
        }
    position = uploaded.tell()
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(position)
    found = sniff(head)
    if found != promised:
        return _("文件内容是%(real)s，与扩展名 .%(extension)s 不符。") % {
            "real": family_label(found),
            "extension": extension,
        }
    return None
