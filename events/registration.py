"""Registering for events: places, the waiting list, cancelling and checking in.

Every change to an event's registrations runs in a transaction that first locks the
event's row (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite each transaction takes the
write lock when it starts), so two members can never take the same last place and the
waiting list moves up exactly once per freed place.

The server writes ``registered`` (a confirmed place, also after moving up from the waiting
list) and ``attended`` (checked in) learning events; a cancellation stays in the
registration's own history (``RegistrationChange``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import ratelimit
from core.text import fold_code
from events import check_in_code
from events.registration_models import (
    ACTIVE_STATUSES,
    Registration,
    RegistrationAction,
    RegistrationChange,
    RegistrationStatus,
)
from learning.event_log import record_server_event
from learning.models import Verb
from members.models import organiser_branch

if TYPE_CHECKING:  # the page module imports this one through its routes
    from events.models import ForumEventPage

logger = logging.getLogger(__name__)

# Wrong check-in codes a member may enter for one event before waiting a while.
CODE_ATTEMPT_LIMIT = 10
CODE_ATTEMPT_WINDOW_SECONDS = 15 * 60


class RegistrationRefused(Exception):
    """What the member tried cannot be done; the message says why, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def locked_event(event: ForumEventPage) -> ForumEventPage:
    """The event re-read with its row locked until the transaction ends (PostgreSQL)."""
    # The page's class through the event: the page module imports this one (events.routes).
    return type(event).objects.select_for_update(of=("self",)).get(pk=event.pk)


def confirmed_count(event: ForumEventPage) -> int:
    return Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED).count()


def waiting_position(registration: Registration) -> int:
    """1 for the first in line."""
    earlier = Q(queued_at__lt=registration.queued_at) | Q(
        queued_at=registration.queued_at, pk__lt=registration.pk
    )
    waiting = Registration.objects.filter(
        event_id=registration.event_id, status=RegistrationStatus.WAITING
    )
    return waiting.filter(earlier).count() + 1


# ---------------------------------------------------------------- registering


@dataclass
class Outcome:
    registration: Registration
    message: str


def register(event: ForumEventPage, member) -> Outcome:
    """A confirmed place if one is free, otherwise the end of the waiting list."""
    try:
        with transaction.atomic():
            event = locked_event(event)
            now = timezone.now()
            if now >= event.starts_at:
                raise RegistrationRefused(_("活动已经开始或结束，不能再报名。"))
            if not event.registration_is_open:
                raise RegistrationRefused(_("报名已经截止。"))
            registration = Registration.objects.filter(event=event, member=member).first()
            if registration is not None and registration.is_active:
                raise RegistrationRefused(already_registered_message(registration))
            has_place = event.capacity is None or confirmed_count(event) < event.capacity
            if registration is None:
                registration = Registration(event=event, member=member)
            registration.queued_at = now
            registration.cancelled_at = None
            if has_place:
                registration.status = RegistrationStatus.CONFIRMED
                registration.confirmed_at = now
            else:
                registration.status = RegistrationStatus.WAITING
                registration.confirmed_at = None
            registration.save()
            if has_place:
                log(registration, RegistrationAction.REGISTERED, member)
                record_server_event(member, event, Verb.REGISTERED)
                return Outcome(registration, _("报名成功。"))
            log(registration, RegistrationAction.WAITLISTED, member)
            position = waiting_position(registration)
            return Outcome(
                registration,
                _("名额已满，你已进入候补名单（第 %(position)d 位），有人取消时会按顺序递补。")
                % {"position": position},
            )
    except IntegrityError:
        # The same member's second tap racing the first: the first one won.
        registration = Registration.objects.get(event=event, member=member)
        raise RegistrationRefused(already_registered_message(registration)) from None


def already_registered_message(registration: Registration) -> str:
    if registration.is_confirmed:
        return _("你已经报名了这个活动，不用重复报名。")
    return _("你已经在候补名单中（第 %(position)d 位），不用重复报名。") % {
        "position": waiting_position(registration)
    }


def cancel(event: ForumEventPage, member) -> Outcome:
    """Give up a place (or leave the waiting list); a freed place goes to the next in line."""
    with transaction.atomic():
        event = locked_event(event)
        registration = (
            Registration.objects.select_for_update()
            .filter(event=event, member=member, status__in=ACTIVE_STATUSES)
            .first()
        )
        if registration is None:
            raise RegistrationRefused(_("你没有报名这个活动。"))
        if timezone.now() >= event.starts_at:
            raise RegistrationRefused(_("活动已经开始，不能再取消报名。"))
        if registration.checked_in_at:
            raise RegistrationRefused(_("你已经签到，不能取消报名。"))
        was_confirmed = registration.is_confirmed
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.confirmed_at = None
        registration.save(update_fields=["status", "cancelled_at", "confirmed_at"])
        log(registration, RegistrationAction.CANCELLED, member)
        if was_confirmed:
            fill_places(event)
    return Outcome(registration, _("已取消报名。"))


def fill_places(event: ForumEventPage) -> list[Registration]:
    """Move the waiting list up, in order, into any free places. Call with the event locked.

    Also runs when an editor publishes a larger capacity. Nobody moves up once the event
    has started.
    """
    if timezone.now() >= event.starts_at:
        return []
    waiting = Registration.objects.filter(event=event, status=RegistrationStatus.WAITING).order_by(
        "queued_at", "pk"
    )
    if event.capacity is not None:
        free = event.capacity - confirmed_count(event)
        if free <= 0:
            return []
        waiting = waiting[:free]
    promoted = list(waiting.select_related("member"))
    now = timezone.now()
    for registration in promoted:
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = now
        registration.save(update_fields=["status", "confirmed_at"])
        log(registration, RegistrationAction.PROMOTED, None)
        record_server_event(registration.member, event, Verb.REGISTERED)
        transaction.on_commit(lambda r=registration: tell_promoted(event, r))
    return promoted


def refill_after_publish(event: ForumEventPage) -> None:
    """A published change of capacity may free places for the waiting list."""
    with transaction.atomic():
        fill_places(locked_event(event))


def tell_promoted(event: ForumEventPage, registration: Registration) -> None:
    """Email a member who moved up from the waiting list; a failure is logged, not raised."""
    address = registration.member.email
    if not address:
        return
    start = timezone.localtime(event.starts_at)
    url = event.get_full_url() or settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    try:
        send_mail(
            _("候补转正：%(title)s") % {"title": event.title},
            _(
                "你好！有人取消了报名，你已从候补名单转为正式报名：\n\n"
                "《%(title)s》\n时间：%(start)s\n地点：%(venue)s\n\n"
                "不能参加请在活动页取消报名，把名额留给别人：%(url)s\n"
            )
            % {
                "title": event.title,
                "start": start.strftime("%Y-%m-%d %H:%M"),
                "venue": event.venue or _("线上"),
                "url": url,
            },
            None,
            [address],
        )
    except Exception:  # noqa: BLE001 - mail trouble must not undo a registration
        logger.exception("could not email registration %s", registration.pk)


def log(registration: Registration, action: str, by) -> None:
    RegistrationChange.objects.create(registration=registration, action=action, by=by)


# ---------------------------------------------------------------- checking in


def can_check_in_others(user, event: ForumEventPage) -> bool:
    """Editors with the registration permission, and organisers of the branches the event
    names as its check-in staff; nobody else sees the registrants or marks them present."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.has_perm("events.change_registration"):
        return True
    branch = organiser_branch(user)
    return branch is not None and event.check_in_branches.filter(pk=branch.pk).exists()


def check_in(registration: Registration, by) -> Outcome:
    """Mark a confirmed registration as present and record ``attended``."""
    with transaction.atomic():
        event = locked_event(registration.event)
        registration = Registration.objects.select_related("member").get(pk=registration.pk)
        if not event.check_in_is_open:
            raise RegistrationRefused(check_in_closed_message(event))
        if not registration.is_confirmed:
            raise RegistrationRefused(_("只有报名成功的成员可以签到（候补或已取消的不行）。"))
        if registration.checked_in_at:
            when = timezone.localtime(registration.checked_in_at)
            raise RegistrationRefused(
                _("%(time)s 已经签到过了。") % {"time": when.strftime("%H:%M")}
            )
        registration.checked_in_at = timezone.now()
        registration.checked_in_by = by
        registration.save(update_fields=["checked_in_at", "checked_in_by"])
        log(registration, RegistrationAction.CHECKED_IN, by)
        record_server_event(registration.member, event, Verb.ATTENDED)
    return Outcome(registration, _("签到成功。"))


def check_in_closed_message(event: ForumEventPage) -> str:
    if timezone.now() < event.check_in_opens_at:
        opens = timezone.localtime(event.check_in_opens_at)
        return _("签到还没开始，%(time)s 开放。") % {"time": opens.strftime("%m月%d日 %H:%M")}
    return _("活动已经结束，签到已关闭。")


def check_in_by_code(event: ForumEventPage, member, code: str) -> Outcome:
    """A member checks themself in with the code shown at the venue."""
    attempts_key = f"hongke-check-in:{event.pk}:{member.pk}"
    too_many = _("签到码输错太多次，请 15 分钟后再试，或请现场工作人员帮你签到。")
    if ratelimit.count(attempts_key) >= CODE_ATTEMPT_LIMIT:
        raise RegistrationRefused(too_many)
    if not event.check_in_is_open:
        raise RegistrationRefused(check_in_closed_message(event))
    registration = Registration.objects.filter(event=event, member=member).first()
    if registration is None or not registration.is_confirmed:
        raise RegistrationRefused(_("你没有这个活动的正式报名，请找现场工作人员。"))
    entered = fold_code(code)  # full-width digits from a Chinese keypad count; spaces do not
    if not entered:
        raise RegistrationRefused(_("请输入签到码。"))
    # Counted before the code is compared, in one atomic step: a burst of guesses sent at
    # one moment cannot all read "no failures yet" and slip past the limit.
    if ratelimit.increment(attempts_key, CODE_ATTEMPT_WINDOW_SECONDS) > CODE_ATTEMPT_LIMIT:
        raise RegistrationRefused(too_many)
    if not check_in_code.accepts(event, entered):
        raise RegistrationRefused(
            _("签到码不对或已过期（每分钟更换），请看现场屏幕上此刻的 6 位数字。")
        )
    ratelimit.decrement(attempts_key)  # a right code is no failure
    return check_in(registration, member)


# ---------------------------------------------------------------- the event page


@dataclass
class RegistrationPanel:
    """What the event page shows about registering, for this visitor."""

    confirmed: int
    places_left: int | None
    waiting: int
    registration: Registration | None
    position: int | None = None
    can_check_in_others: bool = False

    @property
    def is_full(self) -> bool:
        return self.places_left is not None and self.places_left <= 0

    @property
    def is_confirmed(self) -> bool:
        return self.registration is not None and self.registration.is_confirmed

    @property
    def is_waiting(self) -> bool:
        return (
            self.registration is not None and self.registration.status == RegistrationStatus.WAITING
        )


def registration_counts(event: ForumEventPage) -> dict[str, int]:
    """Confirmed, waiting and checked-in registrations of the event, in one query."""
    return Registration.objects.filter(event=event).aggregate(
        confirmed=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITING)),
        checked_in=Count("pk", filter=Q(checked_in_at__isnull=False)),
    )


def registration_panel(event: ForumEventPage, user) -> RegistrationPanel:
    """Counts (one query), and the visitor's own registration when logged in."""
    counts = registration_counts(event)
    places_left = None if event.capacity is None else max(0, event.capacity - counts["confirmed"])
    panel = RegistrationPanel(counts["confirmed"], places_left, counts["waiting"], None)
    if getattr(user, "is_authenticated", False):
        panel.registration = Registration.objects.filter(event=event, member=user).first()
        if panel.is_waiting:
            panel.position = waiting_position(panel.registration)
        panel.can_check_in_others = can_check_in_others(user, event)
    return panel
