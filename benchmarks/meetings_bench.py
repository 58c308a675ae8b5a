"""How fast a large branch's 组织生活 pages render: 200 members, 100 meetings in one year.

Builds a scratch database (``benchmarks.scratch``) with the site skeleton, one branch of 200
members and its organiser, and a year of 100 confirmed meetings brought in through the CSV
import (``meetings.meeting_csv.import_meetings``, timed as a build step), each with the whole
branch's attendance (a few on leave or absent). The organiser is logged in with Django's test
client and each page is requested in turn: the 台账 print page, the kind × month grid, the CSV
and XLSX exports, and the branch's meetings list (``/branch/meetings/``) when that address
exists in this checkout (otherwise it is skipped with a note). Prints p50/p95/max and the
number of SQL queries of one request. Target on the 2-core server: p95 < 500 ms for the 台账.

Run from the project root::

    python benchmarks/meetings_bench.py
    python benchmarks/meetings_bench.py --members 500 --meetings 200 --requests 50
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python benchmarks/meetings_bench.py
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.scratch import (  # noqa: E402
    BuildSteps,
    analyze,
    build_skeleton,
    database_version,
    load_average,
    machine,
    migrate_scratch,
    pad,
    percentile,
    run_benchmark,
)

BENCH_DB_NAME = "hongke_meetings_bench"
TARGET_P95_MS = 500.0
WARM_UP = 3
BRANCH = "计算机学院第一党支部"
KINDS = ["支委会", "党小组会", "党员大会", "党课", "主题党日", "支委会", "党小组会"]
TOPICS = "学习贯彻上级会议精神；讨论发展对象；安排下阶段学习任务"


@dataclass
class Built:
    year: int
    organiser_id: int
    members: int
    meetings: int
    seconds: dict = field(default_factory=dict)


def build_people(members: int) -> tuple[int, list[str]]:
    """The branch, its organiser and ``members`` members (bulk; no passwords)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from members.models import Branch, MemberProfile, Role

    branch = Branch.objects.create(name=BRANCH, organisation="计算机学院党委")
    User = get_user_model()
    unusable = make_password(None)
    names = ["organiser"] + [f"member{n:04d}" for n in range(members)]
    User.objects.bulk_create(User(username=name, password=unusable) for name in names)
    users = {user.username: user for user in User.objects.filter(username__in=names)}
    MemberProfile.objects.bulk_create(
        MemberProfile(
            user=users[name],
            display_name=f"成员{number:04d}",
            branch=branch,
            role=Role.ORGANISER if name == "organiser" else Role.MEMBER,
        )
        for number, name in enumerate(names)
    )
    return users["organiser"].pk, names


def meetings_csv(year: int, count: int, names: list[str], seed: int = 25) -> str:
    """``count`` meetings spread over ``year``, each with the whole branch."""
    from meetings.meeting_csv import CSV_HEADER

    rng = random.Random(seed)
    lines = [",".join(CSV_HEADER)]
    for number in range(count):
        day_of_year = number * 360 // count
        month, day = day_of_year // 30 + 1, day_of_year % 30 + 1
        when = f"{year}-{month:02d}-{min(day, 28):02d} {9 + number % 10:02d}:{number % 4 * 15:02d}"
        present, leave, absent = [], [], []
        for name in names:
            roll = rng.random()
            if roll < 0.05:
                leave.append(f"{name}:课程冲突")
            elif roll < 0.08:
                absent.append(name)
            else:
                present.append(name)
        kind = KINDS[number % len(KINDS)]
        lines.append(
            f"{BRANCH},{kind},{when},学院 302 会议室,organiser,{names[1]},{TOPICS},"
            f"{';'.join(present)},{';'.join(leave)},{';'.join(absent)}"
        )
    return "\n".join(lines) + "\n"


def build(members: int, meetings: int) -> Built:
    from django.utils import timezone

    from meetings.meeting_csv import import_meetings

    step = BuildSteps()
    started = time.perf_counter()
    migrate_scratch()
    build_skeleton()
    step("migrate and skeleton", started)

    started = time.perf_counter()
    organiser_id, names = build_people(members)
    step(f"people ({len(names)})", started)

    year = timezone.localdate().year - 1
    text = meetings_csv(year, meetings, names)
    started = time.perf_counter()
    result = import_meetings(text)
    step(f"import_meetings ({result.created} meetings, {len(names)} people each)", started)
    if result.created != meetings:
        raise RuntimeError(f"imported {result.created} meetings, not {meetings}")
    analyze()
    built = Built(year, organiser_id, len(names), meetings)
    built.seconds = step.seconds
    return built


def endpoints(built: Built) -> list[tuple[str, str, str]]:
    """(label, path, a text the answer must contain); the list page only if it exists."""
    from django.urls import Resolver404, resolve

    year = built.year
    found = [
        ("GET /branch/meetings/ledger/<year>/", f"/branch/meetings/ledger/{year}/", "主持人签字"),
        ("GET /branch/meetings/grid/<year>/", f"/branch/meetings/grid/{year}/", "合计"),
        ("GET /branch/meetings/ledger/<year>.csv", f"/branch/meetings/ledger/{year}.csv", BRANCH),
        ("GET /branch/meetings/ledger/<year>.xlsx", f"/branch/meetings/ledger/{year}.xlsx", ""),
    ]
    try:
        match = resolve("/branch/meetings/")
    except Resolver404:
        match = None
    if match is None or match.url_name is None or not match.route.startswith("branch/meetings"):
        print("note: /branch/meetings/ (the meetings list) is not in this checkout: skipped")
    else:
        found.insert(0, ("GET /branch/meetings/", "/branch/meetings/", ""))
    return found


class QueryCounter:
    """An execute wrapper that notes each SQL statement of one request."""

    def __init__(self, into: list[str]) -> None:
        self.into = into

    def __call__(self, execute, sql, params, many, context):
        self.into.append(sql)
        return execute(sql, params, many, context)


def measure(built: Built, requests: int) -> bool:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.get(pk=built.organiser_id))
    print(f"\n{database_version()} · {machine()} · load {load_average()}")
    print(f"{built.members} people, {built.meetings} meetings in {built.year}\n")
    met = True
    for label, path, must in endpoints(built):
        for _ in range(WARM_UP):
            client.get(path)
        queries: list[str] = []
        with connection.execute_wrapper(QueryCounter(queries)):
            response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: {response.status_code}")
        if must and must not in response.content.decode("utf-8", "replace"):
            raise RuntimeError(f"{path}: no {must!r}")
        samples = []
        for _ in range(requests):
            started = time.perf_counter()
            client.get(path)
            samples.append((time.perf_counter() - started) * 1000)
        p95 = percentile(samples, 0.95)
        print(
            f"{pad(label, 42)} p50 {percentile(samples, 0.5):7.1f} ms  p95 {p95:7.1f} ms"
            f"  max {max(samples):7.1f} ms  {len(queries)} queries"
        )
        if "ledger/<year>/" in label and p95 > TARGET_P95_MS:
            met = False
            print(f"  the 台账's p95 is above the {TARGET_P95_MS:.0f} ms target")
    return met


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--meetings", type=int, default=100)
    parser.add_argument("--requests", type=int, default=30, help="timed requests a page")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args(argv)
    return run_benchmark(
        BENCH_DB_NAME,
        lambda: build(args.members, args.meetings),
        lambda built: measure(built, args.requests),
        args.keep,
    )


if __name__ == "__main__":
    sys.exit(main())
