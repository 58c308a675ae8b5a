from django import forms
from django.utils.translation import gettext_lazy as _

from core.text import has_line_controls
from feedback.models import NOTE_LIMIT, Helpfulness


class VoteForm(forms.Form):
    """有帮助 / 没帮助 come from the two submit buttons (``name="value"``)."""

    value = forms.ChoiceField(
        choices=Helpfulness.choices,
        error_messages={
            "required": _("请选择“有帮助”或“没帮助”。"),
            "invalid_choice": _("请选择“有帮助”或“没帮助”。"),
        },
    )
    note = forms.CharField(
        label=_("补充说明（可选）"),
        required=False,
        max_length=NOTE_LIMIT,
        error_messages={
            "max_length": _("补充说明最多 %(limit_value)d 个字（现在 %(show_value)d 个）。"),
        },
    )

    def clean_note(self) -> str:
        note = self.cleaned_data["note"]
        # A textarea: line breaks and tabs are writing; NUL, ESC and the like are not.
        if has_line_controls(note.replace("\r", "").replace("\n", "").replace("\t", "")):
            raise forms.ValidationError(_("补充说明里有无法显示的控制字符，请删去后再提交。"))
        return note
