"""Members' learning history.

History is append-only (``LearningEvent``); per member and page summaries
(``LearningRecord``) are derived from it and can be rebuilt from it (``learning.records``).
Learning history is personal data: only the member reads their events and records;
organisers see per-assignment status of their own branch, never raw events.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from home.deleted import title_or_deleted
from home.models import ContentPage


class Verb(models.TextChoices):
    VIEWED = "viewed", _("阅读")
    PROGRESSED = "progressed", _("播放进度")
    COMPLETED = "completed", _("学完")
    REGISTERED = "registered", _("报名")
    ATTENDED = "attended", _("签到")
    ANSWERED = "answered", _("自测")  # value: the share of questions right (0 to 1)
    REFLECTED = "reflected", _("心得")


# Written by the server only (registration, check-in, self-check marks, reflections), never
# accepted from a client.
SERVER_ONLY_VERBS = frozenset({Verb.REGISTERED, Verb.ATTENDED, Verb.ANSWERED, Verb.REFLECTED})


class LearningEvent(models.Model):
    """One thing a member did with one page. Never edited; deleted only with the member's
    history, with the reflection it records (``reflections.writing``) or, once folded into
    the record, by ``prune_learning_events``."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learning_events"
    )
    # Kept when the page is deleted (the history outlives it): the link becomes empty and
    # page_title keeps the title the page had (written just before deletion).
    page = models.ForeignKey(
        ContentPage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    page_title = models.CharField(_("页面标题"), max_length=255, blank=True)
    verb = models.CharField(_("动作"), max_length=12, choices=Verb.choices)
    value = models.FloatField(_("数值"), null=True, blank=True)
    occurred_at = models.DateTimeField(_("发生时间"))
    received_at = models.DateTimeField(_("接收时间"), default=timezone.now)
    # The client's id for the event, so a retried batch is stored once.
    client_id = models.UUIDField(_("事件编号"), default=uuid.uuid4)

    class Meta:
        verbose_name = _("学习事件")
        verbose_name_plural = _("学习事件")
        constraints = [
            models.UniqueConstraint(fields=["member", "client_id"], name="unique_event_per_member"),
        ]
        indexes = [
            models.Index(fields=["member", "occurred_at"]),
            models.Index(fields=["page", "verb"]),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.verb} {self.page_id}"


class LearningRecord(models.Model):
    """One member's summary of one page, derived from their events."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learning_records"
    )
    # Kept when the page is deleted (the history outlives it): the link becomes empty and
    # page_title keeps the title the page had (written just before deletion).
    page = models.ForeignKey(
        ContentPage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    page_title = models.CharField(_("页面标题"), max_length=255, blank=True)
    first_seen_at = models.DateTimeField(_("首次学习"))
    last_seen_at = models.DateTimeField(_("最近学习"))
    total_seconds = models.PositiveIntegerField(_("累计时长（秒）"), default=0)
    best_progress = models.FloatField(_("最佳进度"), default=0)
    completed_at = models.DateTimeField(_("学完时间"), null=True, blank=True)
    # What pruned raw events contributed (prune_learning_events): the rebuild starts here.
    folded_first_seen_at = models.DateTimeField(null=True, blank=True)
    folded_last_seen_at = models.DateTimeField(null=True, blank=True)
    folded_seconds = models.FloatField(default=0)
    folded_progress = models.FloatField(default=0)
    folded_completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("学习记录")
        verbose_name_plural = _("学习记录")
        constraints = [
            models.UniqueConstraint(fields=["member", "page"], name="one_record_per_member_page"),
        ]
        indexes = [models.Index(fields=["member", "last_seen_at"])]

    def __str__(self) -> str:
        return f"{self.member_id} {self.page_id}"

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None

    @property
    def title(self) -> str:
        """The page's title, or the kept one marked "已删除的内容" once the page is gone."""
        return title_or_deleted(self.page, self.page_title)


class Dismissal(models.Model):
    """不感兴趣: the member asked not to see this page in their reading list again."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_list_dismissals"
    )
    page = models.ForeignKey(ContentPage, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("不感兴趣")
        verbose_name_plural = _("不感兴趣")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "page"], name="one_dismissal_per_member_page"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.page_id}"


class ReadingListPreference(models.Model):
    """Whether the member wants 为你推荐 ranked from their history. No row means yes, so
    members without one (or without a member profile) get the personalised list."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_list_preference"
    )
    personalised = models.BooleanField(_("个性化推荐"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("推荐设置")
        verbose_name_plural = _("推荐设置")

    def __str__(self) -> str:
        return f"{self.member_id} {'on' if self.personalised else 'off'}"
