"""待学任务: study material an organiser sets their branch, and the reminders sent for it.

The tables were created by the ``learning`` app and keep their names (``learning_assignment``
and friends). Whether a member has done an assignment comes from their learning records
(``assignments.progress``), never from a tick box here.
"""

from __future__ import annotations

from datetime import datetime, time

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from home.deleted import title_or_deleted
from home.models import ContentPage
from members.models import Branch
from reflections.models import Reflection


class StudyStatus(models.TextChoices):
    """How far a member has got with an assignment (never a score)."""

    DONE = "done", _("已完成")
    IN_PROGRESS = "in_progress", _("学习中")
    NOT_STARTED = "not_started", _("未开始")


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
    # Each item is then done only when the member has also written a reflection on it
    # (shared or not: the organiser sees that it exists, and its text only when shared).
    require_reflection = models.BooleanField(
        _("要求提交学习心得"),
        default=False,
        help_text=_("勾选后，成员学完每项内容还需写下学习心得才算完成。心得默认仅本人可见。"),
    )
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
        db_table = "learning_assignment"
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
        """The end of the due day in the site's time zone (settings.TIME_ZONE)."""
        return timezone.make_aware(
            datetime.combine(self.due_on, time.max), timezone.get_default_timezone()
        )

    def is_overdue(self, now=None) -> bool:
        return self.is_open and (now or timezone.now()) > self.due_at


class AssignmentItem(models.Model):
    """One content page of an assignment, in the organiser's order."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="items")
    # A deleted page leaves the item with its title: shown as deleted, not counted as to-do.
    page = models.ForeignKey(
        ContentPage,
        verbose_name=_("内容"),
        null=True,  # chosen pages are required; only deleting the page empties the link
        on_delete=models.SET_NULL,
        related_name="+",
    )
    page_title = models.CharField(_("页面标题"), max_length=255, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "learning_assignmentitem"
        verbose_name = _("任务内容")
        verbose_name_plural = _("任务内容")
        ordering = ["sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "page"], name="one_item_per_page"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id} {self.page_id}"

    @property
    def title(self) -> str:
        """The page's title, or the kept one marked "已删除的内容" once the page is gone."""
        return title_or_deleted(self.page, self.page_title)


class ReminderSent(models.Model):
    """A reminder email went to this member for this assignment and due date.

    Keyed by the due date, so extending an assignment allows exactly one more reminder.
    """

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "learning_remindersent"
        verbose_name = _("提醒记录")
        verbose_name_plural = _("提醒记录")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "member", "due_on"], name="one_reminder_per_due_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id} {self.member_id} {self.due_on}"


class ReflectionShare(models.Model):
    """A member shared their reflection on one of an assignment's pages with the organisers of
    the assignment's branch. Deleting the row (unsharing) hides it from them again."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("学习任务"), on_delete=models.CASCADE, related_name="+"
    )
    reflection = models.ForeignKey(
        Reflection, verbose_name=_("学习心得"), on_delete=models.CASCADE, related_name="shares"
    )
    shared_at = models.DateTimeField(_("分享时间"), default=timezone.now)

    class Meta:
        verbose_name = _("分享的心得")
        verbose_name_plural = _("分享的心得")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "reflection"], name="assignments_share_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id} · {self.reflection_id}"
