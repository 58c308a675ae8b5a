"""A lecture line's ``media`` (its video or audio) and ``captions`` (WebVTT or SRT), and
``media_kind``, which follows from the media when the line leaves it out.

Both files are checked with the line, as covers are (``loaders.files``: beside the import file,
never outside its directory): the media's extension must be one the site takes for audio or
video, and its first bytes must be what that extension says; ``ffprobe``, when installed,
tells whether it holds a video stream and how long it lasts. Captions are read with the
lecture's own rules (``lectures.captions``), within the length when it is known. Documents
are stored only when the file is written, reusing equal content, and the media goes to the
transcoder once the import's transaction has committed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePath
from typing import Any

from django.conf import settings
from django.db import transaction

from home.media_checks import MEDIA_EXTENSIONS, family_label, sniff
from lectures.captions import CAPTION_EXTENSIONS, MAX_CAPTION_BYTES, CaptionsError, parse
from lectures.ffmpeg import TranscodeError, probe
from lectures.models import MediaKind
from lectures.tasks import queue_transcode
from loaders.files import FileData, read_file, store_document
from loaders.parsers import InvalidValue, describe_json_type

# Video containers: a file of these is a video lecture even when ffprobe is not installed.
VIDEO_EXTENSIONS = frozenset({"mp4", "m4v", "mov", "webm", "mkv", "ogv"})
LECTURE_FILE_KEYS = frozenset({"media", "captions", "media_kind"})


@dataclass
class MediaData(FileData):
    extension: str = ""
    has_video: bool = False
    duration: float | None = None  # seconds, when ffprobe could tell

    @property
    def kind(self) -> str:
        is_video = self.has_video or self.extension in VIDEO_EXTENSIONS
        return MediaKind.VIDEO if is_video else MediaKind.AUDIO


def media_extensions() -> list[str]:
    """The audio and video extensions documents may have (``home.media_checks`` knows them,
    the site's WAGTAILDOCS_EXTENSIONS has the last word)."""
    allowed = getattr(settings, "WAGTAILDOCS_EXTENSIONS", None)
    return [ext for ext in MEDIA_EXTENSIONS if not allowed or ext in allowed]


def read_media(value: Any, folder: Path) -> MediaData:
    """A lecture's audio or video, checked by extension, first bytes and (when installed) ffprobe."""
    read = read_file(value, folder)
    extension = PurePath(read.name).suffix.lower().lstrip(".")
    allowed = media_extensions()
    if extension not in allowed:
        shown = f".{extension}" if extension else "没有扩展名的文件"
        raise InvalidValue(f"{shown} 不能作为音视频，请用 {'、'.join(allowed)}：{read.name}")
    try:
        with read.path.open("rb") as handle:
            head = handle.read(16)
    except OSError as exc:
        raise InvalidValue(f"无法读取文件 {read.name}：{exc.strerror or exc}") from None
    family = sniff(head)
    if family != MEDIA_EXTENSIONS[extension]:
        real = family_label(family)
        raise InvalidValue(f"文件内容是{real}，与扩展名 .{extension} 不符：{read.name}")
    limit_mb = settings.MEDIA_MAX_UPLOAD_MB
    if read.path.stat().st_size > limit_mb * 1024 * 1024:
        raise InvalidValue(f"音视频文件不能超过 {limit_mb} MB（MEDIA_MAX_UPLOAD_MB）：{read.name}")
    media = MediaData(read.name, read.path, read.file_hash, extension=extension)
    try:
        found = probe(str(read.path), hide=str(folder))
    except TranscodeError as problem:
        raise InvalidValue(f"无法读取音视频（{problem.reason}）：{read.name}") from None
    media.has_video = found.has_video
    media.duration = found.duration or None
    return media


def read_captions(value: Any, folder: Path, duration: float | None) -> FileData:
    """A WebVTT or SRT file, checked as the lecture's captions (``lectures.captions``)."""
    read = read_file(value, folder)
    extension = PurePath(read.name).suffix.lower().lstrip(".")
    if extension not in CAPTION_EXTENSIONS:
        shown = f".{extension}" if extension else "没有扩展名的文件"
        raise InvalidValue(f"{shown} 不能作为字幕，请用 .vtt（WebVTT）或 .srt：{read.name}")
    try:
        if read.path.stat().st_size > MAX_CAPTION_BYTES:
            raise InvalidValue(f"字幕文件过大（最多 2 MB）：{read.name}")
        parse(read.path.read_bytes(), duration)
    except OSError as exc:
        raise InvalidValue(f"无法读取文件 {read.name}：{exc.strerror or exc}") from None
    except CaptionsError as exc:
        raise InvalidValue(f"{exc}（{read.name}）") from None
    return read


@dataclass
class PlannedLectureFiles:
    """What a lecture line says of its media; keys left out leave the page as it is."""

    keys: set[str] = field(default_factory=set)
    media: MediaData | None = None
    captions: FileData | None = None
    media_kind: str | None = None

    def shape(self, page, duration_given: bool) -> None:
        """Set what is known while checking, so the page is validated as it will be saved."""
        if "media" in self.keys and self.media is None:
            page.media_file = None
        if "captions" in self.keys and self.captions is None:
            page.captions_file = None
        if self.media_kind:
            page.media_kind = self.media_kind
        if self.media and self.media.duration and not duration_given:
            page.duration_seconds = max(1, round(self.media.duration))

    def store(self, page) -> None:
        """Store the files as documents (equal content reused); transcode after commit."""
        if self.media is not None:
            noun = "视频" if page.media_kind == MediaKind.VIDEO else "音频"
            page.media_file = store_document(self.media, f"{page.title}·{noun}")
            transaction.on_commit(partial(queue_transcode, page.media_file))
        if self.captions is not None:
            page.captions_file = store_document(self.captions, f"{page.title}·字幕")


def parse_media_kind(value: Any) -> str | None:
    if value is None:
        return None
    if value in MediaKind.values:
        return value
    shown = value if isinstance(value, str) else describe_json_type(value)
    raise InvalidValue(f"必须是 video（视频）或 audio（音频），不能是 {shown}")


def read_lecture_files(
    data: dict, folder: Path, duration: float | None
) -> tuple[PlannedLectureFiles, list[tuple[str, str]]]:
    """The line's media, captions and media kind, and (key, reason) for each problem."""
    planned = PlannedLectureFiles(keys={key for key in LECTURE_FILE_KEYS if key in data})
    problems: list[tuple[str, str]] = []
    try:
        planned.media_kind = parse_media_kind(data.get("media_kind"))
    except InvalidValue as exc:
        problems += [("media_kind", reason) for reason in exc.reasons]
    if data.get("media") is not None:
        try:
            planned.media = read_media(data["media"], folder)
            planned.media_kind = planned.media_kind or planned.media.kind
            duration = duration or planned.media.duration
        except InvalidValue as exc:
            problems += [("media", reason) for reason in exc.reasons]
    if data.get("captions") is not None:
        try:
            planned.captions = read_captions(data["captions"], folder, duration)
        except InvalidValue as exc:
            problems += [("captions", reason) for reason in exc.reasons]
    return planned, problems
