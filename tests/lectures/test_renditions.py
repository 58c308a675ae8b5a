"""/lectures/media/<document>/<hash>/<name>: only a current encoding's listed files, to whoever
may have the document, with byte ranges and the players' content types."""

import pytest
from django.test import Client

from lectures.models import EncodingState
from lectures.playback import rendition_url
from tests.factories import UserFactory, login
from tests.lectures.media import MASTER, MP4, document, encode

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        (MP4, "video/mp4"),
        (MASTER, "application/vnd.apple.mpegurl"),
        ("360p.m3u8", "application/vnd.apple.mpegurl"),
        ("360p_000.ts", "video/mp2t"),
        ("audio.m4a", "audio/mp4"),
    ],
)
def test_listed_files_are_served_with_their_type(encoding, media, name, content_type):
    response = Client().get(rendition_url(encoding, name))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Accept-Ranges"] == "bytes"
    assert body(response) == media[name]
    assert "immutable" in response["Cache-Control"] and "public" in response["Cache-Control"]


def test_ranges_of_a_rendition(encoding, media):
    url = rendition_url(encoding, MP4)
    client = Client()
    first = client.get(url, headers={"Range": "bytes=0-99"})
    assert (first.status_code, body(first)) == (206, media[MP4][:100])
    assert first["Content-Length"] == "100"
    assert first["Content-Type"] == "video/mp4"
    last = client.get(url, headers={"Range": "bytes=-100"})
    assert (last.status_code, body(last)) == (206, media[MP4][-100:])
    bad = client.get(url, headers={"Range": "bytes=99999999-"})
    assert (bad.status_code, bad["Content-Range"]) == (416, f"bytes */{len(media[MP4])}")
    etag = client.get(url)["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    stale = client.get(url, headers={"Range": "bytes=0-9", "If-Range": '"other"'})
    assert stale.status_code == 200


def test_a_logged_in_member_gets_the_same_shared_file(encoding):
    response = login(UserFactory(username="dangyuan2")).get(rendition_url(encoding, MP4))
    assert "public" in response["Cache-Control"]
    assert "no-store" not in response["Cache-Control"]


def test_names_not_listed_are_404(encoding, media):
    client = Client(raise_request_exception=False)
    base = rendition_url(encoding, MP4).rsplit("/", 1)[0]
    for name in ["original.wav", "../360p.mp4", "..%2F360p.mp4", "x/../360p.mp4", "nope.mp4", ""]:
        assert client.get(f"{base}/{name}").status_code == 404, name
    wrong_hash = rendition_url(encoding, MP4).replace(encoding.source_hash[:12], "0" * 12)
    assert client.get(wrong_hash).status_code == 404
    assert client.get("/lectures/media/" + "9" * 40 + "/abc/360p.mp4").status_code == 404


def test_nothing_while_the_encoding_is_not_current(encoding, video_doc):
    url = rendition_url(encoding, MP4)
    encoding.state = EncodingState.FAILED
    encoding.save()
    assert Client().get(url).status_code == 404
    encoding.state = EncodingState.READY
    encoding.save()
    video_doc.file_hash = "f" * 40  # the editor replaced the file
    video_doc.save()
    assert Client().get(url).status_code == 404


def test_the_folder_is_not_served_from_media(encoding):
    client = Client(raise_request_exception=False)
    assert client.get(f"/media/{encoding.folder}{MP4}").status_code == 404


@pytest.mark.parametrize("headers", [{}, {"Range": "bytes=0-99"}])
def test_a_private_document_keeps_its_renditions(media, login_collection, headers):
    doc = document("内部视频", "inside.mp4", media[MP4], login_collection)
    encoding = encode(doc, media)
    url = rendition_url(encoding, MP4)
    response = Client().get(url, headers=headers)
    assert response.status_code == 302 and "login" in response["Location"]
    member = login(UserFactory(username="dangyuan3"))
    allowed = member.get(url, headers=headers)
    assert allowed.status_code in (200, 206)
    assert "no-store" in allowed["Cache-Control"]


@pytest.mark.parametrize("headers", [{}, {"Range": "bytes=0-99"}])
def test_a_password_document_asks_first(media, password_collection, headers):
    doc = document("密码视频", "secret.mp4", media[MP4], password_collection)
    response = Client().get(rendition_url(encode(doc, media), "360p_000.ts"), headers=headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert media["360p_000.ts"][:100] not in response.content


@pytest.mark.parametrize("headers", [{}, {"Range": "bytes=0-99"}])
def test_a_group_document_refuses_others(media, group_collection, editor, headers):
    """Wagtail sends whoever is outside the group to the login page, member or not."""
    doc = document("编辑视频", "editors.mp4", media[MP4], group_collection)
    urls = [doc.url, rendition_url(encode(doc, media), MP4)]
    member = login(UserFactory(username="dangyuan7"))
    client = Client(raise_request_exception=False)
    for url in urls:
        assert member.get(url, headers=headers).status_code == 302, url
        assert client.get(url, headers=headers).status_code == 302, url
        assert login(editor).get(url, headers=headers).status_code in (200, 206), url


def test_behind_nginx_a_rendition_is_named_not_sent(encoding, settings):
    settings.SENDFILE_BACKEND = "core.sendfile_nginx"
    settings.SENDFILE_URL = "/protected-media/"
    settings.SENDFILE_ROOT = settings.MEDIA_ROOT
    response = Client().get(rendition_url(encoding, MP4), headers={"Range": "bytes=0-99"})
    assert response.status_code == 200  # nginx answers the range
    assert response["X-Accel-Redirect"] == f"/protected-media/{encoding.folder}{MP4}"
    assert response["Content-Type"] == "video/mp4"
    assert "immutable" in response["Cache-Control"]
