"""Members share their reflection on an assignment's page with their branch's organisers.

A reflection (``reflections.Reflection``) is private; a ``ReflectionShare`` row shows it to
the organisers of one assignment's branch, and deleting the row hides it again. A member
shares only their own reflection, only for an open assignment that is for them and holds
the page; they may always take a share back. Organisers see the text, the page and when it
was shared — never marks, self-check results or reading times.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from assignments.models import Assignment, ReflectionShare
from assignments.progress import item_page_ids, member_assignments
from members.models import Branch


@dataclass
class ShareChoice:
    """One tick box under the member's reflection: an assignment and whether it is shared."""

    assignment: Assignment
    shared: bool
    can_share: bool  # open and for them; otherwise only taking a share back is offered


# share_choices' default: the member's reflection has not been read yet.
UNREAD = object()


def share_choices(member, page, reflection=UNREAD) -> list[ShareChoice]:
    """The member's open assignments holding the page, and any assignment their reflection
    on it is still shared with (closed since, say). Two small queries (a third only for such
    a closed one): one query with the shares as subqueries cost twice the CPU to build.
    ``reflection``: the member's reflection on the page when the caller has read it already
    (``None``: they have none, so nothing is shared and the shares cost no query)."""
    fields = ("pk", "title", "due_on", "require_reflection", "closed_at")
    theirs = {
        assignment.pk: assignment
        for assignment in member_assignments(member)
        .filter(items__page=page)
        .only(*fields)
        .distinct()
    }
    if reflection is None:
        shared = set()
    else:
        shares = (
            ReflectionShare.objects.filter(reflection__member=member, reflection__page=page)
            if reflection is UNREAD
            else ReflectionShare.objects.filter(reflection=reflection)
        )
        shared = set(shares.values_list("assignment_id", flat=True))
    closed = shared - theirs.keys()
    others = list(Assignment.objects.filter(pk__in=closed).only(*fields)) if closed else []
    rows = sorted([*theirs.values(), *others], key=lambda row: (row.due_on, row.pk))
    return [ShareChoice(row, row.pk in shared, row.pk in theirs) for row in rows]


def shareable_assignment(member, assignment_id: int, page) -> Assignment | None:
    """The assignment, if the member may share a reflection on ``page`` with it now."""
    return member_assignments(member).filter(pk=assignment_id, items__page=page).distinct().first()


def shared_reflections(
    assignment: Assignment, branch: Branch, audience: Iterable[int]
) -> list[ReflectionShare]:
    """The reflections shared for this assignment by members of its audience on its pages,
    newest share first: one query. Nothing but the shares exists for the organiser."""
    audience = set(audience)
    shares = (
        ReflectionShare.objects.filter(
            assignment=assignment,
            reflection__member__member_profile__branch=branch,
            reflection__page_id__in=item_page_ids(assignment),
        )
        .select_related("reflection", "reflection__member__member_profile", "reflection__page")
        .defer("reflection__page__body", "reflection__page__self_check")
        .order_by("-shared_at", "-pk")
    )
    return [share for share in shares if share.reflection.member_id in audience]
