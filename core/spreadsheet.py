"""CSV downloads that open cleanly in Excel: UTF-8 with a BOM, no formulas from user text.

One rule, ``csv_safe``, for every spreadsheet the site hands out: our own CSVs through
``csv_response``, and Wagtail's exports (reports, form submissions, listings with
``list_export``) through ``guard_wagtail_exports``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils.http import content_disposition_header

# Full-width signs too: Chinese input methods type them, and spreadsheet programs that fold
# widths on entry would take them for the ASCII ones; a stray apostrophe costs nothing.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def csv_safe(value) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas: make them plain text."""
    value = "" if value is None else str(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    """A CSV attachment; every cell passes through ``csv_safe``.

    Excel reads UTF-8 only with a byte-order mark, without one it shows the Chinese as
    mojibake; other tools skip the mark.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(title) for title in header])
    for row in rows:
        writer.writerow([csv_safe(cell) for cell in row])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return response


def _safe_text(value):
    """Text is made safe; numbers and dates stay what they are (a -3 is not a formula)."""
    return csv_safe(value) if isinstance(value, str) else value


def _write_safe_csv_row(self, writer, row_dict):
    """``SpreadsheetExportMixin.write_csv_row`` with every text cell through ``csv_safe``."""
    return writer.writerow(
        {
            field: _safe_text(self.preprocess_field_value(field, value, self.FORMAT_CSV))
            for field, value in row_dict.items()
        }
    )


def guard_wagtail_exports() -> None:
    """Make every Wagtail spreadsheet export use our rule, once, at start-up.

    Wagtail writes CSV cells as they are: a search term, a suggestion-box post or a page
    title starting with ``=`` becomes a live formula in the editor's spreadsheet. Every
    export view (reports, form submissions, snippet and model listings, redirects) inherits
    ``write_csv_row`` and ``get_heading`` from one mixin, so changing the mixin covers the
    views we know and those a later Wagtail adds. Headings carry editors' form-field labels.
    Wagtail's XLSX rows are already stored as text, never as formulas.
    """
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    if getattr(SpreadsheetExportMixin, "formula_safe", False):
        return
    wagtail_heading = SpreadsheetExportMixin.get_heading

    def get_heading(self, queryset, field):
        return csv_safe(wagtail_heading(self, queryset, field))

    SpreadsheetExportMixin.write_csv_row = _write_safe_csv_row
    SpreadsheetExportMixin.get_heading = get_heading
    SpreadsheetExportMixin.formula_safe = True
