"""Real media for lecture tests, made by ffmpeg: a short H.264/AAC video, its HLS stream, an
AAC audio rendition and a WAV original, plus a ``MediaEncoding`` row pointing at the
renditions in ``default_storage`` as the transcoder leaves them (the pipeline itself is
tested elsewhere). Used by the tests here and, through ``manage.py shell``, by the browser
test's server."""

from __future__ import annotations

import hashlib
import subprocess
import tempfile
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

SECONDS = 4
MASTER = "master.m3u8"
MP4 = "360p.mp4"
AUDIO = "audio.m4a"
CAPTIONS = (
    "WEBVTT\n\n"
    "00:00:00.000 --> 00:00:02.000\n同志们好，今天学习瑞金精神。\n\n"
    "00:00:02.000 --> 00:00:04.000\n第二段字幕。\n"
)


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True)


def make_files(folder: Path) -> dict[str, bytes]:
    """Every file of a small encoding, by name, and ``original.wav``."""
    sources = ["-f", "lavfi", "-i", f"testsrc=size=640x360:rate=25:duration={SECONDS}"]
    tone = ["-f", "lavfi", "-i", f"sine=frequency=440:duration={SECONDS}"]
    ffmpeg(
        *sources,
        *tone,
        "-c:v",
        "libx264",
        "-profile:v",
        "baseline",
        "-pix_fmt",
        "yuv420p",
        "-g",
        "25",
        "-c:a",
        "aac",
        "-b:a",
        "64k",
        "-movflags",
        "+faststart",
        "-shortest",
        str(folder / MP4),
    )
    ffmpeg(
        "-i",
        str(folder / MP4),
        "-c",
        "copy",
        "-f",
        "hls",
        "-hls_time",
        "1",
        "-hls_playlist_type",
        "vod",
        "-hls_segment_filename",
        str(folder / "360p_%03d.ts"),
        str(folder / "360p.m3u8"),
    )
    (folder / MASTER).write_text(
        "#EXTM3U\n#EXT-X-VERSION:3\n"
        '#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,CODECS="avc1.42c01e,mp4a.40.2"\n'
        "360p.m3u8\n"
    )
    ffmpeg(*tone, "-c:a", "aac", "-b:a", "64k", str(folder / AUDIO))
    ffmpeg(*tone, "-c:a", "pcm_s16le", "-ar", "8000", str(folder / "original.wav"))
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def media_files() -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as folder:
        return make_files(Path(folder))


def document(title: str, name: str, data: bytes, collection=None):
    from wagtail.documents import get_document_model
    from wagtail.models import Collection

    collection = collection or Collection.get_first_root_node()
    doc = get_document_model()(title=title, collection=collection)
    doc.file.save(name, ContentFile(data), save=False)
    doc.file_hash = hashlib.sha1(data).hexdigest()
    doc.file_size = len(data)
    doc.save()
    return doc


def encode(doc, files: dict[str, bytes], *, has_video: bool = True):
    """The ``MediaEncoding`` a finished transcode of ``doc`` leaves, its files stored."""
    from lectures.models import EncodingState, MediaEncoding

    folder = f"lecture_media/{doc.pk}/{doc.file_hash[:12]}/"
    names = [name for name in files if name != "original.wav"]
    if not has_video:
        names = [AUDIO]
    for name in names:
        default_storage.delete(folder + name)
        default_storage.save(folder + name, ContentFile(files[name]))
    renditions = [{"name": AUDIO, "kind": "audio", "bitrate": 64000}]
    if has_video:
        renditions = [
            {"name": MP4, "kind": "mp4", "width": 640, "height": 360, "bitrate": 800000},
            {"name": MASTER, "kind": "hls", "width": 640, "height": 360, "bitrate": 800000},
            *renditions,
        ]
    encoding, _ = MediaEncoding.objects.update_or_create(
        document=doc,
        defaults={
            "source_hash": doc.file_hash,
            "state": EncodingState.READY,
            "folder": folder,
            "renditions": renditions,
            "files": names,
            "has_video": has_video,
            "duration_seconds": SECONDS,
        },
    )
    return encoding
