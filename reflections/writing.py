"""Writing and deleting a member's reflection, with the learning events that go with it.

Saving (the first time and each change) is a ``reflected`` learning event, written by the
server (``learning.event_log.record_server_event``), which completes a page whose policy is
提交心得. Deleting removes the reflection, its shares (the foreign key cascades) and the
member's ``reflected`` events for the page, then refreshes the record, in one transaction:
the records stay what ``rebuild_learning_records`` would give.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from home.models import ContentPage
from learning.event_log import record_server_event
from learning.models import LearningEvent, Verb
from learning.records import refresh_records
from reflections.models import Reflection


def member_reflection(member, page) -> Reflection | None:
    """The member's own reflection on the page, if any (one query)."""
    return Reflection.objects.filter(member=member, page=page).first()


@transaction.atomic
def save_reflection(member, page: ContentPage, text: str) -> tuple[Reflection, bool]:
    """Create or replace the member's reflection; returns it and whether anything changed.
    ``text`` has passed ``ReflectionForm``."""
    now = timezone.now()
    reflection, created = Reflection.objects.select_for_update().get_or_create(
        member=member,
        page=page,
        defaults={"text": text, "page_title": page.title, "created_at": now, "updated_at": now},
    )
    if not created:
        if reflection.text == text:
            return reflection, False
        reflection.text = text
        reflection.page_title = page.title
        reflection.updated_at = now
        reflection.save(update_fields=["text", "page_title", "updated_at"])
    record_server_event(member, page, Verb.REFLECTED)
    return reflection, True


@transaction.atomic
def delete_reflection(member, page: ContentPage) -> bool:
    """Remove the member's reflection on the page, its shares and its learning events."""
    deleted, _by_model = Reflection.objects.filter(member=member, page=page).delete()
    LearningEvent.objects.filter(member=member, page=page, verb=Verb.REFLECTED).delete()
    refresh_records(member.pk, [page.pk])
    return bool(deleted)
