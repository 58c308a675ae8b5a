"""Reports → 内容报告 and its 需要改进 list, for 编辑, 审核 and superusers.

Both are Wagtail ``ReportView``s over live content pages, filtered by kind, topic and
study dates. Pages are chosen and paginated first; the figures are then worked out for the
listed pages only (``insights.figures``), so the number of queries does not grow with the
number of pages or events. CSV (through ``core.spreadsheet``) and XLSX exports hold the
same masked figures as the page; no member is ever named.
"""

from __future__ import annotations

import django_filters
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.defaults import permission_denied
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.views.reports import ReportView
from wagtail.permission_policies import ModelPermissionPolicy

from core.spreadsheet import csv_response
from home.kinds import all_kinds, kind_named
from home.models import ContentPage
from insights.figures import StudyWindow, load_pages, needs_work, page_figures
from insights.models import ContentReport
from learning.models import LearningRecord


def kind_choices():
    return [(kind.name, kind.label) for kind in all_kinds()]


def topic_choices():
    topics = ContentPage.objects.live().order_by("topic").values_list("topic", flat=True)
    return [(topic, topic) for topic in topics.distinct() if topic]


class ContentReportFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("类型"), choices=kind_choices, empty_label=_("全部"), method="filter_kind"
    )
    topic = django_filters.ChoiceFilter(
        label=_("专题"), choices=topic_choices, empty_label=_("全部"), field_name="topic"
    )
    studied = django_filters.DateFromToRangeFilter(
        label=_("学习时间"), widget=DateRangePickerWidget, method="filter_studied"
    )

    class Meta:
        model = ContentPage
        fields = []

    def filter_kind(self, queryset, name, value):
        kind = kind_named(value)
        if kind is None:
            return queryset
        return queryset.filter(content_type=ContentType.objects.get_for_model(kind.model))

    def filter_studied(self, queryset, name, value):
        """Pages some member studied in the window (records overlapping it)."""
        window = self.window
        if window == StudyWindow():
            return queryset
        studied = window.records(LearningRecord.objects.filter(page=OuterRef("pk")))
        return queryset.filter(Exists(studied))

    @cached_property
    def window(self) -> StudyWindow:
        if not self.is_valid():
            return StudyWindow()
        dates = self.form.cleaned_data.get("studied")
        if not dates:
            return StudyWindow()
        return StudyWindow.from_dates(dates.start, dates.stop)


class ReportPermission:
    """编辑, 审核 and superusers: the ``insights.view_contentreport`` permission. Others in
    the admin get a plain 403 (Wagtail would redirect them to the dashboard with a message);
    users without admin access are sent to the admin's login by Wagtail before this."""

    permission_policy = ModelPermissionPolicy(ContentReport)
    permission_required = "view"

    def dispatch(self, request, *args, **kwargs):
        self.request = request
        if not self.user_has_permission(self.permission_required):
            return permission_denied(request, PermissionDenied())
        return super().dispatch(request, *args, **kwargs)


class ContentReportBase(ReportPermission, ReportView):
    header_icon = "table"
    filterset_class = ContentReportFilterSet
    paginate_by = 50
    export_headings: dict = {}

    @cached_property
    def window(self) -> StudyWindow:
        return self.filters.window if self.filters else StudyWindow()

    def get_base_queryset(self):
        return ContentPage.objects.live().defer("body").order_by("-first_published_at", "-pk")

    def get_filename(self):
        first, last = self.window.first_day, self.window.last_day
        weeks = f"-{first or ''}_{last or ''}" if first or last else ""
        return f"{self.export_filename}{weeks}-{timezone.localdate().isoformat()}"

    def get_heading(self, queryset, field):
        return str(self.export_headings[field])

    def write_csv_response(self, queryset):
        header = [self.get_heading(queryset, field) for field in self.list_export]
        rows = (self.to_row_dict(item).values() for item in queryset)
        return csv_response(f"{self.get_filename()}.csv", header, rows)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["min_group"] = _(
            "人数少于 5 的数字显示为“<5”。能与其他数字相加减得出这类人数的也不单独显示："
            "学完人数在学完或未学完的人少于 5 人时显示为“隐藏”，有帮助与没帮助同样；"
            "答对或答错少于 5 人的题不显示正确率；人数少于 5 的章节与相邻章节合并显示。"
        )
        context["weeks"] = self.weeks_counted()
        return context

    def weeks_counted(self) -> str:
        """Which weeks the figures count: the dates asked for are widened to whole weeks."""
        first, last = self.window.first_day, self.window.last_day
        if first and last:
            return _("统计范围：%(first)s（周一）至 %(last)s（周日），按整周计算。") % {
                "first": first,
                "last": last,
            }
        if first:
            return _("统计范围：%(first)s（周一）起，按整周计算。") % {"first": first}
        if last:
            return _("统计范围：截至 %(last)s（周日），按整周计算。") % {"last": last}
        return ""


class ContentReportView(ContentReportBase):
    page_title = _("内容报告")
    index_url_name = "content_report"
    index_results_url_name = "content_report_results"
    results_template_name = "insights/content_report_results.html"
    export_filename = "content-report"
    list_export = [
        "kind",
        "title",
        "topic",
        "started",
        "completed",
        "median",
        "questions",
        "chapters",
        "helpful",
        "not_helpful",
        "notes",
    ]
    export_headings = {
        "kind": _("类型"),
        "title": _("标题"),
        "topic": _("专题"),
        "started": _("开始学习人数"),
        "completed": _("学完人数"),
        "median": _("学习时长中位数（秒）"),
        "questions": _("自测首次作答正确率"),
        "chapters": _("停在哪一章（人数）"),
        "helpful": _("有帮助"),
        "not_helpful": _("没帮助"),
        "notes": _("补充说明"),
    }

    def decorate_paginated_queryset(self, object_list):
        return page_figures(object_list, self.window)

    def to_row_dict(self, item):
        return {
            "kind": str(item.page.content_kind_label),
            "title": item.page.title,
            "topic": item.page.topic,
            "started": item.started_shown,
            "completed": item.completed_shown,
            "median": item.median_seconds,
            "questions": "；".join(str(question) for question in item.questions),
            "chapters": "；".join(f"{label}: {count}" for label, count in item.buckets_shown),
            "helpful": item.helpful_shown,
            "not_helpful": item.not_helpful_shown,
            "notes": "\n".join(item.notes),
        }


class NeedsWorkReportView(ContentReportBase):
    page_title = _("需要改进")
    index_url_name = "content_report_needs_work"
    index_results_url_name = "content_report_needs_work_results"
    results_template_name = "insights/needs_work_results.html"
    export_filename = "content-needs-work"
    list_export = ["score", "kind", "title", "topic", "started", "completion", "votes", "unhelpful"]
    export_headings = {
        "score": _("改进分"),
        "kind": _("类型"),
        "title": _("标题"),
        "topic": _("专题"),
        "started": _("开始学习人数"),
        "completion": _("学完率"),
        "votes": _("评价人数"),
        "unhelpful": _("没帮助占比"),
    }

    def get_filtered_queryset(self):
        """The ranked rows (a list): ranking needs every page's figures, not one page's."""
        return needs_work(super().get_filtered_queryset(), self.window)

    def decorate_paginated_queryset(self, object_list):
        return load_pages(list(object_list))

    def to_row_dict(self, item):
        return {
            "score": item.score_shown,
            "kind": str(item.page.content_kind_label),
            "title": item.page.title,
            "topic": item.page.topic,
            "started": item.started_shown,
            "completion": item.completion_rate,
            "votes": item.votes_shown,
            "unhelpful": item.unhelpful_rate,
        }
