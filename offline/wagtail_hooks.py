"""下载离线 on content pages: every lecture, and any page assigned to the member.

The action saves the page (its transcript is part of it), its audio or video file and its
pictures into the member's offline cache on the phone (``site/static/js/offline.js``), up to
``OFFLINE_DOWNLOAD_CAP_MB``. The page is saved as a visitor sees it (``/offline/copy/<id>/``),
never the member's own render. Logging out, or the session ending any other way, empties that
cache; a shared phone (这是公用手机) is offered no download.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from wagtail import hooks

from assignments.progress import member_assignments
from home.models import CONTENT_PAGE_CONTEXT_HOOK
from home.page_parts import PAGE_PARTS_HOOK, PagePart, Slot
from members.sessions import is_shared_phone


def offered(page, user, context) -> bool:
    """Lectures always; other kinds while an open assignment of the member holds them. The
    reflection's share boxes (``assignments``, earlier in the hook order) already list the
    member's open assignments holding the page: no query more when they are there."""
    if page.kind == "lecture":
        return True
    choices = context.get("reflection_share_choices")
    if choices is not None:
        return any(choice.can_share for choice in choices)
    return member_assignments(user).filter(items__page=page).exists()


# After the other apps' context hooks (order 0), so the share boxes are in the context.
@hooks.register(CONTENT_PAGE_CONTEXT_HOOK, order=100)
def add_offline_download(page, request, context) -> None:
    if not request.user.is_authenticated or is_shared_phone(request.session):
        return
    if not offered(page, request.user, context):
        return
    # What the saved copy's player plays: the 360p MP4 or AAC rendition while current, else
    # the uploaded file (lectures.playback).
    playback = getattr(page, "playback", None)
    context["offline_download"] = {
        "copy_url": reverse("offline:copy", args=[page.pk]),
        "media_url": playback.src if playback else "",
        "cap_mb": settings.OFFLINE_DOWNLOAD_CAP_MB,
    }


# offline.js and what it shows on every page; 下载离线 after 我的学习 on content pages.
@hooks.register(PAGE_PARTS_HOOK)
def offline_parts() -> list[PagePart]:
    return [
        PagePart(Slot.HEAD, 100, "offline/script.html"),
        PagePart(Slot.BODY_TOP, 100, "offline/ui.html"),
        PagePart(Slot.CONTENT_SECTIONS, 300, "offline/download.html"),
    ]
