"""Builds the demo site from ``demo.content``: the home page, the default site, the sections,
featured items and the suggestion box here; the content pages through the importer
(``demo.lines`` turns each item into an import line that ``loaders`` checks and writes).

Safe to run any number of times: a page is found by slug under its section and left alone
when it exists (so its self-check questions keep the ids members' answers use); only a
lecture an earlier run left without media is imported again once media can be made.
Lectures' media is made before the transaction (``demo.lecture_pages``).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from demo import content, suggestions
from demo.lecture_pages import needs_media, prepare_media
from demo.lines import DemoFiles, extra_fields, import_line
from demo.self_checks import self_check_problems
from demo.tours import tour_content_problems
from events.models import ForumEventPage
from home.kinds import Kind, all_kinds
from home.models import ContentPage, HomePage, HomePageFeaturedItem
from loaders.content import write_plan
from loaders.planner import Planner


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
    # Images and documents are stored by the importer's rule (equal content reused), so what
    # is new is what the store grew by.
    images, documents = get_image_model().objects, get_document_model().objects
    images_before, documents_before = images.count(), documents.count()
    with transaction.atomic():
        builder.run()
    builder.report.images_created = images.count() - images_before
    builder.report.documents_created = documents.count() - documents_before
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


class DemoBuilder:
    def __init__(self, now: datetime, log: Callable[[str], None], made: dict) -> None:
        self.now = now
        self.log = log
        self.report = BuildReport()
        self.made = made

    # -- tree -------------------------------------------------------------------------

    def run(self) -> None:
        home = self.ensure_home()
        self.ensure_default_site(home)
        for kind_position, kind in enumerate(all_kinds()):
            index = self.ensure_index(home, kind.section_slug, kind.index_model)
            with tempfile.TemporaryDirectory(prefix="hongke-demo-") as folder:
                self.import_items(kind, kind_position, index, DemoFiles(Path(folder)))
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

    def import_items(self, kind: Kind, kind_position: int, index: Page, files: DemoFiles) -> None:
        """Import the kind's missing items as the importer would an editor's file."""
        planner = Planner(files.folder)
        wanted = []
        for item_position, item in enumerate(content.ITEMS_BY_KIND[kind.name]):
            existing = index.get_children().filter(slug=item["slug"]).first()
            if existing is not None and not self.lacks_media(existing):
                self.report.pages_existing += 1
                continue
            made = self.made.get(item["slug"])
            line = import_line(kind, item, files, made, self.now)
            planner.check_line(len(wanted) + 1, json.dumps(line, ensure_ascii=False))
            wanted.append((item, item_position, made))
        problems = planner.problems
        if not problems:
            for planned, (item, _position, made) in zip(planner.pages, wanted, strict=True):
                for name, value in extra_fields(kind.name, item, files, made).items():
                    setattr(planned.page, name, value)
            problems = write_plan(planner.pages, [])
        if problems:
            raise DemoContentError(
                "演示数据有误：\n"
                + "\n".join(
                    f"{wanted[p.number - 1][0]['slug']}: {p.field}: {p.reason}" for p in problems
                )
            )
        for planned, (_item, item_position, _made) in zip(planner.pages, wanted, strict=True):
            self.imported(planned.page, planned.is_new, kind_position, item_position)

    def lacks_media(self, page: Page) -> bool:
        """A lecture an earlier run (or --no-media) left without media, which can be made now."""
        return page.slug in self.made and needs_media(page.specific)

    def imported(self, page: ContentPage, is_new: bool, kind_position: int, item_position: int):
        if not is_new:
            self.report.pages_existing += 1
            self.log(f"补上音视频：{page.title}")
            self.report.notes.append(f"微党课“{page.title}”补上了演示音视频和字幕。")
            return
        self.report.pages_created += 1
        self.log(f"新建：{page.title}（/{page.slug}/）")
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
