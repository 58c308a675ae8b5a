"""待学任务 in the reading list: the member's assigned, unfinished items lead it, and the
ranked items do not repeat them. ``todo`` is what ``assignments.progress.todo_list`` gives."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.translation import gettext as _

from assignments.models import Assignment
from learning.reading_list.items import ReadingItem
from learning.reading_list.shared import current_shared


@dataclass
class AssignedItem(ReadingItem):
    """An item of one of the member's open assignments (待学任务), not yet studied."""

    assignment: Assignment | None = None

    def as_json(self, request: HttpRequest | None = None) -> dict:
        return {
            **super().as_json(request),
            "assignment": self.assignment.pk,
            "assignment_title": self.assignment.title,
            "due": self.assignment.due_on.isoformat(),
        }


def unfinished_page_ids(todo: Iterable) -> set[int]:
    """Pages of the member's open assignments not studied yet (the reading list skips them)."""
    return {item.page.pk for entry in todo for item in entry.items if not item.done}


def assigned_items(todo: Iterable) -> list[AssignedItem]:
    """Unfinished assigned items, soonest due first, each page once: they lead the list."""
    catalogue = current_shared().catalogue_of()
    items: list[AssignedItem] = []
    seen: set[int] = set()
    for entry in todo:
        for item in entry.items:
            if item.done or item.page.pk in seen:
                continue
            seen.add(item.page.pk)
            candidate = catalogue.by_id.get(item.page.pk)
            items.append(
                AssignedItem(
                    page=item.page,
                    reason=_("支部任务：%(due)s 截止")
                    % {"due": f"{entry.assignment.due_on.month}月{entry.assignment.due_on.day}日"},
                    score=0.0,
                    kind=candidate.kind if candidate else "",
                    tags=candidate.tags if candidate else (item.page.topic,),
                    assignment=entry.assignment,
                )
            )
    return items
