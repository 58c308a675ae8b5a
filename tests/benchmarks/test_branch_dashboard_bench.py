"""The branch dashboard benchmark's plan: its figures are only as good as the branch it builds."""

import random
from collections import Counter

import pytest

from benchmarks.branch_dashboard_bench import (
    DONE,
    STARTED,
    AssignmentPlan,
    BranchPlan,
    MemberPlan,
    PlanSize,
    Study,
    make_plan,
    study_events,
)
from learning.records import LECTURE_COMPLETION_PROGRESS, READING_SECONDS_TO_COMPLETE


@pytest.fixture(scope="module")
def plan():
    return make_plan(PlanSize())


def test_same_seed_same_plan(plan):
    again = make_plan(PlanSize())
    assert again.measured.assignments == plan.measured.assignments
    assert [m.studies for m in again.measured.members] == [m.studies for m in plan.measured.members]
    other = make_plan(PlanSize(seed=7))
    assert other.measured.assignments != plan.measured.assignments


def test_the_measured_branch_has_the_requested_shape(plan):
    branch = plan.measured
    assert len(branch.members) == 201  # 200 members and the organiser (number 0)
    assert len(plan.branches) == 3 and all(len(b.members) == 41 for b in plan.branches[1:])
    states = Counter(assignment.state for assignment in branch.assignments)
    assert states == {"open": 10, "overdue": 6, "closed": 4}
    assert sum(assignment.chosen is not None for assignment in branch.assignments) == 7
    for assignment in branch.assignments:
        assert 1 <= len(assignment.pages) <= 3
        assert len(set(assignment.pages)) == len(assignment.pages)
        assert all(plan.kinds[page] != "event" for page in assignment.pages)
        if assignment.state == "closed":
            assert assignment.closed_days_ago < -assignment.due_in_days  # closed after it was due
        if assignment.chosen is not None:
            assert assignment.chosen and 0 not in assignment.chosen
            assert set(assignment.chosen) <= set(range(1, 201))
    names = [member.name for b in plan.branches for member in b.members]
    assert len(set(names)) == len(names)  # so the dashboard check can tell branches apart


def test_the_branch_shows_every_status(plan):
    branch = plan.measured
    totals = Counter()
    for assignment in branch.assignments:
        totals.update(branch.expected_statuses(assignment).values())
    assert set(totals) == {"done", "in_progress", "not_started"}
    assert min(totals.values()) > 0.1 * sum(totals.values())


def test_expected_statuses_by_hand():
    members = [
        MemberPlan(0, "王组织", 0.5),
        MemberPlan(1, "李明", 0.5, {1: Study(DONE, 1), 2: Study(DONE, 1)}),
        MemberPlan(2, "张华", 0.5, {1: Study(DONE, 1), 2: Study(STARTED, 1)}),
        MemberPlan(3, "陈静", 0.5, {3: Study(DONE, 1)}),
    ]
    whole = AssignmentPlan("全支部", (1, 2), 3, 7, None, None)
    chosen = AssignmentPlan("指定", (1,), -2, 9, None, (1, 3))
    branch = BranchPlan("支部", "党委", members, [whole, chosen])
    assert branch.expected_statuses(whole) == {
        0: "not_started",
        1: "done",
        2: "in_progress",
        3: "not_started",
    }
    assert branch.expected_statuses(chosen) == {1: "done", 3: "not_started"}


@pytest.mark.parametrize("kind", ["lecture", "site", "story", "event"])
@pytest.mark.parametrize("outcome", [DONE, STARTED])
def test_study_events_end_as_planned_by_the_completion_rules(kind, outcome):
    """What learning.records would make of the events: done exactly when planned."""
    for seed in range(300):
        events = study_events(kind, outcome, random.Random(seed))
        verbs = [verb for verb, _value, _offset in events]
        offsets = [offset for _verb, _value, offset in events]
        assert events and offsets == sorted(offsets)
        progress = max((v for verb, v, _o in events if verb == "progressed"), default=0.0)
        seconds = sum(v for verb, v, _o in events if verb == "viewed")
        if kind == "lecture":
            done = progress >= LECTURE_COMPLETION_PROGRESS
        elif kind in ("site", "story"):
            done = seconds >= READING_SECONDS_TO_COMPLETE
        else:
            done = "attended" in verbs
        done = done or "completed" in verbs
        assert done == (outcome == DONE), (seed, events)
        for verb, value, _offset in events:
            # Within what the events endpoint accepts (or what the server itself records).
            if verb == "viewed":
                assert 0 <= value <= 3600
            elif verb == "progressed":
                assert 0 <= value <= 1
            else:
                assert verb in {"completed", "registered", "attended"} and value is None
