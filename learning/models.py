"""Branches, members and their learning history.

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

from home.models import ContentPage


class Branch(models.Model):
    """党支部: the group an organiser looks after."""

    name = models.CharField(_("支部名称"), max_length=100, unique=True)
    organisation = models.CharField(_("上级组织"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("党支部")
        verbose_name_plural = _("党支部")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MemberProfile(models.Model):
    """What we keep about a member beyond Django's user: as little as the work needs."""

    ROLE_MEMBER = "member"
    ROLE_ORGANISER = "organiser"
    ROLES = [(ROLE_MEMBER, _("成员")), (ROLE_ORGANISER, _("组织委员"))]

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member_profile"
    )
    display_name = models.CharField(_("姓名"), max_length=60)
    branch = models.ForeignKey(
        Branch,
        verbose_name=_("党支部"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    student_number = models.CharField(_("学号"), max_length=30, blank=True)
    role = models.CharField(_("角色"), max_length=12, choices=ROLES, default=ROLE_MEMBER)

    class Meta:
        verbose_name = _("成员")
        verbose_name_plural = _("成员")
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_organiser(self) -> bool:
        return self.role == self.ROLE_ORGANISER


def member_name(user) -> str:
    """The member's display name, or the username for an account without a profile (staff)."""
    if user is None:
        return ""
    profile = getattr(user, "member_profile", None)  # RelatedObjectDoesNotExist: None
    return (profile and profile.display_name) or user.get_username()


def person_label(user) -> str:
    """Name and username, for who did something or is written to: 张三（zhangsan）."""
    if user is None:
        return ""
    name, username = member_name(user), user.get_username()
    return name if name == username else f"{name}（{username}）"


class LearningEvent(models.Model):
    """One thing a member did with one page. Never edited; deleted only with the member's history."""

    VIEWED = "viewed"
    PROGRESSED = "progressed"
    COMPLETED = "completed"
    REGISTERED = "registered"
    ATTENDED = "attended"
    VERBS = [
        (VIEWED, _("阅读")),
        (PROGRESSED, _("播放进度")),
        (COMPLETED, _("学完")),
        (REGISTERED, _("报名")),
        (ATTENDED, _("签到")),
    ]
    # Written by the server only (registration and check-in), never accepted from a client.
    SERVER_ONLY_VERBS = {REGISTERED, ATTENDED}

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learning_events"
    )
    page = models.ForeignKey(ContentPage, on_delete=models.CASCADE, related_name="+")
    verb = models.CharField(_("动作"), max_length=12, choices=VERBS)
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
    page = models.ForeignKey(ContentPage, on_delete=models.CASCADE, related_name="+")
    first_seen_at = models.DateTimeField(_("首次学习"))
    last_seen_at = models.DateTimeField(_("最近学习"))
    total_seconds = models.PositiveIntegerField(_("累计时长（秒）"), default=0)
    best_progress = models.FloatField(_("最佳进度"), default=0)
    completed_at = models.DateTimeField(_("学完时间"), null=True, blank=True)

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


class Assignment(models.Model):
    """待学任务: study material an organiser sets their branch, with a due date.

    The audience is the whole branch (computed when asked, so members who join later receive
    it) or chosen members. Whether a member has done it comes from their learning records,
    never from a separate tick box.
    """

    branch = models.ForeignKey(
        Branch, verbose_name=_("党支部"), on_delete=models.CASCADE, related_name="assignments"
    )
    title = models.CharField(_("标题"), max_length=100)
    note = models.TextField(_("说明"), blank=True, max_length=2000)
    due_on = models.DateField(_("截止日期"))
    whole_branch = models.BooleanField(_("全支部"), default=True)
    chosen_members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("指定成员"),
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("布置人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("布置时间"), default=timezone.now)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("学习任务")
        verbose_name_plural = _("学习任务")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["branch", "closed_at", "due_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def due_at(self):
        """The end of the due day in the site's time zone (Asia/Shanghai)."""
        from datetime import datetime, time

        return timezone.make_aware(
            datetime.combine(self.due_on, time.max), timezone.get_default_timezone()
        )

    def is_overdue(self, now=None) -> bool:
        return self.is_open and (now or timezone.now()) > self.due_at


class AssignmentItem(models.Model):
    """One content page of an assignment, in the organiser's order."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="items")
    page = models.ForeignKey(
        ContentPage, verbose_name=_("内容"), on_delete=models.CASCADE, related_name="+"
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("任务内容")
        verbose_name_plural = _("任务内容")
        ordering = ["sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "page"], name="one_item_per_page"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id} {self.page_id}"


class ReminderSent(models.Model):
    """A reminder email went to this member for this assignment and due date.

    Keyed by the due date, so extending an assignment allows exactly one more reminder.
    """

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("提醒记录")
        verbose_name_plural = _("提醒记录")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "member", "due_on"], name="one_reminder_per_due_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id} {self.member_id} {self.due_on}"
