"""为你推荐: the reading-list page, its JSON, and 不感兴趣. The rules live in learning.recommend.

Assigned, unfinished items (待学任务) lead, listed apart; the ranked items do not repeat them.

Each endpoint serves only the logged-in member's own list: no member id is read from the
request, so nobody can ask for someone else's list.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from assignments.progress import todo_list
from core.jsonapi import BadJsonBody, json_error, json_response, read_json_body
from learning.recommend import (
    DismissError,
    assigned_items,
    dismiss,
    page_id_from_body,
    page_id_from_form,
    reading_list,
)


@require_GET
@never_cache
@login_required
def for_you(request: HttpRequest) -> HttpResponse:
    """``/learning/for-you/``: the list as cards, each with its reason and 不感兴趣."""
    assigned = assigned_items(todo_list(request.user))
    items = reading_list(request.user, exclude={item.page.pk for item in assigned})
    return render(request, "mylearning/for_you.html", {"items": items, "assigned": assigned})


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
    return redirect("mylearning:for_you")


@require_GET
@never_cache
def reading_list_api(request: HttpRequest) -> JsonResponse:
    """``GET /api/learning/reading-list/``: session auth; the member's own list only."""
    if not request.user.is_authenticated:
        return json_error(_("请先登录"), 403)
    assigned = assigned_items(todo_list(request.user))
    items = reading_list(request.user, cards=False, exclude={item.page.pk for item in assigned})
    return json_response(
        {
            "assigned": [item.as_json(request) for item in assigned],
            "items": [item.as_json(request) for item in items],
        }
    )


@require_POST
def dismiss_api(request: HttpRequest) -> JsonResponse:
    """``POST /api/learning/reading-list/dismiss/`` with ``{"page": <id>}``; idempotent."""
    if not request.user.is_authenticated:
        return json_error(_("请先登录"), 403)
    try:
        body = read_json_body(request)
    except BadJsonBody as error:
        return json_error(error.message, error.status)
    try:
        page = dismiss(request.user, page_id_from_body(body))
    except DismissError as error:
        return json_error(str(error), 400, field=error.field)
    return json_response({"dismissed": page.pk})
