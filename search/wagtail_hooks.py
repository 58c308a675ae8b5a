"""Search reports for editors: popular search terms and searches that found nothing."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, NumberColumn
from wagtail.admin.views.reports import ReportView
from wagtail.contrib.search_promotions.models import Query

from search.models import ZeroResultQuery


class ZeroResultQueriesReport(ReportView):
    page_title = _("无结果搜索词")
    header_icon = "search"
    index_url_name = "zero_result_queries"
    index_results_url_name = "zero_result_queries_results"
    is_searchable = True
    search_fields = ["query_string"]
    columns = [
        Column("query_string", label=_("搜索词"), sort_key="query_string"),
        NumberColumn("hits", label=_("次数"), sort_key="hits"),
        DateColumn("last_searched_at", label=_("最近一次"), sort_key="last_searched_at"),
    ]
    list_export = ["query_string", "hits", "last_searched_at"]
    default_ordering = "-hits"

    def get_base_queryset(self):
        return ZeroResultQuery.objects.all()


class PopularQueriesReport(ReportView):
    """Wagtail's own search-terms report is for superusers only; editors need it too."""

    page_title = _("热门搜索词")
    header_icon = "search"
    index_url_name = "popular_queries"
    index_results_url_name = "popular_queries_results"
    is_searchable = True
    search_fields = ["query_string"]
    columns = [
        Column("query_string", label=_("搜索词"), sort_key="query_string"),
        NumberColumn("_hits", label=_("次数"), sort_key="_hits"),
    ]
    list_export = ["query_string", "_hits"]
    default_ordering = "-_hits"

    def get_base_queryset(self):
        return Query.get_most_popular()


class EditorsMenuItem(MenuItem):
    """Shown to anyone who may edit pages (editors, reviewers), not only superusers."""

    def is_shown(self, request):
        return request.user.has_perm("wagtailadmin.access_admin")


@hooks.register("register_admin_urls")
def register_search_report_urls():
    return [
        path("reports/popular-queries/", PopularQueriesReport.as_view(), name="popular_queries"),
        path(
            "reports/popular-queries/results/",
            PopularQueriesReport.as_view(results_only=True),
            name="popular_queries_results",
        ),
        path(
            "reports/zero-result-queries/",
            ZeroResultQueriesReport.as_view(),
            name="zero_result_queries",
        ),
        path(
            "reports/zero-result-queries/results/",
            ZeroResultQueriesReport.as_view(results_only=True),
            name="zero_result_queries_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_popular_menu_item():
    return EditorsMenuItem(
        _("热门搜索词"), reverse("popular_queries"), icon_name="search", order=890
    )


@hooks.register("register_reports_menu_item")
def register_zero_result_menu_item():
    return EditorsMenuItem(
        _("无结果搜索词"), reverse("zero_result_queries"), icon_name="search", order=900
    )
