"""Editing a document or an image in the admin: what needs a reviewer.

Editors (编辑) publish nothing without review (``home`` migration 0002); a file is published
the moment it is replaced, and a document leaves its private collection the moment it is
moved. So editors may not move a document or image out of a restricted collection, replace
a file kept in one, or replace a file a live page uses: the form names what was refused and
saves nothing. Reviewers (审核, who approve pages) and superusers may.

Wagtail 8 has no before-edit hooks for documents and images; its forms take a base class
(``WAGTAILDOCS_DOCUMENT_FORM_BASE``, ``WAGTAILIMAGES_IMAGE_FORM_BASE``), which every edit
path (the edit page, the multiple upload's edit) builds on. Moving many at once (the bulk
action 添加到收藏集) is checked by ``home.wagtail_hooks``.
"""

from __future__ import annotations

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.forms import BaseImageForm
from wagtail.models import Page, ReferenceIndex

from home.media_checks import media_upload_problem
from home.media_privacy import private_ids

REVIEWERS = "审核"


def may_change_published_files(user) -> bool:
    """Superusers and reviewers (审核) may move or replace what pages already show."""
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or user.groups.filter(name=REVIEWERS).exists()


def used_on_live_page(obj) -> bool:
    """Whether a live page refers to ``obj`` (Wagtail's reference index: fields, StreamFields,
    rich text)."""
    page_type = ContentType.objects.get_for_model(Page)
    ids = ReferenceIndex.get_references_to(obj).filter(base_content_type=page_type)
    page_ids = [int(pk) for pk in ids.values_list("object_id", flat=True)]
    return Page.objects.live().filter(pk__in=page_ids).exists()


class ReviewedEditMixin:
    """Refuses, for editors, the changes to an existing file that only review may make."""

    def __init__(self, *args, user=None, **kwargs):
        self.editing_user = user
        super().__init__(*args, user=user, **kwargs)

    def clean(self):
        cleaned = super().clean()
        instance = self.instance
        if instance.pk is None or may_change_published_files(self.editing_user):
            return cleaned
        moved = "collection" in self.changed_data
        replaced = "file" in self.changed_data
        if not (moved or replaced):
            return cleaned
        # The instance still holds the saved collection: the form fills it in after clean().
        if private_ids(type(instance), [instance.pk]):
            field = "collection" if moved else "file"
            raise forms.ValidationError(
                {field: _("它在受限的收藏集里：移出或替换文件须由审核组成员操作。")}
            )
        if replaced and used_on_live_page(instance):
            raise forms.ValidationError(
                {"file": _("已发布的页面正在使用它：替换文件须由审核组成员操作。")}
            )
        return cleaned


class ReviewedDocumentForm(ReviewedEditMixin, BaseDocumentForm):
    def clean_file(self):
        # Audio and video: not too large, and really what the extension says (media_checks).
        uploaded = self.cleaned_data.get("file")
        if "file" in self.changed_data and uploaded and hasattr(uploaded, "content_type"):
            problem = media_upload_problem(uploaded)
            if problem:
                raise forms.ValidationError(problem)
        return uploaded


class ReviewedImageForm(ReviewedEditMixin, BaseImageForm):
    pass
