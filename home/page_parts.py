"""Parts of the shared page templates that belong to apps above the content base.

``base.html`` and ``content_page.html`` live in the base layer, so, like its Python, they
name no upper app's template or tag library. Each app that adds a part to them answers the
Wagtail hook ``page_parts`` with the parts it adds (a slot, an order, a template of its own);
``{% page_parts "slot" %}`` (``home.templatetags.content_tags``) renders a slot's parts in
order with the page's own context. Conditions (logged in, offered on this page) stay inside
each part's template, next to the context its app's ``content_page_context`` hook adds.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from wagtail import hooks

PAGE_PARTS_HOOK = "page_parts"


class Slot(StrEnum):
    """Where a part goes."""

    HEAD = "head"  # base.html's <head>, every page
    BODY_TOP = "body-top"  # base.html, right after the site header, every page
    CONTENT_HEAD = "content-head"  # a content page's <head>
    CONTENT_SECTIONS = "content-sections"  # a content page, after the article, before 分享
    BRANCH_ACTIONS = "branch-actions"  # the organiser's /branch/ page, after its own actions


@dataclass(frozen=True)
class PagePart:
    slot: Slot
    order: int  # smaller comes first within the slot
    template: str

    def __post_init__(self) -> None:
        # A misspelt slot fails loudly, not silently.
        object.__setattr__(self, "slot", Slot(self.slot))


def part_templates(slot: str) -> list[str]:
    """The templates of one slot, in order."""
    slot = Slot(slot)
    parts = [part for parts_of in hooks.get_hooks(PAGE_PARTS_HOOK) for part in parts_of()]
    return [part.template for part in sorted(parts, key=lambda p: p.order) if part.slot == slot]
