"""Assignments in the Wagtail admin, beside branches and members under one "党支部与成员" menu;
and, on content pages, the member's assignments holding the page, for sharing a reflection.

The organisation department (组织部) may view branches, members and the assignments of every
branch (``members`` and ``assignments`` migrations 0002); editors (编辑) see only the branches.
An assignment's inspect view shows its pages and how many members are done, never who.
"""

import django_filters
from django import forms
from django.contrib.admin.utils import unquote
from django.db import models
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    CreateView,
    InspectView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from assignments.models import Assignment, AssignmentItem, StudyStatus
from assignments.progress import (
    assignment_status,
    branch_members,
    item_page_ids,
    load_progress,
    with_items,
)
from assignments.sharing import UNREAD, share_choices
from home.kinds import Completion
from home.models import CONTENT_PAGE_CONTEXT_HOOK
from members.models import Branch, person_label
from members.viewsets import (
    BranchViewSet,
    KeptAdminUrls,
    MemberProfileViewSet,
    PermittedChooserViewSet,
)

# --- assignments ------------------------------------------------------------------------


class OpenState(models.TextChoices):
    """The admin's 状态 filter: assignments still running, or closed by the organiser."""

    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")


def count_of(model, fk: str):
    """How many ``model`` rows point at the outer row: a subquery, so counts never multiply."""
    rows = (
        model.objects.filter(**{fk: OuterRef("pk")})
        .order_by()
        .values(fk)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def open_label(assignment: Assignment) -> str:
    return (OpenState.OPEN if assignment.is_open else OpenState.CLOSED).label


def audience_label(assignment: Assignment) -> str:
    if assignment.whole_branch:
        return _("全支部")
    return _("指定成员 %(count)s 人") % {"count": assignment.chosen_count}


class AssignmentFilterSet(WagtailFilterSet):
    branch = django_filters.ModelChoiceFilter(
        label=_("党支部"), queryset=Branch.objects.order_by("name"), empty_label=_("全部")
    )
    due_on = django_filters.DateFromToRangeFilter(label=_("截止日期"), widget=DateRangePickerWidget)
    status = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=OpenState.choices,
        method="filter_status",
        empty_label=_("全部"),
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Assignment
        fields = []

    def filter_status(self, queryset, name, value):
        if value == OpenState.OPEN:
            return queryset.filter(closed_at__isnull=True)
        if value == OpenState.CLOSED:
            return queryset.filter(closed_at__isnull=False)
        return queryset


def assignments_for_admin() -> QuerySet[Assignment]:
    """Every column of the listing in one query: related rows joined, counts as subqueries."""
    return Assignment.objects.select_related(
        "branch", "created_by", "created_by__member_profile"
    ).annotate(
        item_count=count_of(AssignmentItem, "assignment"),
        chosen_count=count_of(Assignment.chosen_members.through, "assignment"),
    )


class AssignmentCreateView(CreateView):
    def save_instance(self):
        if self.form.instance.created_by_id is None:
            self.form.instance.created_by = self.request.user
        return super().save_instance()


class AssignmentInspectView(InspectView):
    """The assignment's fields, its pages in order and how many members are done.

    Counts only: who has or has not done what is for the branch's organiser to see.
    """

    labels = {
        "status": _("状态"),
        "audience": _("对象"),
        "items": _("学习内容"),
        "progress": _("完成情况"),
    }

    def get_object(self, queryset=None):
        return get_object_or_404(with_items(assignments_for_admin()), pk=unquote(str(self.pk)))

    def get_field_label(self, field_name, field):
        if field_name in self.labels:
            return self.labels[field_name]
        return super().get_field_label(field_name, field)

    def get_status_display_value(self):
        return open_label(self.object)

    def get_audience_display_value(self):
        return audience_label(self.object)

    def get_created_by_display_value(self):
        return person_label(self.object.created_by) or "-"

    def get_closed_at_display_value(self):
        return self.object.closed_at or "-"

    def get_items_display_value(self):
        items = list(self.object.items.all())
        if not items:
            return _("（暂无内容）")
        rows = [
            (
                reverse("wagtailadmin_pages:edit", args=[item.page_id]),
                item.page.title,
                "" if item.page.live else _("（未发布）"),
            )
            for item in items
        ]
        return format_html(
            "<ol>{}</ol>", format_html_join("", '<li><a href="{}">{}</a>{}</li>', rows)
        )

    @cached_property
    def completion(self):
        member_ids = list(branch_members(self.object.branch).values_list("pk", flat=True))
        progress = load_progress(
            member_ids, item_page_ids(self.object), reflections=self.object.require_reflection
        )
        return assignment_status(self.object, member_ids, progress)

    def get_progress_display_value(self):
        counts = self.completion.counts
        rows = [(status.label, counts[status]) for status in StudyStatus]
        total = _("共 %(count)s 人，完成 %(percent)s%%") % {
            "count": len(self.completion.audience),
            "percent": self.completion.percent_done,
        }
        return format_html(
            "<ul>{}</ul><p>{}</p>",
            format_html_join("", "<li>{}：{} 人</li>", rows),
            total,
        )


class AssignmentViewSet(KeptAdminUrls, SnippetViewSet):
    model = Assignment
    chooser_viewset_class = PermittedChooserViewSet
    legacy_model_name = "assignment"
    icon = "tasks"
    menu_label = _("学习任务")
    copy_view_enabled = False
    inspect_view_enabled = True
    add_view_class = AssignmentCreateView
    inspect_view_class = AssignmentInspectView
    list_display = [
        "title",
        "branch",
        Column("due_on", label=_("截止日期"), sort_key="due_on"),
        Column("audience", label=_("对象"), accessor=audience_label),
        Column("status", label=_("状态"), accessor=open_label, sort_key="closed_at"),
        Column("item_count", label=_("内容数"), sort_key="item_count"),
        Column("created_by", label=_("布置人"), accessor=lambda a: person_label(a.created_by)),
    ]
    filterset_class = AssignmentFilterSet
    search_fields = ["title"]
    ordering = ["due_on", "pk"]
    inspect_view_fields = [
        "branch",
        "title",
        "note",
        "due_on",
        "require_reflection",
        "status",
        "audience",
        "items",
        "progress",
        "created_by",
        "created_at",
        "closed_at",
    ]
    panels = [
        FieldPanel("branch"),
        FieldPanel("title"),
        FieldPanel("note"),
        FieldPanel("due_on"),
        FieldPanel("require_reflection"),
        FieldPanel("whole_branch"),
        FieldPanel("chosen_members"),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Assignment]:
        return assignments_for_admin()


class MembersGroup(SnippetViewSetGroup):
    items = (BranchViewSet, MemberProfileViewSet, AssignmentViewSet)
    menu_icon = "group"
    menu_label = _("党支部与成员")
    menu_name = "branches-and-members"


register_snippet(MembersGroup)


# --- content pages: sharing the member's reflection ---------------------------------------


@hooks.register(CONTENT_PAGE_CONTEXT_HOOK)
def add_reflection_shares(page, request, context) -> None:
    """The tick boxes under the member's reflection (one or two queries), with the
    reflection the reflections' hook put in the context. Events take no reflections."""
    if request.user.is_authenticated and getattr(page, "completion", None) != (Completion.ATTENDED):
        reflection = context.get("reflection", UNREAD)
        context["reflection_share_choices"] = share_choices(request.user, page, reflection)
