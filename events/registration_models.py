"""A member's place at an event and its history: below the event page and its routes.

The registration logic and the views the page routes to import these, never the page
module (``events.models``), which imports them back through its routes.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from home.deleted import title_or_deleted


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("已报名")
    WAITING = "waiting", _("候补")
    CANCELLED = "cancelled", _("已取消")


# A registration that holds a place or a position in the waiting list.
ACTIVE_STATUSES = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)


class RegistrationAction(models.TextChoices):
    REGISTERED = "registered", _("报名成功")
    WAITLISTED = "waitlisted", _("进入候补")
    PROMOTED = "promoted", _("候补转正")
    CANCELLED = "cancelled", _("取消报名")
    CHECKED_IN = "checked_in", _("签到")


class Registration(models.Model):
    """One member's place at one event: confirmed, waiting, or cancelled.

    One row per member and event; registering again after cancelling reuses it and joins
    the end of the waiting list if the event is full. What happened to it, and when, is
    kept in ``RegistrationChange`` (a cancellation is not a learning event).
    """

    event = models.ForeignKey(
        "events.ForumEventPage",
        verbose_name=_("活动"),
        # A deleted event keeps its registrations (the member's history) and its title.
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registrations",
    )
    event_title = models.CharField(_("活动标题"), max_length=255, blank=True)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("成员"),
        on_delete=models.CASCADE,
        related_name="event_registrations",
    )
    status = models.CharField(_("状态"), max_length=10, choices=RegistrationStatus.choices)
    # When this registration (or re-registration) came in: the waiting list's order.
    queued_at = models.DateTimeField(_("报名时间"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签到操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("活动报名")
        verbose_name_plural = _("活动报名")
        ordering = ["event", "queued_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "member"], name="one_registration_per_member"),
            models.CheckConstraint(
                condition=Q(checked_in_at__isnull=True) | Q(status=RegistrationStatus.CONFIRMED),
                name="only_confirmed_check_in",
            ),
        ]
        indexes = [models.Index(fields=["event", "status", "queued_at"])]

    def __str__(self) -> str:
        return f"{self.event_id} {self.member_id} {self.status}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def event_label(self) -> str:
        """The event's title, or the kept one marked "已删除的内容" once the event is gone."""
        return title_or_deleted(self.event, self.event_title)

    @property
    def is_confirmed(self) -> bool:
        return self.status == RegistrationStatus.CONFIRMED


class RegistrationChange(models.Model):
    """The history of a registration: who registered, waited, moved up, cancelled, checked in."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(_("变化"), max_length=12, choices=RegistrationAction.choices)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    # Who did it: the member, an organiser at the door, or nobody (moved up automatically).
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("报名记录")
        verbose_name_plural = _("报名记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.registration_id} {self.action}"
