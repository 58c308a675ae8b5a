from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.search import index

from home.models import (
    ContentIndexPage,
    ContentPage,
    filter_by_tag,
    streamfield_text,
    with_listing_data,
)

# An event without an end is taken to last this long (listings, calendars).
DEFAULT_EVENT_LENGTH = timedelta(hours=2)


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


class ForumEventPage(ContentPage):
    """论坛活动: a forum or theme Party day, on site or online."""

    kind = "event"
    kind_label = _("论坛活动")

    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    venue = models.CharField(_("地点"), max_length=200, blank=True)
    online_url = models.URLField(_("线上参与链接"), blank=True)
    capacity = models.PositiveIntegerField(
        _("名额"), null=True, blank=True, help_text=_("留空表示不限名额。")
    )
    speakers = StreamField([("speaker", SpeakerBlock())], verbose_name=_("嘉宾"), blank=True)
    agenda = StreamField([("item", AgendaItemBlock())], verbose_name=_("议程"), blank=True)

    content_panels = ContentPage.content_panels + [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
                FieldPanel("venue"),
                FieldPanel("online_url"),
                FieldPanel("capacity"),
            ],
            heading=_("时间与地点"),
        ),
        FieldPanel("speakers"),
        FieldPanel("agenda"),
    ]

    search_fields = ContentPage.search_fields + [index.FilterField("starts_at")]

    api_fields = ContentPage.api_fields + [
        APIField("starts_at"),
        APIField("ends_at"),
        APIField("venue"),
        APIField("online_url"),
        APIField("capacity"),
        APIField("speakers"),
        APIField("agenda"),
    ]

    parent_page_types = ["events.EventIndexPage"]
    subpage_types: list[str] = []

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

    @property
    def effective_end(self):
        return self.ends_at or self.starts_at + DEFAULT_EVENT_LENGTH

    @property
    def is_past(self) -> bool:
        return self.effective_end < timezone.now()

    @property
    def is_in_progress(self) -> bool:
        return self.starts_at <= timezone.now() <= self.effective_end


def not_finished(now=None) -> Q:
    """Events that have not ended yet (upcoming or in progress)."""
    now = now or timezone.now()
    return Q(ends_at__gte=now) | Q(ends_at__isnull=True, starts_at__gte=now - DEFAULT_EVENT_LENGTH)


class EventIndexPage(ContentIndexPage):
    """Upcoming events first (soonest on top), past events below (latest on top)."""

    child_model = ForumEventPage
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
