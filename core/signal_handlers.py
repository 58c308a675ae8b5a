"""What replaces the shared content version (``core.content_version.bump``), forgetting every
kept page, shared fragment, remembered route and menu at once.

Pages show the main menu, cards of other pages, pictures, tags, documents and search
promotions, so any change to those forgets them all: a page saved (unless only its draft
or lock changed, which no visitor sees), published, unpublished, moved or deleted; who
may see a page or a collection; a site; an image, its renditions or a document; a tag; an
editors' search pick. Apps above core bump on their own changes that pages show (events:
places left).
"""

from django.db.models.signals import post_delete, post_save
from taggit.models import Tag
from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import (
    COMMENTS_RELATION_NAME,
    CollectionViewRestriction,
    Page,
    PageViewRestriction,
    Site,
)
from wagtail.signals import page_published, page_unpublished, post_page_move

from core.content_version import bump

# The fields Wagtail writes when an editor saves a draft (save_revision) or locks a page: the
# live page is as it was, so a busy editor does not empty every visitor's cache each save.
DRAFT_AND_LOCK_FIELDS = frozenset(
    {
        COMMENTS_RELATION_NAME,
        "latest_revision",
        "latest_revision_created_at",
        "draft_title",
        "has_unpublished_changes",
        "locked",
        "locked_by",
        "locked_at",
    }
)


def forget_on_save(sender, instance, update_fields=None, **kwargs) -> None:
    if not isinstance(instance, Page):  # any page model: post_save is sent for the concrete class
        return
    if update_fields and update_fields <= DRAFT_AND_LOCK_FIELDS:
        return
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
