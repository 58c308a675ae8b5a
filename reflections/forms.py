"""The 学习心得 form: plain text in a textarea, 50 to 800 characters once trimmed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.text import has_line_controls
from reflections.models import REFLECTION_MAX_LENGTH, REFLECTION_MIN_LENGTH

CONTROL_MESSAGE = _("心得里有无法显示的控制字符，请删去后再提交。")


def normalised(text: str) -> str:
    """Line breaks as ``\\n`` whatever the browser sent, surrounding whitespace trimmed."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


class ReflectionForm(forms.Form):
    # Lengths are checked on the trimmed text in clean_text (the field's own max_length
    # would count the surrounding whitespace and give no current count).
    text = forms.CharField(
        label=_("我的学习心得"),
        strip=False,
        error_messages={
            "required": _("请写下你的学习心得（%(min)d–%(max)d 字）。")
            % {"min": REFLECTION_MIN_LENGTH, "max": REFLECTION_MAX_LENGTH},
            # Django's own check for NUL, in the words used for every control character.
            "null_characters_not_allowed": CONTROL_MESSAGE,
        },
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def clean_text(self) -> str:
        text = normalised(self.cleaned_data["text"])
        # A textarea: line breaks and tabs are writing; NUL, ESC and the like are not.
        if has_line_controls(text.replace("\n", "").replace("\t", "")):
            raise forms.ValidationError(CONTROL_MESSAGE)
        length = len(text)
        if length < REFLECTION_MIN_LENGTH:
            raise forms.ValidationError(
                _("心得至少 %(limit)d 字，现在 %(count)d 字。")
                % {"limit": REFLECTION_MIN_LENGTH, "count": length}
            )
        if length > REFLECTION_MAX_LENGTH:
            raise forms.ValidationError(
                _("心得最多 %(limit)d 字，现在 %(count)d 字。")
                % {"limit": REFLECTION_MAX_LENGTH, "count": length}
            )
        return text
