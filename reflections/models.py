"""学习心得: what a member wrote about a page, in their own words.

Private: only its author reads it, unless they share it with their branch organiser for one
assignment (``assignments.models.ReflectionShare``, revocable). Writing one is also a learning
event (``Verb.REFLECTED``), which completes a page whose policy is 提交心得; deleting it
removes those events, so records stay what a rebuild gives. Personal data: in the member's
export, erased with their history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from home.deleted import title_or_deleted

REFLECTION_MIN_LENGTH = 50
REFLECTION_MAX_LENGTH = 800


class Reflection(models.Model):
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("成员"),
        on_delete=models.CASCADE,
        related_name="reflections",
    )
    # Kept when the page is deleted (what a member wrote is theirs): the link becomes empty
    # and page_title keeps the title the page had.
    page = models.ForeignKey(
        "home.ContentPage",
        verbose_name=_("页面"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    page_title = models.CharField(_("页面标题"), max_length=255, blank=True)
    text = models.TextField(_("心得"), max_length=REFLECTION_MAX_LENGTH)
    created_at = models.DateTimeField(_("首次提交"), default=timezone.now)
    updated_at = models.DateTimeField(_("最近修改"), default=timezone.now)

    class Meta:
        verbose_name = _("学习心得")
        verbose_name_plural = _("学习心得")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "page"], name="reflections_one_per_member_page"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} · {self.page_id}"

    @property
    def title(self) -> str:
        return title_or_deleted(self.page, self.page_title)
