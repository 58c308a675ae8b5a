"""Byte ranges on file responses: phones seek in audio and video by asking for a part.

``ranged(request, response)`` takes a whole-file 200 (a ``FileResponse`` over a local file
or a Django storage file: anything that seeks) and answers a single ``Range: bytes=a-b``,
``a-`` or ``-n`` with 206 and that part, a malformed or unsatisfiable bytes range with 416
(``Content-Range: bytes */size``), and everything else with the whole file. Every 200 says
``Accept-Ranges: bytes``. ``If-Range`` with an ETag or date the file no longer has gets the
whole file, so a player never splices two versions. Several ranges in one request get the
whole file too (allowed by RFC 9110, and no player asks for them).

A response nginx will fill (``X-Accel-Redirect``, ``core.sendfile_nginx``) is left alone:
nginx answers ranges itself.
"""

from __future__ import annotations

import re

from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotModified,
    StreamingHttpResponse,
)

from core import sendfile_nginx

CHUNK = 64 * 1024
SINGLE_RANGE = re.compile(r"^bytes=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)
MAX_DIGITS = 18
# Headers of the whole file that stay on a part of it.
KEPT_HEADERS = (
    "Content-Type",
    "Content-Disposition",
    "ETag",
    "Last-Modified",
    "Cache-Control",
    "Expires",
    "X-Content-Type-Options",
    "Content-Security-Policy",
    "Vary",
)


class Unsatisfiable(Exception):
    pass


def requested_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) byte of a single bytes range, None for the whole file; raises
    ``Unsatisfiable`` for a bytes range that is malformed or lies past the end."""
    header = header.strip()
    if not header.lower().startswith("bytes="):
        return None  # another unit: ignored
    if "," in header:
        return None  # several ranges: the whole file
    match = SINGLE_RANGE.match(header)
    if not match:
        raise Unsatisfiable
    first, last = match.groups()
    if len(first) > MAX_DIGITS or len(last) > MAX_DIGITS or not (first or last):
        raise Unsatisfiable
    if not first:  # the last n bytes
        count = int(last)
        if count == 0 or size == 0:
            raise Unsatisfiable
        return max(0, size - count), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if start >= size or end < start:
        raise Unsatisfiable
    return start, min(end, size - 1)


def if_range_holds(request: HttpRequest, response: HttpResponse) -> bool:
    """No If-Range, or one naming the response's strong ETag or exact Last-Modified."""
    condition = request.headers.get("If-Range", "").strip()
    if not condition:
        return True
    if condition.startswith(('"', "W/")):
        etag = response.get("ETag", "")
        return bool(etag) and not etag.startswith("W/") and condition == etag
    return condition == response.get("Last-Modified")


def file_size(response: HttpResponse) -> int | None:
    length = response.get("Content-Length", "")
    if length.isdigit():
        return int(length)
    filelike = getattr(response, "file_to_stream", None)
    size = getattr(filelike, "size", None)
    return size if isinstance(size, int) else None


def _part(filelike, start: int, length: int):
    filelike.seek(start)
    while length > 0:
        chunk = filelike.read(min(CHUNK, length))
        if not chunk:
            return
        length -= len(chunk)
        yield chunk


def _derived(response: HttpResponse, status: int, content=None) -> HttpResponse:
    if content is None:
        derived = HttpResponse(status=status)
    else:
        derived = StreamingHttpResponse(content, status=status)
    for name in KEPT_HEADERS:
        if name in response:
            derived[name] = response[name]
    derived["Accept-Ranges"] = "bytes"
    for attribute in ("_csp_update", "_csp_replace", "_csp_exempt", "shared_by_design"):
        if hasattr(response, attribute):
            setattr(derived, attribute, getattr(response, attribute))
    return derived


def ranged(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """``response`` (a whole file) answering the request's byte range, if it asks for one."""
    filelike = getattr(response, "file_to_stream", None)
    size = file_size(response)
    if response.status_code != 200 or filelike is None or size is None:
        return response  # not a whole file (a login redirect, a password form, nginx's)
    response["Accept-Ranges"] = "bytes"
    header = request.headers.get("Range")
    if not header or request.method not in ("GET", "HEAD"):
        return response
    if not if_range_holds(request, response):
        return response
    try:
        part = requested_range(header, size)
    except Unsatisfiable:
        filelike.close()
        refused = _derived(response, 416)
        del refused["Content-Type"]
        del refused["Content-Disposition"]
        refused["Content-Range"] = f"bytes */{size}"
        return refused
    if part is None:
        return response
    start, end = part
    partial = _derived(response, 206, _part(filelike, start, end - start + 1))
    partial._resource_closers.append(filelike.close)
    response.file_to_stream = None  # the part owns the file now
    partial["Content-Range"] = f"bytes {start}-{end}/{size}"
    partial["Content-Length"] = str(end - start + 1)
    return partial


def serve_stored(request: HttpRequest, storage, name: str, content_type: str, etag: str):
    """A file from a Django storage with its ETag (``"…"``), conditional GET and ranges; via
    nginx when ``core.sendfile_nginx`` is the backend and the storage has local paths."""
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
        response["ETag"] = etag
        return response
    if sendfile_nginx.enabled():
        try:
            path = storage.path(name)
        except NotImplementedError:
            path = None
        if path:
            response = sendfile_nginx.sendfile(request, path, mimetype=content_type)
            response["ETag"] = etag
            return response
    try:
        handle = storage.open(name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    response["ETag"] = etag
    return ranged(request, response)
