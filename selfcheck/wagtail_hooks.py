"""学习自测 joins the content pages through the content base's hook (``home`` never imports
``selfcheck``): the page's questions (public part only) and, for a logged-in member, their
latest attempt with its marks and explanations (one query, only on pages with questions)."""

from wagtail import hooks

from home.kinds import Completion
from home.models import CONTENT_PAGE_CONTEXT_HOOK
from home.page_parts import PAGE_PARTS_HOOK, PagePart, Slot
from selfcheck.display import self_check_view


@hooks.register(CONTENT_PAGE_CONTEXT_HOOK)
def add_self_check(page, request, context) -> None:
    if page.completion == Completion.ATTENDED:
        return  # events are done by attendance and have no questions
    member = request.user if request.user.is_authenticated else None
    view = self_check_view(page, member)
    if view is not None:
        context["self_check"] = view


# The content page's sections, in this order: 学习自测 (100), 我的学习 (200, learning),
# 下载离线 (300, offline), 学习心得 (400, reflections), 对你有帮助吗？ (500, feedback).
@hooks.register(PAGE_PARTS_HOOK)
def self_check_part() -> list[PagePart]:
    return [PagePart(Slot.CONTENT_SECTIONS, 100, "selfcheck/self_check.html")]
