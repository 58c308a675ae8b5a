"""The reading list as pages: ``reading_list`` loads the member's data, ranks it and
attaches the pages to the picks."""

from __future__ import annotations

from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from home.models import ContentPage
from learning.reading_list.data import Catalogue, Pick
from learning.reading_list.preferences import load_preferences
from learning.reading_list.queries import load_dismissed, load_member
from learning.reading_list.ranking import DEFAULT_LIMIT, newest_items, rank_items
from learning.reading_list.shared import SharedData, current_shared

# How many items the home page shows before "查看全部推荐".
HOME_LIMIT = 4


@dataclass
class ReadingItem:
    page: ContentPage
    reason: str
    score: float
    kind: str = ""
    tags: tuple[str, ...] = ()

    def as_json(self, request: HttpRequest | None = None) -> dict:
        return {
            "page": self.page.pk,
            "title": self.page.title,
            "url": self.page.get_url(request),
            "kind": self.kind,
            "topic": self.page.topic,
            "tags": list(self.tags),
            "reason": self.reason,
        }


class ReadingList(list[ReadingItem]):
    """The items, plus whether the member has no history yet and whether the list is
    personalised (the page explains the list)."""

    cold_start: bool = True
    personalised: bool = True


def reading_list(
    user: AbstractBaseUser | AnonymousUser,
    limit: int = DEFAULT_LIMIT,
    *,
    now: datetime | None = None,
    visible: QuerySet[ContentPage] | None = None,
    cards: bool = True,
    exclude: Set[int] = frozenset(),
    dismissed: Set[int] | None = None,
) -> ReadingList:
    """The member's ranked reading list: about seven queries, however long their history.

    The pages are loaded again through ``live().public()`` and without started events, so
    a catalogue a few minutes old can never show what is no longer allowed; if it missed
    something, it is rebuilt and the list ranked again. ``visible`` reuses a caller's
    ``live().public()`` queryset; ``cards=False`` skips cover images (the JSON needs none);
    ``exclude`` leaves pages out (the member's assigned items, which are listed apart);
    ``dismissed`` is the member's dismissed page ids when the caller has loaded them.
    """
    result = ReadingList()
    if not getattr(user, "is_authenticated", False) or limit <= 0:
        return result
    now = now or timezone.now()
    visible = visible if visible is not None else ContentPage.objects.visible()
    shared = current_shared()
    catalogue = shared.catalogue_of(visible)
    choose = chooser(user.pk, result, shared, now, limit, exclude, dismissed)
    for attempt in range(2):
        picks = choose(catalogue)
        if not picks:
            return result
        pages = pages_of(picks, visible, now, cards=cards)
        if len(pages) == len(picks) or attempt:
            break
        catalogue = shared.catalogue_of(visible, fresh=True)
    result.extend(
        ReadingItem(
            page=pages[pick.page_id],
            reason=pick.reason,
            score=pick.score,
            kind=catalogue.by_id[pick.page_id].kind,
            tags=catalogue.by_id[pick.page_id].tags,
        )
        for pick in picks
        if pick.page_id in pages
    )
    return result


def chooser(
    member_id: int,
    result: ReadingList,
    shared: SharedData,
    now: datetime,
    limit: int,
    exclude: Set[int],
    dismissed: Set[int] | None,
) -> Callable[[Catalogue], list[Pick]]:
    """How the member's picks are chosen from a catalogue, after loading what that needs
    (and noting on ``result`` whether the list is personalised, and a cold start)."""
    preferences = load_preferences(member_id)
    result.personalised = preferences.personalised
    if not preferences.personalised:
        result.cold_start = False
        if dismissed is None:
            dismissed = load_dismissed(member_id)
        ruled_out = set(dismissed) | set(exclude)
        return lambda catalogue: newest_items(catalogue, now=now, ruled_out=ruled_out, limit=limit)
    member = load_member(member_id, shared, now, dismissed, preferences.branch_id)
    result.cold_start = not member.history
    return lambda catalogue: rank_items(
        member.history,
        catalogue,
        now=now,
        co_studied=member.co_studied,
        branch_counts=member.branch_counts,
        dismissed=member.dismissed | set(exclude),
        limit=limit,
    )


def pages_of(
    picks: Sequence[Pick], visible: QuerySet[ContentPage], now: datetime, *, cards: bool
) -> dict[int, ContentPage]:
    """The picked pages that are still allowed: visible, and no event that has started.
    ``cards`` also loads their cover images."""
    pages_qs = (
        visible.filter(pk__in=[pick.page_id for pick in picks])
        .exclude(forumeventpage__starts_at__lte=now)
        .defer("body")
    )
    if cards:
        pages_qs = pages_qs.select_related("cover_image").prefetch_related(
            "cover_image__renditions"
        )
    return {page.pk: page for page in pages_qs}
