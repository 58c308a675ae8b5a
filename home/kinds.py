"""The kinds of content (微党课, 红色场馆, 先进典型, 论坛活动): one registry, filled by the kinds.

Each content app decorates its section page with ``@register_kind``; the section names the
page model it lists (``child_model``), and the two together say everything the rest of the
site needs to know about a kind: its machine name and label, where its section lives, how
it is completed, and where it comes in menus and facets. The importer, demo, search,
learning records and menus read this registry, so adding a kind touches one app.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Completion(models.TextChoices):
    """What makes a member's study of a page count as done (学完)."""

    PLAYED = "played", _("播放到 90% 或点“学完了”")
    READ = "read", _("阅读满 60 秒或点“学完了”")
    ATTENDED = "attended", _("现场签到")


class CompletionPolicy(models.TextChoices):
    """The editor's choice, per page, of what counts as done: 浏览 follows the kind's
    ``Completion`` (reading, playing); the others ask for understanding, not presence.
    Pages done by attendance (events) always use 浏览."""

    VIEW = "view", _("浏览（按内容类型：阅读满 60 秒或播放到 90%）")
    QUIZ = "quiz", _("自测全对")
    REFLECTION = "reflection", _("提交心得")


@dataclass(frozen=True)
class Kind:
    name: str  # "lecture": URLs, JSON and import files use it
    label: str  # 微党课: also the section's title
    model: type  # the ContentPage subclass
    index_model: type  # the section page that lists it
    section_slug: str  # where the importer creates the section when the site has none
    completion: Completion
    menu_order: int


_registry: dict[str, Kind] = {}


def register_kind(index_model: type) -> type:
    """Class decorator for a section page: registers the kind its ``child_model`` is."""
    model = index_model.child_model
    _registry[model.kind] = Kind(
        name=model.kind,
        label=model.kind_label,
        model=model,
        index_model=index_model,
        section_slug=index_model.section_slug,
        completion=model.completion,
        menu_order=index_model.menu_order,
    )
    return index_model


def all_kinds() -> list[Kind]:
    """Every kind, in menu order."""
    return sorted(_registry.values(), key=lambda kind: kind.menu_order)


def kind_named(name: str) -> Kind | None:
    return _registry.get(name)


def content_models() -> list[type]:
    """Every concrete kind of content page, in menu order."""
    return [kind.model for kind in all_kinds()]


def kind_by_content_type() -> dict[int, str]:
    """Content type id → kind name; content types are cached, so no query after the first."""
    return {ContentType.objects.get_for_model(kind.model).pk: kind.name for kind in all_kinds()}


def completion_of(kind_name: str | None) -> Completion | None:
    kind = _registry.get(kind_name or "")
    return kind.completion if kind else None
