"""How history shows content that has since been deleted.

Events, records, registrations and assignment items keep the page's title when the page is
deleted; wherever they are listed, the title reads "已删除的内容：《…》" with no link.
"""

from __future__ import annotations

from django.utils.translation import gettext


def deleted_label(title: str) -> str:
    """The line shown for a deleted page, in the active language."""
    return gettext("已删除的内容：《%(title)s》") % {"title": title or "—"}


def title_or_deleted(page, kept_title: str) -> str:
    """The page's title while it exists; otherwise the kept title, marked deleted."""
    return page.title if page is not None else deleted_label(kept_title)
