"""Publishing, unpublishing, moving or deleting any page, or changing who may see one,
drops the cached main menu: a section made private leaves the menu at once. The same and
a few more (images, renditions, documents, sites, tags) drop the shared fragments."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from taggit.models import Tag
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import CollectionViewRestriction, Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from home.fragments import forget_fragments
from home.navigation import forget_menus


@receiver(page_published, dispatch_uid="forget-menus-published")
@receiver(page_unpublished, dispatch_uid="forget-menus-unpublished")
@receiver(post_page_move, dispatch_uid="forget-menus-moved")
@receiver(post_delete, sender=Page, dispatch_uid="forget-menus-delete")
@receiver(post_save, sender=PageViewRestriction, dispatch_uid="forget-menus-restricted")
@receiver(post_delete, sender=PageViewRestriction, dispatch_uid="forget-menus-unrestricted")
def page_tree_changed(**kwargs) -> None:
    forget_menus()


# Shared fragments (home.fragments): any change to what a page, a card or a menu shows.
def forget_fragments_on_save(sender, instance, **kwargs) -> None:
    if isinstance(instance, Page):  # drafts too: cheap, and publishing saves the page anyway
        forget_fragments()


def forget_fragments_on_change(**kwargs) -> None:
    forget_fragments()


post_save.connect(forget_fragments_on_save, dispatch_uid="fragments-page-saved")
for _signal in (page_published, page_unpublished, post_page_move):
    _signal.connect(forget_fragments_on_change, dispatch_uid=f"fragments-{id(_signal)}")
_image_model = get_image_model()
for _model in (
    PageViewRestriction,
    CollectionViewRestriction,
    Site,
    Tag,
    _image_model,
    get_document_model(),
):
    post_save.connect(forget_fragments_on_change, sender=_model, dispatch_uid=f"fragments-{_model}")
for _model in (
    Page,
    PageViewRestriction,
    CollectionViewRestriction,
    Site,
    Tag,
    _image_model,
    _image_model.get_rendition_model(),
    get_document_model(),
):
    post_delete.connect(
        forget_fragments_on_change, sender=_model, dispatch_uid=f"fragments-gone-{_model}"
    )
