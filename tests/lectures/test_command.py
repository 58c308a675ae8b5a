"""``manage.py transcode_lectures``: the work in the foreground, lecture by lecture."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from lectures.models import EncodingState, MediaEncoding
from tests.factories import MicroLecturePageFactory
from tests.lectures.conftest import make_document

pytestmark = pytest.mark.django_db


def transcode(*args) -> str:
    out = StringIO()
    call_command("transcode_lectures", *args, stdout=out)
    return out.getvalue()


def test_one_page_then_again_then_forced(small_video):
    document = make_document(small_video)
    lecture = MicroLecturePageFactory(title="命令行转码", media_file=document)

    first = transcode("--page", str(lecture.pk))
    assert "命令行转码" in first and "可播放" in first
    encoding = MediaEncoding.objects.get(document=document)
    assert (encoding.state, encoding.attempts) == (EncodingState.READY, 1)

    assert "已是最新" in transcode("--page", str(lecture.pk))
    assert MediaEncoding.objects.get(document=document).attempts == 1

    transcode("--page", str(lecture.pk), "--force")
    assert MediaEncoding.objects.get(document=document).attempts == 2


def test_without_page_only_missing_or_stale(small_video, corrupt_mp4):
    good = MicroLecturePageFactory(title="好文件", media_file=make_document(small_video))
    bad = MicroLecturePageFactory(title="坏文件", media_file=make_document(corrupt_mp4))
    transcode("--page", str(good.pk))

    output = transcode()

    assert "好文件" in output and "已是最新" in output.split("好文件")[1].splitlines()[0]
    bad_line = next(line for line in output.splitlines() if "坏文件" in line)
    assert "失败：" in bad_line
    assert MediaEncoding.objects.get(document=bad.media_file).state == EncodingState.FAILED


def test_a_bad_page_id_is_a_clear_error():
    with pytest.raises(CommandError, match="没有 id 为 999999"):
        transcode("--page", "999999")
