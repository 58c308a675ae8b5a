"""Branches and members in the Wagtail admin, as snippets under one "党支部与成员" menu.

Bulk changes come through ``manage.py import_members``; the admin is for looking
members up and for the occasional single change. Permissions are Wagtail's defaults
for snippets (superusers, or groups given the model permissions), because member
data is personal.
"""

from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from learning.models import Branch, MemberProfile


class BranchViewSet(SnippetViewSet):
    model = Branch
    icon = "group"
    menu_label = _("党支部")
    copy_view_enabled = False
    list_display = [
        "name",
        "organisation",
        Column("member_count", label=_("成员数"), sort_key="member_count"),
        DateColumn("created_at", label=_("创建时间"), sort_key="created_at"),
    ]
    search_fields = ["name", "organisation"]
    ordering = ["name"]
    panels = [FieldPanel("name"), FieldPanel("organisation")]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Branch]:
        return Branch.objects.annotate(member_count=Count("members"))


class MemberProfileViewSet(SnippetViewSet):
    model = MemberProfile
    icon = "user"
    menu_label = _("成员")
    # A profile belongs to one person: copying one would only invite mistakes.
    copy_view_enabled = False
    list_display = [
        "display_name",
        Column("username", label=_("用户名"), accessor="user", sort_key="user__username"),
        "branch",
        "role",
        "student_number",
    ]
    list_filter = ["branch", "role"]
    search_fields = ["display_name", "user__username", "student_number"]
    ordering = ["display_name"]
    panels = [
        FieldPanel("user"),
        FieldPanel("display_name"),
        FieldPanel("branch"),
        FieldPanel("role"),
        FieldPanel("student_number"),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[MemberProfile]:
        return MemberProfile.objects.select_related("user", "branch")


class MembersGroup(SnippetViewSetGroup):
    items = (BranchViewSet, MemberProfileViewSet)
    menu_icon = "group"
    menu_label = _("党支部与成员")
    menu_name = "branches-and-members"


register_snippet(MembersGroup)
