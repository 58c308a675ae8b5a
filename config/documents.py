"""Documents as Wagtail serves them (its privacy hooks, password form and ETag), plus what
players need: byte ranges, ``inline`` for audio, video and captions
(``WAGTAILDOCS_INLINE_CONTENT_TYPES``), and no ``Content-Encoding`` header (Wagtail's
sendfile writes the literal ``None``, or ``gzip`` for a ``.tar.gz``, which a browser would
then unpack).
"""

from django.http import HttpRequest, HttpResponse
from wagtail.documents.views.serve import serve

from core.byteranges import ranged


def serve_document(request: HttpRequest, document_id: int, document_filename: str) -> HttpResponse:
    response = serve(request, document_id, document_filename)
    if "Content-Encoding" in response:
        del response["Content-Encoding"]
    if "X-Accel-Redirect" in response and "Content-Length" in response:
        del response["Content-Length"]  # nginx measures the file itself
    return ranged(request, response)
