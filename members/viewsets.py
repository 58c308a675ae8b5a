"""Branches and members in the Wagtail admin (snippet viewsets).

Bulk changes come through ``manage.py import_members``; the admin is for looking members
up and for the occasional single change. Permissions are Wagtail's defaults for snippets
(superusers, or groups given the model permissions: 组织部, ``members`` migration 0002),
because member data is personal; editors see the branches, never the members. Every
showing of the member list or of one member is written to the audit trail.
The viewsets are registered under one "党支部与成员" menu by ``assignments.wagtail_hooks``,
which adds the branches' assignments beside them.

Wagtail's choosers for these models check no permission of their own; ours answer 403 to
anyone who may not see the model's listing, and a listing of members through the chooser is
recorded like the member list itself.
"""

import django_filters
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponseForbidden
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
)
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


# --- choosers ---------------------------------------------------------------------------

# Whoever may see a model's listing may choose from it: the snippet listing's own rule.
LISTING_ACTIONS = ("add", "change", "delete", "view")


class ListingPermissionRequired:
    """A chooser view for those who may see the model's listing; 403 for everyone else."""

    def dispatch(self, request, *args, **kwargs):
        policy = ModelPermissionPolicy(self.model_class)
        if not policy.user_has_any_permission(request.user, LISTING_ACTIONS):
            # Not PermissionDenied: Wagtail's admin turns that into a redirect home, which the
            # chooser's modal would follow and render.
            return HttpResponseForbidden(_("你没有查看这些资料的权限。"))
        return super().dispatch(request, *args, **kwargs)


class PermittedChooseView(ListingPermissionRequired, ChooseView):
    pass


class PermittedChooseResultsView(ListingPermissionRequired, ChooseResultsView):
    pass


class PermittedChosenView(ListingPermissionRequired, SnippetChosenView):
    pass


class PermittedChosenMultipleView(ListingPermissionRequired, SnippetChosenMultipleView):
    pass


class PermittedChooserViewSet(SnippetChooserViewSet):
    """Every view of the chooser (its create view already checks ``add``) follows the listing."""

    choose_view_class = PermittedChooseView
    choose_results_view_class = PermittedChooseResultsView
    chosen_view_class = PermittedChosenView
    chosen_multiple_view_class = PermittedChosenMultipleView


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
    chooser_viewset_class = PermittedChooserViewSet
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


class RecordedMixin:
    """A list of members shown through the chooser is recorded as the member list is."""

    def get(self, request, *args, **kwargs):
        record(request, Access.MEMBER_LIST, _("成员名单（选择器）"))
        return super().get(request, *args, **kwargs)


class MemberChooseView(RecordedMixin, PermittedChooseView):
    pass


class MemberChooseResultsView(RecordedMixin, PermittedChooseResultsView):
    pass


class MemberChooserViewSet(PermittedChooserViewSet):
    choose_view_class = MemberChooseView
    choose_results_view_class = MemberChooseResultsView


class MemberProfileViewSet(KeptAdminUrls, SnippetViewSet):
    model = MemberProfile
    chooser_viewset_class = MemberChooserViewSet
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
