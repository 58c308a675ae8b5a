"""Running ffprobe and ffmpeg: a time limit on every run, and their failures in Chinese.

Every failure becomes ``TranscodeError`` whose ``reason`` an editor can read in the admin.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

# What ffmpeg says (lower case) → what the editor is told.
KNOWN_MESSAGES = [
    (
        "moov atom not found",
        gettext_noop("MP4 文件不完整：缺少索引（moov），可能是上传中断或录制没有正常结束。"),
    ),
    (
        "invalid data found when processing input",
        gettext_noop("文件已损坏，或不是能识别的音视频格式。"),
    ),
    ("output file does not contain any stream", gettext_noop("文件里没有可用的音频或视频。")),
    ("does not contain any stream", gettext_noop("文件里没有可用的音频或视频。")),
    ("no such file or directory", gettext_noop("找不到原始文件。")),
    ("permission denied", gettext_noop("没有权限读取原始文件。")),
    ("decoder not found", gettext_noop("服务器不支持这个文件的编码格式。")),
    ("unknown decoder", gettext_noop("服务器不支持这个文件的编码格式。")),
    ("partial file", gettext_noop("文件不完整，可能是上传中断。")),
    ("end of file", gettext_noop("文件不完整，可能是上传中断。")),
    ("invalid nal unit size", gettext_noop("视频数据已损坏。")),
    ("error while decoding", gettext_noop("音视频数据已损坏，无法解码。")),
]


class TranscodeError(Exception):
    """ffmpeg could not make what was asked; ``reason`` is for the editor."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def explain(stderr: str, hide: str = "") -> str:
    """The editor's reason for an ffmpeg failure, from what ffmpeg wrote."""
    text = stderr.replace(hide, "") if hide else stderr
    lowered = text.lower()
    for needle, reason in KNOWN_MESSAGES:
        if needle in lowered:
            return _(reason)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    last = lines[-1][:200] if lines else _("没有输出")
    return _("ffmpeg 无法处理该文件：%(line)s") % {"line": last}


def run(command: list[str], *, hide: str = "") -> str:
    """Run ffmpeg or ffprobe; its stderr when it succeeds, else ``TranscodeError``.

    ``hide`` (the temporary folder) is taken out of messages: editors need no server paths."""
    timeout = settings.TRANSCODE_TIMEOUT_SECONDS
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as expired:
        raise TranscodeError(
            _("转码超时：一步超过 %(seconds)s 秒，文件可能太长。") % {"seconds": timeout}
        ) from expired
    except FileNotFoundError as missing:
        raise TranscodeError(_("服务器上没有安装 ffmpeg。")) from missing
    stderr = done.stderr.decode("utf-8", "replace")
    if done.returncode != 0:
        raise TranscodeError(explain(stderr, hide))
    return stderr if not command[0].endswith("ffprobe") else done.stdout.decode("utf-8", "replace")


@dataclass(frozen=True)
class Probe:
    """What ffprobe says about a source: its first video (not cover art) and audio stream."""

    duration: float
    has_video: bool
    has_audio: bool
    width: int = 0
    height: int = 0
    fps: float = 0.0
    audio_channels: int = 0

    @property
    def portrait(self) -> bool:
        return self.height > self.width

    @property
    def short_side(self) -> int:
        return min(self.width, self.height)


def ffprobe_json(path: str, *, hide: str = "") -> dict:
    """ffprobe's format and streams of ``path``, or ``TranscodeError``."""
    command = ["ffprobe", "-v", "error", "-print_format", "json", "-show_format"]
    output = run([*command, "-show_streams", path], hide=hide)
    try:
        return json.loads(output or "{}")
    except ValueError as broken:
        raise TranscodeError(_("ffprobe 的输出无法读取。")) from broken


def probe(path: str, *, hide: str = "") -> Probe:
    return probe_from(ffprobe_json(path, hide=hide))


def probe_from(data: dict) -> Probe:
    streams = data.get("streams") or []
    video = next(
        (
            s
            for s in streams
            if s.get("codec_type") == "video"
            and not (s.get("disposition") or {}).get("attached_pic")
        ),
        None,
    )
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    if video is None and audio is None:
        raise TranscodeError(_("文件里没有可用的音频或视频。"))
    duration = _number((data.get("format") or {}).get("duration"))
    if not duration:
        duration = max((_number(s.get("duration")) for s in streams), default=0.0)
    if video is None:
        return Probe(duration, False, True, audio_channels=int(audio.get("channels") or 2))
    width, height = int(video.get("width") or 0), int(video.get("height") or 0)
    if abs(_rotation(video)) in (90, 270):
        width, height = height, width
    if not (width and height):
        raise TranscodeError(_("无法读出视频的画面尺寸，文件可能已损坏。"))
    return Probe(
        duration,
        True,
        audio is not None,
        width=width,
        height=height,
        fps=_rate(video.get("avg_frame_rate")) or _rate(video.get("r_frame_rate")),
        audio_channels=int((audio or {}).get("channels") or 0),
    )


def _number(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _rate(value) -> float:
    match = re.fullmatch(r"(\d+)/(\d+)", value or "")
    if not match or not int(match[2]):
        return 0.0
    return int(match[1]) / int(match[2])


def _rotation(stream: dict) -> int:
    for side in stream.get("side_data_list") or []:
        if "rotation" in side:
            return int(_number(side["rotation"]))
    return int(_number((stream.get("tags") or {}).get("rotate")))
