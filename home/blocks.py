"""StreamField blocks shared by every kind of content."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock

# 学习自测: each question has 2 to 6 options; a page has at most 10 questions.
SELF_CHECK_MIN_OPTIONS = 2
SELF_CHECK_MAX_OPTIONS = 6
SELF_CHECK_MAX_QUESTIONS = 10


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("引文"))
    source = blocks.CharBlock(label=_("出处"), required=False, max_length=200)

    class Meta:
        icon = "openquote"
        label = _("引用")
        template = "home/blocks/quote.html"


class CaptionedImageBlock(blocks.StructBlock):
    # ImageBlock carries its own alt text and "decorative" flag for screen readers.
    image = ImageBlock(label=_("图片"))
    caption = blocks.CharBlock(label=_("图注"), required=False, max_length=300)

    class Meta:
        icon = "image"
        label = _("图片")
        template = "home/blocks/captioned_image.html"


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(
        label=_("小标题"),
        max_length=120,
        form_classname="title",
        template="home/blocks/heading.html",
    )
    paragraph = blocks.RichTextBlock(
        label=_("段落"), features=["bold", "italic", "link", "ol", "ul", "document-link"]
    )
    image = CaptionedImageBlock()
    quote = QuoteBlock()

    class Meta:
        label = _("正文")


class AttachmentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("文件"))
    title = blocks.CharBlock(label=_("显示名称"), required=False, max_length=200)

    class Meta:
        icon = "doc-full"
        label = _("附件")


class SelfCheckOptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("选项"), max_length=200)
    correct = blocks.BooleanBlock(label=_("正确答案"), required=False)

    class Meta:
        icon = "tick"
        label = _("选项")


class SelfCheckQuestionBlock(blocks.StructBlock):
    """One question of 学习自测: single choice when one option is right, multiple choice when
    several are. The right ones are never sent to the browser before the member answers
    (``home.selfcheck`` builds the public view of a question)."""

    text = blocks.TextBlock(label=_("题目"), max_length=500)
    options = blocks.ListBlock(
        SelfCheckOptionBlock(),
        label=_("选项"),
        min_num=SELF_CHECK_MIN_OPTIONS,
        max_num=SELF_CHECK_MAX_OPTIONS,
    )
    explanation = blocks.TextBlock(
        label=_("解析"), max_length=1000, help_text=_("作答后显示，说明为什么。")
    )

    class Meta:
        icon = "help"
        label = _("自测题")

    def clean(self, value):
        value = super().clean(value)
        options = list(value.get("options") or [])
        if not any(option.get("correct") for option in options):
            raise blocks.StructBlockValidationError(
                block_errors={"options": ValidationError(_("请至少勾选一个正确答案。"))}
            )
        return value


class SelfCheckBlock(blocks.StreamBlock):
    question = SelfCheckQuestionBlock()

    class Meta:
        label = _("学习自测")
        max_num = SELF_CHECK_MAX_QUESTIONS
