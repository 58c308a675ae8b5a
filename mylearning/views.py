"""The member's own pages: 我的学习 with download and erasure, and 为你推荐 with its JSON.

None of these views takes a member id: each works on ``request.user`` alone, so nobody can
ask for someone else's history or list. The rules live in ``mylearning.history`` and
``learning.reading_list``; on 为你推荐, assigned unfinished items (待学任务) lead, listed
apart, and the ranked items do not repeat them.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from assignments.progress import todo_list
from core.jsonapi import BadJsonBody, json_error, json_response, read_json_body
from core.privacy import private
from home.models import ContentPage
from learning.reading_list.dismiss import (
    DismissError,
    dismiss,
    dismissed_pages,
    page_id_from_body,
    page_id_from_form,
    restore,
)
from learning.reading_list.items import reading_list
from learning.reading_list.preferences import set_personalised
from meetings.mine import my_meetings
from mylearning import export, history
from mylearning.assigned import assigned_items


@login_required
@require_safe
def my_learning_page(request: HttpRequest) -> HttpResponse:
    """``/learning/``: 学习中, 已学完, time per topic, 我的组织生活 (the member's own
    attendance only), and the privacy notice and controls."""
    context = {
        "todo": todo_list(request.user, include_done=True),
        "lists": history.record_lists(request.user, show_all=request.GET.get("all") == "1"),
        "topic_time": history.topic_time(request.user),
        "meetings": my_meetings(request.user),
    }
    return private(render(request, "mylearning/my_learning.html", context))


@login_required
@require_safe
def export_history(request: HttpRequest) -> HttpResponse:
    """``/learning/export/``: the member's whole history as a JSON download."""
    data = export.export_history(request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=export.export_filename(request.user)
    )
    return private(response)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete_history(request: HttpRequest) -> HttpResponse:
    """``/learning/delete/``: GET asks for confirmation; only a confirmed POST deletes."""
    form = history.DeleteHistoryForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        history.delete_history(request.user)
        messages.success(request, _("你的学习记录已全部删除。账号仍然保留，之后的学习会重新记录。"))
        return redirect("mylearning:my_learning")
    context = {"form": form, "size": history.history_size(request.user)}
    return private(render(request, "mylearning/delete_history.html", context))


@require_GET
@never_cache
@login_required
def for_you(request: HttpRequest) -> HttpResponse:
    """``/learning/for-you/``: the list as cards, each with its reason and 不感兴趣."""
    visible = ContentPage.objects.visible(request)
    assigned = assigned_items(todo_list(request.user, visible=visible))
    dismissed = dismissed_pages(request.user)
    items = reading_list(
        request.user,
        visible=visible,
        exclude={item.page.pk for item in assigned},
        dismissed={dismissal.page_id for dismissal in dismissed},
    )
    context = {"items": items, "assigned": assigned, "dismissed": dismissed}
    return render(request, "mylearning/for_you.html", context)


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


@require_POST
@login_required
def restore_form(request: HttpRequest) -> HttpResponse:
    """The 恢复 button next to a dismissed page: it may be recommended again.
    Not a page id: 400; not a page this member dismissed: 404."""
    try:
        page_id = page_id_from_form(request.POST.get("page"))
    except DismissError:
        return HttpResponseBadRequest(_("页面编号无效。").encode())
    if not restore(request.user, page_id):
        raise Http404(_("你没有对这项内容标记“不感兴趣”。"))
    messages.success(request, _("已恢复推荐，这项内容可能重新出现在推荐列表中。"))
    return redirect("mylearning:for_you")


@require_POST
@login_required
def personalise_form(request: HttpRequest) -> HttpResponse:
    """The switch: ``personalised`` = 1 turns personalisation on, 0 off; anything else 400."""
    value = request.POST.get("personalised")
    if value not in {"0", "1"}:
        return HttpResponseBadRequest(_("personalised 必须是 0 或 1。").encode())
    set_personalised(request.user, value == "1")
    if value == "1":
        messages.success(request, _("已开启个性化推荐。"))
    else:
        messages.success(request, _("已关闭个性化推荐：现在显示最新上线和支部布置的内容。"))
    return redirect("mylearning:for_you")


@require_GET
@never_cache
def reading_list_api(request: HttpRequest) -> JsonResponse:
    """``GET /api/learning/reading-list/``: session auth; the member's own list only."""
    if not request.user.is_authenticated:
        return json_error(_("请先登录"), 403)
    visible = ContentPage.objects.visible(request)
    assigned = assigned_items(todo_list(request.user, visible=visible))
    items = reading_list(
        request.user, visible=visible, cards=False, exclude={item.page.pk for item in assigned}
    )
    return json_response(
        {
            "personalised": items.personalised,
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


@require_POST
def restore_api(request: HttpRequest) -> JsonResponse:
    """``POST /api/learning/reading-list/restore/`` with ``{"page": <id>}``: undo 不感兴趣;
    404 when the member had not dismissed that page."""
    if not request.user.is_authenticated:
        return json_error(_("请先登录"), 403)
    try:
        body = read_json_body(request)
    except BadJsonBody as error:
        return json_error(error.message, error.status)
    try:
        page_id = page_id_from_body(body)
    except DismissError as error:
        return json_error(str(error), 400, field=error.field)
    if not restore(request.user, page_id):
        return json_error(_("page: 你没有对这个页面标记“不感兴趣”"), 404, field="page")
    return json_response({"restored": page_id})
