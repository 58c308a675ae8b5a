"""补学: the meeting's study material, set through the assignments app for those who missed it.

A member marked 请假 or 缺席 at a confirmed meeting with study material gets one
``Assignment`` for the meeting (``Meeting.makeup``): chosen members only, the meeting's
pages as its items, a reflection asked when the organiser asked for one. Whether they have
done it comes from their learning records (``assignments.progress``), like any assignment:
there is no tick box here, and 补学 is help, never a mark against anyone.

A correction keeps the assignment in step with the record (``sync_makeup``): new absentees
are added, members now recorded present are taken off, the items follow the materials, and
an assignment left with nobody to help is closed (and opened again if someone is absent
again after a later correction).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from assignments.models import Assignment, AssignmentItem, StudyStatus
from assignments.progress import item_page_ids, load_progress
from home.models import ContentPage
from meetings.models import Meeting, MeetingSource, Presence

# How long the absent have to catch up, from the day the record is confirmed.
MAKEUP_DAYS = 14
MISSED = (Presence.LEAVE, Presence.ABSENT)


def makeup_title(meeting: Meeting) -> str:
    """补学：党员大会 2026-03-05 (the meeting's day in the site's time zone)."""
    day = timezone.localtime(meeting.starts_at).date().isoformat()
    return _("补学：%(kind)s %(day)s") % {"kind": meeting.get_kind_display(), "day": day}


def missed_ids(meeting: Meeting) -> list[int]:
    """Members recorded 请假 or 缺席 at the meeting (one query)."""
    rows = meeting.attendance.filter(presence__in=MISSED).order_by("member_id")
    return list(rows.values_list("member_id", flat=True))


def material_page_ids(meeting: Meeting) -> list[int]:
    """The meeting's materials that are still content pages of the site, in order."""
    ids = [
        page_id
        for page_id in meeting.materials.values_list("page_id", flat=True)
        if page_id is not None
    ]
    content = set(ContentPage.objects.filter(pk__in=ids).values_list("pk", flat=True))
    return [page_id for page_id in ids if page_id in content]


def set_items(assignment: Assignment, page_ids: list[int]) -> None:
    assignment.items.all().delete()
    AssignmentItem.objects.bulk_create(
        AssignmentItem(assignment=assignment, page_id=page_id, sort_order=order)
        for order, page_id in enumerate(page_ids)
    )


def create_makeup(meeting: Meeting, by, now: datetime) -> Assignment | None:
    """The 补学 for a meeting just confirmed, or None when nobody missed it or it studied
    nothing. Call inside the confirming transaction."""
    members, pages = missed_ids(meeting), material_page_ids(meeting)
    if not members or not pages:
        return None
    assignment = Assignment.objects.create(
        branch=meeting.branch,
        title=makeup_title(meeting)[:100],
        note=_("你未能参加这次%(kind)s。请学习会上学习的材料，跟上支部的进度。")
        % {"kind": meeting.get_kind_display()},
        due_on=timezone.localdate(now) + timedelta(days=MAKEUP_DAYS),
        whole_branch=False,
        require_reflection=meeting.makeup_reflection,
        created_by=by,
    )
    assignment.chosen_members.set(members)
    set_items(assignment, pages)
    meeting.makeup = assignment
    meeting.save(update_fields=["makeup"])
    return assignment


def sync_makeup(meeting: Meeting, by, now: datetime) -> Assignment | None:
    """After a correction: the 补学's audience, items and reflection follow the record.

    A record that never had a 补学 gets one when the correction adds absentees (not an
    imported one: past records create none).
    """
    assignment = meeting.makeup
    if assignment is None:
        if meeting.source == MeetingSource.IMPORT:
            return None
        return create_makeup(meeting, by, now)
    members, pages = missed_ids(meeting), material_page_ids(meeting)
    assignment.chosen_members.set(members)
    if pages != item_page_ids_in_order(assignment):
        set_items(assignment, pages)
    assignment.require_reflection = meeting.makeup_reflection
    assignment.title = makeup_title(meeting)[:100]
    if members and pages:
        assignment.closed_at = None
    elif assignment.closed_at is None:
        assignment.closed_at = now
    assignment.save(update_fields=["require_reflection", "title", "closed_at"])
    return assignment


def item_page_ids_in_order(assignment: Assignment) -> list[int]:
    rows = assignment.items.order_by("sort_order", "pk").values_list("page_id", flat=True)
    return [page_id for page_id in rows if page_id is not None]


def makeup_done(meeting: Meeting) -> dict[int, bool]:
    """For each member the 补学 is for, whether they have done it: from their learning
    records (and reflections when one is asked), in a fixed number of queries."""
    if meeting.makeup_id is None:
        return {}
    assignment = (
        Assignment.objects.filter(pk=meeting.makeup_id)
        .prefetch_related("items", "chosen_members")
        .first()
    )
    if assignment is None:
        return {}
    members = [member.pk for member in assignment.chosen_members.all()]
    pages = item_page_ids(assignment)
    required = assignment.require_reflection
    progress = load_progress(members, pages, reflections=required)
    return {
        member_id: progress[member_id].status(pages, required) == StudyStatus.DONE
        for member_id in members
    }


def member_makeup_done(member, meetings) -> dict[int, bool]:
    """For one member and many meetings (我的组织生活): meeting id → whether their 补学 is
    done, for the meetings whose 补学 is for them; three or four queries for any number."""
    by_assignment = {meeting.makeup_id: meeting.pk for meeting in meetings if meeting.makeup_id}
    if not by_assignment:
        return {}
    assignments = list(
        Assignment.objects.filter(pk__in=by_assignment, chosen_members=member).prefetch_related(
            "items"
        )
    )
    pages = {page_id for assignment in assignments for page_id in item_page_ids(assignment)}
    required = any(assignment.require_reflection for assignment in assignments)
    progress = load_progress([member.pk], pages, reflections=required)[member.pk]
    return {
        by_assignment[assignment.pk]: progress.status(
            item_page_ids(assignment), assignment.require_reflection
        )
        == StudyStatus.DONE
        for assignment in assignments
    }
