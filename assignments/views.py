"""``/branch/``: the organiser's dashboard, assignments, per-member status, CSV and print.

Every view starts from the organiser's own branch (``organiser_branch``): objects are looked
up *within* that branch, so another branch's assignment or member answers 404, and anyone
who is not an organiser gets 403. Organisers see statuses (done / in progress / not
started), never events or reading times. Every page and CSV that lists members is
written to the audit trail (``audit.record``). The assignment's page also lists the
reflections its members chose to share for it (``assignments.sharing``), and nothing else of
theirs.

``share_reflection`` is the member's side: their tick box under their own reflection.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    QueryDict,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assignments.forms import AssignmentForm
from assignments.models import Assignment, ReflectionShare, StudyStatus
from assignments.progress import (
    BranchOverview,
    assignment_status,
    branch_members,
    item_page_ids,
    load_progress,
    with_items,
)
from assignments.sharing import shareable_assignment, shared_reflections
from audit.models import Access, record
from core.privacy import private
from core.spreadsheet import csv_response
from home.models import ContentPage
from learning.event_log import viewable_page_ids
from members.models import organiser_branch, person_label
from reflections.models import Reflection
from search.query import SearchRequest, run_search

SEARCH_RESULTS = 10


def organiser_only(view):
    """Log in first; then only an organiser with a branch gets in, and gets their branch."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        branch = organiser_branch(request.user)
        if branch is None:
            raise PermissionDenied(_("只有党支部的组织委员可以查看这一页。"))
        return private(view(request, branch, *args, **kwargs))

    return wrapper


def branch_assignment(branch, assignment_id: int) -> Assignment:
    return get_object_or_404(with_items(branch.assignments.all()), pk=assignment_id)


@require_safe
@organiser_only
def dashboard(request: HttpRequest, branch) -> HttpResponse:
    overview = BranchOverview(branch)
    record(request, Access.BRANCH_PROGRESS, branch.name)
    return render(request, "assignments/branch/dashboard.html", {"overview": overview})


@require_safe
@organiser_only
def print_view(request: HttpRequest, branch) -> HttpResponse:
    """The branch's record on paper: every member against every listed assignment."""
    overview = BranchOverview(branch)
    record(request, Access.BRANCH_PROGRESS, _("%(branch)s（打印）") % {"branch": branch.name})
    return render(
        request,
        "assignments/branch/print.html",
        {"overview": overview, "printed_at": timezone.localtime()},
    )


def search_results(form: AssignmentForm, query: str) -> list:
    """The site's own search, for picking pages; ticked pages are not offered twice."""
    if not query:
        return []
    outcome = run_search(SearchRequest.from_params(QueryDict(urlencode({"q": query}))))
    if outcome.results is None:
        return []
    ticked = set(form.selected_page_ids())
    return [page for page in outcome.results.object_list if page.pk not in ticked][:SEARCH_RESULTS]


def edit_form(request: HttpRequest, branch, assignment: Assignment | None) -> HttpResponse:
    """Shared by new and edit: 搜索 shows results and keeps the form; 保存 validates and saves."""
    query = ""
    if request.method == "POST":
        form = AssignmentForm(request.POST, branch=branch, instance=assignment)
        query = request.POST.get("q", "").strip()[:50]
        if request.POST.get("action") == "save":
            if form.is_valid():
                saved = form.save(created_by=request.user)
                if assignment is None:
                    messages.success(
                        request, _("任务已布置：《%(title)s》") % {"title": saved.title}
                    )
                else:
                    messages.success(
                        request, _("任务已更新：《%(title)s》") % {"title": saved.title}
                    )
                return redirect("assignments:branch_assignment", assignment_id=saved.pk)
            messages.error(request, _("任务未保存，请按提示修改。"))
        else:
            form.keep_without_judging()
    else:
        form = AssignmentForm(branch=branch, instance=assignment)
    context = {
        "form": form,
        "assignment": assignment,
        # Not "query": base.html would put the word in the site's own search box.
        "page_query": query,
        "results": search_results(form, query),
        "selected_pages": form.selected_pages(),
        "selected_members": form.selected_member_ids(),
        "searched": bool(query),
    }
    return render(request, "assignments/branch/assignment_form.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@organiser_only
def assignment_new(request: HttpRequest, branch) -> HttpResponse:
    return edit_form(request, branch, None)


@require_http_methods(["GET", "HEAD", "POST"])
@organiser_only
def assignment_edit(request: HttpRequest, branch, assignment_id: int) -> HttpResponse:
    assignment = branch_assignment(branch, assignment_id)
    if not assignment.is_open:
        messages.error(request, _("任务已结束，不能再修改。"))
        return redirect("assignments:branch_assignment", assignment_id=assignment.pk)
    return edit_form(request, branch, assignment)


@require_POST
@organiser_only
def assignment_close(request: HttpRequest, branch, assignment_id: int) -> HttpResponse:
    assignment = branch_assignment(branch, assignment_id)
    if assignment.is_open:
        assignment.closed_at = timezone.now()
        assignment.save(update_fields=["closed_at"])
        messages.success(request, _("任务已结束：《%(title)s》") % {"title": assignment.title})
    return redirect("assignments:branch_assignment", assignment_id=assignment.pk)


def status_rows(branch, assignment: Assignment):
    """(member, status, items done) for the assignment's audience, in roster order."""
    members = list(branch_members(branch))
    member_ids = [member.pk for member in members]
    progress = load_progress(
        member_ids, item_page_ids(assignment), reflections=assignment.require_reflection
    )
    status = assignment_status(assignment, member_ids, progress)
    by_id = {member.pk: member for member in members}
    rows = [
        (
            by_id[member_id],
            status.statuses[member_id],
            StudyStatus(status.statuses[member_id]).label,
            status.done_items[member_id],
        )
        for member_id in status.audience
    ]
    return status, rows


@require_safe
@organiser_only
def assignment_detail(request: HttpRequest, branch, assignment_id: int) -> HttpResponse:
    assignment = branch_assignment(branch, assignment_id)
    status, rows = status_rows(branch, assignment)
    record(request, Access.ASSIGNMENT_STATUS, f"{branch.name}《{assignment.title}》")
    context = {
        "assignment": assignment,
        "status": status,
        "rows": rows,
        "overdue": assignment.is_overdue(),
        "shares": shared_reflections(assignment, branch, status.audience),
    }
    return render(request, "assignments/branch/assignment_detail.html", context)


@require_safe
@organiser_only
def assignment_csv(request: HttpRequest, branch, assignment_id: int) -> HttpResponse:
    """The assignment's status per member, UTF-8 with a BOM so Excel shows the Chinese."""
    assignment = branch_assignment(branch, assignment_id)
    status, rows = status_rows(branch, assignment)
    header = [_("姓名"), _("用户名"), _("学号"), _("状态"), _("已完成项数"), _("共计项数")]
    lines = (
        [
            member.member_profile.display_name,
            member.get_username(),
            member.member_profile.student_number,
            label,
            done,
            status.item_count,
        ]
        for member, _status, label, done in rows
    )
    filename = f"{branch.name}-{assignment.title}-{timezone.localdate():%Y%m%d}.csv"
    record(request, Access.ASSIGNMENT_CSV, f"{branch.name}《{assignment.title}》")
    return csv_response(filename, header, lines)


@require_safe
@organiser_only
def member_detail(request: HttpRequest, branch, member_id: int) -> HttpResponse:
    """One member's status on the branch's assignments: for a conversation, not a score."""
    member = branch_members(branch).filter(pk=member_id).first()
    if member is None:
        raise Http404
    overview = BranchOverview(branch)
    row = next(row for row in overview.roster if row.member.pk == member.pk)
    assignments = [
        (
            status.assignment,
            row.statuses[status.assignment.pk],
            StudyStatus(row.statuses[status.assignment.pk]).label,
            status.done_items[member.pk],
            status.item_count,
        )
        for status in overview.assignments
        if status.assignment.pk in row.statuses
    ]
    record(request, Access.MEMBER_PROGRESS, f"{branch.name} · {person_label(member)}")
    context = {"row": row, "assignments": assignments}
    return render(request, "assignments/branch/member_detail.html", context)


@require_POST
@login_required
def share_reflection(request: HttpRequest, assignment_id: int, page_id: int) -> HttpResponse:
    """The member's tick box: share (``shared=1``) their own reflection on the page with the
    organisers of one of their open assignments holding it, or take it back (``shared=0``,
    always allowed for a share that exists). Anyone else's reflection is out of reach: the
    lookup is by ``request.user``, and anything missing answers 404."""
    if page_id not in viewable_page_ids(request, [page_id]):
        raise Http404
    page = get_object_or_404(ContentPage, pk=page_id)
    reflection = get_object_or_404(Reflection, member=request.user, page=page)
    shared = request.POST.get("shared")
    if shared == "1":
        assignment = shareable_assignment(request.user, assignment_id, page)
        if assignment is None:
            raise Http404
        ReflectionShare.objects.get_or_create(assignment=assignment, reflection=reflection)
        messages.success(
            request,
            _("心得已分享给支部组织者（任务：%(title)s）。") % {"title": assignment.title},
        )
    elif shared == "0":
        deleted, _by_model = ReflectionShare.objects.filter(
            assignment_id=assignment_id, reflection=reflection
        ).delete()
        if not deleted and shareable_assignment(request.user, assignment_id, page) is None:
            raise Http404
        if deleted:
            messages.success(request, _("已撤回分享，组织者不再能看到这篇心得。"))
    else:
        return HttpResponseBadRequest(_("shared 必须是 1（分享）或 0（撤回）。"))
    return HttpResponseRedirect((page.get_url(request) or "/") + "#reflection")
