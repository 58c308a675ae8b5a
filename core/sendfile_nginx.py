"""Files handed to nginx (``X-Accel-Redirect``) once Django has decided who may have them.

With ``MEDIA_ACCEL_REDIRECT=1`` this module is ``SENDFILE_BACKEND``: Wagtail's document view
and the lectures' rendition view check privacy, then answer with an empty response naming
the file under ``SENDFILE_URL`` (an ``internal`` nginx location on ``MEDIA_ROOT``), and
nginx sends it, ranges included. Without it Django streams the file itself
(``core.byteranges``).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse


def accel_path(filename: str) -> str:
    """The internal URL of ``filename``, a path inside ``MEDIA_ROOT``."""
    root = Path(getattr(settings, "SENDFILE_ROOT", settings.MEDIA_ROOT)).resolve()
    path = Path(filename).resolve()
    if not path.is_relative_to(root):
        raise Http404
    relative = path.relative_to(root).as_posix()
    url = getattr(settings, "SENDFILE_URL", "/protected-media/")
    return url.rstrip("/") + "/" + quote(relative)


def sendfile(request: HttpRequest, filename: str, mimetype: str | None = None, **kwargs):
    """Wagtail's ``SENDFILE_BACKEND`` interface (``wagtail.utils.sendfile``)."""
    if not os.path.exists(filename):
        raise Http404
    response = HttpResponse(content_type=mimetype or "application/octet-stream")
    response["X-Accel-Redirect"] = accel_path(filename)
    return response


def enabled() -> bool:
    return getattr(settings, "SENDFILE_BACKEND", "") == __name__
