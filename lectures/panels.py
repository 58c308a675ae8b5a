"""A lecture's 转码状态 on its edit page (read-only), and the words for it.

``lectures.models`` builds its panels from this module, so it imports no model.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import Panel

from home.media_checks import is_media_name
from lectures.encoding_state import EncodingState, encoding_of


def state_label(page) -> str:
    """What the editor reads: 等待转码 / 转码中 / 可播放 / 失败：reason, or why there is none."""
    document = page.media_file if page.media_file_id else None
    if document is None:
        return _("没有上传的音视频文件")
    if not is_media_name(document.file.name):
        return _("不是音视频文件，不转码")
    encoding = encoding_of(document)
    if encoding is None:
        return _("尚未转码")
    encoding.document = document
    if encoding.state == EncodingState.READY and not encoding.is_current():
        return _("文件已更换，等待转码")
    if encoding.state == EncodingState.FAILED:
        return _("失败：%(reason)s") % {"reason": encoding.reason}
    return encoding.get_state_display()


class EncodingStatePanel(Panel):
    """Read-only: whether the lecture's file has been transcoded (pages play the original
    until it has)."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "lectures/admin/encoding_state.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            page = self.instance
            context["state_label"] = (
                state_label(page) if page.pk else gettext_lazy("保存后开始转码")
            )
            return context
