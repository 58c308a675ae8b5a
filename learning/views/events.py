"""Where learning events come in: the JSON endpoint for the page script, and 学完了."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from home.models import ContentPage
from learning.events import BatchTooLarge, record_server_event, store_events, validate_batch
from learning.models import LearningEvent


def json_error(message: str, status: int, **extra) -> JsonResponse:
    return JsonResponse(
        {"error": message, **extra}, status=status, json_dumps_params={"ensure_ascii": False}
    )


@require_POST
def events_api(request):
    """``POST /api/learning/events/``: session auth, CSRF-protected (by the middleware)."""
    if not request.user.is_authenticated:
        return json_error(_("请先登录"), 403)
    if request.content_type != "application/json":
        return json_error("Content-Type: 必须是 application/json", 415)
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return json_error(f"body: 不是合法的 JSON（{error.__class__.__name__}）", 400)
    try:
        batch = validate_batch(request.user, body)
    except BatchTooLarge as error:
        return json_error(str(error), 413)
    if batch.problems:
        return json_error(
            _("有 %(count)d 个问题，本批事件均未保存") % {"count": len(batch.problems)},
            400,
            problems=[problem.as_dict() for problem in batch.problems],
        )
    accepted, duplicates = store_events(request.user, batch.events)
    return JsonResponse({"accepted": accepted, "duplicates": duplicates})


@require_POST
@login_required
def mark_studied(request, page_id: int):
    """The 学完了 button: a plain form, so it works without JavaScript."""
    page = ContentPage.objects.live().public().filter(pk=page_id).first()
    if page is None:
        raise Http404
    if page.specific_class is not None and page.specific_class.kind == "event":
        messages.error(request, _("活动以现场签到为准，不能标记“学完了”。"))
        return HttpResponseRedirect(page.get_url(request) or "/")
    record_server_event(request.user, page, LearningEvent.COMPLETED)
    messages.success(request, _("已记下：《%(title)s》学完了。") % {"title": page.title})
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = page.get_url(request) or "/"
    return HttpResponseRedirect(next_url)
