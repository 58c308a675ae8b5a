"""A document's encoding state, readable without the models: ``lectures.models`` builds its
panels and its player from modules that use these, so they import no model."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _


class EncodingState(models.TextChoices):
    PENDING = "pending", _("等待转码")
    RUNNING = "running", _("转码中")
    READY = "ready", _("可播放")
    FAILED = "failed", _("失败")


def encoding_of(document):
    """The document's ``MediaEncoding``, or None (no document, or never queued)."""
    if document is None:
        return None
    try:
        return document.encoding
    except ObjectDoesNotExist:
        return None
