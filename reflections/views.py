"""学习心得 on a content page: plain forms (no JavaScript needed), POST-redirect-GET.

Only the member's own reflection is ever read or written here: every lookup is by
``request.user``. Pages must be live and viewable by the member, else 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from home.kinds import Completion
from home.models import ContentPage
from home.refused import form_refused
from learning.event_log import viewable_page_ids
from reflections.forms import ReflectionForm
from reflections.models import REFLECTION_MAX_LENGTH, REFLECTION_MIN_LENGTH
from reflections.writing import delete_reflection, member_reflection, save_reflection

ANCHOR = "#reflection"


def reflective_page(request, page_id: int) -> ContentPage:
    """A live content page the member may view, of a kind done by study (not an event)."""
    if page_id not in viewable_page_ids(request, [page_id]):
        raise Http404
    page = ContentPage.objects.filter(pk=page_id).first()
    if page is None or page.specific_class is None:
        raise Http404
    if page.specific_class.completion == Completion.ATTENDED:
        raise Http404  # events are done by attendance and take no reflections
    return page


def back_to(request, page: ContentPage) -> HttpResponseRedirect:
    return HttpResponseRedirect((page.get_url(request) or "/") + ANCHOR)


@require_POST
@login_required
def save(request, page_id: int):
    page = reflective_page(request, page_id)
    form = ReflectionForm(request.POST)
    if not form.is_valid():
        context = {
            "reflection_enabled": True,
            "reflection": member_reflection(request.user, page),
            "reflection_form": form,
            "reflection_min": REFLECTION_MIN_LENGTH,
            "reflection_max": REFLECTION_MAX_LENGTH,
        }
        return form_refused(
            request,
            page,
            title=_("心得没有保存"),
            alert=_("心得没有保存，请按提示修改后再提交。"),
            section="reflections/page_reflection.html",
            context=context,
        )
    _reflection, changed = save_reflection(request.user, page, form.cleaned_data["text"])
    if changed:
        messages.success(request, _("学习心得已保存，仅你自己可见。"))
    else:
        messages.info(request, _("学习心得没有变化。"))
    return back_to(request, page)


@require_POST
@login_required
def delete(request, page_id: int):
    page = reflective_page(request, page_id)
    if delete_reflection(request.user, page):
        messages.success(request, _("学习心得已删除，分享也一并撤回。"))
    return back_to(request, page)
