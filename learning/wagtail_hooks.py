"""How learning joins the content pages without the content base knowing about it.

* ``on_serve_page``: after Wagtail has served a content page to a logged-in member (its
  privacy checks passed, not a preview), the server records ``viewed``. Reading time and
  media progress come from the page script. Of a routable page (an event) only the page
  itself counts, not its ``ics/`` or ``register/`` routes.
* ``content_page_context``: the member's own record of the page (学完了 or when it was done)
  and what the page script's outbox needs (``learning.outbox``).
"""

from wagtail import hooks

from home.models import CONTENT_PAGE_CONTEXT_HOOK, ContentPage
from learning.event_log import record_server_event
from learning.models import LearningRecord, Verb
from learning.outbox import page_settings

INDEX_ROUTE = "index_route"  # RoutablePageMixin's name for the page itself


def is_page_itself(request) -> bool:
    match = getattr(request, "routable_resolver_match", None)
    return match is None or match.url_name == INDEX_ROUTE


# Innermost of the serve chain (hooks run outermost first, by order), so it runs only after
# Wagtail's own check_view_restrictions has let the request through.
@hooks.register("on_serve_page", order=1000)
def record_page_views(serve_next):
    def serve(page, request, args, kwargs):
        response = serve_next(page, request, args, kwargs)
        if (
            isinstance(page, ContentPage)
            and request.user.is_authenticated
            and not getattr(request, "is_preview", False)
            and is_page_itself(request)
        ):
            record_server_event(request.user, page, Verb.VIEWED, value=0)
        return response

    return serve


@hooks.register(CONTENT_PAGE_CONTEXT_HOOK)
def add_learning_record(page, request, context) -> None:
    if request.user.is_authenticated:
        context["learning_record"] = LearningRecord.objects.filter(
            member=request.user, page=page
        ).first()
        context["learning_outbox"] = page_settings(request.user)
