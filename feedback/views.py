"""对你有帮助吗？: a plain form on every content page (works without JavaScript)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.jsonapi import json_error, json_response
from feedback.forms import VoteForm
from feedback.models import NOTE_LIMIT, PageVote
from home.models import ContentPage
from home.refused import form_refused


def wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_POST
@login_required
def vote(request, page_id: int):
    """One vote per member and page: voting again replaces it. Only live, public pages."""
    page = get_object_or_404(ContentPage.objects.visible(), pk=page_id)
    form = VoteForm(request.POST)
    if not form.is_valid():
        if wants_json(request):
            errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
            return json_error(_("评价没有保存。"), 400, fields=errors)
        return form_refused(
            request,
            page,
            title=_("评价没有保存"),
            alert=_("评价没有保存，请按提示修改后再提交。"),
            section="feedback/page_vote.html",
            context={"vote_form": form, "feedback_note_limit": NOTE_LIMIT},
        )
    page_vote, _created = PageVote.objects.update_or_create(
        member=request.user,
        page=page,
        defaults={"value": form.cleaned_data["value"], "note": form.cleaned_data["note"]},
    )
    if wants_json(request):
        return json_response({"page": page.pk, "value": page_vote.value, "note": page_vote.note})
    messages.success(request, _("谢谢你的反馈！"))
    return HttpResponseRedirect((page.get_url(request) or "/") + "#feedback")
