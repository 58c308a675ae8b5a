"""The demo lectures' media on their pages: the files ``demo.lecture_media`` made become Wagtail
documents (reused when one with the same content exists), the page takes the real length and
chapters starting at their slides, and transcoding is queued once the build has committed.

Which lectures need media is decided before the build's transaction, so the slow part (making
media) never holds the database: new demo lectures, and existing ones that have no captions
and no media, or only the stand-in tone of earlier demo versions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.db import transaction
from wagtail.documents import get_document_model

from demo import content
from demo.lecture_media import LectureMedia, LectureScript, make_all
from lectures.models import MediaKind, MicroLecturePage
from lectures.tasks import queue_transcode

# Earlier demo versions gave audio lectures a 2-second tone with this in its title.
TONE_MARK = "（演示用提示音）"


def needs_media(page: MicroLecturePage | None) -> bool:
    """A lecture the demo may (re)equip: not yet built, or left as an earlier demo made it."""
    if page is None:
        return True
    if page.captions_file_id is not None:
        return False
    return page.media_file_id is None or TONE_MARK in page.media_file.title


def lecture_script(item: dict) -> LectureScript:
    return LectureScript(
        slug=item["slug"],
        title=item["title"],
        label=str(MicroLecturePage.kind_label),
        media_kind=MediaKind.AUDIO if item["audio"] else MediaKind.VIDEO,
        chapters=tuple(title for _start, title in item["chapters"]),
        transcript=item["transcript"],
    )


def prepare_media() -> dict[str, LectureMedia]:
    """Media for every demo lecture that needs it, made (or found in the cache) now."""
    pages = {
        page.slug: page
        for page in MicroLecturePage.objects.filter(
            slug__in=[item["slug"] for item in content.LECTURES]
        ).select_related("media_file")
    }
    return make_all(
        [lecture_script(item) for item in content.LECTURES if needs_media(pages.get(item["slug"]))]
    )


class LectureDocuments:
    """Turns made media into documents and page fields; counts the documents it creates."""

    def __init__(self, made: dict[str, LectureMedia], counted: Callable[[], None]) -> None:
        self.made = made
        self.counted = counted
        self.model = get_document_model()

    def fields(self, item: dict) -> dict:
        """The page fields of the lecture's media; none when it has none (``--no-media``)."""
        made = self.made.get(item["slug"])
        if made is None:
            return {}
        kind = MediaKind.AUDIO if item["audio"] else MediaKind.VIDEO
        noun = "视频" if kind == MediaKind.VIDEO else "音频"
        media = self.document(f"《{item['title']}》{noun}（演示用合成语音）", made.media)
        captions = self.document(f"《{item['title']}》字幕", made.captions)
        transaction.on_commit(lambda: queue_transcode(media))
        chapters = zip(made.chapter_starts, item["chapters"], strict=True)
        return {
            "media_kind": kind,
            "media_file": media,
            "captions_file": captions,
            "duration_seconds": made.duration_seconds,
            "chapters": [
                ("chapter", {"start_seconds": start, "title": title})
                for start, (_planned, title) in chapters
            ],
        }

    def document(self, title: str, path):
        data = path.read_bytes()
        file_hash = hashlib.sha1(data).hexdigest()
        existing = self.model.objects.filter(file_hash=file_hash).first()
        if existing is not None:
            return existing
        document = self.model(
            title=title[:255],
            file=ContentFile(data, name=f"demo-{path.parent.name.rsplit('-', 1)[0]}{path.suffix}"),
            file_size=len(data),
            file_hash=file_hash,
        )
        document.save()
        self.counted()
        return document

    def refresh(self, page: MicroLecturePage, item: dict) -> bool:
        """Give an existing lecture that needs it its media, as a published revision."""
        fields = self.fields(item) if needs_media(page) else {}
        if not fields:
            return False
        for name, value in fields.items():
            setattr(page, name, value)
        page.save_revision().publish()
        return True
