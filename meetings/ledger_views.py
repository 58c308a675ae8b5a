"""The 台账 (print page, CSV, XLSX), the kind × month grid, and 组织部's overview.

Who gets in: a branch's organisers see their own branch; holders of
``meetings.oversee_meetings`` (组织部) choose any branch with ``?branch=<id>``. An organiser
asking for another branch gets 404; anyone else logged in 403; anonymous visitors the
login page. Gaps in the grid are shown to the branch's own organisers only. 组织部's overview
says per branch and quarter only whether the required meetings are recorded, never who
attended. Every page and export is written to the audit trail.
"""

from __future__ import annotations

import io
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from audit.models import Access, record
from core.privacy import private
from core.spreadsheet import csv_response, csv_safe
from meetings.access import can_oversee
from meetings.ledger import gap_messages, ledger, oversight, recorded_months, year_grid
from meetings.meeting_csv import CSV_HEADER, export_rows
from members.models import Branch, organiser_branch

FIRST_YEAR, LAST_YEAR = 2000, 2100
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def chosen_branch(request: HttpRequest) -> Branch | None:
    """The branch the page is about, or None when 组织部 has not chosen one.

    Raises PermissionDenied for a user who is neither an organiser nor 组织部, and Http404
    for an organiser asking for another branch (or an unknown one).
    """
    own = organiser_branch(request.user)
    wanted = request.GET.get("branch", "").strip()
    if can_oversee(request.user):
        if not wanted:
            return own
        if not wanted.isdigit():
            raise Http404(_("没有这个党支部。"))
        return get_object_or_404(Branch, pk=int(wanted))
    if own is None:
        raise PermissionDenied(_("只有党支部的组织委员和组织部可以查看组织生活台账。"))
    if wanted and wanted != str(own.pk):
        raise Http404(_("没有这个党支部。"))
    return own


def ledger_access(view):
    """Log in first; then the branch (organiser's own, or 组织部's choice) and a sane year."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, year: int, *args, **kwargs):
        branch = chosen_branch(request)
        if branch is None:
            return redirect("meetings:oversight")
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise Http404(_("年份不对。"))
        return private(view(request, branch, year, *args, **kwargs))

    return wrapper


def branch_query(request: HttpRequest, branch: Branch) -> str:
    """``?branch=<id>`` for 组织部's links, so they stay on the branch they chose."""
    return f"?branch={branch.pk}" if request.GET.get("branch") else ""


def year_links(request: HttpRequest, branch: Branch, year: int) -> dict:
    return {
        "branch": branch,
        "year": year,
        "previous_year": year - 1 if year > FIRST_YEAR else None,
        "next_year": year + 1 if year < LAST_YEAR else None,
        "query": branch_query(request, branch),
        "is_own_branch": organiser_branch(request.user) == branch,
    }


@require_safe
@ledger_access
def ledger_page(request: HttpRequest, branch: Branch, year: int) -> HttpResponse:
    """The yearly 台账, for paper: one block per meeting with signature lines."""
    entries = ledger(branch, year)
    record(request, Access.MEETING_LEDGER, _("%(branch)s %(year)d年台账") % _subject(branch, year))
    context = year_links(request, branch, year)
    context.update(entries=entries, printed_at=timezone.localtime())
    return render(request, "meetings/ledger.html", context)


@require_safe
@ledger_access
def grid_page(request: HttpRequest, branch: Branch, year: int) -> HttpResponse:
    """Kind × month: how many meetings are recorded; the gaps for the branch's organisers."""
    today = timezone.localdate()
    grid = year_grid(branch, year, today)
    context = year_links(request, branch, year)
    gaps = []
    if context["is_own_branch"] and year == today.year:
        gaps = gap_messages(recorded_months(branch, year), today)
    record(
        request, Access.MEETING_LEDGER, _("%(branch)s %(year)d年统计表") % _subject(branch, year)
    )
    context.update(grid=grid, gaps=gaps)
    return render(request, "meetings/grid.html", context)


def _subject(branch: Branch, year: int) -> dict:
    return {"branch": branch.name, "year": year}


def export_name(branch: Branch, year: int, extension: str) -> str:
    return f"{branch.name}-{year}年组织生活台账.{extension}"


@require_safe
@ledger_access
def ledger_csv(request: HttpRequest, branch: Branch, year: int) -> HttpResponse:
    """The year in the import's format (``manage.py import_meetings`` reads it back)."""
    rows = export_rows(branch, year)
    record(
        request, Access.MEETING_EXPORT, _("%(branch)s %(year)d年台账 CSV") % _subject(branch, year)
    )
    return csv_response(export_name(branch, year, "csv"), CSV_HEADER, rows)


@require_safe
@ledger_access
def ledger_xlsx(request: HttpRequest, branch: Branch, year: int) -> HttpResponse:
    """The same rows as the CSV, as an Excel workbook; every cell is text, never a formula."""
    from openpyxl import Workbook

    rows = export_rows(branch, year)
    record(
        request, Access.MEETING_EXPORT, _("%(branch)s %(year)d年台账 XLSX") % _subject(branch, year)
    )
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(year)
    sheet.append(CSV_HEADER)
    for row in rows:
        sheet.append([csv_safe(cell) for cell in row])
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=export_name(branch, year, "xlsx")
    )
    return response


@require_safe
@login_required
def oversight_page(request: HttpRequest) -> HttpResponse:
    """组织部: for each branch and quarter, whether each required kind is recorded."""
    if not can_oversee(request.user):
        raise PermissionDenied(_("只有组织部可以查看各支部的组织生活情况。"))
    today = timezone.localdate()
    year_text = request.GET.get("year", "").strip()
    year = int(year_text) if year_text.isdigit() else today.year
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404(_("年份不对。"))
    summary = oversight(year, today)
    record(request, Access.MEETING_OVERSIGHT, _("各支部 %(year)d年") % {"year": year})
    return private(
        render(
            request,
            "meetings/oversight.html",
            {
                "summary": summary,
                "year": year,
                "previous_year": year - 1 if year > FIRST_YEAR else None,
                "next_year": year + 1 if year < LAST_YEAR else None,
                "quarters": range(1, 5),
            },
        )
    )
