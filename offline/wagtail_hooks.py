"""下载离线 on content pages: every lecture, and any page assigned to the member.

The action saves the page (its transcript is part of it), its audio or video file and its
pictures into the member's offline cache on the phone (``site/static/js/offline.js``), up to
``OFFLINE_DOWNLOAD_CAP_MB``. Logging out empties that cache.
"""

from __future__ import annotations

from django.conf import settings
from wagtail import hooks

from assignments.progress import member_assignments
from home.models import CONTENT_PAGE_CONTEXT_HOOK


def offered(page, user) -> bool:
    """Lectures always; other kinds while an open assignment of the member holds them."""
    if page.kind == "lecture":
        return True
    return member_assignments(user).filter(items__page=page).exists()


@hooks.register(CONTENT_PAGE_CONTEXT_HOOK)
def add_offline_download(page, request, context) -> None:
    if not request.user.is_authenticated or not offered(page, request.user):
        return
    media = getattr(page, "media_file", None)
    context["offline_download"] = {
        "media_url": media.url if media else "",
        "cap_mb": settings.OFFLINE_DOWNLOAD_CAP_MB,
    }
