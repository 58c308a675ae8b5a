"""Transcoding starts on its own: when a lecture is saved with an audio or video file whose
renditions are missing or stale, and when a file lectures use is replaced. A lecture page
shows its encoding (which file plays, the poster), so kept pages and shared fragments are
forgotten when an encoding changes, as when a page or document does.

PDFs, captions and other documents are never queued (``home.media_checks.is_media_name``).
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from wagtail.documents import get_document_model

from core.content_version import bump
from home.media_checks import is_media_name
from lectures.encoding import needs_encoding
from lectures.models import MediaEncoding, MicroLecturePage
from lectures.tasks import queue_transcode


def lecture_saved(sender, instance, **kwargs) -> None:
    document = instance.media_file if instance.media_file_id else None
    if document is None or not is_media_name(document.file.name):
        return
    if needs_encoding(document):
        queue_transcode(document)


def document_saved(sender, instance, created, **kwargs) -> None:
    if created or not is_media_name(instance.file.name):
        return
    if not MicroLecturePage.objects.filter(media_file=instance).exists():
        return
    if needs_encoding(instance):
        queue_transcode(instance)


def connect() -> None:
    post_save.connect(lecture_saved, sender=MicroLecturePage, dispatch_uid="lectures-transcode")
    post_save.connect(
        document_saved, sender=get_document_model(), dispatch_uid="lectures-transcode-document"
    )
    post_save.connect(bump, sender=MediaEncoding, dispatch_uid="content-version-encoding-saved")
    post_delete.connect(bump, sender=MediaEncoding, dispatch_uid="content-version-encoding-gone")
