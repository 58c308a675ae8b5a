"""StreamField blocks shared by every kind of content."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock


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
