"""Reports → 内容报告 (and its 需要改进 list) in the admin, for 编辑, 审核 and superusers."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from insights.views import ContentReportView, NeedsWorkReportView

PERMISSION = "insights.view_contentreport"


class ContentReportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(PERMISSION)


@hooks.register("register_admin_urls")
def register_content_report_urls():
    return [
        path("reports/content/", ContentReportView.as_view(), name="content_report"),
        path(
            "reports/content/results/",
            ContentReportView.as_view(results_only=True),
            name="content_report_results",
        ),
        path(
            "reports/content/needs-work/",
            NeedsWorkReportView.as_view(),
            name="content_report_needs_work",
        ),
        path(
            "reports/content/needs-work/results/",
            NeedsWorkReportView.as_view(results_only=True),
            name="content_report_needs_work_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_content_report_menu_item():
    return ContentReportMenuItem(
        _("内容报告"), reverse("content_report"), icon_name="table", order=1050
    )
