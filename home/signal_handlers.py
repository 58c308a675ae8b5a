"""Publishing, unpublishing, moving or deleting any page drops the cached main menu."""

from django.db.models.signals import post_delete
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from home.navigation import forget_menus


@receiver(page_published, dispatch_uid="forget-menus-published")
@receiver(page_unpublished, dispatch_uid="forget-menus-unpublished")
@receiver(post_page_move, dispatch_uid="forget-menus-moved")
@receiver(post_delete, sender=Page, dispatch_uid="forget-menus-delete")
def page_tree_changed(**kwargs) -> None:
    forget_menus()
