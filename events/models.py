import secrets
from datetime import timedelta

from django import forms
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
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import StreamField
from wagtail.search import index

from events.registration_models import (  # noqa: F401 (Django finds the models here)
    ACTIVE_STATUSES,
    Registration,
    RegistrationAction,
    RegistrationChange,
    RegistrationStatus,
)
from events.routes import EventPageRoutes
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


class ForumEventPage(EventPageRoutes, ContentPage):
    """论坛活动: a forum or theme Party day, on site or online.

    Members register on the page (``register/``, ``cancel/``), download it for their
    calendar (``ics/``) and check in with the code shown at the door (``check-in/code/``);
    organisers and editors check people in from ``check-in/`` (``events.routes``).
    Registration rules live in ``events.registration``.
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
