"""Branches and members in the Wagtail admin (snippet viewsets).

Bulk changes come through ``manage.py import_members``; the admin is for looking members
up and for the occasional single change. Permissions are Wagtail's defaults for snippets
(superusers, or groups given the model permissions: 组织部, ``members`` migration 0002),
because member data is personal; editors see the branches, never the members. Every
showing of the member list or of one member is written to the audit trail.
The viewsets are registered under one "党支部与成员" menu by ``assignments.wagtail_hooks``,
which adds the branches' assignments beside them.
"""

import django_filters
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.snippets.views.snippets import EditView, IndexView, SnippetViewSet

from audit.models import Access, record
from members.models import Branch, MemberProfile, person_label


class KeptAdminUrls:
    """Admin URLs as they were when these models lived in the ``learning`` app, so editors'
    bookmarks and links keep working; set ``legacy_model_name`` on the viewset."""

    legacy_model_name = ""

    @property
    def url_prefix(self) -> str:
        return f"snippets/learning/{self.legacy_model_name}"

    @property
    def url_namespace(self) -> str:
        return f"wagtailsnippets_learning_{self.legacy_model_name}"

    def get_chooser_admin_base_path(self) -> str:
        return f"snippets/choose/learning/{self.legacy_model_name}"

    def get_chooser_admin_url_namespace(self) -> str:
        return f"wagtailsnippetchoosers_learning_{self.legacy_model_name}"


# --- branches ---------------------------------------------------------------------------


class OrganisationFilter(django_filters.ChoiceFilter):
    """The organisations branches belong to, read when the filter form is built."""

    @property
    def field(self):
        if not hasattr(self, "_field"):
            organisations = (
                Branch.objects.exclude(organisation="")
                .order_by("organisation")
                .values_list("organisation", flat=True)
                .distinct()
            )
            self.extra["choices"] = [(name, name) for name in organisations]
        return super().field


class BranchFilterSet(WagtailFilterSet):
    organisation = OrganisationFilter(label=_("上级组织"), empty_label=_("全部"))

    class Meta:
        model = Branch
        fields = []


class BranchViewSet(KeptAdminUrls, SnippetViewSet):
    model = Branch
    legacy_model_name = "branch"
    icon = "group"
    menu_label = _("党支部")
    copy_view_enabled = False
    list_display = [
        "name",
        "organisation",
        Column("member_count", label=_("成员数"), sort_key="member_count"),
        DateColumn("created_at", label=_("创建时间"), sort_key="created_at"),
    ]
    filterset_class = BranchFilterSet
    search_fields = ["name", "organisation"]
    ordering = ["name"]
    panels = [FieldPanel("name"), FieldPanel("organisation")]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Branch]:
        return Branch.objects.annotate(member_count=Count("members"))


# --- members ----------------------------------------------------------------------------


class MemberIndexView(IndexView):
    def get(self, request, *args, **kwargs):
        record(request, Access.MEMBER_LIST, _("成员名单"))
        return super().get(request, *args, **kwargs)


class MemberEditView(EditView):
    def get(self, request, *args, **kwargs):
        record(request, Access.MEMBER_PROFILE, person_label(self.object.user))
        return super().get(request, *args, **kwargs)


class MemberProfileViewSet(KeptAdminUrls, SnippetViewSet):
    model = MemberProfile
    legacy_model_name = "memberprofile"
    index_view_class = MemberIndexView
    edit_view_class = MemberEditView
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
