"""How learning joins the content pages without the content base knowing about it.

* ``on_serve_page``: after Wagtail has served a content page to a logged-in member (its
  privacy checks passed, not a preview), the server records ``viewed``, unless the
  member's record of the page was touched in the last ``REVISIT_WINDOW``: a page opened
  again within minutes is the same visit, already on record (collect the minimum; a
  refresh writes nothing). Reading time and media progress come from the page script. Of
  a routable page (an event) only the page itself counts, not its ``ics/`` or
  ``register/`` routes.
* ``content_page_context``: the member's own record of the page (学完了 or when it was done)
  and what the page script's outbox needs (``learning.outbox``).
"""

from datetime import timedelta

from django.utils import timezone
from wagtail import hooks

from home.models import CONTENT_PAGE_CONTEXT_HOOK, ContentPage
from home.page_parts import PAGE_PARTS_HOOK, PagePart, Slot
from learning.event_log import record_server_event
from learning.models import LearningRecord, Verb
from learning.outbox import page_settings

INDEX_ROUTE = "index_route"  # RoutablePageMixin's name for the page itself
REVISIT_WINDOW = timedelta(minutes=10)
# Where the context hook leaves the record's last_seen_at for the serve hook (no query more).
LAST_SEEN = "_learning_last_seen"


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
            and not seen_just_now(request)
        ):
            record_server_event(request.user, page, Verb.VIEWED, value=0)
        return response

    return serve


def seen_just_now(request) -> bool:
    last_seen = getattr(request, LAST_SEEN, None)
    return last_seen is not None and timezone.now() - last_seen < REVISIT_WINDOW


@hooks.register(CONTENT_PAGE_CONTEXT_HOOK)
def add_learning_record(page, request, context) -> None:
    if request.user.is_authenticated:
        record = LearningRecord.objects.filter(member=request.user, page=page).first()
        context["learning_record"] = record
        context["learning_outbox"] = page_settings(request.user)
        setattr(request, LAST_SEEN, record.last_seen_at if record else None)


# 我的学习 after 学习自测 (selfcheck.wagtail_hooks lists the sections' order), and the page
# script that reports reading time and progress.
@hooks.register(PAGE_PARTS_HOOK)
def study_parts() -> list[PagePart]:
    return [
        PagePart(Slot.CONTENT_HEAD, 100, "learning/study_script.html"),
        PagePart(Slot.CONTENT_SECTIONS, 200, "learning/study.html"),
    ]
