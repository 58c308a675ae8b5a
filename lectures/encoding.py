"""One transcode of one document, from claiming its ``MediaEncoding`` to the stored files.

Renditions become visible at once: they are encoded in a temporary folder, stored under
``lecture_media/<document id>/<file hash[:12]>/`` through the default storage, and only then
is the row marked ready (in one transaction that checks the document still holds the file
that was encoded). While a row is running or failed, pages play the original file. The
previous folder is deleted only after the new one is ready. Nothing raises: every failure
ends as ``failed`` with a reason the editor can read.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import ReferenceIndex

from core import content_version
from home.media_checks import is_media_name
from lectures.ffmpeg import TranscodeError
from lectures.models import EncodingState, MediaEncoding, MicroLecturePage
from lectures.transcode import Outputs, make_renditions

logger = logging.getLogger(__name__)

ROOT = "lecture_media"
# A document replaced again and again while it is encoded is given up on after this many.
MAX_REREADS = 3
CHANGED = "changed"


def folder_for(document_id: int, file_hash: str) -> str:
    return f"{ROOT}/{document_id}/{file_hash[:12]}"


def is_running_elsewhere(encoding: MediaEncoding) -> bool:
    """Running, and started recently enough that its worker is taken to be alive."""
    if encoding.state != EncodingState.RUNNING or encoding.started_at is None:
        return False
    stale_after = timedelta(seconds=4 * settings.TRANSCODE_TIMEOUT_SECONDS)
    return timezone.now() - encoding.started_at < stale_after


def needs_encoding(document) -> bool:
    """Whether saving ``document`` (or a lecture with it) should queue a transcode: no
    encoding yet, one of an earlier file, or a crashed run. Waiting rows are already queued
    (the task reads whatever file the document holds when it runs); a failed file stays
    failed until it is replaced."""
    encoding = MediaEncoding.objects.filter(document=document).first()
    if encoding is None:
        return True
    if encoding.state == EncodingState.PENDING:
        return False
    if encoding.state == EncodingState.RUNNING:
        return not is_running_elsewhere(encoding)
    return encoding.source_hash != document.file_hash


def encode_document(document_id: int, *, force: bool = False) -> MediaEncoding | None:
    """Transcode the document's current file unless its renditions are current (or another
    worker is at it), unless ``force``. Returns its encoding (None without a media document)."""
    document = get_document_model().objects.filter(pk=document_id).first()
    if document is None or not is_media_name(document.file.name):
        return None
    encoding = claim(document, force=force)
    if encoding is None:
        return MediaEncoding.objects.filter(document=document).first()
    for _attempt in range(MAX_REREADS):
        try:
            outcome = attempt(document, encoding)
        except Exception as error:  # never out of the task: the page keeps its original file
            logger.exception("Transcoding document %s failed", document_id)
            fail(encoding, _("转码出错：%(error)s") % {"error": str(error)[:200]})
            return encoding
        if outcome != CHANGED:
            return encoding
        # The file was replaced while it was encoded: read the new one.
        document = get_document_model().objects.filter(pk=document_id).first()
        if document is None:
            return None
        encoding.source_hash = document.file_hash
        encoding.save(update_fields=["source_hash"])
    fail(encoding, _("文件在转码期间多次被替换，请稍后重试。"))
    return encoding


def claim(document, *, force: bool) -> MediaEncoding | None:
    """Mark the encoding running for this file, or None when there is nothing to do."""
    with transaction.atomic():
        encoding, _created = MediaEncoding.objects.select_for_update().get_or_create(
            document=document
        )
        encoding.document = document
        if not force and (encoding.is_current() or is_running_elsewhere(encoding)):
            return None
        encoding.state = EncodingState.RUNNING
        encoding.reason = ""
        encoding.attempts += 1
        encoding.source_hash = document.file_hash
        encoding.started_at = timezone.now()
        encoding.finished_at = None
        encoding.save()
    return encoding


def attempt(document, encoding: MediaEncoding) -> str:
    """Encode, store and publish; CHANGED when the document's file changed meanwhile."""
    with tempfile.TemporaryDirectory(prefix="hongke-transcode-") as work:
        work = Path(work)
        source = work / ("source." + document.file.name.rsplit(".", 1)[-1].lower())
        file_hash = copy_source(document, source)
        if not document.file_hash:
            type(document).objects.filter(pk=document.pk).update(file_hash=file_hash)
            document.file_hash = encoding.source_hash = file_hash
        elif file_hash != document.file_hash:
            return CHANGED
        out = work / "out"
        out.mkdir()
        try:
            outputs = make_renditions(source, out)
        except TranscodeError as error:
            fail(encoding, error.reason)
            return "failed"
        if current_hash(document.pk) != file_hash:
            return CHANGED
        folder = folder_for(document.pk, file_hash)
        store(out, outputs.files, folder)
        poster = save_poster(document, out / outputs.poster) if outputs.poster else None
    return publish(encoding, outputs, folder, poster)


def copy_source(document, target: Path) -> str:
    """Copy the document's file out of storage (it may be remote); its SHA-1, as Wagtail's."""
    digest = hashlib.sha1()
    with document.file.open("rb") as source, target.open("wb") as copy:
        for chunk in source.chunks():
            digest.update(chunk)
            copy.write(chunk)
    return digest.hexdigest()


def current_hash(document_id: int) -> str | None:
    return (
        get_document_model()
        .objects.filter(pk=document_id)
        .values_list("file_hash", flat=True)
        .first()
    )


def store(local: Path, names: list[str], folder: str) -> None:
    """Save the files under ``folder``; a crashed attempt's leftovers there are replaced."""
    delete_folder(folder)
    for name in names:
        with (local / name).open("rb") as handle:
            saved = default_storage.save(f"{folder}/{name}", File(handle, name=name))
        if saved != f"{folder}/{name}":
            raise RuntimeError(f"storage renamed {name} to {saved}")


def delete_folder(folder: str) -> None:
    if not folder or not default_storage.exists(folder):
        return
    _dirs, files = default_storage.listdir(folder)
    for name in files:
        default_storage.delete(f"{folder}/{name}")
    path = _local_path(folder)
    if path is not None:
        shutil.rmtree(path, ignore_errors=True)


def _local_path(folder: str) -> str | None:
    try:
        path = default_storage.path(folder)
    except NotImplementedError:  # remote storage has no folders to remove
        return None
    return path if os.path.isdir(path) else None


def save_poster(document, path: Path):
    """The poster frame as a Wagtail image, in the document's collection."""
    image_model = get_image_model()
    with path.open("rb") as handle:
        image = image_model(
            title=(_("%(title)s（视频画面）") % {"title": document.title})[:255],
            collection=document.collection,
            file=File(handle, name=f"lecture-poster-{document.pk}.jpg"),
        )
        image._set_image_file_metadata()
        image.save()
    return image


def publish(encoding: MediaEncoding, outputs: Outputs, folder: str, poster) -> str:
    """Mark the encoding ready in one step, fill lectures' empty durations, then tidy up."""
    with transaction.atomic():
        row = MediaEncoding.objects.select_for_update().get(pk=encoding.pk)
        if current_hash(row.document_id) != encoding.source_hash:
            discard(folder, poster, keep=row.folder)
            return CHANGED
        old_folder, old_poster_id = row.folder, row.poster_id
        duration = round(outputs.duration) or None
        encoding.state = EncodingState.READY
        encoding.reason = ""
        encoding.folder = folder
        encoding.renditions = outputs.renditions
        encoding.files = outputs.files
        encoding.has_video = outputs.has_video
        encoding.duration_seconds = duration
        encoding.poster = poster
        encoding.finished_at = timezone.now()
        encoding.save()
        if duration:
            MicroLecturePage.objects.filter(
                media_file_id=encoding.document_id, duration_seconds__isnull=True
            ).update(duration_seconds=duration)
        content_version.bump()  # kept pages start offering the renditions
    if old_folder and old_folder != folder:
        delete_folder(old_folder)
    if old_poster_id and old_poster_id != getattr(poster, "pk", None):
        delete_unused_image(old_poster_id)
    return "ready"


def discard(folder: str, poster, *, keep: str) -> None:
    if folder != keep:
        delete_folder(folder)
    if poster is not None:
        delete_unused_image(poster.pk)


def delete_unused_image(image_id: int) -> None:
    """A poster the transcoder made goes with its encode, unless someone chose it somewhere."""
    image = get_image_model().objects.filter(pk=image_id).first()
    if image is not None and not ReferenceIndex.get_references_to(image).exists():
        image.delete()


def fail(encoding: MediaEncoding, reason: str) -> None:
    encoding.state = EncodingState.FAILED
    encoding.reason = reason
    encoding.finished_at = timezone.now()
    MediaEncoding.objects.filter(pk=encoding.pk).update(
        state=encoding.state, reason=reason, finished_at=encoding.finished_at
    )
