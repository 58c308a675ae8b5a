"""Where learning events come in: the JSON endpoint for the page script, and 学完了."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core.jsonapi import BadJsonBody, json_error, json_response, read_json_body
from home.kinds import CompletionPolicy
from home.models import ContentPage
from learning.event_log import (
    BatchTooLarge,
    as_page_id,
    record_server_event,
    store_events,
    validate_batch,
    viewable_page_ids,
)
from learning.models import Verb
from learning.outbox import is_members_key
from learning.records import accepts_marked_done


@require_POST
def events_api(request):
    """``POST /api/learning/events/``: session auth, CSRF-protected (by the middleware)."""
    if not request.user.is_authenticated:
        return json_error(_("请先登录"), 403)
    if not is_members_key(request):
        # The outbox of a member who is no longer the one logged in on this phone.
        return json_error(_("这些记录属于另一位成员，请用该账号登录后再发送"), 409)
    try:
        body = read_json_body(request, require_content_type=True)
    except BadJsonBody as error:
        return json_error(error.message, error.status)
    try:
        batch = validate_batch(request.user, body, request)
    except BatchTooLarge as error:
        return json_error(str(error), 413)
    if batch.problems:
        return json_error(
            _("有 %(count)d 个问题，本批事件均未保存") % {"count": len(batch.problems)},
            400,
            problems=[problem.as_dict() for problem in batch.problems],
        )
    accepted, duplicates = store_events(request.user, batch.events)
    return json_response({"accepted": accepted, "duplicates": duplicates})


@never_cache
@require_GET
def csrf_token(request):
    """``GET /api/learning/csrf/``: a fresh CSRF token (and cookie) for the page script's
    retry after a 403; never cached."""
    return json_response({"token": get_token(request)})


@require_POST
@login_required
def mark_studied(request, page_id: int):
    """The 学完了 button: a plain form, so it works without JavaScript. Restricted pages
    count when the member may view them."""
    if as_page_id(page_id) not in viewable_page_ids(request, [as_page_id(page_id)]):
        raise Http404
    page = ContentPage.objects.filter(pk=page_id).first()
    if page is None:
        raise Http404
    if not accepts_marked_done(page.specific_class.completion if page.specific_class else None):
        messages.error(request, _("活动以现场签到为准，不能标记“学完了”。"))
        return HttpResponseRedirect(page.get_url(request) or "/")
    if page.completion_policy != CompletionPolicy.VIEW:
        messages.error(
            request,
            _("本页的学完标准是“%(policy)s”，完成后会自动记为学完。")
            % {"policy": page.get_completion_policy_display()},
        )
        return HttpResponseRedirect(page.get_url(request) or "/")
    record_server_event(request.user, page, Verb.COMPLETED)
    messages.success(request, _("已记下：《%(title)s》学完了。") % {"title": page.title})
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = page.get_url(request) or "/"
    return HttpResponseRedirect(next_url)
