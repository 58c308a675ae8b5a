"""What replaces the shared content version (``core.content_version.bump``), forgetting every
kept page, shared fragment, remembered route and menu at once.

Pages show the main menu, cards of other pages, pictures, tags, documents and search
promotions, so any change to those forgets them all: a page saved (drafts too: cheap, and
safe against a live page saved directly), published, unpublished, moved or deleted; who
may see a page or a collection; a site; an image, its renditions or a document; a tag; an
editors' search pick. Apps above core bump on their own changes that pages show (events:
places left).
"""

from django.db.models.signals import post_delete, post_save
from taggit.models import Tag
from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import CollectionViewRestriction, Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from core.content_version import bump


def forget_on_save(sender, instance, **kwargs) -> None:
    if isinstance(instance, Page):  # any page model: post_save is sent for the concrete class
        bump()


def forget(**kwargs) -> None:
    bump()


post_save.connect(forget_on_save, dispatch_uid="content-version-page-saved")
for _signal in (page_published, page_unpublished, post_page_move):
    _signal.connect(
        forget, dispatch_uid=f"content-version-{_signal.__class__.__name__}-{id(_signal)}"
    )
_image_model = get_image_model()
_CHANGED = (
    PageViewRestriction,
    CollectionViewRestriction,
    Site,
    Tag,
    SearchPromotion,
    _image_model,
    get_document_model(),
)
for _model in _CHANGED:
    post_save.connect(forget, sender=_model, dispatch_uid=f"content-version-saved-{_model}")
for _model in (*_CHANGED, Page, _image_model.get_rendition_model()):
    post_delete.connect(forget, sender=_model, dispatch_uid=f"content-version-gone-{_model}")
