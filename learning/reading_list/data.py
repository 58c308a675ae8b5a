"""Plain data for the pure ranking: the member's history, the catalogue, co-study, picks."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One of the member's learning records, with the page's topic and tags."""

    page_id: int
    title: str
    topic: str
    last_seen_at: datetime
    total_seconds: int = 0
    best_progress: float = 0.0
    completed: bool = False
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Candidate:
    """A live, public page that could be recommended."""

    page_id: int
    topic: str
    kind: str
    published_at: datetime | None
    tags: tuple[str, ...] = ()
    starts_at: datetime | None = None  # events only
    featured_rank: int | None = None  # position among the home page's featured items


@dataclass(frozen=True, slots=True)
class CoStudy:
    """``together`` members studied both ``seed`` (which the member studied) and ``item``."""

    seed: int
    item: int
    together: int


@dataclass(frozen=True, slots=True)
class Pick:
    page_id: int
    reason: str
    score: float


class Catalogue:
    """Candidates with the indexes ranking needs; built once, shared by every member."""

    def __init__(self, candidates: Iterable[Candidate]) -> None:
        # Newest first: the order of "freshness", and of the fallback for exploration.
        self.candidates = sorted(
            candidates,
            key=lambda c: (c.published_at.timestamp() if c.published_at else 0.0, c.page_id),
            reverse=True,
        )
        self.by_id = {candidate.page_id: candidate for candidate in self.candidates}
        self.by_topic: dict[str, list[Candidate]] = defaultdict(list)
        self.by_tag: dict[str, list[Candidate]] = defaultdict(list)
        for candidate in self.candidates:
            self.by_topic[candidate.topic].append(candidate)
            for tag in set(candidate.tags):
                self.by_tag[tag].append(candidate)
        self.featured = [c for c in self.candidates if c.featured_rank is not None]
        # A tag on most of the catalogue (党史学习) says little: weigh tags by rarity.
        size = max(len(self.candidates), 1)
        self.rarity = {
            tag: math.log(1 + size / len(pages)) for tag, pages in self.by_tag.items() if pages
        }

    def __len__(self) -> int:
        return len(self.candidates)
