"""Real media for the lectures' tests, made with ffmpeg (and espeak-ng for speech): sources for
the transcoder and helpers to read what it made; a video lecture with an encoding made by
``tests.lectures.media`` (360p MP4, HLS, AAC), captions and chapters; collections kept from
visitors."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction

from tests.factories import MicroLecturePageFactory
from tests.lectures.media import CAPTIONS, MP4, document, encode, media_files

FFMPEG = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y"]


def ffmpeg(*args: str) -> None:
    subprocess.run([*FFMPEG, *args], check=True, timeout=120)


def ffprobe(path: str) -> dict:
    done = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", path],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return json.loads(done.stdout)


def top_level_boxes(path: str) -> list[str]:
    """The MP4's top-level box types in file order (faststart: moov before mdat)."""
    boxes = []
    with open(path, "rb") as handle:
        while header := handle.read(8):
            size, kind = int.from_bytes(header[:4], "big"), header[4:8].decode("latin-1")
            boxes.append(kind)
            if size == 1:
                size = int.from_bytes(handle.read(8), "big") - 8
            elif size == 0:
                break
            handle.seek(size - 8, os.SEEK_CUR)
    return boxes


def integrated_loudness(path: str) -> float:
    done = subprocess.run(
        [*FFMPEG[:-3], "-nostats", "-i", path, "-af", "ebur128", "-f", "null", "-"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    summary = done.stderr.decode().rsplit("Summary:", 1)[1]
    line = next(part for part in summary.splitlines() if part.strip().startswith("I:"))
    return float(line.split()[1])


def stored_path(name: str) -> str:
    return default_storage.path(name)


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("lecture-media")


@pytest.fixture(scope="session")
def hevc_1080p(media_dir) -> Path:
    """3 s of 1080p HEVC with AAC audio, as a phone records it."""
    path = media_dir / "phone.mp4"
    ffmpeg(
        "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=25:duration=3",
        "-f", "lavfi", "-i", "sine=frequency=330:duration=3",
        "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error",
        "-tag:v", "hvc1", "-c:a", "aac", "-shortest", str(path),
    )  # fmt: skip
    return path


@pytest.fixture(scope="session")
def small_video(media_dir) -> Path:
    """1 s at 320×240: below the smallest rung."""
    path = media_dir / "small.mp4"
    ffmpeg(
        "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=1",
        "-f", "lavfi", "-i", "sine=frequency=500:duration=1",
        "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest", str(path),
    )  # fmt: skip
    return path


@pytest.fixture(scope="session")
def other_small_video(media_dir) -> Path:
    path = media_dir / "small-2.mp4"
    ffmpeg(
        "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=1",
        "-f", "lavfi", "-i", "sine=frequency=700:duration=1",
        "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest", str(path),
    )  # fmt: skip
    return path


@pytest.fixture(scope="session")
def quiet_speech(media_dir) -> Path:
    """About 3 s of speech (espeak-ng), made quiet: far below −16 LUFS."""
    loud = media_dir / "speech-loud.wav"
    subprocess.run(
        ["espeak-ng", "-v", "en", "-s", "150", "-w", str(loud),
         "Serve the people. Seek truth from facts. Study hard every day."],
        check=True,
        timeout=60,
    )  # fmt: skip
    path = media_dir / "speech.wav"
    ffmpeg("-i", str(loud), "-af", "volume=-20dB", str(path))
    return path


@pytest.fixture(scope="session")
def corrupt_mp4(media_dir) -> Path:
    """A valid ftyp box, then random bytes: passes the upload check, not ffmpeg."""
    path = media_dir / "broken.mp4"
    ftyp = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
    path.write_bytes(ftyp + hashlib.sha256(b"noise").digest() * 2000)
    return path


def make_document(path: Path, *, title: str = "", name: str = "", collection=None):
    """A Wagtail document holding the file, with size and hash as the admin would set."""
    document_model = get_document_model()
    document = document_model(
        title=title or path.name,
        file=ContentFile(path.read_bytes(), name=name or path.name),
        collection=collection or Collection.get_first_root_node(),
    )
    document._set_document_file_metadata()
    document.save()
    return document


def replace_file(document, path: Path) -> None:
    """What the admin's edit form does when a file is replaced."""
    document.file.storage.delete(document.file.name)
    document.file = ContentFile(path.read_bytes(), name=path.name)
    document._set_document_file_metadata()
    document.save()


@pytest.fixture(scope="session")
def media():
    return media_files()


@pytest.fixture
def video_doc(db, media):
    return document("瑞金讲座视频", "ruijin.mp4", media[MP4])


@pytest.fixture
def encoding(video_doc, media):
    return encode(video_doc, media)


@pytest.fixture
def captions_doc(db):
    return document("瑞金讲座字幕", "ruijin.vtt", CAPTIONS.encode())


@pytest.fixture
def lecture(video_doc, captions_doc):
    return MicroLecturePageFactory(
        title="瑞金精神",
        slug="ruijin-test",
        media_file=video_doc,
        captions_file=captions_doc,
        duration_seconds=4,
        chapters=[
            ("chapter", {"start_seconds": 0, "title": "开场"}),
            ("chapter", {"start_seconds": 2, "title": "第二部分"}),
        ],
    )


def restricted(name: str, kind: str, **extra) -> Collection:
    collection = Collection.get_first_root_node().add_child(name=name)
    CollectionViewRestriction.objects.create(collection=collection, restriction_type=kind, **extra)
    return collection


@pytest.fixture
def login_collection(db):
    return restricted("仅限登录", CollectionViewRestriction.LOGIN)


@pytest.fixture
def password_collection(db):
    return restricted("需要密码", CollectionViewRestriction.PASSWORD, password="hongse-1921")


@pytest.fixture
def group_collection(db):
    """Kept for 编辑 only."""
    from django.contrib.auth.models import Group

    collection = restricted("编辑内部", CollectionViewRestriction.GROUPS)
    collection.view_restrictions.get().groups.add(Group.objects.get(name="编辑"))
    return collection
