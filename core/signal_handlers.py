"""What forgets every page kept for anonymous visitors (``core.pagecache.bump``).

Pages show the main menu, cards of other pages, tags and search promotions, so any change to
the page tree or to who may see a page forgets them all: publish, unpublish, move, delete,
view restrictions (privacy), sites and editors' search picks. Apps above core bump on their
own changes that anonymous pages show (events: places left).
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from core.pagecache import bump


@receiver(page_published, dispatch_uid="pagecache-published")
@receiver(page_unpublished, dispatch_uid="pagecache-unpublished")
@receiver(post_page_move, dispatch_uid="pagecache-moved")
@receiver(post_delete, sender=Page, dispatch_uid="pagecache-page-deleted")
@receiver(post_save, sender=PageViewRestriction, dispatch_uid="pagecache-restricted")
@receiver(post_delete, sender=PageViewRestriction, dispatch_uid="pagecache-unrestricted")
@receiver(post_save, sender=Site, dispatch_uid="pagecache-site-saved")
@receiver(post_delete, sender=Site, dispatch_uid="pagecache-site-deleted")
@receiver(post_save, sender=SearchPromotion, dispatch_uid="pagecache-promotion-saved")
@receiver(post_delete, sender=SearchPromotion, dispatch_uid="pagecache-promotion-deleted")
def forget_pages(**kwargs) -> None:
    bump()


def image_changed(sender, **kwargs) -> None:
    """An edited or deleted picture (alt text, focal point, file) changes the pages showing it."""
    bump()


post_save.connect(image_changed, sender=get_image_model(), dispatch_uid="pagecache-image-saved")
post_delete.connect(image_changed, sender=get_image_model(), dispatch_uid="pagecache-image-gone")
