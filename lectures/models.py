from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils.functional import cached_property
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
from home.media_privacy import is_private
from home.models import ContentIndexPage, ContentPage, streamfield_text
from lectures.captions import captions_problem
from lectures.encoding_state import EncodingState, encoding_of
from lectures.panels import EncodingStatePanel
from lectures.playback import api_renditions, playback_of


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
    captions_file = models.ForeignKey(
        get_document_model_string(),
        verbose_name=_("字幕文件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("WebVTT（.vtt）或 SRT（.srt）字幕，UTF-8 编码。"),
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
                    EncodingStatePanel(heading=_("转码状态")),
                    FieldPanel("video_url"),
                    FieldPanel("poster"),
                    FieldPanel("captions_file"),
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
        APIField("captions_file"),
        APIField("media_renditions"),
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

    def save(self, *args, **kwargs):
        # The transcoder fills empty durations on page rows; a later publish of a revision
        # made before then would empty it again, so it is taken from the encoding here too.
        if self.media_file_id and self.duration_seconds is None and not kwargs.get("update_fields"):
            self.duration_seconds = MediaEncoding.current_duration(self.media_file_id)
        return super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.media_file_id and self.video_url:
            raise ValidationError({"video_url": _("请只选择一种来源：上传的文件或外部链接。")})
        if self.captions_file_id:
            problem = captions_problem(self.captions_file, self.known_duration())
            if problem:
                raise ValidationError({"captions_file": problem})

    def known_duration(self) -> int | None:
        """The lecture's length in seconds: the editor's figure, else the transcoder's."""
        if self.duration_seconds:
            return self.duration_seconds
        encoding = encoding_of(self.media_file) if self.media_file_id else None
        return encoding.duration_seconds if encoding is not None else None

    @classmethod
    def card_annotations(cls) -> dict:
        # 字幕 on the card, in the listing's own query.
        with_captions = cls.objects.filter(pk=OuterRef("pk"), captions_file__isnull=False)
        return {"card_has_captions": Exists(with_captions)}

    @cached_property
    def playback(self):
        """What the player plays (``lectures.playback``); None without an uploaded file."""
        return playback_of(self.media_file, audio=self.is_audio)

    @property
    def media_renditions(self) -> list[dict] | None:
        """The API's playable renditions: null while none are current or the file is private
        (home.media_privacy, as for ``media_file`` itself)."""
        if self.media_file is None or is_private(self.media_file):
            return None
        return api_renditions(self.media_file)

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if self.media_file_id and not self.is_audio and self.streams_hls():
            # hls.js feeds the <video> from a blob: URL it makes (MediaSource).
            response._csp_update = {"media-src": ["blob:"]}
        return response

    def streams_hls(self) -> bool:
        """Whether the page's player may load hls.js: a current encoding with an HLS stream."""
        return bool(self.playback and self.playback.hls_url)

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


class MediaEncoding(models.Model):
    """What the background transcoder made of one uploaded audio or video document.

    Keyed by the document, not the page: lectures sharing a file share its encodes. The
    renditions are used only while ``source_hash`` is the document's current ``file_hash``
    and the state is ready; until then pages play the original file.
    """

    document = models.OneToOneField(
        get_document_model_string(), on_delete=models.CASCADE, related_name="encoding"
    )
    source_hash = models.CharField(max_length=40, blank=True)
    state = models.CharField(
        _("转码状态"), max_length=10, choices=EncodingState.choices, default=EncodingState.PENDING
    )
    reason = models.TextField(_("失败原因"), blank=True)
    attempts = models.PositiveIntegerField(default=0)
    # Storage folder of the renditions: lecture_media/<document id>/<source hash[:12]>/
    folder = models.CharField(max_length=200, blank=True)
    # [{"name": "720p.mp4", "kind": "mp4"|"hls"|"audio", "width": 1280, "height": 720,
    #   "bitrate": 1500000}, ...]: the playable outputs, best last
    renditions = models.JSONField(default=list, blank=True)
    # Every file name in the folder the rendition view may serve (HLS segments included).
    files = models.JSONField(default=list, blank=True)
    has_video = models.BooleanField(default=False)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    poster = models.ForeignKey(
        get_image_model_string(),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("音视频转码")
        verbose_name_plural = _("音视频转码")

    def __str__(self) -> str:
        return f"{self.document_id}: {self.get_state_display()}"

    @classmethod
    def current_duration(cls, document_id: int) -> int | None:
        """The duration a ready encoding of the document's current file measured."""
        return (
            cls.objects.filter(
                document_id=document_id,
                state=EncodingState.READY,
                source_hash=models.F("document__file_hash"),
            )
            .values_list("duration_seconds", flat=True)
            .first()
        )

    def is_current(self) -> bool:
        """Ready, and made from the file the document holds now."""
        return (
            self.state == EncodingState.READY
            and bool(self.source_hash)
            and self.source_hash == getattr(self.document, "file_hash", "")
        )
