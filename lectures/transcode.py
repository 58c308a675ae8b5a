"""What ffmpeg makes of a lecture's source file, in a local folder (storage comes later).

Video: H.264 + AAC MP4s at 360p and 720p (never upscaled; a source below 360p gives one
rendition at its own size), ``+faststart`` so phones start playing before the whole file has
arrived, keyframes every 2 s exactly so the HLS ladder cut from the same encodes (``-c copy``)
has clean ~6 s segments, and a poster frame. Audio: AAC in an ``.m4a``. Both loudness
normalised to EBU R128 −16 LUFS in two passes (measure, then a linear gain with the measured
values), resampled to 48 kHz after loudnorm (which works at 192 kHz).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from lectures.ffmpeg import Probe, TranscodeError, ffprobe_json, probe, run

TARGET_LUFS = -16
TRUE_PEAK = -1.5
LOUDNESS_RANGE = 11
GOP_SECONDS = 2
HLS_SEGMENT_SECONDS = 6
MAX_FPS = 30
# (short side, profile, video bitrate cap, audio bitrate): x264 aims at a quality (CRF) and
# the cap keeps a busy picture from costing phones more than this.
LADDER = ((360, "main", 800_000, 96_000), (720, "high", 2_500_000, 96_000))
AUDIO_ONLY_BITRATE = 80_000
PROFILE_CODES = {"Constrained Baseline": "42e0", "Baseline": "4200", "Main": "4d40", "High": "6400"}


@dataclass
class Outputs:
    """What was made in ``folder``: file names relative to it."""

    folder: Path
    duration: float
    has_video: bool
    renditions: list[dict] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    poster: str = ""


def make_renditions(source: Path, folder: Path) -> Outputs:
    """Everything pages serve for ``source``, written into ``folder``; ``TranscodeError`` if
    ffmpeg cannot."""
    hide = str(source.parent)
    info = probe(str(source), hide=hide)
    gain = measure_loudness(source, hide) if info.has_audio else None
    if not info.has_video:
        return _audio_only(source, folder, info, gain, hide)
    outputs = Outputs(folder, info.duration, True)
    sizes = ladder_for(info)
    _encode_video(source, folder, info, sizes, gain, hide)
    for short_side, _profile, _cap, _audio in sizes:
        outputs.renditions.append(_describe(folder, f"{short_side}p.mp4", "mp4", hide))
    _make_hls(folder, outputs, hide)
    outputs.poster = _make_poster(folder, outputs.renditions[-1]["name"], info.duration, hide)
    outputs.files = sorted(path.name for path in folder.iterdir() if path.name != outputs.poster)
    return outputs


def ladder_for(info: Probe) -> list[tuple[int, str, int, int]]:
    """The ladder's rungs no larger than the source (its short side), at least one."""
    own = info.short_side - info.short_side % 2
    sizes = [rung for rung in LADDER if rung[0] <= own]
    if not sizes:
        return [(own, LADDER[0][1], LADDER[0][2], LADDER[0][3])]
    top = LADDER[-1]
    if own < top[0] and own > sizes[-1][0]:
        # Between rungs (e.g. 480p): keep the source's own size rather than throw it away.
        sizes.append((own, top[1], top[2], top[3]))
    return sizes


# --- loudness ---------------------------------------------------------------------------


def measure_loudness(source: Path, hide: str) -> dict | None:
    """loudnorm's first pass; None for silence (nothing to scale)."""
    stderr = run(
        [
            "ffmpeg",
            "-nostdin",
            "-hide_banner",
            "-nostats",
            "-i",
            str(source),
            "-map",
            "0:a:0",
            "-af",
            f"{_loudnorm()}:print_format=json",
            "-f",
            "null",
            "-",
        ],
        hide=hide,
    )
    match = re.search(r"\{[^{}]*\"input_i\"[^{}]*\}", stderr)
    if not match:
        return None
    measured = json.loads(match[0])
    try:
        if float(measured["input_i"]) < -70:
            return None
    except ValueError:  # "-inf"
        return None
    return measured


def _loudnorm() -> str:
    return f"loudnorm=I={TARGET_LUFS}:TP={TRUE_PEAK}:LRA={LOUDNESS_RANGE}"


def audio_filter(gain: dict | None) -> str:
    """The second pass: the measured values, a linear gain, then 48 kHz."""
    # Mono stays mono, anything wider becomes stereo: phones play nothing more.
    resample = "aresample=48000,aformat=sample_rates=48000:channel_layouts=mono|stereo"
    if gain is None:
        return resample
    measured = ":".join(
        f"{name}={gain[key]}"
        for name, key in (
            ("measured_I", "input_i"),
            ("measured_TP", "input_tp"),
            ("measured_LRA", "input_lra"),
            ("measured_thresh", "input_thresh"),
            ("offset", "target_offset"),
        )
    )
    return f"{_loudnorm()}:{measured}:linear=true:print_format=none,{resample}"


def _audio_options(bitrate: int) -> list[str]:
    return ["-c:a", "aac", "-b:a", str(bitrate), "-ar", "48000"]


def _common() -> list[str]:
    return ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y"]


def _threads() -> list[str]:
    return ["-threads", str(settings.TRANSCODE_THREADS)]


# --- audio only -------------------------------------------------------------------------


def _audio_only(source: Path, folder: Path, info: Probe, gain, hide: str) -> Outputs:
    name = "audio.m4a"
    run(
        [
            *_common(),
            "-i",
            str(source),
            "-map",
            "0:a:0",
            "-vn",
            "-map_metadata",
            "-1",
            "-af",
            audio_filter(gain),
            *_audio_options(AUDIO_ONLY_BITRATE),
            "-movflags",
            "+faststart",
            str(folder / name),
        ],
        hide=hide,
    )
    outputs = Outputs(folder, info.duration, False)
    outputs.renditions = [_describe(folder, name, "audio", hide)]
    outputs.files = [name]
    return outputs


# --- video ------------------------------------------------------------------------------


def _encode_video(source: Path, folder: Path, info: Probe, sizes, gain, hide: str) -> None:
    """All MP4 rungs in one run: the source (often HEVC at 1080p) is decoded once."""
    count = len(sizes)
    fps = ",fps=30" if info.fps > MAX_FPS + 1 else ""
    graph = [f"[0:v:0]split={count}" + "".join(f"[v{i}]" for i in range(count))]
    for i, (short_side, *_rest) in enumerate(sizes):
        scale = f"scale={short_side}:-2" if info.portrait else f"scale=-2:{short_side}"
        graph.append(f"[v{i}]{scale}{fps},format=yuv420p[ov{i}]")
    if info.has_audio:
        split = "".join(f"[a{i}]" for i in range(count))
        graph.append(f"[0:a:0]{audio_filter(gain)},asplit={count}{split}")
    command = [*_common(), "-i", str(source), "-filter_complex", ";".join(graph)]
    for i, rung in enumerate(sizes):
        command += ["-map", f"[ov{i}]"] + (["-map", f"[a{i}]"] if info.has_audio else [])
        command += _video_options(info, rung)
        command += ["-map_metadata", "-1", "-map_chapters", "-1", "-movflags", "+faststart"]
        command.append(str(folder / f"{rung[0]}p.mp4"))
    run(command, hide=hide)


def _video_options(info: Probe, rung: tuple[int, str, int, int]) -> list[str]:
    _short_side, profile, cap, audio_bitrate = rung
    fps = min(info.fps or 25, MAX_FPS)
    gop = str(max(1, round(fps * GOP_SECONDS)))
    options = [
        "-c:v",
        "libx264",
        "-preset",
        settings.TRANSCODE_PRESET,
        "-profile:v",
        profile,
        "-crf",
        "23",
        "-maxrate",
        str(cap),
        "-bufsize",
        str(cap * 2),
        # A keyframe every 2 s and nowhere else, so every rung's segments cut at the same times.
        "-g",
        gop,
        "-keyint_min",
        gop,
        "-sc_threshold",
        "0",
        "-force_key_frames",
        f"expr:gte(t,n_forced*{GOP_SECONDS})",
        *_threads(),
    ]
    if info.has_audio:
        options += _audio_options(audio_bitrate)
    return options


def _describe(folder: Path, name: str, kind: str, hide: str) -> dict:
    """A rendition's entry: its size and its real bitrate, as ffprobe reads the output."""
    data = ffprobe_json(str(folder / name), hide=hide)
    video = next((s for s in data["streams"] if s.get("codec_type") == "video"), {})
    entry = {
        "name": name,
        "kind": kind,
        "width": video.get("width"),
        "height": video.get("height"),
        "bitrate": int(float(data["format"].get("bit_rate") or 0)),
    }
    if video:
        entry["codecs"] = _codecs(video, data["streams"])
    return entry


def _codecs(video: dict, streams: list[dict]) -> str:
    """The RFC 6381 codecs string HLS players expect (avc1.PPCCLL, mp4a.40.2 for AAC LC)."""
    profile = PROFILE_CODES.get(video.get("profile"), "4d40")
    codecs = [f"avc1.{profile}{int(video.get('level') or 31):02x}"]
    if any(s.get("codec_type") == "audio" for s in streams):
        codecs.append("mp4a.40.2")
    return ",".join(codecs)


def _make_hls(folder: Path, outputs: Outputs, hide: str) -> None:
    """Each MP4 cut into MPEG-TS segments as it is (no re-encode), and the master playlist."""
    variants = []
    for rendition in outputs.renditions:
        stem = Path(rendition["name"]).stem
        run(
            [
                *_common(),
                "-i",
                str(folder / rendition["name"]),
                "-map",
                "0",
                "-c",
                "copy",
                "-f",
                "hls",
                "-hls_time",
                str(HLS_SEGMENT_SECONDS),
                "-hls_playlist_type",
                "vod",
                "-hls_flags",
                "independent_segments",
                "-hls_segment_filename",
                str(folder / f"{stem}_%03d.ts"),
                str(folder / f"{stem}.m3u8"),
            ],
            hide=hide,
        )
        variants.append((rendition, f"{stem}.m3u8"))
    (folder / "master.m3u8").write_text(master_playlist(folder, variants), encoding="utf-8")
    outputs.renditions.append(
        {"name": "master.m3u8", "kind": "hls", "width": None, "height": None, "bitrate": None}
    )


def master_playlist(folder: Path, variants: list[tuple[dict, str]]) -> str:
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for rendition, playlist in variants:
        peak, average = segment_bandwidths(folder, playlist)
        lines.append(
            f"#EXT-X-STREAM-INF:BANDWIDTH={peak},AVERAGE-BANDWIDTH={average},"
            f"RESOLUTION={rendition['width']}x{rendition['height']},"
            f'CODECS="{rendition["codecs"]}"'
        )
        lines.append(playlist)
    return "\n".join(lines) + "\n"


def segment_bandwidths(folder: Path, playlist: str) -> tuple[int, int]:
    """The highest and the average bits per second over a variant's segments."""
    duration = None
    rates, total_bits, total_seconds = [], 0, 0.0
    for line in (folder / playlist).read_text(encoding="utf-8").splitlines():
        if line.startswith("#EXTINF:"):
            duration = float(line[len("#EXTINF:") :].split(",")[0])
        elif line and not line.startswith("#") and duration:
            bits = (folder / line).stat().st_size * 8
            rates.append(bits / duration)
            total_bits += bits
            total_seconds += duration
            duration = None
    if not rates:
        raise TranscodeError(_("视频切片（HLS）失败。"))
    return int(max(rates)), int(total_bits / total_seconds)


def _make_poster(folder: Path, encode: str, duration: float, hide: str) -> str:
    """A frame at 1 s, or a third of the way into a short video, from the largest encode."""
    name = "poster.jpg"
    at = 1.0 if duration >= 3 else max(duration / 3, 0)
    run(
        [
            *_common(),
            "-ss",
            f"{at:.2f}",
            "-i",
            str(folder / encode),
            "-frames:v",
            "1",
            "-q:v",
            "3",
            str(folder / name),
        ],
        hide=hide,
    )
    # Past the end ffmpeg writes nothing and still succeeds: then there is no poster.
    return name if (folder / name).exists() else ""
