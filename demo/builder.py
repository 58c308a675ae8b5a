"""Builds the demo page tree from ``demo.content``.

Safe to run any number of times: pages are found by slug under their parent and left
alone when they exist (so their self-check questions keep the ids members' answers use),
and pictures and audio are only generated for pages being created (or reused by title if
an earlier run left them behind). Lectures' media is made before the transaction
(``demo.lecture_pages``), and given to existing lectures that still lack it.
"""

from __future__ import annotations

import hashlib
import io
import math
import struct
import wave
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from html import escape

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from demo import content, images, suggestions
from demo.lecture_pages import LectureDocuments, prepare_media
from demo.self_checks import self_check_fields, self_check_problems
from demo.tours import demo_tour, tour_content_problems
from events.models import ForumEventPage
from exhibits.models import RevolutionarySitePage
from home.kinds import all_kinds
from home.models import ContentPage, HomePage, HomePageFeaturedItem
from lectures.models import MediaKind, MicroLecturePage
from stories.models import ExemplarStoryPage, SubjectKind


def sections() -> list[tuple[str, type[Page], type[ContentPage], list[dict]]]:
    """(section slug, index model, page model, demo items) per kind, in menu order; the
    position also staggers publication times between kinds."""
    return [
        (kind.section_slug, kind.index_model, kind.model, content.ITEMS_BY_KIND[kind.name])
        for kind in all_kinds()
    ]


class DemoContentError(Exception):
    """The demo data is inconsistent, or the existing tree cannot take the demo."""


@dataclass
class BuildReport:
    pages_created: int = 0
    pages_existing: int = 0
    images_created: int = 0
    documents_created: int = 0
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"演示内容：新建 {self.pages_created} 个页面，已存在 {self.pages_existing} 个；"
            f"新建图片 {self.images_created} 张，文档 {self.documents_created} 个。"
        )


def build_demo(
    now: datetime | None = None, log: Callable[[str], None] | None = None, *, media: bool = True
) -> BuildReport:
    """Create whatever part of the demo tree is missing, all or nothing.

    ``media``: make the lectures' audio and video (demo.lecture_media.MediaToolError when
    espeak-ng or ffmpeg cannot); without it lectures have none."""
    check_content()
    made = prepare_media() if media else {}
    builder = DemoBuilder(now or timezone.now(), log or (lambda message: None), made)
    with transaction.atomic():
        builder.run()
    return builder.report


def check_content() -> None:
    """Catch editing mistakes in content.py before anything touches the database."""
    problems: list[str] = []
    kinds_by_tag: dict[str, set[str]] = {tag: set() for tag in content.TAGS}
    for key, _index, _model, items in sections():
        slugs = [item["slug"] for item in items]
        if len(slugs) != len(set(slugs)):
            problems.append(f"{key}: 存在重复的 slug")
        for item in items:
            problems += item_tag_problems(item)
            for tag in item["tags"]:
                kinds_by_tag.get(tag, set()).add(key)
    lecture_slugs = {item["slug"] for item in content.LECTURES}
    for item in content.EVENTS:
        if item.get("recording") and item["recording"] not in lecture_slugs:
            problems.append(f"{item['slug']}: 录像“{item['recording']}”不是演示微党课")
    for tag, kinds in kinds_by_tag.items():
        if len(kinds) < 2:
            problems.append(f"标签“{tag}”只用于 {len(kinds)} 类内容，至少应联结两类")
    problems += self_check_problems()
    problems += tour_content_problems()
    if problems:
        raise DemoContentError("演示数据有误：\n" + "\n".join(problems))


def item_tag_problems(item: dict) -> list[str]:
    """Each item has 2–4 tags from the shared list, its topic among them."""
    tags, slug = item["tags"], item["slug"]
    problems = []
    if item["topic"] not in tags:
        problems.append(f"{slug}: 专题“{item['topic']}”不在标签中")
    if not 2 <= len(tags) <= 4:
        problems.append(f"{slug}: 标签应为 2–4 个")
    problems += [f"{slug}: 标签“{tag}”不在共享词表中" for tag in tags if tag not in content.TAGS]
    return problems


def paragraph_html(text: str) -> str:
    """Plain text becomes one ``<p>``; text that already is HTML is kept as written."""
    return text if text.lstrip().startswith("<") else f"<p>{escape(text)}</p>"


def body_blocks(body: Iterable[tuple[str, object]]) -> list[tuple[str, object]]:
    return [(kind, paragraph_html(value) if kind == "paragraph" else value) for kind, value in body]


def soft_tone_wav(frequency: float, seconds: float = 2.0, rate: int = 8000) -> bytes:
    """A quiet sine tone with fades, standing in for a recorded lecture (16-bit mono)."""
    frame_count = int(seconds * rate)
    fade = int(rate * 0.3)
    amplitude = 0.2 * 32767
    samples = []
    for i in range(frame_count):
        envelope = min(1.0, i / fade, (frame_count - 1 - i) / fade)
        samples.append(round(amplitude * envelope * math.sin(2 * math.pi * frequency * i / rate)))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(struct.pack(f"<{frame_count}h", *samples))
    return buffer.getvalue()


def local_time(text: str) -> time:
    hours, minutes = (int(part) for part in text.split(":"))
    return time(hours, minutes)


class DemoBuilder:
    def __init__(self, now: datetime, log: Callable[[str], None], made: dict) -> None:
        self.now = now
        self.log = log
        self.report = BuildReport()
        self.image_model = get_image_model()
        self.document_model = get_document_model()
        self.lectures = LectureDocuments(made, self.count_document)

    # -- tree -------------------------------------------------------------------------

    def run(self) -> None:
        home = self.ensure_home()
        self.ensure_default_site(home)
        for kind_position, (key, index_model, page_model, items) in enumerate(sections()):
            index = self.ensure_index(home, key, index_model)
            for item_position, item in enumerate(items):
                self.ensure_content_page(index, page_model, item, kind_position, item_position)
        self.ensure_featured(HomePage.objects.get(pk=home.pk))
        if suggestions.suggestion_box(home) is None:
            self.publish(home, suggestions.new_suggestion_box())
        else:
            self.report.pages_existing += 1

    def publish(self, parent: Page, page: Page) -> Page:
        """Add, then publish through a revision so history and first_published_at exist."""
        parent.add_child(instance=page)
        page.save_revision().publish()
        self.report.pages_created += 1
        self.log(f"新建：{page.title}（/{page.slug}/）")
        return page

    def ensure_home(self) -> HomePage:
        home = HomePage.objects.first()
        if home is not None:
            self.report.pages_existing += 1
            return home

        root = Page.get_first_root_node()
        placeholder = root.get_children().filter(slug=content.HOME["slug"]).first()
        if placeholder is not None:
            if not self.is_wagtail_welcome_page(placeholder):
                raise DemoContentError(
                    f"根节点下已有 slug 为“{placeholder.slug}”的页面“{placeholder.title}”，"
                    "且不是 Wagtail 的默认欢迎页，请先处理后再加载演示内容。"
                )
            # Free the slug first; the old page goes once no site points at it any more.
            Page.objects.filter(pk=placeholder.pk).update(
                slug=f"{placeholder.slug}-wagtail-welcome"
            )

        home = HomePage(
            title=content.HOME["title"], slug=content.HOME["slug"], intro=content.HOME["intro"]
        )
        self.publish(root, home)

        if placeholder is not None:
            Site.objects.filter(root_page_id=placeholder.pk).update(root_page=home)
            placeholder.delete()
            self.report.notes.append("已删除 Wagtail 默认欢迎页，由首页“红课”取代。")
        return home

    @staticmethod
    def is_wagtail_welcome_page(page: Page) -> bool:
        """Only the untouched placeholder (a plain Page with no children) may be replaced."""
        plain_page = ContentType.objects.get_for_model(Page)
        return page.content_type_id == plain_page.pk and page.numchild == 0

    def ensure_default_site(self, home: HomePage) -> None:
        site = (
            Site.objects.filter(is_default_site=True).first()
            or Site.objects.filter(hostname="localhost", port=80).first()
        )
        if site is None:
            Site.objects.create(
                hostname="localhost",
                port=80,
                root_page=home,
                is_default_site=True,
                site_name=content.HOME["title"],
            )
            self.report.notes.append("已创建默认站点 localhost:80，根页面为首页“红课”。")
            return
        changes = []
        if site.root_page_id != home.pk:
            site.root_page = home
            changes.append("根页面改为首页“红课”")
        if not site.is_default_site:
            site.is_default_site = True
            changes.append("设为默认站点")
        if not site.site_name:
            site.site_name = content.HOME["title"]
            changes.append(f"站点名称设为“{site.site_name}”")
        if changes:
            site.save()
            self.report.notes.append(
                f"站点 {site.hostname}:{site.port}：" + "，".join(changes) + "。"
            )

    def ensure_index(self, home: HomePage, key: str, index_model: type[Page]) -> Page:
        data = content.INDEXES[key]
        existing = home.get_children().filter(slug=data["slug"]).first()
        if existing is not None:
            existing = existing.specific
            if not isinstance(existing, index_model):
                raise DemoContentError(
                    f"首页下的“/{data['slug']}/”不是{index_model._meta.verbose_name}，无法加载演示内容。"
                )
            self.report.pages_existing += 1
            return existing
        return self.publish(
            home, index_model(title=data["title"], slug=data["slug"], intro=data["intro"])
        )

    def ensure_content_page(
        self,
        index: Page,
        page_model: type[ContentPage],
        item: dict,
        kind_position: int,
        item_position: int,
    ) -> None:
        existing = index.get_children().filter(slug=item["slug"]).first()
        if existing is not None:
            self.report.pages_existing += 1
            if page_model is MicroLecturePage and self.lectures.refresh(existing.specific, item):
                self.log(f"补上音视频：{existing.title}")
                self.report.notes.append(f"微党课“{existing.title}”补上了演示音视频和字幕。")
            return

        fill = {
            MicroLecturePage: self.lecture_fields,
            RevolutionarySitePage: self.site_fields,
            ExemplarStoryPage: self.story_fields,
            ForumEventPage: self.event_fields,
        }[page_model]
        page = page_model(
            title=item["title"],
            slug=item["slug"],
            summary=item["summary"],
            topic=item["topic"],
            body=body_blocks(item["body"]),
            cover_image=self.cover_image(item, str(page_model.kind_label)),
            **self_check_fields(item["slug"]),
            **fill(item),
        )
        page.tags.add(*item["tags"])
        self.publish(index, page)

        published_at = self.now - timedelta(days=1 + 2 * item_position, hours=3 * kind_position)
        if isinstance(page, ForumEventPage):
            # An announcement goes out well before the event itself.
            published_at = min(published_at, page.starts_at - timedelta(days=7))
        Page.objects.filter(pk=page.pk).update(
            first_published_at=published_at, last_published_at=published_at
        )

    def ensure_featured(self, home: HomePage) -> None:
        """Pick the demo's featured items once; later runs respect editors' choices."""
        if home.featured_items.exists():
            return
        picks = []
        for key, slug in content.FEATURED:
            index_slug = content.INDEXES[key]["slug"]
            page = (
                ContentPage.objects.child_of(home.get_children().get(slug=index_slug))
                .filter(slug=slug)
                .first()
            )
            if page is not None:
                picks.append(HomePageFeaturedItem(page=page))
        if not picks:
            return
        home.featured_items = picks
        home.save_revision().publish()
        self.report.notes.append(f"首页推荐：{len(picks)} 项。")

    # -- fields per kind --------------------------------------------------------------

    def lecture_fields(self, item: dict) -> dict:
        fields = {
            "speaker": item["speaker"],
            "duration_seconds": item["duration_seconds"],
            "media_kind": item["media_kind"],
            "chapters": [
                ("chapter", {"start_seconds": start, "title": title})
                for start, title in item["chapters"]
            ],
            "key_points": [("point", point) for point in item["key_points"]],
            "transcript": item["transcript"],
        }
        if item["audio"]:
            fields["media_kind"] = MediaKind.AUDIO
        return fields | self.lectures.fields(item)

    def site_fields(self, item: dict) -> dict:
        place = " ".join(part for part in (item["province"], item["city"]) if part)
        gallery = []
        for number, caption in enumerate(item["gallery"], start=1):
            picture = self.image(
                title=f"{item['title']}·{caption}",
                description=f"演示用生成图片：{item['title']}，{caption}",
                filename=f"demo-{item['slug']}-gallery-{number}.jpg",
                render=lambda caption=caption, number=number: images.gallery_jpeg(
                    caption, place, f"{item['slug']}:gallery:{number}"
                ),
            )
            gallery.append(
                (
                    "image",
                    {
                        "image": {
                            "image": picture,
                            "alt_text": picture.description,
                            "decorative": False,
                        },
                        "caption": caption,
                    },
                )
            )
        return {
            "province": item["province"],
            "city": item["city"],
            "address": item["address"],
            "latitude": Decimal(item["latitude"]),
            "longitude": Decimal(item["longitude"]),
            "period": item["period"],
            "timeline": [
                ("entry", {"date": date, "event": event}) for date, event in item["timeline"]
            ],
            "artefacts": [
                ("artefact", {"name": name, "image": None, "description": description})
                for name, description in item["artefacts"]
            ],
            "gallery": gallery,
            "visiting_information": item["visiting_information"],
            "tour": demo_tour(item, self.image, self.tone_document),
        }

    def story_fields(self, item: dict) -> dict:
        label = "先进集体" if item["subject_kind"] == SubjectKind.TEAM else "先进典型"
        portrait = self.image(
            title=f"{item['person']}·人物卡",
            description=f"演示用生成图片：写有“{item['person']}”的人物卡（非真实照片）",
            filename=f"demo-{item['slug']}-portrait.jpg",
            render=lambda: images.portrait_jpeg(item["person"], label, f"{item['slug']}:portrait"),
        )
        return {
            "subject_kind": item["subject_kind"],
            "person": item["person"],
            "organisation": item["organisation"],
            "category": item["category"],
            "portrait": portrait,
            "achievements": [("achievement", text) for text in item["achievements"]],
        }

    def event_fields(self, item: dict) -> dict:
        zone = timezone.get_default_timezone()
        day = self.now.astimezone(zone).date() + timedelta(days=item["starts_in_days"])
        starts_at = datetime.combine(day, local_time(item["start_time"]), tzinfo=zone)
        return {
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(minutes=item["duration_minutes"]),
            "venue": item["venue"],
            "capacity": item["capacity"],
            "online_url": item.get("online_url", ""),
            "recording": (
                MicroLecturePage.objects.filter(slug=item["recording"]).first()
                if item.get("recording")
                else None
            ),
            "materials": [
                ("link", {"title": title, "url": url}) for title, url in item.get("materials", [])
            ],
            "speakers": [
                ("speaker", {"name": name, "title": title}) for name, title in item["speakers"]
            ],
            "agenda": [
                ("item", {"time": local_time(at), "title": title, "speaker": speaker})
                for at, title, speaker in item["agenda"]
            ],
        }

    # -- media ------------------------------------------------------------------------

    def cover_image(self, item: dict, label: str):
        return self.image(
            title=f"{item['title']}·封面",
            description=f"演示用生成封面：红金色背景上写着“{item['title']}”",
            filename=f"demo-{item['slug']}-cover.jpg",
            render=lambda: images.cover_jpeg(item["title"], label, item["slug"]),
        )

    def image(self, title: str, description: str, filename: str, render: Callable[[], bytes]):
        """Reuse an image with this title, otherwise draw one (drawing only when needed)."""
        title = title[:255]
        existing = self.image_model.objects.filter(title=title).first()
        if existing is not None:
            return existing
        data = render()
        picture = self.image_model(
            title=title,
            description=description[:255],
            file=ImageFile(io.BytesIO(data), name=filename),
            file_size=len(data),
            file_hash=hashlib.sha1(data).hexdigest(),
        )
        picture.save()
        self.report.images_created += 1
        return picture

    def tone_document(self, title: str, filename: str, frequency: float, seconds: float):
        """Reuse a document with this title, otherwise generate a tone (soft_tone_wav)."""
        title = title[:255]
        existing = self.document_model.objects.filter(title=title).first()
        if existing is not None:
            return existing
        data = soft_tone_wav(frequency, seconds)
        document = self.document_model(
            title=title,
            file=ContentFile(data, name=filename),
            file_size=len(data),
            file_hash=hashlib.sha1(data).hexdigest(),
        )
        document.save()
        self.count_document()
        return document

    def count_document(self) -> None:
        self.report.documents_created += 1
