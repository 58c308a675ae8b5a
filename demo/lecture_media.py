"""Media for the demo lectures, made on this machine: nothing is downloaded.

Each lecture gets slides drawn with Pillow (its cover, then one slide per chapter), a
Mandarin voice (``espeak-ng -v cmn``) reading the first sentences of its transcript, one WAV
per sentence so each sentence's length is known, captions timed by those sentences, and
ffmpeg joining them: an MP4 (H.264/AAC) for video lectures, an M4A (AAC) for audio ones.
Each chapter starts where its slide appears.

What is made is kept in a cache folder outside the database and the media folder, named by
everything that goes into it, so ``load_demo`` on a fresh database (every test process,
every ``scripts/serve`` after a reset) copies files instead of making them again.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import math
import os
import re
import shutil
import subprocess
import tempfile
import threading
import wave
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from demo import images
from lectures.captions import CaptionsError, Cue, parse, to_vtt

# Bump when anything below changes what is made, so cached media is made again.
RECIPE = 2
VOICE = ("-v", "cmn", "-s", "190")
LEAD_SECONDS = 0.5  # silence before the first sentence
GAP_SECONDS = 0.4  # silence after each sentence
MIN_SECONDS, TARGET_SECONDS, MAX_SECONDS = 20, 36, 60
MAX_PHRASE = 26  # characters; longer sentences are cut at a comma, for captions on a phone
FRAME_RATE = 5  # still slides: few frames, a key frame every two seconds for seeking
TOOL_TIMEOUT = 120
INSTALL_HINT = (
    "请先安装（Debian/Ubuntu：sudo apt-get install espeak-ng ffmpeg），"
    "或用 load_demo --no-media 跳过演示音视频。"
)
# Lectures are made in threads; Pillow's fonts are shared objects, so one draws at a time.
DRAWING = threading.Lock()
SENTENCE = re.compile(r"[^。！？!?]*[。！？!?]+[”’」』》）)]*|[^。！？!?]+$")


class MediaToolError(Exception):
    """The demo's media could not be made; the message says why and what to do."""


@dataclass(frozen=True)
class LectureScript:
    """What goes into one lecture's media."""

    slug: str
    title: str
    label: str  # the kind's name on the cover
    media_kind: str  # "video" or "audio"
    chapters: tuple[str, ...]
    transcript: str

    @property
    def key(self) -> str:
        recipe = [RECIPE, VOICE, LEAD_SECONDS, GAP_SECONDS, TARGET_SECONDS, asdict(self)]
        digest = hashlib.sha256(json.dumps(recipe, ensure_ascii=False).encode())
        return digest.hexdigest()[:16]

    @property
    def is_video(self) -> bool:
        return self.media_kind == "video"


@dataclass(frozen=True)
class LectureMedia:
    """One lecture's made media: files in the cache, the real length, the chapters' starts."""

    media: Path
    captions: Path
    duration: float
    chapter_starts: tuple[int, ...]

    @property
    def duration_seconds(self) -> int:
        return max(1, round(self.duration))


@dataclass(frozen=True)
class Spoken:
    text: str
    path: Path
    seconds: float


# -- tools ---------------------------------------------------------------------------------


def check_tools() -> None:
    missing = [tool for tool in ("espeak-ng", "ffmpeg") if shutil.which(tool) is None]
    if missing:
        raise MediaToolError(
            f"生成演示微党课的音视频需要 {'、'.join(missing)}，但没有找到。{INSTALL_HINT}"
        )


def run_tool(command: list[str], what: str) -> None:
    """Run espeak-ng or ffmpeg; a failure becomes a MediaToolError with the tool's own words."""
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=TOOL_TIMEOUT)
    except FileNotFoundError:
        raise MediaToolError(f"{what}失败：找不到 {command[0]}。{INSTALL_HINT}") from None
    except subprocess.TimeoutExpired:
        raise MediaToolError(f"{what}失败：{command[0]} 超过 {TOOL_TIMEOUT} 秒没有完成。") from None
    except subprocess.CalledProcessError as exc:
        said = exc.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise MediaToolError(
            f"{what}失败：{command[0]} 退出码 {exc.returncode}：{' '.join(said) or '没有输出'}"
        ) from None


# -- the voice -----------------------------------------------------------------------------


def phrases(transcript: str) -> list[str]:
    """The transcript's sentences in order, long ones cut at the comma nearest their middle."""
    found: list[str] = []
    for paragraph in transcript.splitlines():
        for sentence in SENTENCE.findall(paragraph.strip()):
            if sentence.strip():
                found += _cut(sentence.strip())
    return found


def _cut(sentence: str) -> list[str]:
    if len(sentence) <= MAX_PHRASE:
        return [sentence]
    commas = [at + 1 for at, char in enumerate(sentence) if char in "，；：,;"]
    commas = [at for at in commas if 4 <= at <= len(sentence) - 4]
    if not commas:
        return [sentence]
    middle = len(sentence) / 2
    cut = min(commas, key=lambda at: abs(at - middle))
    return _cut(sentence[:cut]) + _cut(sentence[cut:])


def wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as audio:
        return audio.getnframes() / audio.getframerate()


def speak(script: LectureScript, folder: Path) -> list[Spoken]:
    """One WAV per sentence until the lecture is long enough (an opening sentence under the
    cover, then at least one per chapter), never past MAX_SECONDS."""
    needed = len(script.chapters) + 1
    spoken: list[Spoken] = []
    total = LEAD_SECONDS
    for number, text in enumerate(phrases(script.transcript)):
        if len(spoken) >= needed and total >= TARGET_SECONDS:
            break
        source, path = folder / f"say-{number:02d}.txt", folder / f"say-{number:02d}.wav"
        source.write_text(text, encoding="utf-8")
        run_tool(["espeak-ng", *VOICE, "-f", str(source), "-w", str(path)], "合成语音")
        seconds = wav_seconds(path)
        if total + seconds + GAP_SECONDS > MAX_SECONDS - 1:
            break
        spoken.append(Spoken(text, path, seconds))
        total += seconds + GAP_SECONDS
    if len(spoken) < needed or total < MIN_SECONDS:
        raise MediaToolError(
            f"演示微党课“{script.title}”的文字稿不够：需要 {needed} 句以上、"
            f"至少 {MIN_SECONDS} 秒，现在是 {len(spoken)} 句、{total:.0f} 秒。"
        )
    return spoken


def join_voice(spoken: list[Spoken], path: Path) -> tuple[list[Cue], float]:
    """The sentences in one WAV with silence around them; each sentence's cue, and the length."""
    with wave.open(str(spoken[0].path), "rb") as first:
        channels, width, rate = first.getnchannels(), first.getsampwidth(), first.getframerate()
    frame_bytes = channels * width
    written = 0
    cues: list[Cue] = []
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(width)
        out.setframerate(rate)

        def silence(seconds: float) -> None:
            nonlocal written
            frames = round(seconds * rate)
            out.writeframes(b"\0" * frames * frame_bytes)
            written += frames

        silence(LEAD_SECONDS)
        for item in spoken:
            with wave.open(str(item.path), "rb") as part:
                if (part.getnchannels(), part.getsampwidth(), part.getframerate()) != (
                    channels,
                    width,
                    rate,
                ):
                    raise MediaToolError("合成语音失败：espeak-ng 生成的各句音频格式不一致。")
                frames = part.readframes(part.getnframes())
            start = written / rate
            out.writeframes(frames)
            written += len(frames) // frame_bytes
            cues.append(Cue(round(start, 3), round(written / rate, 3), item.text))
            silence(GAP_SECONDS)
    return cues, written / rate


def chapter_starts(cues: list[Cue], chapters: int) -> list[int]:
    """Whole seconds where each chapter's slide appears: the first cue stays under the cover,
    the rest are shared out evenly; always rising, so every slide is on screen."""
    rest = len(cues) - 1
    starts: list[int] = []
    for chapter in range(chapters):
        start = math.floor(cues[1 + chapter * rest // chapters].start)
        starts.append(max(start, starts[-1] + 1 if starts else 1))
    return starts


# -- pictures and encoding -----------------------------------------------------------------


def draw_slides(script: LectureScript, folder: Path) -> list[Path]:
    """The cover (as the page's own cover is drawn), then a slide per chapter."""
    with DRAWING:
        drawn = [images.cover_jpeg(script.title, script.label, script.slug)]
        drawn += [
            images.slide_jpeg(title, f"{script.title}｜第 {number} 节", f"{script.slug}:{number}")
            for number, title in enumerate(script.chapters, start=1)
        ]
    paths = []
    for number, data in enumerate(drawn):
        path = folder / f"slide-{number:02d}.jpg"
        path.write_bytes(data)
        paths.append(path)
    return paths


def encode_video(slides: list[Path], starts: list[int], duration: float, voice: Path, out: Path):
    """Slides shown from their starts (the cover from 0), with the voice, as H.264/AAC MP4.

    Each slide is a looped input of its own length joined by the concat filter: the concat
    demuxer's image durations came out seconds short, so slides drifted from the chapters."""
    bounds = [0, *starts, duration]
    command = ["ffmpeg", "-nostdin", "-v", "error", "-y"]
    for slide, begin, end in zip(slides, bounds[:-1], bounds[1:], strict=True):
        command += ["-loop", "1", "-framerate", str(FRAME_RATE), "-t", f"{end - begin:.3f}"]
        command += ["-i", str(slide)]
    joined = "".join(f"[{index}:v]" for index in range(len(slides)))
    command += ["-i", str(voice), "-filter_complex"]
    command += [f"{joined}concat=n={len(slides)}:v=1:a=0,format=yuv420p[v]"]
    command += ["-map", "[v]", "-map", f"{len(slides)}:a"]
    command += ["-c:v", "libx264", "-preset", "veryfast", "-tune", "stillimage"]
    command += ["-r", str(FRAME_RATE), "-g", str(2 * FRAME_RATE)]
    command += ["-c:a", "aac", "-b:a", "64k", "-t", f"{duration:.3f}"]
    run_tool([*command, "-movflags", "+faststart", str(out)], "生成视频")


def encode_audio(voice: Path, out: Path) -> None:
    command = ["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(voice)]
    command += ["-c:a", "aac", "-b:a", "64k", "-movflags", "+faststart", str(out)]
    run_tool(command, "生成音频")


def generate(script: LectureScript, folder: Path) -> None:
    """Make one lecture's media in ``folder``: the media file, captions.vtt and meta.json."""
    work = folder / "work"
    work.mkdir()
    cues, duration = join_voice(speak(script, work), work / "voice.wav")
    starts = chapter_starts(cues, len(script.chapters))
    captions = to_vtt(cues)
    try:
        parse(captions.encode(), duration)
    except CaptionsError as exc:
        raise MediaToolError(f"演示微党课“{script.title}”的字幕有误：{exc}") from None
    name = "lecture.mp4" if script.is_video else "lecture.m4a"
    if script.is_video:
        encode_video(draw_slides(script, work), starts, duration, work / "voice.wav", work / name)
    else:
        encode_audio(work / "voice.wav", work / name)
    (work / name).rename(folder / name)
    (folder / "captions.vtt").write_text(captions, encoding="utf-8")
    shutil.rmtree(work)
    meta = {"media": name, "duration": duration, "chapter_starts": starts}
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")  # last: marks it done


# -- the cache -----------------------------------------------------------------------------


def cache_root() -> Path:
    """Where made media is kept: $DEMO_MEDIA_CACHE, else the user's cache folder."""
    configured = os.environ.get("DEMO_MEDIA_CACHE")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "hongke" / "demo-media"


def cached(folder: Path) -> LectureMedia | None:
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        made = LectureMedia(
            media=folder / meta["media"],
            captions=folder / "captions.vtt",
            duration=float(meta["duration"]),
            chapter_starts=tuple(meta["chapter_starts"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return made if made.media.is_file() and made.captions.is_file() else None


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """One maker per lecture across processes (parallel test workers share the cache)."""
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def make(script: LectureScript, root: Path) -> LectureMedia:
    """The lecture's media from the cache, made first when it is not there."""
    folder = root / f"{script.slug}-{script.key}"
    made = cached(folder)
    if made is not None:
        return made
    with locked(root / f".{script.slug}-{script.key}.lock"):
        made = cached(folder)
        if made is not None:
            return made
        shutil.rmtree(folder, ignore_errors=True)  # a half-made folder from a killed run
        work = Path(tempfile.mkdtemp(dir=root, prefix=f".{script.slug}-"))
        try:
            generate(script, work)
            work.rename(folder)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    made = cached(folder)
    if made is None:
        raise MediaToolError(f"演示微党课“{script.title}”的音视频没有生成出来：{folder}")
    return made


def make_all(scripts: list[LectureScript]) -> dict[str, LectureMedia]:
    """Every script's media by slug; those not cached are made in parallel, one per core."""
    if not scripts:
        return {}
    root = cache_root()
    try:
        root.mkdir(parents=True, exist_ok=True)
        if any(cached(root / f"{s.slug}-{s.key}") is None for s in scripts):
            check_tools()
        workers = max(1, min(len(scripts), os.cpu_count() or 1))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            made = list(pool.map(lambda script: make(script, root), scripts))
    except OSError as exc:
        raise MediaToolError(
            f"无法写入演示音视频的缓存目录 {root}：{exc.strerror or exc}。"
            "可用环境变量 DEMO_MEDIA_CACHE 指定另一个目录。"
        ) from None
    return {script.slug: media for script, media in zip(scripts, made, strict=True)}
