"""Event registrations in the Wagtail admin, for editors: look, filter, export; never edit.

* "活动报名" in the admin menu lists every registration (event, member, branch, status,
  when they registered and checked in), filtered by event, status and check-in, searched
  by name; a registration's inspect view shows its history (``RegistrationChange``).
* Each event has a "报名名单" page (``events.admin_views``) with the waiting list in order
  and a CSV export, reached from the event's buttons in the page explorer and editor.

Everything needs ``events.view_registration`` (editors and reviewers, ``events``
migration 0004). Registrations are read-only here for everyone, superusers included:
members register and cancel on the event page, and only ``events.registration`` moves the
waiting list up; deleting a confirmed place here would leave it empty and erase its
history. ``events.change_registration`` means "may check people in at the door"
(``events.registration.can_check_in_others``), not "may edit in the admin".
"""

import django_filters
from django import forms
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import Permission
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from audit.models import Access, record
from events import admin_views
from events.admin_views import (
    can_view_registrations,
    local_time,
    member_branch,
    registrations_with_people,
)
from events.models import ForumEventPage, Registration, RegistrationChange, RegistrationStatus
from events.registration import waiting_position
from members.models import member_name, person_label

# --- permissions ------------------------------------------------------------------------


class ReadOnlyPolicy(ModelPermissionPolicy):
    """``view`` as Django's permissions say; add, change and delete for nobody."""

    READ = frozenset({"view"})

    def user_has_permission(self, user, action):
        return action in self.READ and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([a for a in actions if a in self.READ])


# Before the viewset is registered, which would otherwise create Wagtail's default policy.
READ_ONLY_POLICY = ReadOnlyPolicy(Registration)
register_permission_policy(Registration, READ_ONLY_POLICY)


# --- the listing ------------------------------------------------------------------------

YES, NO = "yes", "no"


class EventChoiceField(forms.ModelChoiceField):
    """Events recur under the same title (主题党日): the date tells them apart."""

    def label_from_instance(self, event):
        return f"{event.title}（{local_time(event.starts_at)[:10]}）"


class EventFilter(django_filters.ModelChoiceFilter):
    field_class = EventChoiceField


class RegistrationFilterSet(WagtailFilterSet):
    event = EventFilter(
        label=_("活动"),
        queryset=ForumEventPage.objects.only("title", "starts_at").order_by("-starts_at", "pk"),
        empty_label=_("全部"),
    )
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=RegistrationStatus.choices, empty_label=_("全部")
    )
    checked_in = django_filters.ChoiceFilter(
        label=_("签到"),
        choices=[(YES, _("已签到")), (NO, _("未签到"))],
        method="filter_checked_in",
        empty_label=_("全部"),
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Registration
        fields = []

    def filter_checked_in(self, queryset, name, value):
        if value == YES:
            return queryset.filter(checked_in_at__isnull=False)
        if value == NO:
            return queryset.filter(checked_in_at__isnull=True)
        return queryset


def registrations_for_admin() -> QuerySet[Registration]:
    """Every column in one query: the event, the member, their profile and branch joined."""
    return registrations_with_people().select_related("event")


class RegistrationIndexView(IndexView):
    def get_base_queryset(self):
        return registrations_for_admin()

    def get(self, request, *args, **kwargs):
        record(request, Access.REGISTRATION_LIST, _("全部活动"))
        return super().get(request, *args, **kwargs)

    def _get_title_column(self, field_name, column_class=TitleColumn, **kwargs):
        # The event's title, linked to the registration's inspect view (there is no edit).
        return self._get_title_column_class(column_class)(
            "event",
            label=_("活动"),
            accessor=lambda registration: registration.event_label,
            sort_key="event__starts_at",
            get_url=self.get_inspect_url,
        )


# --- one registration and its history ---------------------------------------------------


class RegistrationInspectView(InspectView):
    labels = {
        "member": _("成员"),
        "branch": _("党支部"),
        "position": _("候补顺位"),
        "history": _("报名记录"),
    }

    def get_object(self, queryset=None):
        return get_object_or_404(registrations_for_admin(), pk=unquote(str(self.pk)))

    def get(self, request, *args, **kwargs):
        record(request, Access.REGISTRATION_LIST, self.get_page_subtitle())
        return super().get(request, *args, **kwargs)

    def get_page_subtitle(self):
        return f"{member_name(self.object.member)} · {self.object.event_label}"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)  # sets self.fields, then self.object
        if self.object.status != RegistrationStatus.WAITING:
            self.fields = [name for name in self.fields if name != "position"]

    def get_field_label(self, field_name, field):
        if field_name in self.labels:
            return self.labels[field_name]
        return super().get_field_label(field_name, field)

    def get_event_display_value(self):
        event = self.object.event
        if event is None:
            return self.object.event_label
        return format_html(
            '{} · <a href="{}">{}</a>',
            event.title,
            reverse("events_registrations", args=[event.pk]),
            _("报名名单"),
        )

    def get_member_display_value(self):
        return person_label(self.object.member)

    def get_branch_display_value(self):
        return member_branch(self.object.member) or "-"

    def get_position_display_value(self):
        return waiting_position(self.object)

    def get_queued_at_display_value(self):
        return local_time(self.object.queued_at) or "-"

    def get_confirmed_at_display_value(self):
        return local_time(self.object.confirmed_at) or "-"

    def get_cancelled_at_display_value(self):
        return local_time(self.object.cancelled_at) or "-"

    def get_checked_in_at_display_value(self):
        return local_time(self.object.checked_in_at) or "-"

    def get_checked_in_by_display_value(self):
        return person_label(self.object.checked_in_by) or "-"

    def get_history_display_value(self):
        changes = RegistrationChange.objects.filter(registration=self.object).select_related(
            "by__member_profile"
        )
        rows = [
            (local_time(change.at), change.get_action_display(), person_label(change.by) or "-")
            for change in changes
        ]
        if not rows:
            return _("（暂无记录）")
        return format_html(
            '<table class="listing"><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            _("时间"),
            _("变化"),
            _("操作人"),
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )


# --- the viewset ------------------------------------------------------------------------


class RegistrationURLFinder(ModelAdminURLFinder):
    """A registration's place in the admin is its inspect view: there is no edit view."""

    edit_url_name = "event_registrations:inspect"

    def get_edit_url(self, instance):
        if self.user and not READ_ONLY_POLICY.user_has_permission(self.user, "view"):
            return None
        return self.construct_edit_url(instance)


class RegistrationViewSet(ModelViewSet):
    model = Registration
    name = "event_registrations"
    url_prefix = "events/registrations"
    icon = "date"
    menu_label = _("活动报名")
    menu_name = "event-registrations"
    menu_order = 250
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    # Registrations point at events and members; indexing them would only slow registering.
    add_to_reference_index = False
    url_finder_class = RegistrationURLFinder
    index_view_class = RegistrationIndexView
    inspect_view_class = RegistrationInspectView
    inspect_view_fields = [
        "event",
        "member",
        "branch",
        "status",
        "position",  # waiting registrations only
        "queued_at",
        "confirmed_at",
        "cancelled_at",
        "checked_in_at",
        "checked_in_by",
        "history",
    ]
    list_display = [
        "event",  # replaced by RegistrationIndexView's title column
        Column(
            "member",
            label=_("成员"),
            accessor=lambda r: member_name(r.member),
            sort_key="member__member_profile__display_name",
        ),
        Column(
            "branch",
            label=_("党支部"),
            accessor=lambda r: member_branch(r.member),
            sort_key="member__member_profile__branch__name",
        ),
        Column("status", label=_("状态"), accessor="get_status_display", sort_key="status"),
        Column(
            "queued_at",
            label=_("报名时间"),
            accessor=lambda r: local_time(r.queued_at),
            sort_key="queued_at",
        ),
        Column(
            "checked_in_at",
            label=_("签到时间"),
            accessor=lambda r: local_time(r.checked_in_at),
            sort_key="checked_in_at",
        ),
    ]
    filterset_class = RegistrationFilterSet
    search_fields = [
        "member__member_profile__display_name",
        "member__username",
        "member__member_profile__student_number",
    ]
    # The latest events first; within an event, in the order members registered.
    ordering = ["-event__starts_at", "event", "queued_at", "pk"]
    list_per_page = 50

    def get_urlpatterns(self):
        # Listing and inspecting only: no add, edit, delete, history or usage views at all.
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
        ]

    def get_permissions_to_register(self):
        # Adding and deleting mean nothing here; "change" is checking people in at the door.
        return Permission.objects.filter(
            content_type__app_label="events",
            codename__in=["view_registration", "change_registration"],
        )


@hooks.register("register_admin_viewset")
def register_registration_viewset():
    return RegistrationViewSet()


# --- each event's list, and the buttons to it -------------------------------------------


@hooks.register("register_admin_urls")
def register_event_registrations_urls():
    return [
        path(
            "events/<id:page_id>/registrations/",
            admin_views.EventRegistrationsView.as_view(),
            name="events_registrations",
        ),
        path(
            "events/<id:page_id>/registrations.csv",
            admin_views.registrations_csv,
            name="events_registrations_csv",
        ),
    ]


def is_event(page) -> bool:
    page_class = page.specific_class
    return page_class is not None and issubclass(page_class, ForumEventPage)


def registrations_button(page, user, priority):
    if page.pk and is_event(page) and can_view_registrations(user):
        yield Button(
            _("报名名单"),
            reverse("events_registrations", args=[page.pk]),
            icon_name="date",
            priority=priority,
        )


@hooks.register("register_page_header_buttons")
def event_page_header_buttons(page, user, view_name, next_url=None):
    yield from registrations_button(page, user, priority=75)


@hooks.register("register_page_listing_more_buttons")
def event_page_listing_buttons(page, user, next_url=None):
    yield from registrations_button(page, user, priority=55)
