"""/documents/<id>/<name>: Wagtail's view with its privacy, answering byte ranges, inline for
media and captions, and never a Content-Encoding header."""

import pytest
from django.test import Client
from wagtail.utils import sendfile

from tests.factories import UserFactory, login
from tests.lectures.media import document

pytestmark = pytest.mark.django_db


@pytest.fixture
def wav(media):
    return document("瑞金讲座录音", "ruijin.wav", media["original.wav"])


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_range_of_a_document(wav, media):
    whole = media["original.wav"]
    response = Client().get(wav.url, headers={"Range": "bytes=0-99"})
    assert response.status_code == 206
    assert body(response) == whole[:100]
    assert response["Content-Length"] == "100"
    assert response["Content-Range"] == f"bytes 0-99/{len(whole)}"
    assert response["Content-Type"] == "audio/wav"
    assert response["Content-Disposition"].startswith("inline")
    assert "Content-Encoding" not in response


def test_suffix_and_open_ranges(wav, media):
    whole = media["original.wav"]
    client = Client()
    last = client.get(wav.url, headers={"Range": "bytes=-10"})
    assert (last.status_code, body(last)) == (206, whole[-10:])
    rest = client.get(wav.url, headers={"Range": "bytes=64000-"})
    assert (rest.status_code, body(rest)) == (206, whole[64000:])
    assert rest["Content-Range"] == f"bytes 64000-{len(whole) - 1}/{len(whole)}"


@pytest.mark.parametrize("header", ["bytes=999999-", "bytes=5-2", "bytes=x-y", "bytes=-0"])
def test_bad_ranges_are_416(wav, media, header):
    response = Client().get(wav.url, headers={"Range": header})
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(media['original.wav'])}"


def test_the_whole_document_takes_ranges_and_names_no_encoding(wav, media):
    response = Client().get(wav.url)
    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes"
    assert "Content-Encoding" not in response
    assert body(response) == media["original.wav"]


def test_if_range_with_an_old_etag_gets_the_whole_file(wav, media):
    client = Client()
    etag = client.get(wav.url)["ETag"]
    same = client.get(wav.url, headers={"Range": "bytes=0-9", "If-Range": etag})
    assert same.status_code == 206
    old = client.get(wav.url, headers={"Range": "bytes=0-9", "If-Range": '"0000"'})
    assert (old.status_code, body(old)) == (200, media["original.wav"])


def test_other_documents_are_still_attachments():
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    doc = get_document_model().objects.create(
        title="讲义", file=ContentFile(b"PK\x03\x04 slides", name="slides.pptx")
    )
    response = Client().get(doc.url, headers={"Range": "bytes=0-1"})
    assert response.status_code == 206
    assert response["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize("headers", [{}, {"Range": "bytes=0-99"}, {"Range": "bytes=-1"}])
def test_a_login_collection_keeps_its_media(media, login_collection, headers):
    doc = document("内部录音", "inside.wav", media["original.wav"], login_collection)
    response = Client().get(doc.url, headers=headers)
    assert response.status_code == 302
    assert "login" in response["Location"]
    member = login(UserFactory(username="dangyuan1"))
    assert member.get(doc.url, headers=headers).status_code in (200, 206)


@pytest.mark.parametrize("headers", [{}, {"Range": "bytes=0-99"}])
def test_a_password_collection_asks_first(media, password_collection, headers):
    doc = document("密码录音", "secret.wav", media["original.wav"], password_collection)
    response = Client().get(doc.url, headers=headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Content-Range" not in response
    assert media["original.wav"][:100] not in response.content


def test_a_wrong_name_or_id_is_a_404(wav):
    client = Client(raise_request_exception=False)
    assert client.get(f"/documents/{wav.pk}/other.wav").status_code == 404
    assert client.get("/documents/" + "9" * 30 + "/x.wav").status_code == 404
    assert client.get(f"/documents/{wav.pk}/", headers={"Range": "bytes=0-1"}).status_code == 404


def test_behind_nginx_the_file_is_named_not_sent(wav, settings):
    settings.SENDFILE_BACKEND = "core.sendfile_nginx"
    settings.SENDFILE_URL = "/protected-media/"
    settings.SENDFILE_ROOT = settings.MEDIA_ROOT
    sendfile._get_sendfile.clear()  # Wagtail keeps the backend it loaded first
    response = Client().get(wav.url, headers={"Range": "bytes=0-99"})
    sendfile._get_sendfile.clear()
    assert response.status_code == 200  # nginx answers the range
    assert response["X-Accel-Redirect"] == "/protected-media/" + wav.file.name
    assert response.content == b""
    assert response["Content-Length"] == "0"  # nginx sends the file's own
    assert "Content-Encoding" not in response
