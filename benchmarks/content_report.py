"""How fast the editors' content report renders: Reports → 内容报告 for a site
of 2,000 pages and 1,000,000 learning events.

Builds a scratch database: the site skeleton and 2,000 content pages (kinds and text as in
``search_bench.py``; lectures with a duration and 0–6 chapters; a third of the pages with
1–5 self-check questions), 10,000 members, and their studies as bulk inserts: each study is
1–14 learning events (``viewed`` reports, ``progressed`` steps on lectures, now and then
``completed``) and the matching ``LearningRecord``, first tries and retries at the
self-check, and 对你有帮助吗 votes with notes. An editor (group 编辑) is logged in with
Django's test client; after a warm-up, ``--requests`` requests are timed for the report's
first page with the default filter, the report filtered by kind and study dates, and the
需要改进 list, one more request each under ``CaptureQueriesContext`` for the query count.
The CSV export of every page is timed once. Target on the 2-core server: p95 < 500 ms.

Run from the project root::

    python benchmarks/content_report.py                                  # 2,000 pages, 1,000,000 events
    python benchmarks/content_report.py --pages 300 --events 100000      # quick look
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python benchmarks/content_report.py
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.learning_world import client_id, rng_for  # noqa: E402
from benchmarks.scratch import (  # noqa: E402
    BuildSteps,
    analyze,
    build_skeleton,
    bulk_loading,
    migrate_scratch,
    percentile,
    run_benchmark,
)

BENCH_DB_NAME = "hongke_content_report_bench"
TARGET_P95_MS = 500.0
WARM_UP = 3
BATCH = 20_000  # rows per INSERT transaction
KINDS = (("lectures", 0.40), ("sites", 0.25), ("stories", 0.25), ("events", 0.10))
PUBLISHED_WITHIN_DAYS = 400
WITH_QUESTIONS = 1 / 3  # pages with a self-check
ANSWERS = 0.4  # of the studies of such a page, the share that answered
RETRY = 0.3  # of those, the share that tried again
VOTES = 0.12  # of all studies, the share with a vote
UNHELPFUL = 0.3
NOTED = 0.3  # of the votes, the share with a note
NOTES = ["例子很好", "讲得太快了", "希望多一些案例", "字幕有错别字", "很有启发", "内容有点旧"]


@dataclass(frozen=True)
class Size:
    pages: int = 2000
    events: int = 1_000_000
    members: int = 10_000
    requests: int = 30
    seed: int = 1921


@dataclass
class Built:
    editor_id: int
    pages: int
    events: int
    records: int
    answers: int
    votes: int
    seconds: dict


# ========================================= build =========================================


def self_check(rng: random.Random, number: int) -> list[dict]:
    questions = []
    for q in range(rng.randint(1, 5)):
        right = rng.randrange(3)
        questions.append(
            {
                "type": "question",
                "id": f"p{number}q{q}",
                "value": {
                    "text": f"第{q + 1}题：下列关于本讲内容的说法，哪一项是正确的？",
                    "options": [
                        {
                            "type": "item",
                            "id": f"p{number}q{q}o{o}",
                            "value": {"text": f"说法{o + 1}", "correct": o == right},
                        }
                        for o in range(3)
                    ],
                    "explanation": "见正文第二部分。",
                },
            }
        )
    return questions


def chapters(rng: random.Random, duration: int) -> list[dict]:
    count = rng.choice([0, 0, 3, 4, 5, 6])
    starts = sorted(rng.sample(range(1, duration), count - 1)) if count else []
    return [
        {"type": "chapter", "value": {"start_seconds": start, "title": f"第{n + 1}部分"}}
        for n, start in enumerate([0, *starts] if count else [])
    ]


def build_pages(size: Size, now: datetime) -> list[tuple[int, str, datetime, int | None, bool]]:
    """(id, kind, published, lecture duration, has questions) per page."""
    from django.db import transaction

    from benchmarks.search_bench import generated_page, make_picks

    indexes = build_skeleton()
    rng = rng_for(size.seed, "pages")
    keys = [key for key, _ in KINDS]
    weights = [share for _, share in KINDS]
    pages = []
    for start in range(0, size.pages, 500):
        with transaction.atomic():
            for number in range(start, min(start + 500, size.pages)):
                key = rng.choices(keys, weights)[0]
                picks = make_picks(rng_for(size.seed, "text", number))
                published = now - timedelta(days=rng.uniform(1, PUBLISHED_WITHIN_DAYS))
                page = generated_page(indexes[key].child_model, key, number, picks, published, now)
                duration = None
                if key == "lectures":
                    duration = rng.randint(300, 1800)
                    page.duration_seconds = duration
                    page.chapters = chapters(rng, duration)
                questions = key != "events" and rng.random() < WITH_QUESTIONS
                if questions:
                    page.self_check = self_check(rng, number)
                indexes[key].add_child(instance=page)
                pages.append((page.pk, key, published, duration, questions))
    return pages


def build_people(size: Size) -> tuple[list[int], int]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from members.models import Branch, MemberProfile

    User = get_user_model()
    branch = Branch.objects.create(name="基准测试党支部", organisation="红课大学")
    users = User.objects.bulk_create(
        [User(username=f"member{n:05d}", password="!") for n in range(size.members)],
        batch_size=2000,
    )
    MemberProfile.objects.bulk_create(
        [
            MemberProfile(user=user, display_name=f"成员{n:05d}", branch=branch)
            for n, user in enumerate(users)
        ],
        batch_size=2000,
    )
    editor = User.objects.create_user("bianji", password="!")
    editor.groups.add(Group.objects.get(name="编辑"))
    return [user.pk for user in users], editor.pk


class Loader:
    """Rows kept until BATCH of a kind are waiting, then inserted in one transaction."""

    def __init__(self):
        from feedback.models import PageVote
        from learning.models import LearningEvent, LearningRecord
        from selfcheck.models import SelfCheckAnswer

        self.models = {
            "events": LearningEvent,
            "records": LearningRecord,
            "answers": SelfCheckAnswer,
            "votes": PageVote,
        }
        self.rows = {name: [] for name in self.models}
        self.counts = dict.fromkeys(self.models, 0)

    def add(self, name: str, row) -> None:
        self.rows[name].append(row)
        if len(self.rows[name]) >= BATCH:
            self.flush(name)

    def flush(self, name: str) -> None:
        from django.db import transaction

        if self.rows[name]:
            with transaction.atomic():
                self.models[name].objects.bulk_create(self.rows[name], batch_size=2000)
            self.counts[name] += len(self.rows[name])
            self.rows[name] = []

    def finish(self) -> dict:
        for name in self.models:
            self.flush(name)
        return self.counts


def build_studies(size: Size, pages, member_ids: list[int], now: datetime) -> dict:
    """Studies until ``size.events`` events are stored; each gives its record, and maybe
    self-check answers and a vote. Popular pages (log-normal appeal) get more studies."""
    from feedback.models import Helpfulness, PageVote
    from learning.models import LearningEvent, LearningRecord, Verb
    from selfcheck.models import SelfCheckAnswer

    rng = rng_for(size.seed, "studies")
    appeal = [rng.lognormvariate(0, 1.0) for _ in pages]
    questions = {}
    from home.models import ContentPage
    from home.selfcheck import questions_of

    for page in ContentPage.objects.filter(pk__in=[p[0] for p in pages if p[4]]):
        questions[page.pk] = [question.id for question in questions_of(page)]
    studied: set[tuple[int, int]] = set()
    loader = Loader()
    events = 0
    while events < size.events:
        number = rng.choices(range(len(pages)), appeal)[0]
        page_id, kind, published, duration, _has = pages[number]
        member_id = rng.choice(member_ids)
        if (member_id, page_id) in studied:
            continue
        studied.add((member_id, page_id))
        span = (now - published).total_seconds()
        first = published + timedelta(seconds=rng.uniform(0, span * 0.95))
        moment = first
        seconds = 0.0
        progress = 0.0
        completed_at = None
        for _ in range(rng.randint(1, min(14, size.events - events))):
            moment += timedelta(seconds=rng.randint(10, 40))
            if kind == "lectures" and rng.random() < 0.6:
                progress = min(1.0, progress + rng.uniform(0.05, 0.3))
                verb, value = Verb.PROGRESSED, round(progress, 3)
                if progress >= 0.9 and completed_at is None:
                    completed_at = moment
            else:
                value = rng.randint(10, 40)
                seconds += value
                verb = Verb.VIEWED
                if kind != "lectures" and seconds >= 60 and completed_at is None:
                    completed_at = moment
            loader.add(
                "events",
                LearningEvent(
                    member_id=member_id,
                    page_id=page_id,
                    verb=verb,
                    value=value,
                    occurred_at=moment,
                    received_at=moment,
                    client_id=client_id(rng),
                ),
            )
            events += 1
        loader.add(
            "records",
            LearningRecord(
                member_id=member_id,
                page_id=page_id,
                first_seen_at=first,
                last_seen_at=moment,
                total_seconds=round(seconds),
                best_progress=progress,
                completed_at=completed_at,
            ),
        )
        if page_id in questions and rng.random() < ANSWERS:
            for attempt in (1, 2) if rng.random() < RETRY else (1,):
                for question_id in questions[page_id]:
                    loader.add(
                        "answers",
                        SelfCheckAnswer(
                            member_id=member_id,
                            page_id=page_id,
                            question_id=question_id,
                            attempt=attempt,
                            chosen=[],
                            correct=rng.random() < (0.6 if attempt == 1 else 0.9),
                            answered_at=moment,
                        ),
                    )
        if rng.random() < VOTES:
            loader.add(
                "votes",
                PageVote(
                    member_id=member_id,
                    page_id=page_id,
                    value=Helpfulness.NOT_HELPFUL
                    if rng.random() < UNHELPFUL
                    else Helpfulness.HELPFUL,
                    note=rng.choice(NOTES) if rng.random() < NOTED else "",
                ),
            )
    counts = loader.finish()
    # auto_now fields were set at insert: spread the votes over the studies' time instead
    PageVote.objects.update(updated_at=now - timedelta(days=1))
    return counts


def build(size: Size) -> Built:
    from django.utils import timezone

    step = BuildSteps()
    started = time.perf_counter()
    migrate_scratch()
    step("migrate", started)
    now = timezone.now().replace(microsecond=0)

    started = time.perf_counter()
    with bulk_loading():
        pages = build_pages(size, now)
    step(f"pages ({len(pages)})", started)

    started = time.perf_counter()
    member_ids, editor_id = build_people(size)
    step(f"members ({len(member_ids)})", started)

    started = time.perf_counter()
    counts = build_studies(size, pages, member_ids, now)
    step(
        "studies ({events:,} events, {records:,} records, {answers:,} answers, "
        "{votes:,} votes)".format(**counts),
        started,
    )
    started = time.perf_counter()
    analyze()
    step("analyze", started)
    return Built(
        editor_id,
        len(pages),
        counts["events"],
        counts["records"],
        counts["answers"],
        counts["votes"],
        step.seconds,
    )


# ======================================== measure ========================================


def measure(built: Built, size: Size) -> bool:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from config.startup import settle_for_serving

    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.get(pk=built.editor_id))
    today = timezone.localdate()
    endpoints = [
        ("report, default filter", "/admin/reports/content/", {}),
        (
            "report, lectures studied in the last 90 days",
            "/admin/reports/content/",
            {
                "kind": "lecture",
                "studied_from": (today - timedelta(days=90)).isoformat(),
                "studied_to": today.isoformat(),
            },
        ),
        ("需要改进, default filter", "/admin/reports/content/needs-work/", {}),
    ]

    def get(url, params):
        response = client.get(url, params)
        if response.status_code != 200:
            raise SystemExit(f"{url} {params}: {response.status_code}")
        return response

    for _name, url, params in endpoints:
        for _ in range(WARM_UP):
            get(url, params)
    settle_for_serving()

    print(
        f"\n{built.pages:,} pages, {built.events:,} events, {built.records:,} records, "
        f"{built.answers:,} self-check answers, {built.votes:,} votes; "
        f"{size.requests} requests each; load average {os.getloadavg()[0]:.1f}"
    )
    print(f"{'endpoint':<48} {'p50':>7} {'p95':>7} {'max':>7} {'queries':>8}")
    met = True
    for name, url, params in endpoints:
        samples = []
        for _ in range(size.requests):
            started = time.perf_counter()
            get(url, params)
            samples.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            get(url, params)
        p95 = percentile(samples, 0.95)
        met &= p95 < TARGET_P95_MS
        print(
            f"{name:<48} {statistics.median(samples):7.0f} {p95:7.0f} {max(samples):7.0f} "
            f"{len(queries.captured_queries):8d}"
        )
    for name, url in (
        ("CSV, every page", "/admin/reports/content/"),
        ("CSV, 需要改进", "/admin/reports/content/needs-work/"),
    ):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = get(url, {"export": "csv"})
            elapsed = (time.perf_counter() - started) * 1000
        lines = response.content.decode("utf-8-sig").count("\n")
        print(
            f"{name:<48} {elapsed:7.0f} ms once, {lines:,} lines, "
            f"{len(queries.captured_queries)} queries"
        )
    print(
        f"\nPython {platform.python_version()}, {connection.vendor}; target p95 < "
        f"{TARGET_P95_MS:.0f} ms: {'met' if met else 'NOT MET'}"
    )
    return met


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    defaults = Size()
    parser.add_argument("--pages", type=int, default=defaults.pages)
    parser.add_argument("--events", type=int, default=defaults.events)
    parser.add_argument("--members", type=int, default=defaults.members)
    parser.add_argument("--requests", type=int, default=defaults.requests)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args(argv)
    size = Size(args.pages, args.events, args.members, args.requests, args.seed)
    return run_benchmark(
        BENCH_DB_NAME, lambda: build(size), lambda built: measure(built, size), args.keep
    )


if __name__ == "__main__":
    sys.exit(main())
