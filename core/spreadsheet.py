"""CSV downloads that open cleanly in Excel: UTF-8 with a BOM, no formulas from user text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils.http import content_disposition_header

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
