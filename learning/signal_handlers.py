"""Signal connections of the learning app, made once by ``LearningConfig.ready``.

The reading list's shared data (``learning.reading_list.shared``) is forgotten in every
process whenever the catalogue may have changed: a page published, unpublished, moved or
deleted, or a view restriction saved or deleted. A deleted page leaves its title on the
events and records that pointed at it. When an editor changes what counts as done on a page
(``completion_policy``), every record of that page is recomputed under the new rule, so the
records stay what a rebuild would give.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from home.models import ContentPage
from learning.models import LearningEvent, LearningRecord
from learning.reading_list.shared import forget_shared
from learning.records import refresh_records

for _signal in (page_published, page_unpublished, post_page_move):
    _signal.connect(forget_shared, dispatch_uid=f"reading-list-shared-{id(_signal)}")
post_delete.connect(forget_shared, sender=Page, dispatch_uid="reading-list-shared-delete")
for _signal in (post_save, post_delete):
    _signal.connect(
        forget_shared,
        sender=PageViewRestriction,
        dispatch_uid=f"reading-list-shared-restriction-{id(_signal)}",
    )


def keep_titles(sender, instance, **kwargs) -> None:
    """Just before a content page is deleted, its events and records keep its title (the
    link to it is then emptied, ``on_delete=SET_NULL``): the history outlives the page."""
    for model in (LearningEvent, LearningRecord):
        model.objects.filter(page_id=instance.pk).update(page_title=instance.title)


pre_delete.connect(keep_titles, sender=ContentPage, dispatch_uid="learning-keep-page-titles")


def note_policy_change(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if raw or not isinstance(instance, ContentPage) or instance.pk is None:
        return
    if update_fields is not None and "completion_policy" not in update_fields:
        return
    before = (
        ContentPage.objects.filter(pk=instance.pk)
        .values_list("completion_policy", flat=True)
        .first()
    )
    instance._completion_policy_changed = before is not None and before != (
        instance.completion_policy
    )


def refresh_after_policy_change(sender, instance, raw=False, **kwargs) -> None:
    if raw or not getattr(instance, "_completion_policy_changed", False):
        return
    instance._completion_policy_changed = False
    page_id = instance.pk

    def refresh() -> None:
        members = (
            LearningEvent.objects.filter(page_id=page_id).values_list("member_id", flat=True)
        ).distinct()
        for member_id in sorted(set(members)):
            refresh_records(member_id, [page_id])

    transaction.on_commit(refresh)


pre_save.connect(note_policy_change, dispatch_uid="learning-note-policy-change")
post_save.connect(refresh_after_policy_change, dispatch_uid="learning-refresh-policy-change")
