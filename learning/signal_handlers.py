"""Signal connections of the learning app, made once by ``LearningConfig.ready``.

The reading list's shared data (``learning.reading_list.shared``) is forgotten in every
process whenever the catalogue may have changed: a page published, unpublished, moved or
deleted, or a view restriction saved or deleted. A deleted page leaves its title on the
events and records that pointed at it.
"""

from django.db.models.signals import post_delete, post_save, pre_delete
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from home.models import ContentPage
from learning.models import LearningEvent, LearningRecord
from learning.reading_list.shared import forget_shared

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
