"""Background transcoding of lectures' audio and video (django-tasks).

``queue_transcode(document)`` is the one way in: it marks the document's encoding as waiting
and queues ``transcode_document`` once the transaction commits (so the worker finds the row
and the file). It runs on the "media" backend (``manage.py db_worker --backend media``, or
``rqworker`` with REDIS_URL; Wagtail's own tasks stay on "default", immediate);
``manage.py transcode_lectures`` does the same work in the foreground.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from lectures.encoding import encode_document, is_running_elsewhere
from lectures.models import EncodingState, MediaEncoding


@task(backend="media", queue_name="media")
def transcode_document(document_id: int) -> str:
    """Encode the document's current file; nothing when its renditions are current."""
    encoding = encode_document(document_id)
    return encoding.state if encoding is not None else "gone"


def queue_transcode(document, *, force: bool = False) -> MediaEncoding:
    """Mark ``document``'s encoding as waiting for its current file and queue the work.

    Nothing happens when its renditions are already current, or a worker is encoding it
    now (that worker re-reads a file replaced meanwhile), unless ``force``."""
    encoding, _ = MediaEncoding.objects.get_or_create(document=document)
    encoding.document = document
    if not force and (encoding.is_current() or is_running_elsewhere(encoding)):
        return encoding
    encoding.state = EncodingState.PENDING
    encoding.reason = ""
    encoding.queued_at = timezone.now()
    encoding.save(update_fields=["state", "reason", "queued_at"])
    document_id = document.pk
    transaction.on_commit(lambda: transcode_document.enqueue(document_id), robust=True)
    return encoding
