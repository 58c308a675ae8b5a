"""Shared data: catalogue, co-study, branches, kept per process for every member's list.

None of it depends on the member, so each process keeps it in memory (no pickling, no
cache size limit): the catalogue for CATALOGUE_SECONDS, co-study per seed page and
favourites per branch for their own times. A token in the shared cache ties them together:
publishing, unpublishing, moving, deleting or restricting a page replaces the token, and
every process starts afresh (so do tests, which clear the cache). ``forget_shared`` is
connected to those signals in ``learning.signal_handlers``.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from datetime import datetime

from django.core.cache import cache
from django.db.models import QuerySet

from home.models import ContentPage
from learning.reading_list.data import Catalogue, CoStudy
from learning.reading_list.queries import (
    load_catalogue,
    query_branch_favourites,
    query_co_studied,
)

CO_STUDY_CACHE_SECONDS = 60 * 60  # "studied X and Y" moves slowly: a seed is queried hourly
BRANCH_CACHE_SECONDS = 10 * 60
# The catalogue (live, public pages with topic, tags, kind) is built once per process and
# kept until a page is published, unpublished, moved or deleted, or this many seconds pass.
CATALOGUE_SECONDS = 5 * 60
# Bounds what a process keeps per seed page and per branch, whatever happens.
MEMO_MAX_ENTRIES = 50_000

CACHE_PREFIX = "reading-list"
SHARED_TOKEN_KEY = f"{CACHE_PREFIX}:shared-token"


class SharedData:
    """This process's copy of what every member's list is built from."""

    def __init__(self, token: str | None = None) -> None:
        self.token = token
        self.catalogue: Catalogue | None = None
        self.catalogue_built_at = 0.0
        self.co_study: dict[int, tuple[float, tuple[tuple[int, int], ...]]] = {}
        self.branches: dict[int, tuple[float, dict[int, int]]] = {}

    def catalogue_of(
        self, visible: QuerySet[ContentPage] | None = None, *, fresh: bool = False
    ) -> Catalogue:
        """The catalogue, rebuilt (two queries) when missing, old, or ``fresh`` is asked for."""
        young = time.monotonic() - self.catalogue_built_at < CATALOGUE_SECONDS
        if fresh or self.catalogue is None or not young:
            self.catalogue = load_catalogue(
                visible if visible is not None else ContentPage.objects.visible()
            )
            self.catalogue_built_at = time.monotonic()
        return self.catalogue

    def co_studied_with(self, seeds: Sequence[int]) -> list[CoStudy]:
        """Members who studied X also studied Y, for each seed X.

        Kept per seed for CO_STUDY_CACHE_SECONDS; the seeds not known yet are computed
        together in one query (about 3 ms a seed on PostgreSQL, from the index alone).
        """
        now = time.monotonic()
        pairs, missing = [], []
        for seed in seeds:
            known = self.co_study.get(seed)
            if known is not None and known[0] > now:
                pairs.extend(CoStudy(seed, item, together) for item, together in known[1])
            else:
                missing.append(seed)
        if missing:
            found: dict[int, list[tuple[int, int]]] = {seed: [] for seed in missing}
            for seed, item, together in query_co_studied(missing):
                found[seed].append((item, together))
                pairs.append(CoStudy(seed, item, together))
            if len(self.co_study) > MEMO_MAX_ENTRIES:
                self.co_study.clear()
            for seed, items in found.items():
                self.co_study[seed] = (now + CO_STUDY_CACHE_SECONDS, tuple(items))
        return pairs

    def branch_favourites(self, branch_id: int | None, now: datetime) -> dict[int, int]:
        """What a branch studied lately, page -> members (never who); kept per branch."""
        if branch_id is None:
            return {}
        clock = time.monotonic()
        known = self.branches.get(branch_id)
        if known is not None and known[0] > clock:
            return known[1]
        favourites = query_branch_favourites(branch_id, now)
        if len(self.branches) > MEMO_MAX_ENTRIES:
            self.branches.clear()
        self.branches[branch_id] = (clock + BRANCH_CACHE_SECONDS, favourites)
        return favourites


_shared = SharedData()


def current_shared() -> SharedData:
    """This process's shared data; started afresh when the shared token has changed."""
    global _shared
    token = cache.get(SHARED_TOKEN_KEY)
    if token is None:
        cache.add(SHARED_TOKEN_KEY, uuid.uuid4().hex, None)
        token = cache.get(SHARED_TOKEN_KEY)
    if _shared.token != token:
        _shared = SharedData(token)
    return _shared


def forget_shared(**kwargs: object) -> None:
    """Signal handler: the catalogue changed, so every process rebuilds what it keeps."""
    cache.set(SHARED_TOKEN_KEY, uuid.uuid4().hex, None)
