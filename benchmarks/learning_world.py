"""A synthetic university for the learning benchmarks: pages, branches, members and their
learning histories, generated from a documented model (see benchmarks/README.md).

The model, in short:

* **Topics** are the 30 red-culture topics of ``search_bench``; some are far more popular
  than others (Zipf weights, exponent ``TOPIC_ZIPF``).
* **Pages** each have a topic, one to three other topics as tags, a kind (40 % lectures,
  25 % sites, 25 % stories, 10 % events), a publication time within the last 400 days, and an
  *appeal* (log-normal): some pages are studied far more than others, everywhere.
* **Branches** of equal size each have ``BRANCH_FOCUS_PAGES`` pages their members study
  together (what an organiser would put before them).
* **Members** belong to a branch and have one to three favourite topics, drawn by topic
  popularity, the first favoured most. Their activity (how many studies) is log-normal.
* **A study** picks, in this order of chances: going back to an unfinished page
  (``RESUME``), a branch focus page (``BRANCH``), a page of a favourite topic (the rest but
  ``EXPLORATION``), or any page (random exploration). Pages are weighed by appeal; a page is
  only studied after it was published and never again once finished.
* **Events of a study** follow the site's own reports: lectures send ``progressed`` steps
  (and a ``viewed`` figure), sites and stories send ``viewed`` seconds in 10–40 s reports,
  events a glance; some members press 学完了 (``completed``).
* **Time**: studies are spread over ``history_days`` before the split and ``future_days``
  after it. Events before the split are stored; those after it are the held-out truth.

Everything is drawn from one seed, member by member (each member has their own generator),
so the same arguments give the same world, and a member's history does not depend on how
many other members there are.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import math
import random
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

# --- the model's parameters ---------------------------------------------------------------
TOPIC_ZIPF = 0.8  # topic k (1-based, most popular first) has weight 1 / k ** TOPIC_ZIPF
APPEAL_SIGMA = 1.0  # page appeal ~ lognormal(0, APPEAL_SIGMA)
FAVOURITE_COUNTS = (1, 2, 3)  # how many favourite topics a member has, equally likely
FAVOURITE_WEIGHTS = (3.0, 2.0, 1.0)  # the first favourite is studied most
ACTIVITY_SIGMA = 0.8  # studies per member ~ mean * lognormal(-sigma²/2, sigma)
RESUME = 0.20  # chance a study goes back to the member's latest unfinished page
BRANCH = 0.08  # chance it is one of the branch's focus pages
EXPLORATION = 0.20  # of the remaining studies, the share that ignores favourite topics
BRANCH_FOCUS_PAGES = 5
PUBLISHED_WITHIN_DAYS = 400
KIND_SHARES = {"lecture": 0.40, "site": 0.25, "story": 0.25, "event": 0.10}
# Lectures: chance a member plays one to the end in one go; otherwise they stop part-way.
LECTURE_FINISH = 0.55
# Sites and stories: reading time per study ~ lognormal around READING_MEDIAN seconds.
READING_MEDIAN = 70.0
READING_SIGMA = 0.8
MARK_STUDIED = 0.08  # chance a study ends with the 学完了 button
CALIBRATION_SAMPLE = 1000  # members whose histories set the mean number of studies


def topic_names() -> list[str]:
    from benchmarks.search_bench import TAGS

    return list(TAGS)


@dataclass(frozen=True, slots=True)
class WorldPage:
    """What the model knows of a page; ``page_id`` is filled in once it is in the database."""

    number: int
    kind: str
    topic: str
    tags: tuple[str, ...]
    appeal: float
    published_at: datetime
    page_id: int = 0


@dataclass(frozen=True, slots=True)
class Member:
    number: int
    branch: int
    favourites: tuple[str, ...]
    activity: float  # multiplier of the mean number of studies


@dataclass(frozen=True, slots=True)
class Event:
    page: WorldPage
    verb: str
    value: float | None
    at: datetime


@dataclass
class WorldSize:
    members: int = 10_000
    pages: int = 2_000
    events: int = 1_000_000  # events stored (before the split)
    branches: int = 50
    history_days: int = 120
    future_days: int = 14
    seed: int = 1921


def rng_for(seed: int, *parts: object) -> random.Random:
    """An independent generator per purpose and member, so nothing depends on call order."""
    return random.Random(":".join(str(part) for part in (seed, *parts)))


def make_pages(size: WorldSize, split: datetime) -> list[WorldPage]:
    rng = rng_for(size.seed, "pages")
    topics = topic_names()
    weights = [1 / (rank + 1) ** TOPIC_ZIPF for rank in range(len(topics))]
    kinds = [kind for kind, share in KIND_SHARES.items() for _ in range(round(share * 100))]
    pages = []
    for number in range(size.pages):
        # Every topic has pages; popular topics have more.
        topic = topics[number] if number < len(topics) else rng.choices(topics, weights)[0]
        others = rng.sample([name for name in topics if name != topic], rng.randint(1, 3))
        minutes = rng.randint(60, PUBLISHED_WITHIN_DAYS * 24 * 60)
        pages.append(
            WorldPage(
                number=number,
                kind=rng.choice(kinds),
                topic=topic,
                tags=(topic, *others),
                appeal=rng.lognormvariate(0.0, APPEAL_SIGMA),
                published_at=split - timedelta(minutes=minutes),
            )
        )
    return pages


def make_members(size: WorldSize) -> list[Member]:
    rng = rng_for(size.seed, "members")
    topics = topic_names()
    weights = [1 / (rank + 1) ** TOPIC_ZIPF for rank in range(len(topics))]
    members = []
    for number in range(size.members):
        count = rng.choice(FAVOURITE_COUNTS)
        favourites: list[str] = []
        while len(favourites) < count:
            topic = rng.choices(topics, weights)[0]
            if topic not in favourites:
                favourites.append(topic)
        activity = rng.lognormvariate(-(ACTIVITY_SIGMA**2) / 2, ACTIVITY_SIGMA)
        members.append(Member(number, number % size.branches, tuple(favourites), activity))
    return members


class Weighted:
    """Draw pages by appeal (binary search over cumulative weights)."""

    def __init__(self, pages: Sequence[WorldPage]) -> None:
        self.pages = list(pages)
        self.cumulative = list(itertools.accumulate(page.appeal for page in self.pages))

    def draw(self, rng: random.Random) -> WorldPage | None:
        if not self.pages:
            return None
        point = rng.random() * self.cumulative[-1]
        return self.pages[min(bisect.bisect_right(self.cumulative, point), len(self.pages) - 1)]


@dataclass
class World:
    """The generated catalogue and members, and how a member's history unfolds."""

    size: WorldSize
    split: datetime
    pages: list[WorldPage]
    members: list[Member]
    studies_mean: float = 20.0  # calibrated by build_world
    everything: Weighted = field(init=False)
    by_topic: dict[str, Weighted] = field(init=False)
    branch_focus: list[list[WorldPage]] = field(init=False)

    def __post_init__(self) -> None:
        self.reindex()

    def reindex(self) -> None:
        self.everything = Weighted(self.pages)
        topics = sorted({page.topic for page in self.pages})
        self.by_topic = {
            topic: Weighted([page for page in self.pages if page.topic == topic])
            for topic in topics
        }
        rng = rng_for(self.size.seed, "branches")
        self.branch_focus = [
            [self.everything.draw(rng) for _ in range(BRANCH_FOCUS_PAGES)]
            for _ in range(self.size.branches)
        ]

    def with_page_ids(self, ids: Sequence[int]) -> None:
        """Attach the database ids of the pages (same order as ``pages``)."""
        self.pages = [
            dataclasses.replace(page, page_id=pk) for page, pk in zip(self.pages, ids, strict=True)
        ]
        self.reindex()

    def history(self, member: Member) -> Iterator[Event]:
        """The member's events in time order, before and after the split."""
        rng = rng_for(self.size.seed, "member", member.number)
        start = self.split - timedelta(days=self.size.history_days)
        span = (self.size.history_days + self.size.future_days) * 86400
        studies = max(1, round(self.studies_mean * member.activity))
        moments = sorted(start + timedelta(seconds=rng.random() * span) for _ in range(studies))
        finished: set[int] = set()
        progress: dict[int, float] = {}  # unfinished lectures: how far they got
        reading: dict[int, float] = {}  # sites and stories: seconds read so far
        unfinished: list[WorldPage] = []
        for at in moments:
            page = self.choose(member, rng, at, finished, unfinished)
            if page is None:
                continue
            events, done = self.study(page, rng, at, progress, reading)
            yield from events
            if done:
                finished.add(page.number)
                if page in unfinished:
                    unfinished.remove(page)
            elif page not in unfinished:
                unfinished.append(page)

    def choose(
        self,
        member: Member,
        rng: random.Random,
        at: datetime,
        finished: set[int],
        unfinished: list[WorldPage],
    ) -> WorldPage | None:
        if unfinished and rng.random() < RESUME:
            return unfinished[-1]
        for _attempt in range(5):
            roll = rng.random()
            if roll < BRANCH:
                page = rng.choice(self.branch_focus[member.branch])
            elif rng.random() < EXPLORATION:
                page = self.everything.draw(rng)
            else:
                topic = rng.choices(member.favourites, FAVOURITE_WEIGHTS[: len(member.favourites)])
                page = self.by_topic[topic[0]].draw(rng) if topic[0] in self.by_topic else None
            if page is not None and page.number not in finished and page.published_at < at:
                return page
        return None

    def study(
        self,
        page: WorldPage,
        rng: random.Random,
        at: datetime,
        progress: dict[int, float],
        reading: dict[int, float],
    ) -> tuple[list[Event], bool]:
        """The events one sitting sends, and whether the page is finished by it."""
        events: list[Event] = []

        def report(verb: str, value: float | None) -> None:
            nonlocal at
            events.append(Event(page, verb, value, at))
            at += timedelta(seconds=rng.randint(10, 40))

        done = False
        if page.kind == "lecture":
            reached = progress.get(page.number, 0.0)
            goal = 1.0 if rng.random() < LECTURE_FINISH else rng.uniform(reached, 0.85)
            steps = max(1, math.ceil((goal - reached) / 0.3))
            for step in range(1, steps + 1):
                report("progressed", round(reached + (goal - reached) * step / steps, 3))
            report("viewed", float(rng.randint(20, 240)))
            progress[page.number] = goal
            done = goal >= 0.9
        elif page.kind in ("site", "story"):
            seconds = min(rng.lognormvariate(math.log(READING_MEDIAN), READING_SIGMA), 1800)
            while seconds > 0:
                chunk = min(seconds, float(rng.randint(10, 40)))
                report("viewed", round(chunk))
                seconds -= chunk
            reading[page.number] = reading.get(page.number, 0.0) + sum(
                event.value or 0 for event in events
            )
            done = reading[page.number] >= 60
        else:
            for _ in range(rng.randint(1, 2)):
                report("viewed", float(rng.randint(5, 40)))
        if not done and rng.random() < MARK_STUDIED:
            report("completed", None)
            done = True
        return events, done


def build_world(size: WorldSize, split: datetime) -> World:
    """Pages and members, with the mean activity calibrated so that about ``size.events``
    events fall before the split (measured on a sample of members, then scaled)."""
    world = World(size, split, make_pages(size, split), make_members(size))
    sample = world.members[:CALIBRATION_SAMPLE]
    # Aim a little high: the whole population varies around the sample's figure.
    wanted = 1.01 * size.events * len(sample) / len(world.members)
    for _round in range(4):
        before = sum(1 for member in sample for e in world.history(member) if e.at < split)
        if before == 0 or abs(before - wanted) / wanted < 0.005:
            break
        world.studies_mean *= wanted / before
    return world


def client_id(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)
