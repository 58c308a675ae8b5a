"""The member's current vote joins the content page's context (one query) through the
content base's hook, so ``home`` never imports ``feedback``."""

from wagtail import hooks

from feedback.models import NOTE_LIMIT, PageVote
from home.models import CONTENT_PAGE_CONTEXT_HOOK
from home.page_parts import PAGE_PARTS_HOOK, PagePart, Slot


@hooks.register(CONTENT_PAGE_CONTEXT_HOOK)
def add_page_vote(page, request, context) -> None:
    context["feedback_note_limit"] = NOTE_LIMIT
    if request.user.is_authenticated:
        context["feedback_vote"] = PageVote.objects.filter(member=request.user, page=page).first()


# 对你有帮助吗？ last of the sections (selfcheck.wagtail_hooks lists their order).
@hooks.register(PAGE_PARTS_HOOK)
def vote_part() -> list[PagePart]:
    return [PagePart(Slot.CONTENT_SECTIONS, 500, "feedback/page_vote.html")]
