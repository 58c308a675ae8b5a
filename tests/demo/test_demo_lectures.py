"""Every demo lecture plays: media made on the machine (slides, a synthesised Mandarin voice),
captions timed by its sentences, chapters where their slides appear, the real length; made
once and reused (the cache outside the database, the documents inside it)."""

from __future__ import annotations

import json
import shutil
import subprocess
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.documents import get_document_model
from wagtail.models import Page

from demo import content
from demo.lecture_media import LectureScript, MediaToolError, make, phrases
from demo.lecture_pages import lecture_script
from lectures.captions import parse
from lectures.models import EncodingState, MediaEncoding, MediaKind, MicroLecturePage

pytestmark = pytest.mark.django_db


def probe(path) -> dict:
    found = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration:stream=codec_type,codec_name"]
        + ["-show_entries", "stream=width,height,duration", "-of", "json", str(path)],
        check=True,
        capture_output=True,
    )
    return json.loads(found.stdout)


def demo_lectures() -> list[MicroLecturePage]:
    return list(MicroLecturePage.objects.select_related("media_file", "captions_file"))


def test_every_demo_lecture_has_captions_and_chapters_within_its_length():
    lectures = demo_lectures()
    assert len(lectures) == len(content.LECTURES)
    for page in lectures:
        assert page.media_file and page.captions_file, page.slug
        assert 20 <= page.duration_seconds <= 60, page.slug
        with page.captions_file.file.open("rb") as captions:
            cues = parse(captions.read(), page.duration_seconds)
        assert len(cues) >= 3
        assert all(0 < cue.start < cue.end <= page.duration_seconds + 0.5 for cue in cues)
        starts = [block.value["start_seconds"] for block in page.chapters]
        planned = next(item for item in content.LECTURES if item["slug"] == page.slug)
        assert [block.value["title"] for block in page.chapters] == [
            title for _start, title in planned["chapters"]
        ]
        assert starts == sorted(set(starts)), page.slug
        assert 0 < starts[0] and starts[-1] < page.duration_seconds, page.slug
        # Each chapter's slide comes with a sentence: a cue starts within its first second.
        assert all(any(0 <= cue.start - start < 1 for cue in cues) for start in starts)


def test_every_demo_lectures_media_really_plays():
    for page in demo_lectures():
        found = probe(page.media_file.file.path)
        duration = float(found["format"]["duration"])
        assert 20 <= duration <= 60, page.slug
        assert abs(duration - page.duration_seconds) <= 1
        streams = {stream["codec_type"]: stream for stream in found["streams"]}
        assert streams["audio"]["codec_name"] == "aac"
        if page.media_kind == MediaKind.VIDEO:
            assert page.media_file.file.name.endswith(".mp4")
            video = streams["video"]
            assert (video["codec_name"], video["width"], video["height"]) == ("h264", 1280, 720)
            # The slides last as long as the voice: no picture stops before the sound.
            assert abs(float(video["duration"]) - duration) < 0.5, page.slug
        else:
            assert page.media_file.file.name.endswith(".m4a")
            assert "video" not in streams


def test_audio_and_video_lectures_as_the_content_says():
    kinds = {page.slug: page.media_kind for page in demo_lectures()}
    for item in content.LECTURES:
        assert kinds[item["slug"]] == (MediaKind.AUDIO if item["audio"] else MediaKind.VIDEO)
    ruijin = MicroLecturePage.objects.get(slug="ruijin-soviet-style")  # the browser tests' own
    assert ruijin.is_audio and len(ruijin.chapters) >= 2
    assert ruijin.chapters[1].value["start_seconds"] > 0


def test_transcoding_is_queued_for_every_lectures_media():
    for page in demo_lectures():
        encoding = MediaEncoding.objects.get(document=page.media_file)
        assert encoding.state == EncodingState.PENDING
        assert encoding.queued_at is not None
    assert not MediaEncoding.objects.filter(
        document__in=[page.captions_file for page in demo_lectures()]
    ).exists()


def test_a_second_load_demo_makes_nothing_again(monkeypatch, tmp_path):
    documents = get_document_model().objects.count()
    revisions = {page.pk: page.latest_revision_id for page in demo_lectures()}
    monkeypatch.setenv("PATH", str(tmp_path))  # neither espeak-ng nor ffmpeg to be found

    started = time.monotonic()
    call_command("load_demo", "--no-people", verbosity=0)

    assert time.monotonic() - started < 20
    assert get_document_model().objects.count() == documents
    assert {page.pk: page.latest_revision_id for page in demo_lectures()} == revisions


def test_a_lecture_without_media_gets_it_back_from_the_cache(monkeypatch, tmp_path):
    page = MicroLecturePage.objects.get(slug="red-boat-spirit")
    media, captions = page.media_file_id, page.captions_file_id
    MicroLecturePage.objects.filter(pk=page.pk).update(media_file=None, captions_file=None)
    # Made media comes from the cache (no espeak-ng, no ffmpeg); the import reads it with
    # ffprobe, as it reads an editor's media.
    (tmp_path / "ffprobe").symlink_to(shutil.which("ffprobe"))
    monkeypatch.setenv("PATH", str(tmp_path))

    call_command("load_demo", "--no-people", verbosity=0)

    page.refresh_from_db()
    assert (page.media_file_id, page.captions_file_id) == (media, captions)  # equal files reused
    assert page.live and not page.has_unpublished_changes
    assert page.latest_revision.content["media_file"] == media


def test_missing_tools_stop_the_demo_with_a_clear_message(monkeypatch, tmp_path):
    MicroLecturePage.objects.filter(slug="red-boat-spirit").update(
        media_file=None, captions_file=None
    )
    monkeypatch.setenv("DEMO_MEDIA_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("PATH", str(tmp_path))
    pages = Page.objects.count()

    with pytest.raises(CommandError) as raised:
        call_command("load_demo", "--no-people", verbosity=0)

    message = str(raised.value)
    assert "espeak-ng" in message and "ffmpeg" in message and "--no-media" in message
    assert Page.objects.count() == pages


def test_a_failing_tool_is_named_with_its_own_words(monkeypatch, tmp_path):
    espeak = tmp_path / "espeak-ng"
    espeak.write_text("#!/bin/sh\necho 'voice cmn not found' >&2\nexit 2\n")
    espeak.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    script = lecture_script(content.LECTURES[0])

    with pytest.raises(MediaToolError) as raised:
        make(script, tmp_path)

    assert "合成语音失败" in str(raised.value) and "voice cmn not found" in str(raised.value)
    assert not (tmp_path / f"{script.slug}-{script.key}").exists()


def test_media_is_made_once_then_taken_from_the_cache(monkeypatch, tmp_path):
    script = LectureScript(
        slug="cache-test",
        title="缓存测试",
        label="微党课",
        media_kind="audio",
        chapters=("第一节", "第二节"),
        transcript="同志们好，这是一堂测试课。我们先讲第一节的内容，说明缓存的作用。\n\n"
        "然后讲第二节，看看字幕和章节是否对得上。最后总结一下今天学到的东西。"
        "做出来的音频放在缓存目录里，下次加载演示内容时直接取用，不必再合成一遍。谢谢大家。",
    )
    made = make(script, tmp_path)
    assert 20 <= made.duration <= 60 and len(made.chapter_starts) == 2
    modified = made.media.stat().st_mtime_ns
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))

    again = make(script, tmp_path)

    assert again == made and again.media.stat().st_mtime_ns == modified


def test_sentences_are_cut_for_captions_on_a_phone():
    said = phrases(
        "同志们好，我是李晓岚。今天我们从一条小船讲起。\n\n他说：“苏区干部好作风，自带干粮去办公。”然后呢？"
    )
    assert said[:2] == ["同志们好，我是李晓岚。", "今天我们从一条小船讲起。"]
    assert "他说：“苏区干部好作风，自带干粮去办公。”" in said
    assert said[-1] == "然后呢？"
    sentence = (
        "1921年7月23日，中国共产党第一次全国代表大会在上海法租界望志路106号开幕，会议进行中。"
    )
    cut = phrases(sentence)
    assert len(cut) > 1 and "".join(cut) == sentence and all(len(part) <= 30 for part in cut)
