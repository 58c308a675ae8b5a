"""待学任务: who an assignment is for, and how far each member has got.

Progress comes from the members' learning records (``LearningRecord``), never from tick
boxes: an item is done when its record is completed, started when a record exists. When the
assignment requires a reflection (``Assignment.require_reflection``), an item is done only
when its record is completed *and* the member has written a reflection on the page (shared
or not): one more query for all the members' reflections on the pages. An
assignment is *done* when every item is, *in progress* when any item is started, otherwise
*not started*. Organisers see only these statuses, never events or reading times.

Everything here loads a fixed number of queries whatever the size of the branch, so the
organiser's dashboard stays fast for a branch of hundreds (see ``BranchOverview``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from django.contrib.auth import get_user_model
from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q, QuerySet
from django.utils import timezone

from assignments.models import Assignment, AssignmentItem, StudyStatus
from home.models import ContentPage
from learning.models import LearningRecord
from members.models import Branch
from reflections.models import Reflection

# A member behind on this many overdue assignments is listed for a conversation.
CONVERSATION_THRESHOLD = 2
# Closed assignments stay on the dashboard (and in the print view) this long.
RECENTLY_CLOSED = 10


def branch_members(branch: Branch) -> QuerySet:
    """The branch's members (users with a profile in it), by name."""
    return (
        get_user_model()
        .objects.filter(member_profile__branch=branch, is_active=True)
        .select_related("member_profile")
        .order_by("member_profile__display_name", "pk")
    )


def with_items(
    assignments: QuerySet[Assignment], *, chosen_members: bool = True
) -> QuerySet[Assignment]:
    """Items with their pages' titles and URLs, and (unless asked not to) the chosen
    members' ids: three queries, or two."""
    items = AssignmentItem.objects.select_related("page").only(
        "assignment_id",
        "sort_order",
        "page_title",
        "page__title",
        "page__url_path",
        "page__live",
        "page__topic",
    )
    assignments = assignments.prefetch_related(Prefetch("items", queryset=items))
    if not chosen_members:
        return assignments
    chosen = get_user_model().objects.only("pk")
    return assignments.prefetch_related(Prefetch("chosen_members", queryset=chosen))


def item_page_ids(assignment: Assignment) -> list[int]:
    """The assignment's pages that still exist: an item whose page was deleted is kept (with
    its title) but is no longer something to study."""
    return [item.page_id for item in assignment.items.all() if item.page_id is not None]


def audience_ids(assignment: Assignment, member_ids: Sequence[int]) -> list[int]:
    """Who the assignment is for among the branch's current members, in roster order.

    A chosen member who has left the branch is no longer in it; whole-branch assignments
    reach members who joined after they were set.
    """
    if assignment.whole_branch:
        return list(member_ids)
    chosen = {member.pk for member in assignment.chosen_members.all()}
    return [member_id for member_id in member_ids if member_id in chosen]


@dataclass
class Progress:
    """One member's records on the pages that matter: what is done, what is started, and
    (when some assignment requires it) which pages they wrote a reflection on."""

    done: set[int] = field(default_factory=set)
    started: set[int] = field(default_factory=set)
    reflected: set[int] = field(default_factory=set)

    def is_done(self, page_id: int, require_reflection: bool = False) -> bool:
        return page_id in self.done and (not require_reflection or page_id in self.reflected)

    def status(self, page_ids: Iterable[int], require_reflection: bool = False) -> str:
        page_ids = list(page_ids)
        if page_ids and all(self.is_done(page_id, require_reflection) for page_id in page_ids):
            return StudyStatus.DONE
        if any(page_id in self.started for page_id in page_ids):
            return StudyStatus.IN_PROGRESS
        return StudyStatus.NOT_STARTED

    def done_count(self, page_ids: Iterable[int], require_reflection: bool = False) -> int:
        return sum(1 for page_id in page_ids if self.is_done(page_id, require_reflection))


def load_progress(
    member_ids: Iterable[int], page_ids: Iterable[int], *, reflections: bool = False
) -> dict[int, Progress]:
    """Per member, their records on these pages: one query; with ``reflections`` (some
    assignment requires one), one more for which of these pages they wrote a reflection on."""
    progress: dict[int, Progress] = defaultdict(Progress)
    member_ids, page_ids = list(member_ids), list(set(page_ids))
    if not member_ids or not page_ids:
        return progress
    rows = LearningRecord.objects.filter(member_id__in=member_ids, page_id__in=page_ids)
    # Only whether it is done matters: a boolean spares parsing thousands of datetimes.
    done = ExpressionWrapper(Q(completed_at__isnull=False), output_field=BooleanField())
    for member_id, page_id, is_done in rows.annotate(is_done=done).values_list(
        "member_id", "page_id", "is_done"
    ):
        progress[member_id].started.add(page_id)
        if is_done:
            progress[member_id].done.add(page_id)
    if reflections:
        written = Reflection.objects.filter(member_id__in=member_ids, page_id__in=page_ids)
        for member_id, page_id in written.values_list("member_id", "page_id"):
            progress[member_id].reflected.add(page_id)
    return progress


def any_requires_reflection(assignments: Iterable[Assignment]) -> bool:
    return any(assignment.require_reflection for assignment in assignments)


@dataclass
class AssignmentStatus:
    """An assignment's completion across its audience."""

    assignment: Assignment
    audience: list[int]
    statuses: dict[int, str]  # member id -> status
    done_items: dict[int, int]  # member id -> items done

    @cached_property
    def counts(self) -> Counter[str]:
        return Counter(self.statuses.values())

    @property
    def done(self) -> int:
        return self.counts[StudyStatus.DONE]

    @property
    def in_progress(self) -> int:
        return self.counts[StudyStatus.IN_PROGRESS]

    @property
    def not_started(self) -> int:
        return self.counts[StudyStatus.NOT_STARTED]

    @property
    def percent_done(self) -> int:
        return round(100 * self.done / len(self.audience)) if self.audience else 0

    @property
    def item_count(self) -> int:
        return len(item_page_ids(self.assignment))


def assignment_status(
    assignment: Assignment, member_ids: Sequence[int], progress: dict[int, Progress]
) -> AssignmentStatus:
    """Statuses from ``progress``, loaded with ``reflections=True`` when the assignment
    requires a reflection."""
    audience = audience_ids(assignment, member_ids)
    pages = item_page_ids(assignment)
    required = assignment.require_reflection
    return AssignmentStatus(
        assignment=assignment,
        audience=audience,
        statuses={member_id: progress[member_id].status(pages, required) for member_id in audience},
        done_items={
            member_id: progress[member_id].done_count(pages, required) for member_id in audience
        },
    )


@dataclass
class RosterRow:
    member: object  # the user, with member_profile loaded
    open_count: int  # open assignments for them not done yet
    overdue_count: int  # of which past their due date
    statuses: dict[int, str]  # assignment id -> status, for the assignments they are in
    cells: list[str | None] = field(default_factory=list)  # status per listed assignment

    @property
    def name(self) -> str:
        return self.member.member_profile.display_name


class BranchOverview:
    """Everything the organiser's dashboard shows, in six queries for any branch size:
    members, open and recently closed assignments (with items and chosen members), and the
    members' records on the assigned pages; a seventh for their reflections on those pages
    when a listed assignment requires one."""

    def __init__(self, branch: Branch, now: datetime | None = None) -> None:
        self.branch = branch
        self.now = now or timezone.now()
        self.members = list(branch_members(branch))
        member_ids = [member.pk for member in self.members]
        assignments = with_items(branch.assignments.all())
        self.open = list(assignments.filter(closed_at__isnull=True).order_by("due_on", "pk"))
        self.closed = list(
            assignments.filter(closed_at__isnull=False).order_by("-closed_at", "-pk")[
                :RECENTLY_CLOSED
            ]
        )
        pages = {
            page_id
            for assignment in self.open + self.closed
            for page_id in item_page_ids(assignment)
        }
        self.listed = self.open + self.closed
        progress = load_progress(
            member_ids, pages, reflections=any_requires_reflection(self.listed)
        )
        self.statuses = {
            assignment.pk: assignment_status(assignment, member_ids, progress)
            for assignment in self.listed
        }
        # Worked out once per assignment, not once per member and assignment.
        self.overdue = {assignment.pk: assignment.is_overdue(self.now) for assignment in self.open}
        self.roster = [self.roster_row(member) for member in self.members]

    def roster_row(self, member) -> RosterRow:
        open_count = overdue_count = 0
        statuses = {}
        for assignment in self.listed:
            status = self.statuses[assignment.pk].statuses.get(member.pk)
            if status is None:
                continue
            statuses[assignment.pk] = status
            if assignment.pk in self.overdue and status != StudyStatus.DONE:
                open_count += 1
                overdue_count += self.overdue[assignment.pk]
        cells = [statuses.get(assignment.pk) for assignment in self.listed]
        return RosterRow(member, open_count, overdue_count, statuses, cells)

    @property
    def needs_conversation(self) -> list[RosterRow]:
        """Members behind on two or more overdue assignments, by name (never ranked)."""
        return [row for row in self.roster if row.overdue_count >= CONVERSATION_THRESHOLD]

    @property
    def assignments(self) -> list[AssignmentStatus]:
        return [self.statuses[assignment.pk] for assignment in self.listed]


# --- the member's side: 待学任务 ---------------------------------------------------------


@dataclass
class TodoItem:
    page: object
    done: bool
    started: bool
    # Studied, but the assignment also asks for a reflection not written yet.
    needs_reflection: bool = False


@dataclass
class TodoAssignment:
    assignment: Assignment
    items: list[TodoItem]
    overdue: bool

    @property
    def done(self) -> bool:
        return all(item.done for item in self.items)

    @property
    def done_count(self) -> int:
        return sum(item.done for item in self.items)


def member_assignments(user) -> QuerySet[Assignment]:
    """Open assignments of the member's current branch that are for them (one query)."""
    return Assignment.objects.filter(branch__members__user=user, closed_at__isnull=True).filter(
        Q(whole_branch=True) | Q(chosen_members=user)
    )


def todo_list(user, now: datetime | None = None, *, include_done: bool = False, visible=None):
    """The member's open assignments, soonest due first, each item marked done or not.

    Items whose pages are no longer published are left out (nothing to open); an assignment
    left with no items is left out too. Done assignments only with ``include_done``.
    ``visible``: the request's ``ContentPage.objects.visible()``, when it has one already.
    """
    if not getattr(user, "is_authenticated", False):
        return []
    now = now or timezone.now()
    mine = member_assignments(user).distinct().order_by("due_on", "pk")
    assignments = list(with_items(mine, chosen_members=False))
    if not assignments:
        return []
    visible = set(
        (visible if visible is not None else ContentPage.objects.visible())
        .filter(pk__in={page_id for a in assignments for page_id in item_page_ids(a)})
        .values_list("pk", flat=True)
    )
    progress = load_progress([user.pk], visible, reflections=any_requires_reflection(assignments))[
        user.pk
    ]
    todo = []
    for assignment in assignments:
        required = assignment.require_reflection
        items = [
            TodoItem(
                item.page,
                progress.is_done(item.page_id, required),
                item.page_id in progress.started,
                required and item.page_id not in progress.reflected,
            )
            for item in assignment.items.all()
            if item.page_id in visible
        ]
        entry = TodoAssignment(assignment, items, assignment.is_overdue(now))
        if items and (include_done or not entry.done):
            todo.append(entry)
    return todo
