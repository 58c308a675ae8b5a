"""我的学习 and the member's own privacy controls: download and delete their history.

None of these views takes a member id: each works on ``request.user`` alone.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from assignments.progress import todo_list
from core.privacy import private
from mylearning import history


@login_required
@require_safe
def my_learning_page(request: HttpRequest) -> HttpResponse:
    """``/learning/``: 学习中, 已学完, time per topic, and the privacy notice and controls."""
    context = {
        "todo": todo_list(request.user, include_done=True),
        "lists": history.record_lists(request.user, show_all=request.GET.get("all") == "1"),
        "topic_time": history.topic_time(request.user),
    }
    return private(render(request, "mylearning/my_learning.html", context))


@login_required
@require_safe
def export_history(request: HttpRequest) -> HttpResponse:
    """``/learning/export/``: the member's whole history as a JSON download."""
    data = history.export_history(request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=history.export_filename(request.user)
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
