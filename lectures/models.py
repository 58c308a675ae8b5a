from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.documents import get_document_model_string
from wagtail.fields import StreamField
from wagtail.images import get_image_model_string
from wagtail.search import index

from home.blocks import AttachmentBlock
from home.kinds import Completion, register_kind
from home.models import ContentIndexPage, ContentPage, streamfield_text


class MediaKind(models.TextChoices):
    VIDEO = "video", _("视频")
    AUDIO = "audio", _("音频")


class ChapterBlock(blocks.StructBlock):
    start_seconds = blocks.IntegerBlock(label=_("开始时间（秒）"), min_value=0)
    title = blocks.CharBlock(label=_("章节标题"), max_length=120)

    class Meta:
        icon = "time"
        label = _("章节")


class MicroLecturePage(ContentPage):
    """微党课: a short video or audio lecture with its transcript."""

    kind = "lecture"
    kind_label = _("微党课")
    completion = Completion.PLAYED

    speaker = models.CharField(_("主讲人"), max_length=100, blank=True)
    duration_seconds = models.PositiveIntegerField(
        _("时长（秒）"), null=True, blank=True, validators=[MaxValueValidator(24 * 3600)]
    )
    media_kind = models.CharField(
        _("媒体类型"), max_length=10, choices=MediaKind.choices, default=MediaKind.VIDEO
    )
    media_file = models.ForeignKey(
        get_document_model_string(),
        verbose_name=_("上传的音视频文件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    video_url = models.URLField(
        _("外部音视频链接"),
        blank=True,
        help_text=_("外部平台上的地址；页面只显示链接，不嵌入外站内容。"),
    )
    poster = models.ForeignKey(
        get_image_model_string(),
        verbose_name=_("海报"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    chapters = StreamField([("chapter", ChapterBlock())], verbose_name=_("章节"), blank=True)
    key_points = StreamField(
        [("point", blocks.CharBlock(label=_("要点"), max_length=200))],
        verbose_name=_("学习要点"),
        blank=True,
    )
    transcript = models.TextField(_("文字稿"), blank=True)
    attachments = StreamField(
        [("attachment", AttachmentBlock())], verbose_name=_("附件"), blank=True
    )

    content_panels = (
        ContentPage.content_panels
        + [
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("speaker"), FieldPanel("duration_seconds")]),
                    FieldPanel("media_kind"),
                    FieldPanel("media_file"),
                    FieldPanel("video_url"),
                    FieldPanel("poster"),
                ],
                heading=_("讲授与媒体"),
            ),
            FieldPanel("chapters"),
            FieldPanel("key_points"),
            FieldPanel("transcript"),
            FieldPanel("attachments"),
        ]
        + ContentPage.study_panels
    )

    search_fields = ContentPage.search_fields + [index.FilterField("speaker")]

    api_fields = ContentPage.api_fields + [
        APIField("speaker"),
        APIField("duration_seconds"),
        APIField("media_kind"),
        APIField("media_file"),
        APIField("video_url"),
        APIField("poster"),
        APIField("chapters"),
        APIField("key_points"),
        APIField("transcript"),
        APIField("attachments"),
    ]

    parent_page_types = ["lectures.LectureIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("微党课")
        verbose_name_plural = _("微党课")

    @property
    def is_audio(self) -> bool:
        return self.media_kind == MediaKind.AUDIO

    def search_text_parts(self) -> list[str]:
        return super().search_text_parts() + [
            self.speaker,
            streamfield_text(self.chapters),
            streamfield_text(self.key_points),
            self.transcript,
        ]

    def clean(self) -> None:
        super().clean()
        if self.media_file_id and self.video_url:
            raise ValidationError({"video_url": _("请只选择一种来源：上传的文件或外部链接。")})

    @property
    def duration_display(self) -> str:
        if not self.duration_seconds:
            return ""
        minutes, seconds = divmod(self.duration_seconds, 60)
        return f"{minutes}:{seconds:02d}"


@register_kind
class LectureIndexPage(ContentIndexPage):
    child_model = MicroLecturePage
    section_slug = "lectures"
    menu_order = 10
    subpage_types = ["lectures.MicroLecturePage"]

    class Meta:
        verbose_name = _("微党课栏目")
