"""Captions and chapters as WebVTT tracks, for lectures the request may see; and the
captions an editor may attach."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from wagtail.models import PageViewRestriction

from tests.factories import MicroLecturePageFactory, UserFactory, login
from tests.lectures.media import document

pytestmark = pytest.mark.django_db

SRT = "1\n00:00:00,500 --> 00:00:01,500\n第一句\n\n2\n00:00:02,000 --> 00:00:03,000\n第二句\n"


def test_captions_are_served_as_webvtt(lecture):
    response = Client().get(f"/lectures/{lecture.pk}/captions.vtt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/vtt; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("WEBVTT")
    assert "00:00:00.000 --> 00:00:02.000\n同志们好，今天学习瑞金精神。" in text


def test_srt_captions_become_webvtt(lecture):
    lecture.captions_file = document("SRT 字幕", "ruijin.srt", SRT.encode())
    lecture.save_revision().publish()
    text = Client().get(f"/lectures/{lecture.pk}/captions.vtt").content.decode()
    assert "00:00:00.500 --> 00:00:01.500\n第一句" in text


def test_chapters_track(lecture):
    response = Client().get(f"/lectures/{lecture.pk}/chapters.vtt")
    assert response["Content-Type"] == "text/vtt; charset=utf-8"
    text = response.content.decode()
    assert "00:00:00.000 --> 00:00:02.000\n开场" in text
    assert "00:00:02.000 --> 00:00:04.000\n第二部分" in text


def test_no_tracks_for_what_is_not_there():
    client = Client(raise_request_exception=False)
    bare = MicroLecturePageFactory(slug="bare-lecture")
    assert client.get(f"/lectures/{bare.pk}/captions.vtt").status_code == 404
    assert client.get(f"/lectures/{bare.pk}/chapters.vtt").status_code == 404
    assert client.get("/lectures/99999999/captions.vtt").status_code == 404
    assert client.get("/lectures/" + "9" * 30 + "/chapters.vtt").status_code == 404
    home = bare.get_parent()
    assert client.get(f"/lectures/{home.pk}/chapters.vtt").status_code == 404


def test_a_draft_or_restricted_lecture_has_no_tracks(lecture):
    client = Client()
    PageViewRestriction.objects.create(page=lecture, restriction_type=PageViewRestriction.LOGIN)
    for track in ("captions", "chapters"):
        assert client.get(f"/lectures/{lecture.pk}/{track}.vtt").status_code == 404
    member = login(UserFactory(username="dangyuan4"))
    response = member.get(f"/lectures/{lecture.pk}/captions.vtt")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    lecture.unpublish()
    assert member.get(f"/lectures/{lecture.pk}/captions.vtt").status_code == 404


def test_private_captions_are_kept(lecture, login_collection, password_collection):
    captions = lecture.captions_file
    captions.collection = password_collection
    captions.save()
    client = Client()
    assert client.get(f"/lectures/{lecture.pk}/captions.vtt").status_code == 404
    captions.collection = login_collection
    captions.save()
    assert client.get(f"/lectures/{lecture.pk}/captions.vtt").status_code == 404
    member = login(UserFactory(username="dangyuan5"))
    assert member.get(f"/lectures/{lecture.pk}/captions.vtt").status_code == 200
    assert client.get(f"/lectures/{lecture.pk}/chapters.vtt").status_code == 200


def test_a_broken_captions_file_is_a_404_not_a_500(lecture):
    lecture.captions_file.file.save("broken.vtt", __import__("io").BytesIO(b"\xff\xfe"), save=True)
    client = Client(raise_request_exception=False)
    assert client.get(f"/lectures/{lecture.pk}/captions.vtt").status_code == 404


def problems(lecture) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        lecture.full_clean()
    return caught.value.message_dict.get("captions_file", [])


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("gbk.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n中文\n".encode("gbk"), "UTF-8"),
        (
            "order.srt",
            b"1\n00:00:02,000 --> 00:00:03,000\na\n\n2\n00:00:01,000 --> 00:00:01,500\nb\n",
            "第 2 条字幕的开始时间早于上一条",
        ),
        ("long.vtt", b"WEBVTT\n\n00:00:01.000 --> 00:01:00.000\nx\n", "超出了音视频的时长"),
        ("slides.pdf", b"%PDF-1.4", "WebVTT（.vtt）或 SRT（.srt）"),
        ("bad.vtt", b"WEBVTT\n\n00:00:01 --> 00:00:02\nx\n", "时间无法识别"),
        ("empty.vtt", b"WEBVTT\n", "没有任何字幕"),
    ],
)
def test_an_editor_is_told_what_is_wrong(lecture, name, data, message):
    lecture.captions_file = document("字幕", name, data)
    found = problems(lecture)
    assert found and message in found[0], found


def test_the_encoding_length_bounds_captions_when_the_page_has_none(lecture, encoding):
    lecture.duration_seconds = None
    lecture.captions_file = document(
        "字幕", "long.vtt", b"WEBVTT\n\n00:00:01.000 --> 00:00:09.000\nx\n"
    )
    assert "超出了音视频的时长" in problems(lecture)[0]
    lecture.captions_file = document(
        "字幕", "ok.vtt", b"WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nx\n"
    )
    lecture.full_clean()
