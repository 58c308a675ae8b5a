"""The member's own reflection joins the content page's context (one query) through the
content base's hook, so ``home`` never imports ``reflections``. Event pages (done by
attendance) take no reflections and cost no query."""

from wagtail import hooks

from home.kinds import Completion
from home.models import CONTENT_PAGE_CONTEXT_HOOK
from home.page_parts import PAGE_PARTS_HOOK, PagePart, Slot
from reflections.models import REFLECTION_MAX_LENGTH, REFLECTION_MIN_LENGTH
from reflections.writing import member_reflection


def takes_reflections(page) -> bool:
    return getattr(page, "completion", None) != Completion.ATTENDED


@hooks.register(CONTENT_PAGE_CONTEXT_HOOK)
def add_reflection(page, request, context) -> None:
    if not takes_reflections(page):
        return
    context["reflection_enabled"] = True
    context["reflection_min"] = REFLECTION_MIN_LENGTH
    context["reflection_max"] = REFLECTION_MAX_LENGTH
    if request.user.is_authenticated:
        context["reflection"] = member_reflection(request.user, page)


# 学习心得 after 下载离线 (selfcheck.wagtail_hooks lists the sections' order).
@hooks.register(PAGE_PARTS_HOOK)
def reflection_part() -> list[PagePart]:
    return [PagePart(Slot.CONTENT_SECTIONS, 400, "reflections/page_reflection.html")]
