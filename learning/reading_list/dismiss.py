"""不感兴趣 (dismissing): never show a page in the member's list again."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from core.text import parse_id
from home.models import ContentPage
from learning.event_log import as_page_id
from learning.models import Dismissal


class DismissError(ValueError):
    """A dismissal request that cannot be honoured; the message names the problem."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


def page_id_from_body(body: object) -> int:
    """The page id of a decoded ``{"page": <id>}`` body; a whole number, not a string."""
    if not isinstance(body, dict) or set(body) != {"page"}:
        raise DismissError("body", _('请求体必须是 {"page": <页面编号>}'))
    page_id = as_page_id(body["page"])
    if page_id is None:
        raise DismissError("page", _("必须是页面编号（正整数）"))
    return page_id


def page_id_from_form(value: str | None) -> int:
    """The page id posted by the 不感兴趣 button."""
    page_id = parse_id(value)
    if page_id is None:
        raise DismissError("page", _("必须是页面编号（正整数）"))
    return page_id


def dismiss(user: AbstractBaseUser, page_id: int) -> ContentPage:
    """Never show this page in the member's list again; dismissing twice changes nothing."""
    page = ContentPage.objects.visible().filter(pk=page_id).only("pk", "title").first()
    if page is None:
        raise DismissError("page", _("没有这个内容页（须为已发布页面的编号）"))
    Dismissal.objects.bulk_create([Dismissal(member=user, page=page)], ignore_conflicts=True)
    return page


def restore(user: AbstractBaseUser, page_id: int) -> bool:
    """Undo 不感兴趣: the page may be recommended again. False when the member had not
    dismissed it (someone else's dismissal is never touched)."""
    deleted, _by_model = Dismissal.objects.filter(member=user, page_id=page_id).delete()
    return deleted > 0


def dismissed_pages(user: AbstractBaseUser) -> list[Dismissal]:
    """The member's dismissals with their pages' titles, most recent first: one query, which
    also serves as the list's ``dismissed`` (each is one click, so there are never many)."""
    return list(
        Dismissal.objects.filter(member=user)
        .select_related("page")
        .only("id", "member_id", "created_at", "page__title", "page__topic")
        .order_by("-created_at", "-pk")
    )
