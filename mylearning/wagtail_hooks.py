"""The member's own part of the home page: 待学任务 first, then 为你推荐 without repeating them."""

from wagtail import hooks

from assignments.progress import todo_list
from home.models import HOME_PAGE_CONTEXT_HOOK
from learning.reading_list.items import HOME_LIMIT, reading_list
from mylearning.assigned import unfinished_page_ids


@hooks.register(HOME_PAGE_CONTEXT_HOOK)
def add_todo_and_reading_list(page, request, context) -> None:
    if not request.user.is_authenticated:
        return
    context["todo"] = todo_list(request.user, visible=context["visible_pages"])
    context["for_you"] = reading_list(
        request.user,
        limit=HOME_LIMIT,
        visible=context["visible_pages"],
        # Its cards are shared fragments (home.fragments): a card's cover image is loaded
        # only when the card is rendered afresh, once per content version.
        cards=False,
        exclude=unfinished_page_ids(context["todo"]),
    )
