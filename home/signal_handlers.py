"""Publishing, unpublishing, moving or deleting any page, or changing who may see one,
drops the cached main menu: a section made private leaves the menu at once."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from home.navigation import forget_menus


@receiver(page_published, dispatch_uid="forget-menus-published")
@receiver(page_unpublished, dispatch_uid="forget-menus-unpublished")
@receiver(post_page_move, dispatch_uid="forget-menus-moved")
@receiver(post_delete, sender=Page, dispatch_uid="forget-menus-delete")
@receiver(post_save, sender=PageViewRestriction, dispatch_uid="forget-menus-restricted")
@receiver(post_delete, sender=PageViewRestriction, dispatch_uid="forget-menus-unrestricted")
def page_tree_changed(**kwargs) -> None:
    forget_menus()
