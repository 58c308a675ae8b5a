"""学习自测 joins the content pages through the content base's hook (``home`` never imports
``selfcheck``): the page's questions (public part only) and, for a logged-in member, their
latest attempt with its marks and explanations (one query, only on pages with questions)."""

from wagtail import hooks

from home.kinds import Completion
from home.models import CONTENT_PAGE_CONTEXT_HOOK
from selfcheck.display import self_check_view


@hooks.register(CONTENT_PAGE_CONTEXT_HOOK)
def add_self_check(page, request, context) -> None:
    if page.completion == Completion.ATTENDED:
        return  # events are done by attendance and have no questions
    member = request.user if request.user.is_authenticated else None
    view = self_check_view(page, member)
    if view is not None:
        context["self_check"] = view
