"""The transcoder on real files with real ffmpeg: what it makes, and when it does nothing."""

from __future__ import annotations

import subprocess

import pytest
from django.core.files.storage import default_storage

from lectures.encoding import encode_document
from lectures.models import EncodingState, MediaEncoding
from tests.factories import MicroLecturePageFactory
from tests.lectures.conftest import (
    ffprobe,
    integrated_loudness,
    make_document,
    replace_file,
    stored_path,
    top_level_boxes,
)

pytestmark = pytest.mark.django_db


def test_phone_video_becomes_h264_ladder_hls_poster_and_duration(hevc_1080p):
    document = make_document(hevc_1080p, title="手机录的微党课")
    lecture = MicroLecturePageFactory(media_file=document, duration_seconds=None)

    encoding = encode_document(document.pk)

    assert encoding.state == EncodingState.READY, encoding.reason
    assert encoding.folder == f"lecture_media/{document.pk}/{document.file_hash[:12]}"
    assert encoding.source_hash == document.file_hash
    assert encoding.has_video and encoding.duration_seconds == 3
    assert [(r["name"], r["kind"], r["height"]) for r in encoding.renditions] == [
        ("360p.mp4", "mp4", 360),
        ("720p.mp4", "mp4", 720),
        ("master.m3u8", "hls", None),
    ]
    for rendition in encoding.renditions[:2]:
        path = stored_path(f"{encoding.folder}/{rendition['name']}")
        data = ffprobe(path)
        video = next(s for s in data["streams"] if s["codec_type"] == "video")
        audio = next(s for s in data["streams"] if s["codec_type"] == "audio")
        assert (video["codec_name"], video["pix_fmt"]) == ("h264", "yuv420p")
        assert video["profile"] in {"Main", "High"}
        assert (video["height"], video["width"]) == (
            rendition["height"],
            rendition["height"] * 16 // 9,
        )
        assert (audio["codec_name"], audio["sample_rate"]) == ("aac", "48000")
        boxes = top_level_boxes(path)
        assert boxes.index("moov") < boxes.index("mdat")  # faststart
        assert rendition["bitrate"] > 0
    # Every served file is stored, segments included, and the HLS ladder plays.
    assert any(name.endswith(".ts") for name in encoding.files)
    for name in encoding.files:
        assert default_storage.exists(f"{encoding.folder}/{name}")
    master = stored_path(f"{encoding.folder}/master.m3u8")
    text = open(master, encoding="utf-8").read()
    assert 'RESOLUTION=1280x720,CODECS="avc1.64' in text and "BANDWIDTH=" in text
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-i", master, "-f", "null", "-"],
        check=True,
        timeout=60,
    )
    # The poster is a picture in the document's collection; the lecture got its duration.
    assert encoding.poster is not None
    assert encoding.poster.collection_id == document.collection_id
    assert (encoding.poster.width, encoding.poster.height) == (1280, 720)
    lecture.refresh_from_db()
    assert lecture.duration_seconds == 3


def test_audio_is_aac_at_minus_16_lufs(quiet_speech):
    document = make_document(quiet_speech, title="讲话录音")

    encoding = encode_document(document.pk)

    assert encoding.state == EncodingState.READY, encoding.reason
    assert not encoding.has_video and encoding.poster is None
    assert [(r["name"], r["kind"]) for r in encoding.renditions] == [("audio.m4a", "audio")]
    path = stored_path(f"{encoding.folder}/audio.m4a")
    (audio,) = ffprobe(path)["streams"]
    assert (audio["codec_name"], audio["sample_rate"]) == ("aac", "48000")
    assert integrated_loudness(str(quiet_speech)) < -30  # the source was far too quiet
    assert integrated_loudness(path) == pytest.approx(-16, abs=1.5)
    boxes = top_level_boxes(path)
    assert boxes.index("moov") < boxes.index("mdat")


def test_small_video_is_not_upscaled_and_second_run_does_nothing(small_video):
    document = make_document(small_video)

    encoding = encode_document(document.pk)
    assert encoding.state == EncodingState.READY, encoding.reason
    mp4s = [r for r in encoding.renditions if r["kind"] == "mp4"]
    assert [(r["name"], r["width"], r["height"]) for r in mp4s] == [("240p.mp4", 320, 240)]

    finished = encoding.finished_at
    again = encode_document(document.pk)
    assert (again.attempts, again.finished_at) == (1, finished)


def test_replaced_file_gets_a_new_folder_and_the_old_one_goes(small_video, other_small_video):
    document = make_document(small_video)
    first = encode_document(document.pk)
    old_folder, old_files, old_poster = first.folder, first.files, first.poster_id

    replace_file(document, other_small_video)
    second = encode_document(document.pk)

    assert second.state == EncodingState.READY
    assert second.folder != old_folder and second.source_hash == document.file_hash
    assert all(default_storage.exists(f"{second.folder}/{name}") for name in second.files)
    assert not any(default_storage.exists(f"{old_folder}/{name}") for name in old_files)
    assert second.poster_id != old_poster
    assert not type(second.poster).objects.filter(pk=old_poster).exists()


def test_crashed_running_row_is_taken_up_again(small_video, settings):
    document = make_document(small_video)
    MediaEncoding.objects.create(document=document, state=EncodingState.RUNNING, attempts=1)
    # Started long ago (a worker that died mid-way): done again.
    encoding = encode_document(document.pk)
    assert (encoding.state, encoding.attempts) == (EncodingState.READY, 2)


def test_corrupt_upload_fails_with_a_chinese_reason(corrupt_mp4):
    document = make_document(corrupt_mp4, title="坏文件")
    lecture = MicroLecturePageFactory(media_file=document)

    encoding = encode_document(document.pk)

    assert encoding.state == EncodingState.FAILED
    assert encoding.reason.startswith(("MP4 文件不完整", "文件已损坏"))
    assert encoding.finished_at is not None and not encoding.files
    # The page still plays and publishes with the original file.
    lecture.save_revision().publish()
    response = lecture.serve(_request(lecture))
    assert document.url in response.rendered_content


def test_file_with_no_streams_fails_readably(media_dir):
    path = media_dir / "empty.webm"
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "anullsrc",
         "-t", "0.5", "-map_metadata", "-1", "-vn", "-an", "-f", "webm", str(path)],
        check=False,
        timeout=30,
    )  # fmt: skip
    if not path.exists() or path.stat().st_size == 0:
        path.write_bytes(b"\x1a\x45\xdf\xa3" + b"\x00" * 64)
    document = make_document(path)
    encoding = encode_document(document.pk)
    assert encoding.state == EncodingState.FAILED
    assert encoding.reason and "Traceback" not in encoding.reason


def _request(page):
    from django.test import RequestFactory

    request = RequestFactory().get(page.url)
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    return request


def test_a_later_publish_keeps_the_measured_duration(small_video):
    document = make_document(small_video)
    lecture = MicroLecturePageFactory(media_file=document, duration_seconds=None, publish=False)
    revision = lecture.save_revision()  # made before the encode: its duration is empty

    encode_document(document.pk)
    lecture.refresh_from_db()
    assert lecture.duration_seconds == 1
    revision.publish()

    lecture.refresh_from_db()
    assert lecture.duration_seconds == 1
