"""Captions for lectures: WebVTT or SRT files read, checked and written out as WebVTT.

Editors attach either kind; players get WebVTT. A file is refused whole, with the cue that
is wrong, when it is not UTF-8, a time cannot be read, a cue ends before it starts, cues go
back in time, or a cue runs past the lecture's end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

CAPTION_EXTENSIONS = ("vtt", "srt")
MAX_CAPTION_BYTES = 2 * 1024 * 1024
# 00:01:02.345, 01:02.345 (VTT) or 00:01:02,345 (SRT)
TIME = r"(?:(\d{1,3}):)?([0-5]\d):([0-5]\d)[.,](\d{3})"
TIMING = re.compile(rf"^\s*{TIME}\s*-->\s*{TIME}(?:\s+.*)?$")


class CaptionsError(ValueError):
    """A reason, in Chinese, that a captions file cannot be used."""


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


def _seconds(hours, minutes, seconds, millis) -> float:
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def _clock(value: float) -> str:
    millis = round(value * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    seconds, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def decode(data: bytes) -> str:
    if len(data) > MAX_CAPTION_BYTES:
        raise CaptionsError(_("字幕文件过大（最多 2 MB）。"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CaptionsError(_("字幕文件不是 UTF-8 编码，请另存为 UTF-8 后再上传。")) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse(data: bytes, duration: float | None = None) -> list[Cue]:
    """The cues of a WebVTT or SRT file, checked; ``duration`` (seconds) bounds the last."""
    text = decode(data)
    blocks = [block for block in re.split(r"\n\s*\n", text.strip()) if block.strip()]
    if blocks and blocks[0].startswith("WEBVTT"):
        blocks = blocks[1:]
    cues: list[Cue] = []
    for block in blocks:
        lines = block.split("\n")
        if lines[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        timing_at = next((i for i, line in enumerate(lines[:2]) if "-->" in line), None)
        number = len(cues) + 1
        if timing_at is None:
            raise CaptionsError(
                _("第 %(n)d 条字幕缺少时间（格式如 00:00:01.000 --> 00:00:03.000）。")
                % {"n": number}
            )
        match = TIMING.match(lines[timing_at])
        if not match:
            raise CaptionsError(
                _("第 %(n)d 条字幕的时间无法识别：%(line)s")
                % {"n": number, "line": lines[timing_at][:60]}
            )
        start = _seconds(*match.group(1, 2, 3, 4))
        end = _seconds(*match.group(5, 6, 7, 8))
        if end <= start:
            raise CaptionsError(_("第 %(n)d 条字幕的结束时间不晚于开始时间。") % {"n": number})
        if cues and start < cues[-1].start:
            raise CaptionsError(
                _("第 %(n)d 条字幕的开始时间早于上一条：字幕须按时间顺序排列。") % {"n": number}
            )
        if duration and end > duration + 1:
            raise CaptionsError(
                _("第 %(n)d 条字幕结束于 %(end)s，超出了音视频的时长。")
                % {"n": number, "end": _clock(end)}
            )
        body = "\n".join(lines[timing_at + 1 :]).strip()
        if not body:
            raise CaptionsError(_("第 %(n)d 条字幕没有文字。") % {"n": number})
        cues.append(Cue(start, end, body))
    if not cues:
        raise CaptionsError(_("字幕文件中没有任何字幕。"))
    return cues


def to_vtt(cues: list[Cue]) -> str:
    """WebVTT text for ``cues``; a line "-->" inside a cue's text cannot end it early."""
    parts = ["WEBVTT", ""]
    for cue in cues:
        text = cue.text.replace("-->", "→")
        parts += [f"{_clock(cue.start)} --> {_clock(cue.end)}", text, ""]
    return "\n".join(parts)


def chapters_vtt(chapters: list[tuple[float, str]], duration: float | None) -> str:
    """A WebVTT chapters track: each chapter runs to the next one's start (the last to the
    end, or an hour past its start when the length is not known)."""
    starts = sorted(chapters)
    cues = []
    for index, (start, title) in enumerate(starts):
        if index + 1 < len(starts):
            end = starts[index + 1][0]
        else:
            end = duration if duration and duration > start else start + 3600
        if end > start:
            cues.append(Cue(float(start), float(end), title))
    return to_vtt(cues)


def captions_problem(document, duration: float | None) -> str | None:
    """Why ``document`` cannot be a lecture's captions, or None: the message an editor sees
    under the field when saving the lecture."""
    extension = document.file_extension.lower()
    if extension not in CAPTION_EXTENSIONS:
        return _("字幕文件须为 WebVTT（.vtt）或 SRT（.srt），而不是 .%(ext)s。") % {
            "ext": extension or "?"
        }
    try:
        with document.file.open("rb") as handle:
            data = handle.read(MAX_CAPTION_BYTES + 1)
    except OSError:
        return _("字幕文件无法读取，请重新上传。")
    try:
        parse(data, duration)
    except CaptionsError as error:
        return str(error)
    return None
