from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.images import get_image_model_string
from wagtail.search import index

from home.kinds import Completion, register_kind
from home.models import ContentIndexPage, ContentPage, streamfield_text


class SubjectKind(models.TextChoices):
    PERSON = "person", _("个人")
    TEAM = "team", _("集体")


class ExemplarStoryPage(ContentPage):
    """先进典型: the story of a person or a team."""

    kind = "story"
    kind_label = _("先进典型")
    completion = Completion.READ

    subject_kind = models.CharField(
        _("个人或集体"), max_length=10, choices=SubjectKind.choices, default=SubjectKind.PERSON
    )
    person = models.CharField(_("人物或团队名称"), max_length=100, blank=True)
    organisation = models.CharField(_("所在单位"), max_length=150, blank=True)
    category = models.CharField(
        _("类别"), max_length=60, blank=True, help_text=_("如 科技创新、扎根基层、志愿服务")
    )
    portrait = models.ForeignKey(
        get_image_model_string(),
        verbose_name=_("肖像"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    achievements = StreamField(
        [("achievement", blocks.CharBlock(label=_("事迹或荣誉"), max_length=300))],
        verbose_name=_("主要事迹与荣誉"),
        blank=True,
    )

    content_panels = (
        ContentPage.content_panels
        + [
            MultiFieldPanel(
                [
                    FieldPanel("subject_kind"),
                    FieldPanel("person"),
                    FieldPanel("organisation"),
                    FieldPanel("category"),
                    FieldPanel("portrait"),
                ],
                heading=_("人物信息"),
            ),
            FieldPanel("achievements"),
        ]
        + ContentPage.study_panels
    )

    search_fields = ContentPage.search_fields + [index.FilterField("category")]

    api_fields = ContentPage.api_fields + [
        APIField("subject_kind"),
        APIField("person"),
        APIField("organisation"),
        APIField("category"),
        APIField("portrait"),
        APIField("achievements"),
    ]

    parent_page_types = ["stories.StoryIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("先进典型")
        verbose_name_plural = _("先进典型")

    def search_text_parts(self) -> list[str]:
        return super().search_text_parts() + [
            self.person,
            self.organisation,
            self.category,
            streamfield_text(self.achievements),
        ]


@register_kind
class StoryIndexPage(ContentIndexPage):
    child_model = ExemplarStoryPage
    section_slug = "stories"
    menu_order = 30
    subpage_types = ["stories.ExemplarStoryPage"]

    class Meta:
        verbose_name = _("先进典型栏目")
