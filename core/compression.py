"""Gzip for text only: pages, JSON, scripts, SVG.

Django's ``GZipMiddleware`` (its random padding mitigates BREACH) compresses every response,
pictures and audio included: a JPEG does not shrink, and a gzipped MP3 loses its length and
with it seeking. Media keep their own encoding; WhiteNoise serves static files precompressed.
"""

from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import GZipMiddleware

TEXT_TYPES = (
    "text/",
    "application/json",
    "application/javascript",
    "application/xml",
    "application/manifest+json",
    "image/svg+xml",
)


class TextGZipMiddleware(GZipMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if not response.get("Content-Type", "").startswith(TEXT_TYPES):
            return response
        if response.status_code == 206:  # a part of a file: its offsets are of the bytes
            return response
        return super().process_response(request, response)
