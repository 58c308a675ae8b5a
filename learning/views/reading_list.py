"""为你推荐: the reading-list page, its JSON, and 不感兴趣. The rules live in learning.reading_list.

Assigned, unfinished items (待学任务) lead, listed apart; the ranked items do not repeat them.

Each endpoint serves only the logged-in member's own list: no member id is read from the
request, so nobody can ask for someone else's list.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from learning.assignments import todo_list
from learning.reading_list.assigned import assigned_items
from learning.reading_list.dismiss import (
    DismissError,
    dismiss,
    page_id_from_body,
    page_id_from_form,
)
from learning.reading_list.items import reading_list
from learning.views.events import json_error


@require_GET
@never_cache
@login_required
def for_you(request: HttpRequest) -> HttpResponse:
    """``/learning/for-you/``: the list as cards, each with its reason and 不感兴趣."""
    assigned = assigned_items(todo_list(request.user))
    items = reading_list(request.user, exclude={item.page.pk for item in assigned})
    return render(request, "learning/for_you.html", {"items": items, "assigned": assigned})


@require_POST
@login_required
def dismiss_form(request: HttpRequest) -> HttpResponse:
    """The 不感兴趣 button: a plain form, so it works without JavaScript."""
    try:
        page = dismiss(request.user, page_id_from_form(request.POST.get("page")))
    except DismissError:
        messages.error(request, _("没有找到这项内容，推荐列表未改变。"))
    else:
        messages.success(
            request, _("已移出推荐：《%(title)s》，以后不再推荐。") % {"title": page.title}
        )
    return redirect("learning:for_you")


@require_GET
@never_cache
def reading_list_api(request: HttpRequest) -> JsonResponse:
    """``GET /api/learning/reading-list/``: session auth; the member's own list only."""
    if not request.user.is_authenticated:
        return json_error(_("请先登录"), 403)
    assigned = assigned_items(todo_list(request.user))
    items = reading_list(request.user, cards=False, exclude={item.page.pk for item in assigned})
    return JsonResponse(
        {
            "assigned": [item.as_json(request) for item in assigned],
            "items": [item.as_json(request) for item in items],
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_POST
def dismiss_api(request: HttpRequest) -> JsonResponse:
    """``POST /api/learning/reading-list/dismiss/`` with ``{"page": <id>}``; idempotent."""
    if not request.user.is_authenticated:
        return json_error(_("请先登录"), 403)
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return json_error(f"body: 不是合法的 JSON（{error.__class__.__name__}）", 400)
    try:
        page = dismiss(request.user, page_id_from_body(body))
    except DismissError as error:
        return json_error(str(error), 400, field=error.field)
    return JsonResponse({"dismissed": page.pk})
