"""Background transcoding of lectures' audio and video (django-tasks).

``queue_transcode(document)`` is the one way in: it marks the document's encoding as waiting
and queues the work. (Skeleton: the task itself is built on top of this.)
"""

from __future__ import annotations

from django.utils import timezone

from lectures.models import EncodingState, MediaEncoding


def queue_transcode(document, *, force: bool = False) -> MediaEncoding:
    """Mark ``document``'s encoding as waiting for its current file and queue the work.

    Nothing happens when its renditions are already current, unless ``force``."""
    encoding, _ = MediaEncoding.objects.get_or_create(document=document)
    if encoding.is_current() and not force:
        return encoding
    encoding.state = EncodingState.PENDING
    encoding.reason = ""
    encoding.queued_at = timezone.now()
    encoding.save(update_fields=["state", "reason", "queued_at"])
    return encoding
