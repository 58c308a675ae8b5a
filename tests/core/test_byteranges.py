"""core.byteranges: single byte ranges on whole-file responses, from any file that seeks."""

import io

import pytest
from django.core.files.base import ContentFile
from django.http import FileResponse, HttpResponse
from django.test import RequestFactory

from core.byteranges import Unsatisfiable, ranged, requested_range

DATA = bytes(range(256)) * 4  # 1024 bytes
SIZE = len(DATA)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-99", (0, 99)),
        ("bytes=100-", (100, SIZE - 1)),
        ("bytes=-100", (SIZE - 100, SIZE - 1)),
        ("bytes=-5000", (0, SIZE - 1)),
        ("bytes=1000-5000", (1000, SIZE - 1)),
        ("Bytes=5-9", (5, 9)),
        ("items=0-9", None),  # another unit: ignored
        ("bytes=0-9,20-29", None),  # several ranges: the whole file
    ],
)
def test_ranges_read(header, expected):
    assert requested_range(header, SIZE) == expected


@pytest.mark.parametrize(
    "header",
    [
        "bytes=",
        "bytes=-",
        "bytes=abc",
        "bytes=9-5",
        "bytes=1024-",
        "bytes=-0",
        "bytes=5-x",
        "bytes=" + "9" * 40 + "-",
    ],
)
def test_malformed_or_past_the_end(header):
    with pytest.raises(Unsatisfiable):
        requested_range(header, SIZE)


def test_nothing_in_an_empty_file_is_satisfiable():
    with pytest.raises(Unsatisfiable):
        requested_range("bytes=0-", 0)


def respond(filelike=None, **headers):
    request = RequestFactory().get("/file", headers=headers)
    response = FileResponse(filelike or io.BytesIO(DATA), content_type="video/mp4")
    response["ETag"] = '"abc"'
    response["Last-Modified"] = "Mon, 07 Dec 2026 10:00:00 GMT"
    return ranged(request, response)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_part_from_a_django_file():
    response = respond(ContentFile(DATA, name="x.mp4"), Range="bytes=0-99")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 0-99/{SIZE}"
    assert response["Content-Length"] == "100"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "video/mp4"
    assert response["ETag"] == '"abc"'
    assert body(response) == DATA[:100]


def test_the_whole_file_says_it_takes_ranges():
    response = respond()
    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes"
    assert body(response) == DATA


def test_416_names_the_size():
    response = respond(Range="bytes=2000-")
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{SIZE}"


@pytest.mark.parametrize(
    ("condition", "status"),
    [
        ('"abc"', 206),
        ('"old"', 200),
        ('W/"abc"', 200),  # a weak tag never matches
        ("Mon, 07 Dec 2026 10:00:00 GMT", 206),
        ("Sun, 06 Dec 2026 10:00:00 GMT", 200),
    ],
)
def test_if_range(condition, status):
    response = respond(Range="bytes=10-19", **{"If-Range": condition})
    assert response.status_code == status
    assert body(response) == (DATA[10:20] if status == 206 else DATA)


def test_other_answers_are_left_alone():
    request = RequestFactory().get("/file", headers={"Range": "bytes=0-9"})
    page = HttpResponse("<p>密码</p>")
    assert ranged(request, page) is page
    assert "Accept-Ranges" not in page
    accel = HttpResponse()
    accel["X-Accel-Redirect"] = "/protected-media/x.mp4"
    assert ranged(request, accel).status_code == 200
