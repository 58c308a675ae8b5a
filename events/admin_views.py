"""An event's registrations in the Wagtail admin: the list and its CSV export.

``/admin/events/<page_id>/registrations/`` shows the numbers, the confirmed members, the
waiting list in order (position 1 moves up first) and the cancelled ones;
``registrations.csv`` is the same list for Excel. Both need ``events.view_registration``
(the 活动管理 group has it, ``events`` migration 0006; editors and reviewers do not);
each showing and each export is written to the audit trail (``audit.record``).
The admin's own check (``wagtailadmin.access_admin``) comes first, so members and
organisers without admin access are sent to the admin login.

Times are shown in the site's zone (settings.TIME_ZONE, Beijing time) whatever time zone an editor chose in
their admin profile: the list is read and printed in China.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton

from audit.models import Access, record
from core.spreadsheet import csv_response
from events.models import ForumEventPage, Registration, RegistrationStatus
from members.models import member_name

VIEW_PERMISSION = "events.view_registration"
# Characters Windows, macOS or a shell would trip over in a downloaded file's name.
UNSAFE_IN_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def can_view_registrations(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_perm(VIEW_PERMISSION))


def local_time(value) -> str:
    """``YYYY-MM-DD HH:MM`` in Beijing time; empty for no time."""
    if value is None:
        return ""
    return timezone.localtime(value, timezone.get_default_timezone()).strftime("%Y-%m-%d %H:%M")


def profile_of(user):
    """The member's profile, or None for an account without one (staff, old accounts)."""
    if user is None:
        return None
    return getattr(user, "member_profile", None)  # RelatedObjectDoesNotExist is an AttributeError


def member_branch(user) -> str:
    profile = profile_of(user)
    return profile.branch.name if profile is not None and profile.branch is not None else ""


def member_student_number(user) -> str:
    profile = profile_of(user)
    return profile.student_number if profile is not None else ""


def registrations_with_people():
    """Registrations with their member, branch and check-in person joined: one query."""
    return Registration.objects.select_related(
        "member__member_profile__branch", "checked_in_by__member_profile"
    )


@dataclass
class Row:
    """One registration as the page and the CSV show it: names and Beijing times as text."""

    registration: Registration
    position: int | None = None  # on the waiting list, 1 first

    @property
    def pk(self) -> int:
        return self.registration.pk

    @property
    def status(self) -> str:
        return self.registration.status

    @property
    def status_label(self) -> str:
        return str(self.registration.get_status_display())

    @cached_property
    def name(self) -> str:
        return member_name(self.registration.member)

    @property
    def username(self) -> str:
        return self.registration.member.get_username()

    @property
    def student_number(self) -> str:
        return member_student_number(self.registration.member)

    @property
    def branch(self) -> str:
        return member_branch(self.registration.member)

    @property
    def queued_at(self) -> str:
        return local_time(self.registration.queued_at)

    @property
    def confirmed_at(self) -> str:
        return local_time(self.registration.confirmed_at)

    @property
    def cancelled_at(self) -> str:
        return local_time(self.registration.cancelled_at)

    @property
    def checked_in_at(self) -> str:
        return local_time(self.registration.checked_in_at)


@dataclass
class Roster:
    """One event's registrations, split the way the page and the CSV show them."""

    event: ForumEventPage
    confirmed: list[Row] = field(default_factory=list)
    waiting: list[Row] = field(default_factory=list)
    cancelled: list[Row] = field(default_factory=list)

    @classmethod
    def of(cls, event: ForumEventPage) -> Roster:
        """One query: every registration with its member, profile and branch, in arrival order."""
        roster = cls(event)
        registrations = registrations_with_people().filter(event=event).order_by("queued_at", "pk")
        for registration in registrations:
            registration.event = event  # already at hand: no query per row for it
            if registration.status == RegistrationStatus.CONFIRMED:
                roster.confirmed.append(Row(registration))
            elif registration.status == RegistrationStatus.WAITING:
                # The order of events.registration.waiting_position: queued_at, then pk.
                roster.waiting.append(Row(registration, position=len(roster.waiting) + 1))
            else:
                roster.cancelled.append(Row(registration))
        # The latest cancellation first: that is what an organiser asks about.
        roster.cancelled.sort(
            key=lambda row: (row.registration.cancelled_at or row.registration.queued_at, row.pk),
            reverse=True,
        )
        return roster

    @property
    def checked_in(self) -> int:
        return sum(1 for row in self.confirmed if row.registration.checked_in_at)

    @property
    def places_left(self) -> int | None:
        if self.event.capacity is None:
            return None
        return max(0, self.event.capacity - len(self.confirmed))

    def in_order(self) -> list[Row]:
        """Confirmed, then the waiting list in order, then cancelled."""
        return self.confirmed + self.waiting + self.cancelled


def event_or_404(request, page_id: int) -> ForumEventPage:
    """The event, for users who may see registrations. Permission first: no peeking at ids."""
    if not can_view_registrations(request.user):
        raise PermissionDenied  # the admin turns this into its usual "no permission" message
    return get_object_or_404(ForumEventPage, pk=page_id)


class EventRegistrationsView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "events/admin/registrations.html"
    page_title = _("报名名单")
    header_icon = "date"

    def dispatch(self, request, *args, **kwargs):
        self.event = event_or_404(request, kwargs["page_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.event.title

    @cached_property
    def csv_url(self) -> str:
        return reverse("events_registrations_csv", args=[self.event.pk])

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("event_registrations:index"), "label": _("活动报名")},
            {
                "url": reverse("wagtailadmin_pages:edit", args=[self.event.pk]),
                "label": self.event.title,
            },
            {"url": "", "label": self.get_page_title(), "sublabel": self.event.title},
        ]

    @property
    def header_buttons(self):
        return [HeaderButton(_("导出 CSV"), url=self.csv_url, icon_name="download")]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        roster = Roster.of(self.event)
        record(self.request, Access.REGISTRATION_LIST, self.event.title)
        context.update(
            event=self.event,
            roster=roster,
            csv_url=self.csv_url,
            starts_at=local_time(self.event.starts_at),
            inspect_url_name="event_registrations:inspect",
        )
        return context


CSV_HEADER = [
    _("序号"),
    _("姓名"),
    _("用户名"),
    _("学号"),
    _("党支部"),
    _("状态"),
    _("候补顺位"),
    _("报名时间"),
    _("确认时间"),
    _("取消时间"),
    _("签到时间"),
]


def csv_rows(roster: Roster):
    for number, row in enumerate(roster.in_order(), start=1):
        yield [
            number,
            row.name,
            row.username,
            row.student_number,
            row.branch,
            row.status_label,
            row.position or "",
            row.queued_at,
            row.confirmed_at,
            row.cancelled_at,
            row.checked_in_at,
        ]


def csv_filename(event: ForumEventPage) -> str:
    title = UNSAFE_IN_FILENAME.sub("_", event.title).strip(" ._") or str(event.pk)
    today = timezone.localtime(timezone.now(), timezone.get_default_timezone()).strftime("%Y%m%d")
    return f"{title}-{_('报名名单')}-{today}.csv"


def registrations_csv(request, page_id: int):
    event = event_or_404(request, page_id)
    record(request, Access.REGISTRATION_CSV, event.title)
    return csv_response(csv_filename(event), CSV_HEADER, csv_rows(Roster.of(event)))
