"""The audit trail in the admin: Reports → 访问记录, for superusers only, with CSV export."""

import django_filters
from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView

from audit.models import Access, AccessRecord


def beijing_time(record: AccessRecord) -> str:
    return timezone.localtime(record.at, timezone.get_default_timezone()).strftime(
        "%Y-%m-%d %H:%M:%S"
    )


class AccessRecordFilterSet(WagtailFilterSet):
    access = django_filters.ChoiceFilter(
        label=_("操作"), choices=Access.choices, empty_label=_("全部")
    )
    at = django_filters.DateFromToRangeFilter(label=_("时间"), widget=DateRangePickerWidget)

    class Meta:
        model = AccessRecord
        fields = []


class AccessRecordsReport(ReportView):
    page_title = _("访问记录")
    header_icon = "history"
    index_url_name = "access_records"
    index_results_url_name = "access_records_results"
    filterset_class = AccessRecordFilterSet
    is_searchable = True
    search_fields = ["username", "subject", "path"]
    columns = [
        Column("at", label=_("时间"), accessor=beijing_time, sort_key="at"),
        Column("username", label=_("用户名"), sort_key="username"),
        Column("access", label=_("操作"), accessor="get_access_display", sort_key="access"),
        Column("subject", label=_("对象")),
        Column("address", label=_("IP 地址")),
        Column("path", label=_("网址")),
    ]
    list_export = ["at", "username", "access", "subject", "address", "path"]
    export_headings = {
        "at": _("时间"),
        "username": _("用户名"),
        "access": _("操作"),
        "subject": _("对象"),
        "address": _("IP 地址"),
        "path": _("网址"),
    }
    custom_field_preprocess = {
        "at": {"csv": lambda value: beijing_time(AccessRecord(at=value))},
    }
    default_ordering = "-at"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_filename(self):
        return "access-records-" + timezone.localdate().isoformat()

    def get_base_queryset(self):
        return AccessRecord.objects.all()

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        row["access"] = item.get_access_display()
        return row


class SuperusersMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_admin_urls")
def register_access_record_urls():
    return [
        path("reports/access-records/", AccessRecordsReport.as_view(), name="access_records"),
        path(
            "reports/access-records/results/",
            AccessRecordsReport.as_view(results_only=True),
            name="access_records_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_access_records_menu_item():
    return SuperusersMenuItem(
        _("访问记录"), reverse("access_records"), icon_name="history", order=1100
    )
