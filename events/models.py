import secrets
from datetime import timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, PageChooserPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import StreamField
from wagtail.search import index

from core.text import fold_code
from home.deleted import title_or_deleted
from home.kinds import Completion, register_kind
from home.models import (
    ContentIndexPage,
    ContentPage,
    filter_by_tag,
    streamfield_text,
    with_listing_data,
)

# An event without an end is taken to last this long (listings, calendars).
DEFAULT_EVENT_LENGTH = timedelta(hours=2)
# Members may check in from this long before the start until this long after the end.
CHECK_IN_OPENS_BEFORE = timedelta(hours=2)
CHECK_IN_CLOSES_AFTER = timedelta(hours=2)


def new_check_in_code() -> str:
    """The fixed code events had before codes rotated; migration 0003 still names it."""
    return "".join(secrets.choice("0123456789") for _ in range(6))


def new_check_in_secret() -> str:
    """Each event's own key for its rotating check-in codes (``events.check_in_code``)."""
    return secrets.token_hex(20)


class SpeakerBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("姓名"), max_length=60)
    title = blocks.CharBlock(label=_("身份"), max_length=120, required=False)

    class Meta:
        icon = "user"
        label = _("嘉宾")


class AgendaItemBlock(blocks.StructBlock):
    time = blocks.TimeBlock(label=_("时间"))
    title = blocks.CharBlock(label=_("议程"), max_length=160)
    speaker = blocks.CharBlock(label=_("主讲"), max_length=60, required=False)

    class Meta:
        icon = "list-ul"
        label = _("议程")


class MaterialLinkBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("名称"), max_length=120)
    url = blocks.URLBlock(label=_("链接"))

    class Meta:
        icon = "link"
        label = _("链接")


class MaterialDocumentBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("名称"), max_length=120, required=False)
    document = DocumentChooserBlock(label=_("文件"))

    class Meta:
        icon = "doc-full"
        label = _("文件")


class ForumEventPage(RoutablePageMixin, ContentPage):
    """论坛活动: a forum or theme Party day, on site or online.

    Members register on the page (``register/``, ``cancel/``), download it for their
    calendar (``ics/``) and check in with the code shown at the door (``check-in/code/``);
    organisers and editors check people in from ``check-in/``. Registration rules live in
    ``events.registration``.
    """

    kind = "event"
    kind_label = _("论坛活动")
    completion = Completion.ATTENDED
    # The article shows the member's registration and the event's state at this minute:
    # never kept as a shared fragment (home.fragments).
    personal_article = True
    # 我的学习 says attendance counts, not 学完了 (learning/study.html includes it).
    study_action_template = "events/includes/study_action.html"

    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    venue = models.CharField(_("地点"), max_length=200, blank=True)
    online_url = models.URLField(_("线上参与链接"), blank=True)
    capacity = models.PositiveIntegerField(
        _("名额"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("留空表示不限名额。报满后的报名进入候补名单，有人取消时按顺序递补。"),
    )
    registration_closes_at = models.DateTimeField(
        _("报名截止时间"), null=True, blank=True, help_text=_("留空则在活动开始时截止。")
    )
    # Never in a form or the API: the 6-digit codes shown at the desk are made from it.
    check_in_secret = models.CharField(max_length=64, default=new_check_in_secret, editable=False)
    check_in_branches = ParentalManyToManyField(
        "members.Branch",
        verbose_name=_("签到工作人员"),
        blank=True,
        related_name="+",
        help_text=_("这些党支部的组织委员可以使用现场签到台；有报名管理权限的编辑也可以。"),
    )
    recording = models.ForeignKey(
        "lectures.MicroLecturePage",
        verbose_name=_("活动录像"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("活动结束后在活动页上代替报名按钮显示。"),
    )
    materials = StreamField(
        [("document", MaterialDocumentBlock()), ("link", MaterialLinkBlock())],
        verbose_name=_("活动资料"),
        blank=True,
    )
    speakers = StreamField([("speaker", SpeakerBlock())], verbose_name=_("嘉宾"), blank=True)
    agenda = StreamField([("item", AgendaItemBlock())], verbose_name=_("议程"), blank=True)

    content_panels = ContentPage.content_panels + [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
                FieldPanel("venue"),
                FieldPanel("online_url"),
            ],
            heading=_("时间与地点"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("capacity"),
                FieldPanel("registration_closes_at"),
                FieldPanel("check_in_branches", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("报名与签到"),
        ),
        FieldPanel("speakers"),
        FieldPanel("agenda"),
        MultiFieldPanel(
            [PageChooserPanel("recording", "lectures.MicroLecturePage"), FieldPanel("materials")],
            heading=_("活动之后"),
        ),
    ]

    search_fields = ContentPage.search_fields + [index.FilterField("starts_at")]

    api_fields = ContentPage.api_fields + [
        APIField("starts_at"),
        APIField("ends_at"),
        APIField("venue"),
        APIField("capacity"),
        APIField("registration_closes_at"),
        APIField("speakers"),
        APIField("agenda"),
        APIField("recording"),
        APIField("materials"),
    ]

    parent_page_types = ["events.EventIndexPage"]
    subpage_types: list[str] = []
    # A copied event gets a secret of its own, so its codes are not the original's.
    exclude_fields_in_copy = ["check_in_secret"]

    class Meta:
        verbose_name = _("论坛活动")
        verbose_name_plural = _("论坛活动")

    def search_text_parts(self) -> list[str]:
        return super().search_text_parts() + [
            self.venue,
            streamfield_text(self.speakers),
            streamfield_text(self.agenda),
        ]

    def clean(self) -> None:
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": _("结束时间不能早于开始时间。")})
        if (
            self.starts_at
            and self.registration_closes_at
            and self.registration_closes_at > self.starts_at
        ):
            raise ValidationError({"registration_closes_at": _("报名截止时间不能晚于活动开始。")})

    @property
    def effective_end(self):
        return self.ends_at or self.starts_at + DEFAULT_EVENT_LENGTH

    @property
    def is_past(self) -> bool:
        return self.effective_end < timezone.now()

    @property
    def is_in_progress(self) -> bool:
        return self.starts_at <= timezone.now() <= self.effective_end

    @property
    def registration_deadline(self):
        """The editor's closing time, never later than the start (nobody joins a running event)."""
        return min(self.registration_closes_at or self.starts_at, self.starts_at)

    @property
    def registration_is_open(self) -> bool:
        return timezone.now() < self.registration_deadline

    @property
    def check_in_opens_at(self):
        return self.starts_at - CHECK_IN_OPENS_BEFORE

    @property
    def check_in_closes_at(self):
        return self.effective_end + CHECK_IN_CLOSES_AFTER

    @property
    def check_in_is_open(self) -> bool:
        return self.check_in_opens_at <= timezone.now() <= self.check_in_closes_at

    # ---- routes: the page itself, and what members and organisers do with it ----

    @path("register/", name="register")
    def register_route(self, request):
        from events.views import register

        return register(request, self)

    @path("cancel/", name="cancel")
    def cancel_route(self, request):
        from events.views import cancel

        return cancel(request, self)

    @path("ics/", name="ics")
    def ics_route(self, request):
        from events.calendar import ics_download

        return ics_download(request, self)

    @path("check-in/", name="check_in")
    def check_in_route(self, request):
        from events.views import check_in_desk

        return check_in_desk(request, self)

    @path("check-in/screen/", name="check_in_screen")
    def check_in_screen_route(self, request):
        from events.views import check_in_screen

        return check_in_screen(request, self)

    @path("check-in/qr/", name="check_in_qr")
    def check_in_qr_route(self, request):
        from events.views import check_in_qr

        return check_in_qr(request, self)

    @path("check-in/code/", name="check_in_code")
    def check_in_code_route(self, request):
        from events.views import check_in_with_code

        return check_in_with_code(request, self)

    def get_context(self, request, *args, **kwargs):
        from events.registration import registration_panel

        context = super().get_context(request, *args, **kwargs)
        context["registration"] = registration_panel(self, request.user)
        # The desk's QR code opens the page with the code: the member only taps 签到.
        scanned = fold_code(request.GET.get("code", "")[:20])
        context["scanned_code"] = scanned if scanned.isascii() and scanned.isdigit() else ""
        return context


def not_finished(now=None) -> Q:
    """Events that have not ended yet (upcoming or in progress)."""
    now = now or timezone.now()
    return Q(ends_at__gte=now) | Q(ends_at__isnull=True, starts_at__gte=now - DEFAULT_EVENT_LENGTH)


@register_kind
class EventIndexPage(ContentIndexPage):
    """Upcoming events first (soonest on top), past events below (latest on top)."""

    child_model = ForumEventPage
    section_slug = "events"
    menu_order = 40
    subpage_types = ["events.ForumEventPage"]

    class Meta:
        verbose_name = _("论坛活动栏目")

    def tagged_events(self, request):
        return filter_by_tag(self.children(), request.GET.get("tag", ""))

    def listing(self, request):
        """The paginated part: past events, latest first."""
        events = self.tagged_events(request)
        past = events.exclude(not_finished()).order_by("-starts_at", "-pk")
        return with_listing_data(past)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        upcoming = self.tagged_events(request).filter(not_finished()).order_by("starts_at", "pk")
        context["upcoming"] = with_listing_data(upcoming)
        return context


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
        ForumEventPage,
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
