"""How fast the branch organiser's dashboard renders for a large branch (issue: branch
assignments): ``/branch/`` for a branch of 200 members and 20 assignments.

Builds a scratch database with 60 content pages, the measured branch (200 members and their
organiser, 20 assignments of 1–3 items: some for chosen members, some overdue, some closed)
and two smaller branches the dashboard must leave out. Members' progress is genuine: their
learning events are stored and the records rebuilt from them with the project's own
``rebuild_records``, then checked against the plan. The organiser is logged in with Django's
test client and ``GET /branch/`` is timed, then the assignment page, its CSV export and the
print view. Target on the 2-core server: ``/branch/`` p95 < 200 ms. To show where the time
goes it also prints the SQL of one dashboard request, the full garbage collections that
happened while timing, and how long ``BranchOverview`` takes alone.

Run from the project root::

    python benchmarks/branch_dashboard_bench.py                   # 200 members, 20 assignments
    python benchmarks/branch_dashboard_bench.py --members 1000    # a very large branch
    python benchmarks/branch_dashboard_bench.py --no-settle       # without the start-up gc.freeze()
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python benchmarks/branch_dashboard_bench.py
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import gc
import io
import itertools
import math
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.learning_world import client_id, rng_for  # noqa: E402
from benchmarks.scratch import (  # noqa: E402
    BuildSteps,
    analyze,
    build_skeleton,
    bulk_loading,
    database_version,
    load_average,
    machine,
    migrate_scratch,
    pad,
    percentile,
    run_benchmark,
)

BENCH_DB_NAME = "hongke_branch_bench"
TARGET_P95_MS = 200.0
WARM_UP = 5  # requests to each endpoint before timing
KIND_OF_INDEX = {"lectures": "lecture", "sites": "site", "stories": "story", "events": "event"}
INDEX_OF_KIND = {kind: index for index, kind in KIND_OF_INDEX.items()}
BRANCH_NAMES = [
    ("计算机学院第一党支部", "计算机学院党委"),
    ("物理学院学生党支部", "物理学院党委"),
    ("马克思主义学院教工党支部", "马克思主义学院党委"),
    ("机械工程学院第二党支部", "机械工程学院党委"),
]
ASSIGNMENT_NAMES = "专题学习 主题党日学习 读书班 集中学习 三会一课 专题研讨".split()

# --- the plan's parameters ----------------------------------------------------------------
CLOSED_SHARE = 0.2  # of a branch's assignments: closed (after their due date)
OVERDUE_SHARE = 0.3  # open and past their due date
CHOSEN_SHARE = 1 / 3  # for chosen members rather than the whole branch
DILIGENCE = (2.0, 1.3)  # beta(a, b): a member's chance to finish an assignment once it is due
STARTED_SHARE = 0.5  # of the assignments a member has not finished, the share they began
OTHER_STUDIES = (0, 5)  # pages a member studies beyond their assignments (uniform count)
MARK_STUDIED = 0.1  # share of finished studies finished with the 学完了 button

DONE = "done"
STARTED = "started"
# Statuses as assignments.progress names them.
STATUS_DONE, STATUS_IN_PROGRESS, STATUS_NOT_STARTED = "done", "in_progress", "not_started"


# ========================================= plan ==========================================


@dataclass(frozen=True)
class PlanSize:
    members: int = 200  # in the measured branch, besides its organiser
    assignments: int = 20
    pages: int = 60
    other_branches: int = 2
    other_members: int = 40
    other_assignments: int = 6
    seed: int = 1921


@dataclass(frozen=True)
class AssignmentPlan:
    title: str
    pages: tuple[int, ...]  # page numbers, in the organiser's order
    due_in_days: int  # negative: the due date has passed
    set_days_ago: int
    closed_days_ago: int | None  # None: still open
    chosen: tuple[int, ...] | None  # member numbers; None: the whole branch

    @property
    def state(self) -> str:
        if self.closed_days_ago is not None:
            return "closed"
        return "overdue" if self.due_in_days < 0 else "open"

    def elapsed(self) -> float:
        """How far through its time the assignment is: 1.0 once the due date has passed."""
        if self.due_in_days < 0:
            return 1.0
        return self.set_days_ago / (self.set_days_ago + self.due_in_days + 1)


@dataclass(frozen=True)
class Study:
    outcome: str  # DONE or STARTED
    days_ago: float


@dataclass
class MemberPlan:
    number: int  # 0 is the branch's organiser
    name: str
    diligence: float
    studies: dict[int, Study] = field(default_factory=dict)  # page number -> study


@dataclass
class BranchPlan:
    name: str
    organisation: str
    members: list[MemberPlan]
    assignments: list[AssignmentPlan]

    def audience(self, assignment: AssignmentPlan) -> list[int]:
        if assignment.chosen is None:
            return [member.number for member in self.members]
        return sorted(assignment.chosen)

    def expected_statuses(self, assignment: AssignmentPlan) -> dict[int, str]:
        """Member number -> the status the dashboard should show, by the rules of
        ``assignments.progress.Progress``: done when every item is, in progress when any
        item was studied at all, otherwise not started."""
        statuses = {}
        for number in self.audience(assignment):
            studies = self.members[number].studies
            if all(
                studies.get(page, Study(STARTED, 0)).outcome == DONE for page in assignment.pages
            ):
                statuses[number] = STATUS_DONE
            elif any(page in studies for page in assignment.pages):
                statuses[number] = STATUS_IN_PROGRESS
            else:
                statuses[number] = STATUS_NOT_STARTED
        return statuses


@dataclass
class Plan:
    size: PlanSize
    kinds: list[str]  # per page number: lecture, site, story or event
    branches: list[BranchPlan]  # the measured branch first

    @property
    def measured(self) -> BranchPlan:
        return self.branches[0]


def unique_names(rng: random.Random, count: int) -> list[str]:
    """Chinese names, no two alike (a number is added once the combinations run out)."""
    from benchmarks.search_bench import GIVEN_NAMES, SURNAMES

    combos = [surname + given for surname in SURNAMES for given in GIVEN_NAMES]
    rng.shuffle(combos)
    return [
        combos[n % len(combos)] + ("" if n < len(combos) else str(n // len(combos) + 1))
        for n in range(count)
    ]


def plan_assignments(
    rng: random.Random, count: int, members: int, study_pages: list[int]
) -> list[AssignmentPlan]:
    """A branch's assignments: the closed, overdue, open and chosen-member shares as above.
    An organiser rarely sets the same page twice: pages are dealt from a shuffled deck, which
    is shuffled again only once every page has been set."""
    from benchmarks.search_bench import TAGS

    deck: list[int] = []

    def deal(count: int) -> tuple[int, ...]:
        items: list[int] = []
        while len(items) < min(count, len(study_pages)):
            if not deck:
                deck.extend(rng.sample(study_pages, len(study_pages)))
            page = deck.pop()
            if page not in items:
                items.append(page)
        return tuple(items)

    closed = round(CLOSED_SHARE * count)
    overdue = round(OVERDUE_SHARE * count)
    states = ["closed"] * closed + ["overdue"] * overdue + ["open"] * (count - closed - overdue)
    rng.shuffle(states)
    chosen_flags = [n < round(CHOSEN_SHARE * count) for n in range(count)]
    rng.shuffle(chosen_flags)
    assignments = []
    for number, (state, for_chosen) in enumerate(zip(states, chosen_flags, strict=True)):
        if state == "closed":
            due = -rng.randint(5, 60)
            closed_days_ago = rng.randint(0, -due - 1)
        elif state == "overdue":
            due, closed_days_ago = -rng.randint(1, 20), None
        else:
            due, closed_days_ago = rng.randint(0, 30), None
        set_days_ago = max(0, -due) + rng.randint(7, 21)
        chosen = None
        if for_chosen and members:
            picked = rng.sample(
                range(1, members + 1), rng.randint(max(1, members // 10), max(1, members // 2))
            )
            chosen = tuple(sorted(picked))
        items = deal(rng.randint(1, 3))
        title = f"{rng.choice(TAGS)}{rng.choice(ASSIGNMENT_NAMES)}（第{number + 1}期）"
        assignments.append(AssignmentPlan(title, items, due, set_days_ago, closed_days_ago, chosen))
    return assignments


def plan_studies(
    rng: random.Random, member: MemberPlan, assignments: list[AssignmentPlan], pages: int
) -> None:
    """What the member has done of each assignment: all of it (likelier for diligent members
    and assignments due long ago), part of it, or nothing yet; and a few other pages of their
    own choosing."""

    def study(page: int, outcome: str, days_ago: float) -> None:
        if member.studies.get(page, Study(STARTED, 0)).outcome != DONE:
            member.studies[page] = Study(outcome, days_ago)

    for assignment in assignments:
        roll = rng.random()
        finished = member.diligence * (0.3 + 0.7 * assignment.elapsed())
        if roll < finished:
            outcomes = [DONE] * len(assignment.pages)
        elif roll < finished + (1 - finished) * STARTED_SHARE:
            # Part of it: the first item opened but not finished, the others either way.
            outcomes = [STARTED] + [rng.choice([DONE, STARTED, None]) for _ in assignment.pages[1:]]
        else:
            continue
        for page, outcome in zip(assignment.pages, outcomes, strict=True):
            if outcome is not None:
                study(page, outcome, rng.uniform(0, assignment.set_days_ago))
    others = [page for page in range(pages) if page not in member.studies]
    for page in rng.sample(others, min(rng.randint(*OTHER_STUDIES), len(others))):
        study(page, DONE if rng.random() < 0.5 else STARTED, rng.uniform(0, 120))


def make_plan(size: PlanSize) -> Plan:
    """Everything the benchmark builds, from one seed; no database needed."""
    from benchmarks.search_bench import kind_order

    kinds = [KIND_OF_INDEX[key] for key in kind_order(size.pages, rng_for(size.seed, "kinds"))]
    study_pages = [number for number, kind in enumerate(kinds) if kind != "event"]
    shapes = [(size.members, size.assignments)] + [
        (size.other_members, size.other_assignments)
    ] * size.other_branches
    names = unique_names(rng_for(size.seed, "names"), sum(members + 1 for members, _ in shapes))
    branches = []
    for number, (members, count) in enumerate(shapes):
        rng = rng_for(size.seed, "branch", number)
        name, organisation = (
            BRANCH_NAMES[number]
            if number < len(BRANCH_NAMES)
            else (f"第{number + 1}党支部", "红课大学党委")
        )
        assignments = plan_assignments(rng, count, members, study_pages)
        branch = BranchPlan(name, organisation, [], assignments)
        for member_number in range(members + 1):
            member_rng = rng_for(size.seed, "branch", number, "member", member_number)
            member = MemberPlan(member_number, names.pop(), member_rng.betavariate(*DILIGENCE))
            mine = [a for a in assignments if a.chosen is None or member_number in a.chosen]
            plan_studies(member_rng, member, mine, size.pages)
            branch.members.append(member)
        branches.append(branch)
    return Plan(size, kinds, branches)


def study_events(
    kind: str, outcome: str, rng: random.Random
) -> list[tuple[str, float | None, int]]:
    """(verb, value, seconds after the study began) that one study sends, ending done or only
    started by the completion rules of ``learning.records``: lectures by ``progressed``
    steps and a ``viewed`` figure, sites and stories by 10–40 s ``viewed`` reports, events by
    a glance, or registration and check-in (what the server records); some finished by
    学完了."""
    from learning.records import LECTURE_COMPLETION_PROGRESS, READING_SECONDS_TO_COMPLETE

    events: list[tuple[str, float | None, int]] = []
    clock = 0

    def report(verb: str, value: float | None) -> None:
        nonlocal clock
        events.append((verb, value, clock))
        clock += rng.randint(10, 40)

    marked = outcome == DONE and kind != "event" and rng.random() < MARK_STUDIED
    if kind == "lecture":
        if outcome == DONE and not marked:
            goal = rng.uniform(LECTURE_COMPLETION_PROGRESS, 1.0)
        else:
            goal = rng.uniform(0.05, LECTURE_COMPLETION_PROGRESS - 0.05)
        steps = max(1, math.ceil(goal / 0.3))
        for step in range(1, steps + 1):
            report("progressed", round(goal * step / steps, 3))
        report("viewed", float(rng.randint(20, 240)))
    elif kind in ("site", "story"):
        if outcome == DONE and not marked:
            seconds = rng.randint(READING_SECONDS_TO_COMPLETE, 4 * READING_SECONDS_TO_COMPLETE)
        else:
            seconds = rng.randint(5, READING_SECONDS_TO_COMPLETE - 10)
        while seconds > 0:
            chunk = min(seconds, rng.randint(10, 40))
            report("viewed", float(chunk))
            seconds -= chunk
    elif outcome == DONE:
        report("registered", None)
        report("attended", None)
    else:
        for _ in range(rng.randint(1, 2)):
            report("viewed", float(rng.randint(5, 40)))
    if marked:
        report("completed", None)
    return events


# ========================================= build =========================================


@dataclass
class Built:
    plan: Plan
    page_ids: list[int]  # per page number
    user_ids: list[list[int]]  # per branch, per member number
    assignment_ids: list[list[int]]  # per branch, in plan order
    events: int = 0
    records: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def organiser(self):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.get(pk=self.user_ids[0][0])


def build_pages(plan: Plan) -> list[int]:
    """The plan's pages as real Wagtail pages (text from search_bench); ids in plan order."""
    from django.db import transaction
    from django.utils import timezone
    from taggit.models import Tag

    from benchmarks.search_bench import TAGS, generated_page, make_picks

    rng = rng_for(plan.size.seed, "text")
    now = timezone.now()
    indexes = build_skeleton()
    tags = {name: Tag.objects.get_or_create(name=name)[0] for name in TAGS}
    ids = []
    with transaction.atomic():
        for number, kind in enumerate(plan.kinds):
            key = INDEX_OF_KIND[kind]
            picks = make_picks(rng)
            published = now - timedelta(minutes=rng.randint(60, 365 * 24 * 60))
            page = generated_page(indexes[key].child_model, key, number, picks, published, now)
            page.tags.add(*(tags[name] for name in picks.tags))
            indexes[key].add_child(instance=page)
            ids.append(page.pk)
    return ids


def build_branches(plan: Plan) -> list[list[int]]:
    """Branches, users (no usable password) and profiles, the organiser first in each."""
    from django.contrib.auth import get_user_model

    from members.models import Branch, MemberProfile, Role

    user_ids = []
    for number, spec in enumerate(plan.branches):
        branch = Branch.objects.create(name=spec.name, organisation=spec.organisation)
        users = get_user_model().objects.bulk_create(
            [
                get_user_model()(
                    username=f"b{number}m{member.number:04d}",
                    email=f"b{number}m{member.number:04d}@example.edu.cn",
                    password="!",
                )
                for member in spec.members
            ]
        )
        MemberProfile.objects.bulk_create(
            [
                MemberProfile(
                    user=user,
                    display_name=member.name,
                    branch=branch,
                    student_number=f"2024{number:02d}{member.number:04d}",
                    role=Role.ORGANISER if member.number == 0 else Role.MEMBER,
                )
                for member, user in zip(spec.members, users, strict=True)
            ]
        )
        user_ids.append([user.pk for user in users])
    return user_ids


def build_assignments(
    plan: Plan, page_ids: list[int], user_ids: list[list[int]]
) -> list[list[int]]:
    from django.utils import timezone

    from assignments.models import Assignment, AssignmentItem
    from members.models import Branch

    now, today = timezone.now(), timezone.localdate()
    branches = {branch.name: branch for branch in Branch.objects.all()}
    ids = []
    for spec, users in zip(plan.branches, user_ids, strict=True):
        branch_ids = []
        for assignment in spec.assignments:
            closed = assignment.closed_days_ago
            created = Assignment.objects.create(
                branch=branches[spec.name],
                title=assignment.title,
                note="请在截止日期前学完，组织生活会上交流体会。",
                due_on=today + timedelta(days=assignment.due_in_days),
                whole_branch=assignment.chosen is None,
                created_by_id=users[0],
                created_at=now - timedelta(days=assignment.set_days_ago),
                closed_at=None if closed is None else now - timedelta(days=closed, hours=1),
            )
            AssignmentItem.objects.bulk_create(
                AssignmentItem(assignment=created, page_id=page_ids[page], sort_order=order)
                for order, page in enumerate(assignment.pages)
            )
            if assignment.chosen is not None:
                created.chosen_members.set([users[number] for number in assignment.chosen])
            branch_ids.append(created.pk)
        ids.append(branch_ids)
    return ids


def load_events(plan: Plan, page_ids: list[int], user_ids: list[list[int]]) -> int:
    """Every member's studies as the events the site would have stored."""
    from django.db import transaction
    from django.utils import timezone

    from learning.models import LearningEvent

    now = timezone.now()
    events = []
    for number, (spec, users) in enumerate(zip(plan.branches, user_ids, strict=True)):
        for member, user_id in zip(spec.members, users, strict=True):
            rng = rng_for(plan.size.seed, "events", number, member.number)
            for page, study in sorted(member.studies.items()):
                began = now - timedelta(days=study.days_ago, hours=1)
                for verb, value, offset in study_events(plan.kinds[page], study.outcome, rng):
                    at = began + timedelta(seconds=offset)
                    events.append(
                        LearningEvent(
                            member_id=user_id,
                            page_id=page_ids[page],
                            verb=verb,
                            value=value,
                            occurred_at=at,
                            received_at=at,
                            client_id=client_id(rng),
                        )
                    )
    with transaction.atomic():
        LearningEvent.objects.bulk_create(events, batch_size=2000)
    return len(events)


def check_built(built: Built) -> None:
    """The records rebuilt from the events, and the dashboard's statuses, are what the plan
    says: otherwise the figures would be of some other branch."""
    from assignments.progress import BranchOverview
    from learning.models import LearningRecord
    from members.models import Branch

    plan = built.plan
    wanted = {}
    for spec, users in zip(plan.branches, built.user_ids, strict=True):
        for member, user_id in zip(spec.members, users, strict=True):
            for page, study in member.studies.items():
                wanted[user_id, built.page_ids[page]] = study.outcome == DONE
    found = {
        (member_id, page_id): completed_at is not None
        for member_id, page_id, completed_at in LearningRecord.objects.values_list(
            "member_id", "page_id", "completed_at"
        )
    }
    if found != wanted:
        wrong = sum(found.get(key) != value for key, value in wanted.items())
        raise RuntimeError(f"{wrong} of {len(wanted)} records differ from the plan")

    spec = plan.measured
    overview = BranchOverview(Branch.objects.get(name=spec.name))
    users = built.user_ids[0]
    listed = 0
    for assignment, pk in zip(spec.assignments, built.assignment_ids[0], strict=True):
        if pk not in overview.statuses:
            continue
        listed += 1
        expected = {users[n]: status for n, status in spec.expected_statuses(assignment).items()}
        if overview.statuses[pk].statuses != expected:
            raise RuntimeError(f"the dashboard's statuses for {assignment.title!r} differ")
    if len(overview.roster) != len(spec.members) or listed != len(overview.statuses):
        raise RuntimeError("the dashboard lists other members or assignments than planned")


def build(size: PlanSize) -> Built:

    from learning.records import rebuild_records

    step = BuildSteps()
    started = time.perf_counter()
    migrate_scratch()
    step("migrate", started)

    started = time.perf_counter()
    plan = make_plan(size)
    with bulk_loading():
        page_ids = build_pages(plan)
    step(f"pages ({len(page_ids)})", started)

    started = time.perf_counter()
    user_ids = build_branches(plan)
    assignment_ids = build_assignments(plan, page_ids, user_ids)
    built = Built(plan, page_ids, user_ids, assignment_ids)
    members = sum(len(users) for users in user_ids)
    assignments = sum(len(ids) for ids in assignment_ids)
    step(f"branches ({len(user_ids)}, {members} members, {assignments} assignments)", started)

    started = time.perf_counter()
    built.events = load_events(plan, page_ids, user_ids)
    step(f"events ({built.events} stored)", started)

    started = time.perf_counter()
    built.records = rebuild_records()
    step(f"records (rebuild_records: {built.records} from the event log)", started)

    analyze()
    check_built(built)
    print("check: records and dashboard statuses match the plan", flush=True)
    built.seconds = step.seconds
    return built


# ======================================== measure ========================================


@dataclass
class Endpoint:
    label: str
    paths: list[str]  # taken in turn
    check: Callable[[str, object], None]  # path, response: raises when the page is wrong
    samples: list[float] = field(default_factory=list)  # wall-clock ms a request
    cpu: list[float] = field(default_factory=list)  # of which this process's CPU time
    full_gc: list[float] = field(default_factory=list)  # ms of each full collection meanwhile
    queries: int = 0  # SQL statements of one request (CaptureQueriesContext)
    sql: list[tuple[float, str]] = field(default_factory=list)  # their ms and text
    request_ms: float = 0.0  # the request whose SQL was captured


def endpoints(built: Built) -> list[Endpoint]:
    from assignments.progress import RECENTLY_CLOSED

    spec = built.plan.measured
    names = [member.name for member in spec.members]
    others = [member.name for branch in built.plan.branches[1:] for member in branch.members]
    audience = {
        pk: len(spec.audience(assignment))
        for assignment, pk in zip(spec.assignments, built.assignment_ids[0], strict=True)
    }
    titles = dict(zip(built.assignment_ids[0], (a.title for a in spec.assignments), strict=True))
    assignments = built.assignment_ids[0]

    def text_of(response) -> str:
        return response.content.decode()

    def roster(path: str, response) -> None:
        text = text_of(response)
        if f"支部成员（{len(names)} 人）" not in text:
            raise RuntimeError(f"{path}: no roster of {len(names)} members")
        missing = [name for name in names if name not in text]
        foreign = [name for name in others if name in text]
        if missing or foreign:
            raise RuntimeError(f"{path}: {len(missing)} members missing, {len(foreign)} foreign")

    def detail(path: str, response) -> None:
        pk = int(path.split("/")[3])
        text = text_of(response)
        if titles[pk] not in text or text.count('<tr class="status--') != audience[pk]:
            raise RuntimeError(f"{path}: not the assignment's {audience[pk]} members")

    def csv_file(path: str, response) -> None:
        pk = int(path.split("/")[3])
        body = response.content.decode("utf-8")
        rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
        if not body.startswith("\ufeff") or len(rows) != audience[pk] + 1:
            raise RuntimeError(f"{path}: not a CSV of {audience[pk]} members")

    # The print view's matrix: one tick per member and listed assignment done. Every
    # assignment is listed unless more were closed than the dashboard keeps.
    ticks = None
    if sum(a.state == "closed" for a in spec.assignments) <= RECENTLY_CLOSED:
        ticks = sum(
            status == STATUS_DONE
            for assignment in spec.assignments
            for status in spec.expected_statuses(assignment).values()
        )

    def printed(path: str, response) -> None:
        text = text_of(response)
        if any(name not in text for name in names):
            raise RuntimeError(f"{path}: the print view lacks members")
        if ticks is not None and text.count("<td>✓</td>") != ticks:
            raise RuntimeError(f"{path}: {text.count('<td>✓</td>')} ticks, not {ticks}")

    return [
        Endpoint("GET /branch/", ["/branch/"], roster),
        Endpoint(
            "GET /branch/assignments/<id>/",
            [f"/branch/assignments/{pk}/" for pk in assignments],
            detail,
        ),
        Endpoint(
            "GET /branch/assignments/<id>/status.csv",
            [f"/branch/assignments/{pk}/status.csv" for pk in assignments],
            csv_file,
        ),
        Endpoint("GET /branch/print/", ["/branch/print/"], printed),
    ]


def get(client, endpoint: Endpoint, path: str) -> tuple[float, float]:
    """Wall-clock and CPU milliseconds of one request; the response is checked afterwards.
    CPU time is what the request cost this process: on a busy machine the wall-clock time
    also holds the time spent waiting for a core (and, with PostgreSQL, for the server)."""
    started, cpu = time.perf_counter(), time.process_time()
    response = client.get(path)
    elapsed = (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}")
    endpoint.check(path, response)
    return elapsed


@contextlib.contextmanager
def timing_sql(into: list[tuple[float, str]]) -> Iterator[None]:
    """Each statement's execution time, to the microsecond (Django's own capture rounds to
    the millisecond, and most of these take less)."""
    from django.db import connection

    def wrapper(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            into.append(((time.perf_counter() - started) * 1000, sql))

    with connection.execute_wrapper(wrapper):
        yield


@contextlib.contextmanager
def timing_full_collections(into: list[float]) -> Iterator[None]:
    """How long each full (generation 2) garbage collection takes while timing: it walks
    every object of the process (Django, Wagtail and all), and the request during which it
    happens waits for it."""
    started: list[float] = []

    def callback(phase: str, info: dict) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            started.append(time.perf_counter())
        elif started:
            into.append((time.perf_counter() - started.pop()) * 1000)

    gc.callbacks.append(callback)
    try:
        yield
    finally:
        gc.callbacks.remove(callback)


def measure(built: Built, requests: int, settle: bool = True) -> list[Endpoint]:
    """Each endpoint timed ``requests`` times, one request at a time, as the organiser; then
    one request more with its SQL captured. After the warm-up the process settles as a web
    worker does at start-up (``config.startup.settle_for_serving``: start-up objects frozen
    out of garbage collection), unless ``settle`` is off."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from config.startup import settle_for_serving

    client = Client(HTTP_HOST="localhost")
    client.force_login(built.organiser())
    timed = endpoints(built)
    for endpoint in timed:
        for path in itertools.islice(itertools.cycle(endpoint.paths), WARM_UP):
            get(client, endpoint, path)
    if settle:
        frozen = settle_for_serving()
        print(f"\nsettle_for_serving(): {frozen} objects left out of collections")
    print(f"\nload average before timing: {load_average()}")
    for endpoint in timed:
        with timing_full_collections(endpoint.full_gc):
            for path in itertools.islice(itertools.cycle(endpoint.paths), requests):
                wall, cpu = get(client, endpoint, path)
                endpoint.samples.append(wall)
                endpoint.cpu.append(cpu)
        with CaptureQueriesContext(connection) as captured, timing_sql(endpoint.sql):
            endpoint.request_ms = get(client, endpoint, endpoint.paths[0])[0]
        endpoint.queries = len(captured.captured_queries)
        print(
            f"  {endpoint.label}: {len(endpoint.samples)} requests, "
            f"median {percentile(endpoint.samples, 0.5):.1f} ms",
            flush=True,
        )
    return timed


def time_overview(built: Built, count: int) -> list[float]:
    """Milliseconds to compute the dashboard's figures alone, without the page around them."""
    from assignments.progress import BranchOverview
    from members.models import Branch

    branch = Branch.objects.get(name=built.plan.measured.name)
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        BranchOverview(branch)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


# ======================================== report =========================================


def report(built: Built, timed: list[Endpoint], overview_ms: list[float]) -> bool:
    vendor = database_version()
    spec = built.plan.measured
    states = Counter(assignment.state for assignment in spec.assignments)
    chosen = sum(assignment.chosen is not None for assignment in spec.assignments)
    items = sum(len(assignment.pages) for assignment in spec.assignments)
    print(
        f"\ndatabase: {vendor}; branch of {len(spec.members) - 1} members + organiser, "
        f"{len(spec.assignments)} assignments ({states['open']} open, {states['overdue']} overdue, "
        f"{states['closed']} closed; {chosen} for chosen members; {items} items); "
        f"{len(built.plan.branches) - 1} other branches; {len(built.plan.kinds)} pages; "
        f"{built.events} events, {built.records} records"
    )
    print(f"machine: {machine()}")
    # Other work on a 2-core machine skews every figure: say how busy it was.
    print(f"load average after timing: {load_average()}")
    print(
        f"\n{pad('endpoint', 40)} {'n':>4} {'p50':>9} {'p95':>9} {'max':>9} "
        f"{'CPU p50':>9} {'CPU p95':>9} {'queries':>7}"
    )
    for endpoint in timed:
        samples, cpu = endpoint.samples, endpoint.cpu
        print(
            f"{pad(endpoint.label, 40)} {len(samples):>4} "
            f"{percentile(samples, 0.5):6.1f} ms {percentile(samples, 0.95):6.1f} ms "
            f"{max(samples):6.1f} ms {percentile(cpu, 0.5):6.1f} ms {percentile(cpu, 0.95):6.1f} ms "
            f"{endpoint.queries:>7}"
        )

    dashboard = timed[0]
    sql_ms = sum(ms for ms, _sql in dashboard.sql)
    print(
        f"\nSQL of one GET /branch/ ({dashboard.request_ms:.1f} ms): {dashboard.queries} "
        f"statements, {sql_ms:.1f} ms in execute() (fetching the rows and making objects of "
        f"them comes after, in Python)"
    )
    for ms, sql in dashboard.sql:
        print(f"  {ms:7.2f} ms  {' '.join(sql.split())[:150]}")
    pauses = dashboard.full_gc
    print(
        f"garbage collection during the timed GET /branch/: {len(pauses)} full collections "
        f"({len(gc.get_objects())} objects subject to collection), "
        + (
            f"{statistics.mean(pauses):.0f} ms each on average, longest {max(pauses):.0f} ms"
            if pauses
            else "none"
        )
    )
    print(
        f"BranchOverview alone (its queries included): p50 {percentile(overview_ms, 0.5):.1f} ms, "
        f"p95 {percentile(overview_ms, 0.95):.1f} ms over {len(overview_ms)} builds, against "
        f"p50 {percentile(dashboard.samples, 0.5):.1f} ms for the whole request (session, "
        f"login, overview, template, middleware)"
    )
    p95 = percentile(dashboard.samples, 0.95)
    met = p95 < TARGET_P95_MS
    print(
        f"\nTARGET /branch/ p95 < {TARGET_P95_MS:.0f} ms: {'MET' if met else 'NOT MET'} "
        f"(p95 {p95:.1f} ms, {dashboard.queries} queries a request)"
    )
    return met


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    defaults = PlanSize()
    parser.add_argument(
        "--members", type=int, default=defaults.members, help="besides the organiser"
    )
    parser.add_argument("--assignments", type=int, default=defaults.assignments)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per endpoint")
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument(
        "--no-settle",
        action="store_true",
        help="skip the web worker's start-up gc.freeze() (config.startup), for comparison",
    )
    args = parser.parse_args(argv)
    if min(args.members, args.assignments, args.requests) < 1:
        parser.error("--members, --assignments and --requests must be at least 1")
    size = PlanSize(members=args.members, assignments=args.assignments, seed=args.seed)

    def measure_and_report(built: Built) -> bool:
        timed = measure(built, args.requests, settle=not args.no_settle)
        overview_ms = time_overview(built, min(args.requests, 50))
        return report(built, timed, overview_ms)

    return run_benchmark(BENCH_DB_NAME, lambda: build(size), measure_and_report, args.keep)


if __name__ == "__main__":
    sys.exit(main())
