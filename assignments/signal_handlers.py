"""Assignments' reactions to editors' work, wired in ``AssignmentsConfig.ready``."""

from django.db.models.signals import pre_delete
from django.dispatch import receiver

from assignments.models import AssignmentItem
from home.models import ContentPage


@receiver(pre_delete, sender=ContentPage, dispatch_uid="assignments-keep-page-title")
def keep_item_title(sender, instance, **kwargs) -> None:
    """An item whose page is deleted stays (``on_delete=SET_NULL``) with the page's title:
    shown as deleted content, no longer counted as to-do."""
    AssignmentItem.objects.filter(page_id=instance.pk).update(page_title=instance.title)
