"""Which demo lectures get media, made before the build: the made files then go into the
lecture's import line (``media``, ``captions``), so they are stored and transcoded by the
importer's rules, and the page's chapters start at their slides (``demo.lines``).

Which lectures need media is decided before the build's transaction, so the slow part (making
media) never holds the database: new demo lectures, and existing ones that have no captions
and no media, or only the stand-in tone of earlier demo versions.
"""

from __future__ import annotations

from demo import content
from demo.lecture_media import LectureMedia, LectureScript, make_all
from lectures.models import MediaKind, MicroLecturePage

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
