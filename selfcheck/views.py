"""Answering a page's 学习自测: a plain form (works without JavaScript), marked here."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from home.kinds import Completion, CompletionPolicy
from home.models import ContentPage
from home.refused import form_refused
from home.selfcheck import questions_of
from learning.event_log import as_page_id, viewable_page_ids
from selfcheck.display import self_check_view
from selfcheck.marking import AnswerProblem, mark, read_answers, record_attempt, share_right


def unanswered_message(question) -> str:
    if question.multiple:
        return _("这道题还没有作答：请至少选择一项。")
    return _("这道题还没有作答：请选择一项。")


@require_POST
@login_required
def answer(request, page_id: int):
    """``POST /learning/pages/<id>/self-check/``. Live pages the member may view (restricted
    ones too), with questions; else 404. Answers no form of ours sends: 400, nothing stored.
    A question left out: the form again (400) with the message next to it and the other
    choices kept, nothing stored. Else the attempt is stored and marked, and the page shows
    it (POST-redirect-GET to ``#self-check``)."""
    page_id = as_page_id(page_id)
    if page_id not in viewable_page_ids(request, [page_id]):
        raise Http404
    page = ContentPage.objects.filter(pk=page_id).first()
    if page is None:
        raise Http404
    kind = page.specific_class
    if kind is None or kind.completion == Completion.ATTENDED:
        raise Http404  # events are done by attendance and never have questions
    questions = questions_of(page)
    if not questions:
        raise Http404
    try:
        answers = read_answers(questions, request.POST)
    except AnswerProblem:
        return form_refused(
            request,
            page,
            title=_("无法识别的作答"),
            heading=_("无法识别的作答"),
            alert=_(
                "提交的答案与本页的自测题对不上（题目已更新，或选项不属于这道题），没有保存。"
                "请返回页面重新作答。"
            ),
            anchor="#self-check",
        )
    if not answers.complete:
        errors = {question.id: unanswered_message(question) for question in answers.unanswered}
        view = self_check_view(page, request.user, checked=answers.chosen, errors=errors)
        return form_refused(
            request,
            page,
            title=_("作答没有提交"),
            section="selfcheck/self_check.html",
            context={"self_check": view},
        )
    marks = mark(questions, answers)
    record_attempt(request.user, page, marks)
    right = sum(m.correct for m in marks)
    if share_right(marks) >= 1 and page.completion_policy == CompletionPolicy.QUIZ:
        messages.success(request, _("全部答对！本页已记为学完。"))
    else:
        messages.success(
            request,
            _("已提交：答对 %(right)d/%(total)d，解析见下方。")
            % {"right": right, "total": len(marks)},
        )
    return HttpResponseRedirect((page.get_url(request) or "/") + "#self-check")
