"""The document form refuses audio and video that is too large or not what its extension
says, from the size and the first bytes only (no ffmpeg in a request)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents import get_document_model
from wagtail.models import Collection

from tests.factories import login

pytestmark = pytest.mark.django_db

Document = get_document_model()


def upload(client, name: str, content: bytes):
    return client.post(
        "/admin/documents/add/",
        {
            "title": name,
            "collection": Collection.get_first_root_node().pk,
            "tags": "",
            "file": SimpleUploadedFile(name, content),
        },
    )


def errors_of(response) -> str:
    return " ".join(str(e) for e in response.context["form"].errors.get("file", []))


def test_real_media_is_accepted(reviewer, small_video, quiet_speech):
    client = login(reviewer)
    assert upload(client, "ke.mp4", small_video.read_bytes()).status_code == 302
    assert upload(client, "yin.wav", quiet_speech.read_bytes()).status_code == 302
    assert Document.objects.filter(title__in=["ke.mp4", "yin.wav"]).count() == 2


def test_oversize_media_is_refused(reviewer, small_video, settings):
    settings.MEDIA_MAX_UPLOAD_MB = 0
    response = upload(login(reviewer), "da.mp4", small_video.read_bytes())
    assert response.status_code == 200
    assert "不能超过 0 MB" in errors_of(response)
    assert not Document.objects.filter(title="da.mp4").exists()


def test_other_files_ignore_the_media_limit(reviewer, settings):
    settings.MEDIA_MAX_UPLOAD_MB = 0
    assert upload(login(reviewer), "ziliao.pdf", b"%PDF-1.4 x" * 200).status_code == 302


@pytest.mark.parametrize(
    ("name", "content", "real"),
    [
        ("jiang.mp4", b"%PDF-1.4 a renamed document", "PDF 文档"),
        ("yin.mp3", b"RIFF\x24\x00\x00\x00WAVEfmt ", "WAV 音频"),
        ("shi.webm", b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00", "MP4/MOV/M4A 音视频"),
        ("ke.mov", b"\x89PNG\r\n\x1a\n0000", "PNG 图片"),
        ("ke.mkv", b"just some text, nothing more", "无法识别的格式"),
    ],
)
def test_an_extension_that_lies_is_refused_naming_the_real_type(reviewer, name, content, real):
    response = upload(login(reviewer), name, content)
    assert response.status_code == 200
    message = errors_of(response)
    assert real in message and f".{name.rsplit('.', 1)[1]}" in message
