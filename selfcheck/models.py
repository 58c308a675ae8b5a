"""学习自测: members' answers to a page's self-check questions, marked by the server.

One row per question and attempt. The mark of a whole attempt is also a learning event
(``Verb.ANSWERED`` with the share right), which is what completes a page whose policy is
自测全对; these rows keep the detail: which options were chosen, and whether the member got
the question right at the first try (the content report's per-question rate). Personal data:
in the member's export, erased with their history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SelfCheckAnswer(models.Model):
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("成员"),
        on_delete=models.CASCADE,
        related_name="self_check_answers",
    )
    # The answers mean nothing without their questions: they go with the page (the
    # ``answered`` learning events keep the page's title and the mark).
    page = models.ForeignKey(
        "home.ContentPage", verbose_name=_("页面"), on_delete=models.CASCADE, related_name="+"
    )
    question_id = models.CharField(_("题目编号"), max_length=64)
    attempt = models.PositiveIntegerField(_("第几次作答"))
    chosen = models.JSONField(_("所选选项"), default=list)
    correct = models.BooleanField(_("答对"))
    answered_at = models.DateTimeField(_("作答时间"), default=timezone.now)

    class Meta:
        verbose_name = _("自测作答")
        verbose_name_plural = _("自测作答")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "page", "question_id", "attempt"],
                name="selfcheck_one_answer_per_attempt",
            )
        ]
        indexes = [
            models.Index(fields=["member", "page", "attempt"]),
            models.Index(fields=["page", "question_id", "attempt"]),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} · {self.page_id} · {self.question_id} #{self.attempt}"

    @property
    def first_try(self) -> bool:
        return self.attempt == 1
