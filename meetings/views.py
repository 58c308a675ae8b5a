"""``/branch/meetings/``: the organiser's 组织生活 records, and what a member may see of them.

Every organiser view starts from the organiser's own branch (``organiser_only``), and a
record is looked up *within* it, so another branch's record answers 404. The detail page is
also open to the branch's members (kind, time, place, topics, materials, resolutions and
their own attendance; never minutes or anyone's reasons) and to holders of
``meetings.oversee_meetings`` (组织部: everything). Drafts are the organiser's alone. Every
showing is written to the audit trail (``audit.record``). The rules of a record (who may be
in it, what confirming does, corrections) live in ``meetings.records``; their refusals are
shown on the form, in Chinese.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assignments.views import organiser_only, search_results
from audit.models import Access, record
from core.byteranges import serve_stored
from core.privacy import private
from meetings import records
from meetings.access import can_see_everything, can_see_part, meeting_subject
from meetings.attachments import add_attachment
from meetings.forms import AttachmentForm, CorrectionForm, MeetingForm
from meetings.ledger import gaps
from meetings.makeup import member_makeup_done
from meetings.models import Meeting, MeetingAttachment, MeetingStatus
from members.models import organiser_branch

LIST_LIMIT = 200


def branch_meeting(branch, meeting_id: int) -> Meeting:
    return get_object_or_404(Meeting.objects.filter(branch=branch), pk=meeting_id)


@require_safe
@organiser_only
def meeting_list(request: HttpRequest, branch) -> HttpResponse:
    meetings = list(
        Meeting.objects.filter(branch=branch)
        .select_related("host__member_profile")
        .only(
            "pk",
            "kind",
            "starts_at",
            "place",
            "online_link",
            "status",
            "topics",
            "host_id",
            "host__username",
            "host__member_profile__display_name",
        )[:LIST_LIMIT]
    )
    record(request, Access.MEETING_LIST, branch.name)
    context = {
        "branch": branch,
        "year": timezone.localdate().year,
        # The branch's own organisers only: this page is theirs alone (organiser_only).
        "gaps": gaps(branch),
        "meetings": meetings,
        "drafts": [meeting for meeting in meetings if meeting.status == MeetingStatus.DRAFT],
    }
    return render(request, "meetings/meeting_list.html", context)


def edit_form(request: HttpRequest, branch, meeting: Meeting | None, form_class=MeetingForm):
    """Shared by new, edit and correct: 搜索 keeps the form and shows pages to tick; 保存
    validates, then hands the record to ``meetings.records``."""
    roster = records.roster(branch)
    query = ""
    if request.method == "POST":
        form = form_class(request.POST, branch=branch, roster=roster, meeting=meeting)
        query = request.POST.get("q", "").strip()[:50]
        if request.POST.get("action") == "save":
            saved = save_form(request, branch, meeting, form)
            if saved is not None:
                return redirect("meetings:detail", meeting_id=saved.pk)
            messages.error(request, _("记录未保存，请按提示修改。"))
        else:
            form.keep_without_judging()
    else:
        form = form_class(branch=branch, roster=roster, meeting=meeting)
    context = {
        "form": form,
        "meeting": meeting,
        "correcting": form_class is CorrectionForm,
        "page_query": query,
        "results": search_results(form, query),
        "selected_pages": form.selected_pages(),
        "searched": bool(query),
        "resolution_rows": form.resolutions.rows(),
        "attendance_rows": form.attendance.rows(),
    }
    return render(request, "meetings/meeting_form.html", context)


def save_form(request: HttpRequest, branch, meeting: Meeting | None, form) -> Meeting | None:
    """The record saved (a draft, or a correction of a confirmed one), or None with the
    form's errors (the form's own, or a refusal of ``meetings.records``)."""
    if not form.is_valid():
        return None
    values = form.record_values()
    try:
        if isinstance(form, CorrectionForm):
            records.correct(meeting, request.user, reason=form.cleaned_data["reason"], **values)
            messages.success(request, _("更正已保存，更正前的记录保留在更正历史中。"))
            return meeting
        saved = records.save_draft(branch, request.user, meeting=meeting, **values)
    except ValidationError as error:
        form.add_refusal(error)
        return None
    messages.success(request, _("草稿已保存。核对无误后请点“确认记录”。"))
    return saved


@require_http_methods(["GET", "HEAD", "POST"])
@organiser_only
def meeting_new(request: HttpRequest, branch) -> HttpResponse:
    return edit_form(request, branch, None)


@require_http_methods(["GET", "HEAD", "POST"])
@organiser_only
def meeting_edit(request: HttpRequest, branch, meeting_id: int) -> HttpResponse:
    meeting = branch_meeting(branch, meeting_id)
    if meeting.is_confirmed:
        messages.error(request, _("记录已确认，只能通过“更正”修改。"))
        return redirect("meetings:detail", meeting_id=meeting.pk)
    return edit_form(request, branch, meeting)


@require_http_methods(["GET", "HEAD", "POST"])
@organiser_only
def meeting_correct(request: HttpRequest, branch, meeting_id: int) -> HttpResponse:
    meeting = branch_meeting(branch, meeting_id)
    if not meeting.is_confirmed:
        return redirect("meetings:edit", meeting_id=meeting.pk)
    return edit_form(request, branch, meeting, form_class=CorrectionForm)


@require_POST
@organiser_only
def meeting_confirm(request: HttpRequest, branch, meeting_id: int) -> HttpResponse:
    meeting = branch_meeting(branch, meeting_id)
    try:
        records.confirm(meeting, request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if meeting.makeup_id:
            messages.success(request, _("记录已确认。请假和缺席的同学已收到补学任务。"))
        else:
            messages.success(request, _("记录已确认。"))
    return redirect("meetings:detail", meeting_id=meeting.pk)


def visible_meeting(request: HttpRequest, meeting_id: int) -> tuple[Meeting, bool]:
    """The record and whether the user sees all of it; 404 for anyone who may see none."""
    meeting = get_object_or_404(
        Meeting.objects.select_related(
            "branch", "host__member_profile", "recorder__member_profile", "event"
        ),
        pk=meeting_id,
    )
    if can_see_everything(request.user, meeting):
        return meeting, True
    if can_see_part(request.user, meeting):
        return meeting, False
    raise Http404


@require_safe
@login_required
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting, everything = visible_meeting(request, meeting_id)
    materials = meeting.materials.select_related("page").all()
    resolutions = meeting.resolutions.select_related("owner__member_profile").all()
    context = {
        "meeting": meeting,
        "everything": everything,
        "organiser": organiser_branch(request.user) == meeting.branch,
        "materials": materials,
        "resolutions": resolutions,
        "in_future": meeting.starts_at > timezone.now(),
    }
    if everything:
        context |= {
            "rows": records.attendance_rows(meeting),
            "counts": records.counts(meeting),
            "corrections": meeting.corrections.select_related("made_by__member_profile"),
            "attachments": meeting.attachments.all(),
            "attachment_form": AttachmentForm(),
        }
    else:
        mine = meeting.attendance.filter(member=request.user).first()
        context["mine"] = mine.get_presence_display() if mine else None
        context["my_makeup_done"] = member_makeup_done(request.user, [meeting]).get(meeting.pk)
    record(request, Access.MEETING_RECORD, meeting_subject(meeting))
    return private(render(request, "meetings/meeting_detail.html", context))


@require_POST
@organiser_only
def attachment_upload(request: HttpRequest, branch, meeting_id: int) -> HttpResponse:
    """An attachment added on the organiser's detail page, into the branch's private
    collection (``meetings.attachments``)."""
    meeting = branch_meeting(branch, meeting_id)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        add_attachment(
            meeting,
            request.user,
            title=form.cleaned_data["title"],
            upload=form.cleaned_data["file"],
        )
        messages.success(request, _("附件已上传，仅本支部组织委员和组织部可以查看。"))
        return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#attachments")
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, _("附件未上传：%(problem)s") % {"problem": error})
    return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#attachments")


@require_safe
@login_required
def attachment_file(request: HttpRequest, meeting_id: int, attachment_id: int) -> HttpResponse:
    """One attachment's file, for the branch's organisers and 组织部 only (404 otherwise)."""
    attachment = get_object_or_404(
        MeetingAttachment.objects.select_related("meeting__branch", "document"),
        pk=attachment_id,
        meeting_id=meeting_id,
    )
    if not can_see_everything(request.user, attachment.meeting):
        raise Http404
    document = attachment.document
    record(
        request,
        Access.MEETING_RECORD,
        _("%(meeting)s · 附件《%(title)s》")
        % {"meeting": meeting_subject(attachment.meeting), "title": attachment.title},
    )
    response = serve_stored(
        request,
        document.file.storage,
        document.file.name,
        document.content_type,
        f'"{document.file_hash or document.pk}"',
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=document.filename
    )
    return private(response)
