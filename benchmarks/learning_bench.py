"""Reading list quality and learning speed on a synthetic university (issue: members and
learning history, scope 6).

Builds one world (``learning_world``: 10,000 members, 2,000 pages, 1,000,000 stored events by
default) in a scratch database, then prints:

1. **Quality**, with a time-ordered split: the reading list each member gets at the split
   (the real ``learning.reading_list.items.reading_list``, topic cap in force) is compared
   with what they went on to study afterwards: recall@10 and nDCG@10 against a most-popular
   baseline, the average number of distinct topics in a list, and catalogue coverage.
2. **Speed**: p50/p95 time to build one member's reading list, and the event-ingest rate
   through ``POST /api/learning/events/`` (Django's test client with CSRF checks on).

Run from the project root::

    python benchmarks/learning_bench.py                  # full size (about 10 minutes)
    python benchmarks/learning_bench.py --members 1000 --pages 400 --events 60000  # quick
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import platform
import random
import statistics
import sys
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.learning_world import (  # noqa: E402
    World,
    WorldSize,
    build_world,
    client_id,
    rng_for,
)
from benchmarks.scratch import (  # noqa: E402
    BuildSteps,
    analyze,
    build_skeleton,
    bulk_loading,
    database_version,
    load_average,
    migrate_scratch,
    percentile,
    run_benchmark,
)

BENCH_DB_NAME = "hongke_learning_bench"
K = 10
TARGET_RECALL_RATIO = 1.5
TARGET_DISTINCT_TOPICS = 4.0
TARGET_LIST_P95_MS = 50.0
TARGET_EVENTS_PER_SECOND = 500.0
EVENT_BATCH = 20_000  # events per INSERT transaction while loading
INDEX_OF_KIND = {"lecture": "lectures", "site": "sites", "story": "stories", "event": "events"}
FEATURED_PAGES = 4


# ======================================== build ==========================================


def build_pages(world: World) -> list[int]:
    """The world's pages as real Wagtail pages (text from search_bench); ids in world order."""
    from django.db import transaction
    from taggit.models import Tag

    from benchmarks.search_bench import KIND_FIELDS, make_body, make_picks
    from home.models import HomePage, HomePageFeaturedItem

    indexes = build_skeleton()
    tags = {}
    ids = []
    for start in range(0, len(world.pages), 500):
        with transaction.atomic():
            for spec in world.pages[start : start + 500]:
                rng = rng_for(world.size.seed, "text", spec.number)
                picks = make_picks(rng, spec.topic, list(spec.tags))
                index = indexes[INDEX_OF_KIND[spec.kind]]
                page = index.child_model(
                    slug=f"{spec.kind}-{spec.number + 1}",
                    summary=picks.sentences(1, 2)[:500],
                    topic=spec.topic,
                    body=make_body(picks)[:2],
                    live=True,
                    has_unpublished_changes=False,
                    first_published_at=spec.published_at,
                    last_published_at=spec.published_at,
                    **KIND_FIELDS[INDEX_OF_KIND[spec.kind]](picks, world.split),
                )
                for name in spec.tags:
                    if name not in tags:
                        tags[name] = Tag.objects.get_or_create(name=name)[0]
                page.tags.add(*(tags[name] for name in spec.tags))
                index.add_child(instance=page)
                ids.append(page.pk)
    home = HomePage.objects.get()
    rng = rng_for(world.size.seed, "featured")
    for order, page_id in enumerate(rng.sample(ids, min(FEATURED_PAGES, len(ids)))):
        HomePageFeaturedItem.objects.create(home=home, page_id=page_id, sort_order=order)
    return ids


def build_members(world: World) -> list[int]:
    """Branches, users (no usable password) and profiles; user ids in member order."""
    from django.contrib.auth import get_user_model

    from members.models import Branch, MemberProfile

    branches = Branch.objects.bulk_create(
        [
            Branch(name=f"第{number + 1}党支部", organisation="红课大学")
            for number in range(world.size.branches)
        ]
    )
    users = get_user_model().objects.bulk_create(
        [
            get_user_model()(username=f"member{member.number:05d}", password="!")
            for member in world.members
        ],
        batch_size=2000,
    )
    MemberProfile.objects.bulk_create(
        [
            MemberProfile(
                user=user,
                display_name=f"成员{member.number:05d}",
                branch=branches[member.branch],
            )
            for member, user in zip(world.members, users, strict=True)
        ],
        batch_size=2000,
    )
    return [user.pk for user in users]


def load_events(world: World, user_ids: list[int]) -> tuple[int, dict[int, set[int]]]:
    """Store every event before the split; return how many, and per user the pages they
    studied after it (the held-out truth, never stored)."""
    from django.db import transaction

    from learning.models import LearningEvent

    stored = 0
    later: dict[int, set[int]] = defaultdict(set)
    buffer: list[LearningEvent] = []

    def flush() -> None:
        nonlocal stored
        with transaction.atomic():
            LearningEvent.objects.bulk_create(buffer, batch_size=2000)
        stored += len(buffer)
        buffer.clear()

    started = time.perf_counter()
    for member, user_id in zip(world.members, user_ids, strict=True):
        ids = rng_for(world.size.seed, "event-ids", member.number)
        for event in world.history(member):
            if event.at >= world.split:
                later[user_id].add(event.page.page_id)
                continue
            buffer.append(
                LearningEvent(
                    member_id=user_id,
                    page_id=event.page.page_id,
                    verb=event.verb,
                    value=event.value,
                    occurred_at=event.at,
                    received_at=event.at,
                    client_id=client_id(ids),
                )
            )
        if len(buffer) >= EVENT_BATCH:
            flush()
            if stored % 200_000 < EVENT_BATCH:
                elapsed = time.perf_counter() - started
                print(f"  {stored:>9} events  {elapsed:6.1f} s", flush=True)
    if buffer:
        flush()
    return stored, later


@dataclass
class Built:
    world: World
    user_ids: list[int]
    events: int
    later: dict[int, set[int]]
    seconds: dict[str, float] = field(default_factory=dict)


def build(size: WorldSize) -> Built:
    from django.core.management import call_command
    from django.utils import timezone

    from learning.records import rebuild_records

    step = BuildSteps()
    started = time.perf_counter()
    migrate_scratch()
    step("migrate", started)

    split = timezone.now().replace(microsecond=0)
    started = time.perf_counter()
    world = build_world(size, split)
    step(f"model ({world.studies_mean:.1f} studies per member on average)", started)

    started = time.perf_counter()
    with bulk_loading():
        world.with_page_ids(build_pages(world))
    step(f"pages ({len(world.pages)})", started)

    started = time.perf_counter()
    user_ids = build_members(world)
    step(f"members ({len(user_ids)} in {size.branches} branches)", started)

    started = time.perf_counter()
    events, later = load_events(world, user_ids)
    step(f"events ({events} stored)", started)

    started = time.perf_counter()
    records = rebuild_records()
    step(f"records (rebuild_records: {records} from the event log)", started)

    started = time.perf_counter()
    analyze()
    step("analyze", started)
    call_command("update_index", stdout=io.StringIO(), verbosity=0)
    return Built(world, user_ids, events, later, step.seconds)


# ======================================= quality =========================================


def recall_at(items: list[int], truth: set[int]) -> float:
    """Share of what the member went on to study that the list held (first K items)."""
    return len(set(items[:K]) & truth) / len(truth) if truth else 0.0


def ndcg_at(items: list[int], truth: set[int]) -> float:
    """Binary-relevance nDCG: hits near the top count more; 1.0 is a perfect list."""
    gain = sum(1 / math.log2(rank + 2) for rank, item in enumerate(items[:K]) if item in truth)
    ideal = sum(1 / math.log2(rank + 2) for rank in range(min(len(truth), K)))
    return gain / ideal if ideal else 0.0


def most_popular(
    order: list[int], excluded: set[int], topics: dict[int, str] | None = None
) -> list[int]:
    """The baseline: the K pages most members studied, skipping what the member finished.
    With ``topics``, the same under the reading list's cap of three per topic."""
    picked: list[int] = []
    per_topic: Counter[str] = Counter()
    for page_id in order:
        if page_id in excluded:
            continue
        if topics is not None:
            if per_topic[topics[page_id]] >= 3:
                continue
            per_topic[topics[page_id]] += 1
        picked.append(page_id)
        if len(picked) == K:
            break
    return picked


@dataclass
class ListScores:
    name: str
    recall: list[float] = field(default_factory=list)
    ndcg: list[float] = field(default_factory=list)
    topics: list[int] = field(default_factory=list)
    lengths: list[int] = field(default_factory=list)
    shown: set[int] = field(default_factory=set)

    def add(self, items: list[int], truth: set[int], topic_of: dict[int, str]) -> None:
        self.recall.append(recall_at(items, truth))
        self.ndcg.append(ndcg_at(items, truth))
        self.topics.append(len({topic_of[item] for item in items}))
        self.lengths.append(len(items))
        self.shown.update(items)


def evaluate(built: Built, sample_size: int) -> dict[str, ListScores]:
    """Everyone's list at the split against what they studied after it."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from learning.models import LearningRecord
    from learning.reading_list.items import reading_list
    from learning.reading_list.shared import current_shared, forget_shared

    split = built.world.split
    forget_shared()
    catalogue = current_shared().catalogue_of()
    topic_of = {candidate.page_id: candidate.topic for candidate in catalogue.candidates}
    started_events = {
        c.page_id for c in catalogue.candidates if c.starts_at is not None and c.starts_at <= split
    }
    popularity = (
        LearningRecord.objects.values("page_id")
        .annotate(members=Count("member_id"))
        .order_by("-members", "page_id")
        .values_list("page_id", flat=True)
    )
    order = [page_id for page_id in popularity if page_id in topic_of]
    order += [c.page_id for c in catalogue.candidates if c.page_id not in set(order)]

    finished: dict[int, set[int]] = defaultdict(set)
    with_history: set[int] = set()
    for member_id, page_id, completed_at in LearningRecord.objects.values_list(
        "member_id", "page_id", "completed_at"
    ).iterator(chunk_size=20_000):
        with_history.add(member_id)
        if completed_at is not None:
            finished[member_id].add(page_id)

    # The truth: pages studied after the split that were not finished before it.
    truths = {
        user_id: pages - finished[user_id]
        for user_id, pages in built.later.items()
        if user_id in with_history and pages - finished[user_id]
    }
    rng = random.Random(built.world.size.seed)
    chosen = sorted(truths)
    chosen = rng.sample(chosen, min(sample_size, len(chosen)))
    users = get_user_model().objects.in_bulk(chosen)

    scores = {
        name: ListScores(name)
        for name in ("reading list", "most popular", "most popular, topic cap 3")
    }
    explored = 0
    for user_id in chosen:
        truth = truths[user_id]
        listed = reading_list(users[user_id], now=split, cards=False)
        items = [item.page.pk for item in listed]
        explored += any(item.reason == "拓展视野" for item in listed)
        scores["reading list"].add(items, truth, topic_of)
        excluded = finished[user_id] | started_events
        scores["most popular"].add(most_popular(order, excluded), truth, topic_of)
        scores["most popular, topic cap 3"].add(
            most_popular(order, excluded, topic_of), truth, topic_of
        )
    catalogue_size = len(topic_of) - len(started_events)
    print(f"\nQUALITY  {len(chosen)} members (of {len(truths)} with history and later studies)")
    print(
        f"held-out truth: {statistics.mean(len(t) for t in truths.values()):.1f} pages per member "
        f"studied in the {built.world.size.future_days} days after the split"
    )
    print(f"{'':28} {'recall@10':>10} {'nDCG@10':>9} {'topics':>7} {'length':>7} {'coverage':>9}")
    for score in scores.values():
        print(
            f"{score.name:28} {statistics.mean(score.recall):10.4f} {statistics.mean(score.ndcg):9.4f} "
            f"{statistics.mean(score.topics):7.2f} {statistics.mean(score.lengths):7.2f} "
            f"{len(score.shown) / max(catalogue_size, 1):9.1%}"
        )
    print(f"lists with an exploration item (拓展视野): {explored / max(len(chosen), 1):.1%}")
    return scores


# ======================================== speed ==========================================


def time_lists(built: Built, count: int) -> dict[str, list[float]]:
    """Milliseconds to build one member's list: after a publish (every shared cache empty),
    and in a running process (the catalogue kept, co-study filling as members come)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from learning.reading_list.items import reading_list
    from learning.reading_list.shared import forget_shared

    rng = random.Random(built.world.size.seed + 1)
    sample = rng.sample(built.user_ids, min(count, len(built.user_ids)))
    users = get_user_model().objects.in_bulk(sample)
    timings: dict[str, list[float]] = {"cold": [], "running": [], "api": []}
    for user_id in sample[:50]:
        forget_shared()
        started = time.perf_counter()
        reading_list(users[user_id], cards=False)
        timings["cold"].append((time.perf_counter() - started) * 1000)
    forget_shared()
    for user_id in sample:
        started = time.perf_counter()
        reading_list(users[user_id], cards=False)
        timings["running"].append((time.perf_counter() - started) * 1000)
    client = Client()
    for user_id in sample[:200]:
        client.force_login(users[user_id])
        started = time.perf_counter()
        response = client.get("/api/learning/reading-list/", HTTP_HOST="localhost")
        timings["api"].append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"reading-list API answered {response.status_code}")
    return timings


def ingest(built: Built, members: int = 50) -> dict[int, tuple[int, float, list[float]]]:
    """Post batches of 100, 10 and 1 events as members' phones would; returns per batch size
    (events stored, seconds, per-request milliseconds)."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    rng = random.Random(built.world.size.seed + 2)
    pages = [p.page_id for p in built.world.pages if p.kind != "event"]
    users = get_user_model().objects.in_bulk(rng.sample(built.user_ids, members))
    clients = []
    for user in users.values():
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        client.get("/learning/", HTTP_HOST="localhost")  # sets the CSRF cookie, as a page would
        clients.append(client)

    def batch(size: int) -> str:
        now = timezone.now()
        events = []
        for _ in range(size):
            verb = rng.choice(["viewed", "viewed", "progressed"])
            events.append(
                {
                    "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "page": rng.choice(pages),
                    "verb": verb,
                    "value": rng.randint(5, 40) if verb == "viewed" else round(rng.random(), 2),
                    "at": (now - timedelta(seconds=rng.randint(0, 600))).isoformat(),
                }
            )
        return json.dumps({"events": events})

    results = {}
    for size, requests in ((100, 100), (10, 300), (1, 300)):
        bodies = [batch(size) for _ in range(requests)]
        stored, per_request = 0, []
        started = time.perf_counter()
        for number, body in enumerate(bodies):
            client = clients[number % len(clients)]
            before = time.perf_counter()
            response = client.post(
                "/api/learning/events/",
                body,
                content_type="application/json",
                HTTP_HOST="localhost",
                HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
            )
            per_request.append((time.perf_counter() - before) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"events endpoint answered {response.status_code}")
            stored += response.json()["accepted"]
        results[size] = (stored, time.perf_counter() - started, per_request)
    return results


# ======================================== report =========================================


def report(
    built: Built,
    scores: dict[str, ListScores],
    lists: dict[str, list[float]],
    ingested: dict[int, tuple[int, float, list[float]]],
) -> bool:
    vendor = database_version()
    size = built.world.size
    print(
        f"\nSPEED  {vendor}; {size.members} members, {len(built.world.pages)} pages, "
        f"{built.events} events; {os.cpu_count()} CPUs, Python {platform.python_version()}; "
        f"load average {load_average()}"
    )
    for name, label in (
        ("running", "reading list, running process"),
        ("cold", "reading list, caches empty"),
        ("api", "GET /api/learning/reading-list/"),
    ):
        samples = lists[name]
        print(
            f"{label:34} n={len(samples):<5} p50 {percentile(samples, 0.5):6.1f} ms   "
            f"p95 {percentile(samples, 0.95):6.1f} ms   max {max(samples):6.1f} ms"
        )
    for size_, (stored, seconds, per_request) in ingested.items():
        print(
            f"POST /api/learning/events/ x{size_:<3}    {stored:>6} events in {seconds:5.1f} s: "
            f"{stored / seconds:7.0f} events/s  ({len(per_request) / seconds:5.0f} requests/s, "
            f"p95 {percentile(per_request, 0.95):5.1f} ms a request)"
        )

    ours, popular = scores["reading list"], scores["most popular"]
    recall, baseline = statistics.mean(ours.recall), statistics.mean(popular.recall)
    topics = statistics.mean(ours.topics)
    list_p95 = percentile(lists["running"], 0.95)
    rate = ingested[100][0] / ingested[100][1]
    checks = [
        (
            f"recall@10 >= {TARGET_RECALL_RATIO} x baseline",
            recall >= TARGET_RECALL_RATIO * baseline,
            f"{recall:.4f} vs {baseline:.4f} = {recall / baseline if baseline else math.inf:.2f} x",
        ),
        (
            f"distinct topics per list >= {TARGET_DISTINCT_TOPICS:g}",
            topics >= TARGET_DISTINCT_TOPICS,
            f"{topics:.2f}",
        ),
        (
            f"reading list p95 < {TARGET_LIST_P95_MS:g} ms",
            list_p95 < TARGET_LIST_P95_MS,
            f"{list_p95:.1f} ms",
        ),
        (
            f"ingest >= {TARGET_EVENTS_PER_SECOND:g} events/s (batches of 100)",
            rate >= TARGET_EVENTS_PER_SECOND,
            f"{rate:.0f} events/s",
        ),
    ]
    print()
    for label, met, figure in checks:
        print(f"TARGET {label}: {'MET' if met else 'NOT MET'} ({figure})")
    return all(met for _label, met, _figure in checks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    defaults = WorldSize()
    parser.add_argument("--members", type=int, default=defaults.members)
    parser.add_argument("--pages", type=int, default=defaults.pages)
    parser.add_argument("--events", type=int, default=defaults.events, help="events stored")
    parser.add_argument("--branches", type=int, default=defaults.branches)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--evaluate", type=int, default=2000, help="members whose list is scored")
    parser.add_argument("--timed", type=int, default=1000, help="members whose list is timed")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args(argv)
    if min(args.members, args.pages, args.events, args.branches) < 1:
        parser.error("--members, --pages, --events and --branches must be at least 1")
    size = WorldSize(
        members=args.members,
        pages=args.pages,
        events=args.events,
        branches=min(args.branches, args.members),
        seed=args.seed,
    )

    def measure_and_report(built) -> bool:
        scores = evaluate(built, args.evaluate)
        lists = time_lists(built, args.timed)
        ingested = ingest(built)
        return report(built, scores, lists, ingested)

    return run_benchmark(BENCH_DB_NAME, lambda: build(size), measure_and_report, args.keep)


if __name__ == "__main__":
    sys.exit(main())
