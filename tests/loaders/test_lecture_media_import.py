"""A lecture line's ``media`` and ``captions``: real files beside the JSON Lines file (tiny
clips made by ffmpeg), checked before anything is written, stored as documents (equal content
reused), captions attached, and the media queued for transcoding once the import commits."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from wagtail.documents import get_document_model
from wagtail.models import Page

from lectures.models import EncodingState, MediaEncoding, MediaKind, MicroLecturePage
from tests.loaders.test_content_import import LECTURE, run_import, write_jsonl

pytestmark = pytest.mark.django_db

SINE = ["-f", "lavfi", "-i", "sine=frequency=440:duration=1.5"]
PICTURE = ["-f", "lavfi", "-i", "testsrc=size=160x90:rate=10:duration=1.5"]
CLIPS = {
    "clip.mp4": PICTURE + SINE + ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"],
    "voice.m4a": SINE + ["-c:a", "aac"],
    "voice.mp3": SINE + ["-c:a", "libmp3lame"],
    "voice.ogg": SINE + ["-c:a", "libopus"],
    "sound-only.mp4": SINE + ["-c:a", "aac"],
}
VTT = "WEBVTT\n\n00:00:00.000 --> 00:00:00.800\n同志们好。\n\n00:00:00.800 --> 00:00:01.400\n开始上课。\n"
SRT = (
    "1\n00:00:00,000 --> 00:00:00,800\n同志们好。\n\n2\n00:00:00,800 --> 00:00:01,400\n开始上课。\n"
)
BACKWARDS = "WEBVTT\n\n00:00:01.000 --> 00:00:01.400\n后。\n\n00:00:00.000 --> 00:00:00.800\n前。\n"
TOO_LONG = "WEBVTT\n\n00:00:00.000 --> 00:00:09.000\n超出时长。\n"


@pytest.fixture(scope="session")
def clips(tmp_path_factory) -> Path:
    """Media of 1.5 s, a few KB each, made once per test process."""
    folder = tmp_path_factory.mktemp("clips")
    for name, arguments in CLIPS.items():
        subprocess.run(
            ["ffmpeg", "-nostdin", "-v", "error", "-y", *arguments, "-b:a", "32k", "-t", "1.5"]
            + [str(folder / name)],
            check=True,
        )
    return folder


@pytest.fixture
def folder(tmp_path, clips) -> Path:
    media = tmp_path / "media"
    shutil.copytree(clips, media)
    (media / "clip.vtt").write_text(VTT, encoding="utf-8")
    (media / "clip.srt").write_text(SRT, encoding="utf-8")
    (media / "backwards.vtt").write_text(BACKWARDS, encoding="utf-8")
    (media / "too-long.vtt").write_text(TOO_LONG, encoding="utf-8")
    (media / "gbk.vtt").write_bytes(VTT.encode("gbk"))
    (media / "clip.txt").write_text(VTT, encoding="utf-8")
    (media / "notes.mp4").write_text("这不是视频", encoding="utf-8")
    (media / "clip.avi").write_bytes((media / "clip.mp4").read_bytes())
    (media / "mp3-as.m4a").write_bytes((media / "voice.mp3").read_bytes())
    (media / "mp4-as.webm").write_bytes((media / "clip.mp4").read_bytes())
    # An MP4's opening box, then noise: passes the first-bytes check, not ffprobe.
    (media / "broken.mp4").write_bytes(
        b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x5a" * 4096
    )
    (media / "wav-as.mp3").write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\0" * 40)
    (tmp_path.parent / "outside.mp4").write_bytes((media / "clip.mp4").read_bytes())
    return tmp_path


def lecture(**changes) -> dict:
    line = {
        key: value for key, value in LECTURE.items() if key not in ("video_url", "duration_seconds")
    }
    return {**line, **changes}


def imported(folder: Path, *lines: dict, capture) -> tuple[str, Exception | None]:
    """Import, running what waits for the commit (the transcoding queue) as a commit would."""
    with capture(execute=True):
        _out, err, error = run_import(write_jsonl(folder / "lectures.jsonl", list(lines)))
    return err, error


def test_media_and_captions_become_documents_and_the_media_is_queued(
    home, folder, django_capture_on_commit_callbacks
):
    err, error = imported(
        folder,
        lecture(media="media/clip.mp4", captions="media/clip.vtt"),
        capture=django_capture_on_commit_callbacks,
    )

    assert error is None, err
    page = MicroLecturePage.objects.get(slug=LECTURE["slug"])
    assert page.media_kind == MediaKind.VIDEO
    assert page.media_file.file.name.endswith(".mp4") and page.media_file.title.endswith("·视频")
    assert page.captions_file.file.read().decode() == VTT
    assert page.duration_seconds == 2  # from the file: the line gives none
    encoding = MediaEncoding.objects.get(document=page.media_file)
    assert encoding.state == EncodingState.PENDING and encoding.queued_at is not None
    assert not MediaEncoding.objects.filter(document=page.captions_file).exists()


@pytest.mark.parametrize(
    "media, given, kind",
    [
        ("voice.m4a", None, MediaKind.AUDIO),
        ("voice.mp3", None, MediaKind.AUDIO),
        ("voice.ogg", None, MediaKind.AUDIO),
        ("sound-only.mp4", None, MediaKind.VIDEO),  # a video extension makes it video
        ("clip.mp4", "audio", MediaKind.AUDIO),  # what the line says wins
    ],
)
def test_the_media_kind_follows_from_the_file_unless_given(
    home, folder, media, given, kind, django_capture_on_commit_callbacks
):
    line = lecture(media=f"media/{media}", captions="media/clip.srt", duration_seconds=90)
    if given:
        line["media_kind"] = given
    err, error = imported(folder, line, capture=django_capture_on_commit_callbacks)

    assert error is None, err
    page = MicroLecturePage.objects.get(slug=LECTURE["slug"])
    assert page.media_kind == kind
    assert page.duration_seconds == 90  # the line's own length is kept
    assert page.captions_file.file.name.endswith(".srt")


def test_importing_again_reuses_equal_files(home, folder, django_capture_on_commit_callbacks):
    line = lecture(media="media/clip.mp4", captions="media/clip.vtt")
    assert imported(folder, line, capture=django_capture_on_commit_callbacks)[1] is None
    page = MicroLecturePage.objects.get(slug=LECTURE["slug"])
    documents = get_document_model().objects.count()
    shutil.copy(folder / "media" / "clip.mp4", folder / "media" / "same.mp4")

    err, error = imported(
        folder,
        {**line, "media": "media/same.mp4"},
        capture=django_capture_on_commit_callbacks,
    )

    assert error is None, err
    again = MicroLecturePage.objects.get(pk=page.pk)
    assert (again.media_file_id, again.captions_file_id) == (
        page.media_file_id,
        page.captions_file_id,
    )
    assert get_document_model().objects.count() == documents
    assert MediaEncoding.objects.filter(document=page.media_file).count() == 1


def test_a_line_without_media_keeps_it_and_null_removes_it(
    home, folder, django_capture_on_commit_callbacks
):
    line = lecture(media="media/voice.m4a", captions="media/clip.vtt")
    assert imported(folder, line, capture=django_capture_on_commit_callbacks)[1] is None
    assert imported(folder, lecture(), capture=django_capture_on_commit_callbacks)[1] is None
    page = MicroLecturePage.objects.get(slug=LECTURE["slug"])
    assert page.media_file and page.captions_file and page.media_kind == MediaKind.AUDIO

    err, error = imported(
        folder,
        lecture(media=None, captions=None, video_url="https://video.example.com/a"),
        capture=django_capture_on_commit_callbacks,
    )

    assert error is None, err
    page = MicroLecturePage.objects.get(pk=page.pk)
    assert page.media_file is None and page.captions_file is None
    assert page.video_url == "https://video.example.com/a"


REFUSED = [
    ({"media": "media/none.mp4"}, "media", "找不到文件：media/none.mp4"),
    ({"media": "../outside.mp4"}, "media", "不能指向导入文件所在目录之外"),
    ({"media": "/etc/hostname"}, "media", "不能是绝对路径"),
    ({"media": "media"}, "media", "找不到文件"),  # a directory
    ({"media": "media/clip.avi"}, "media", ".avi 不能作为音视频"),
    ({"media": "media/notes.mp4"}, "media", "文件内容是无法识别的格式，与扩展名 .mp4 不符"),
    ({"media": "media/mp3-as.m4a"}, "media", "文件内容是MP3 音频，与扩展名 .m4a 不符"),
    ({"media": "media/mp4-as.webm"}, "media", "文件内容是MP4/MOV/M4A 音视频，与扩展名 .webm 不符"),
    ({"media": "media/wav-as.mp3"}, "media", "文件内容是WAV 音频，与扩展名 .mp3 不符"),
    ({"media": "media/broken.mp4"}, "media", "无法读取音视频（"),
    ({"media": 3}, "media", "必须是文件路径（字符串），不能是数字"),
    (
        {"media": "media/clip.mp4", "video_url": "https://v.example.com/a"},
        "media",
        "只选择一种来源",
    ),
    ({"media_kind": "film"}, "media_kind", "必须是 video（视频）或 audio（音频）"),
    ({"captions": "media/none.vtt"}, "captions", "找不到文件"),
    ({"captions": "media/clip.txt"}, "captions", ".txt 不能作为字幕"),
    ({"captions": "media/gbk.vtt"}, "captions", "不是 UTF-8 编码"),
    ({"captions": "media/backwards.vtt"}, "captions", "第 2 条字幕的开始时间早于上一条"),
    (
        {"captions": "media/too-long.vtt", "media": "media/clip.mp4"},
        "captions",
        "超出了音视频的时长",
    ),
    ({"captions": "media/too-long.vtt", "duration_seconds": 5}, "captions", "超出了音视频的时长"),
]


@pytest.mark.parametrize("changes, key, reason", REFUSED)
def test_each_refusal_names_the_line_and_field_and_nothing_is_saved(
    home, folder, changes, key, reason, django_capture_on_commit_callbacks
):
    good = lecture(slug="good", media="media/voice.m4a", captions="media/clip.vtt")
    pages, documents = Page.objects.count(), get_document_model().objects.count()
    encodings = MediaEncoding.objects.count()

    err, error = imported(
        folder, good, lecture(**changes), capture=django_capture_on_commit_callbacks
    )

    assert error is not None
    problems = err.strip().splitlines()
    assert len(problems) == 1, err
    assert problems[0].startswith(f"line 2: {key}: ") and reason in problems[0], err
    assert Page.objects.count() == pages
    assert get_document_model().objects.count() == documents
    assert MediaEncoding.objects.count() == encodings


def test_a_dry_run_stores_and_queues_nothing(home, folder, django_capture_on_commit_callbacks):
    line = lecture(media="media/clip.mp4", captions="media/clip.vtt")
    documents = get_document_model().objects.count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        out, err, error = run_import(write_jsonl(folder / "a.jsonl", [line]), "--dry-run")
    assert error is None, err
    assert "将新建" in out
    assert callbacks == [] and get_document_model().objects.count() == documents


def test_media_over_the_upload_limit_is_refused(
    home, folder, settings, django_capture_on_commit_callbacks
):
    settings.MEDIA_MAX_UPLOAD_MB = 0  # every real file is over it
    documents = get_document_model().objects.count()
    err, error = imported(
        folder, lecture(media="media/clip.mp4"), capture=django_capture_on_commit_callbacks
    )
    assert error is not None
    assert (
        err.strip()
        == "line 1: media: 音视频文件不能超过 0 MB（MEDIA_MAX_UPLOAD_MB）：media/clip.mp4"
    )
    assert get_document_model().objects.count() == documents
