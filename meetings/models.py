"""组织生活纪实: a branch's meetings as a person recorded them.

A record is a draft until its organiser confirms it; after that it changes only through a
correction with a reason (``Correction`` keeps what it was). Attendance is a fact one
person entered (or the check-ins of a linked forum event), never a score. A member who was
absent or on leave gets a 补学 assignment (``makeup``) through the assignments app; whether
they have done it comes from their learning records, like any assignment.

Who may read what (docs/meetings.md): minutes and absence reasons only the branch's own
organisers and holders of ``meetings.oversee_meetings`` (组织部); members see the topics,
the resolutions and their own attendance.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assignments.models import Assignment
from members.models import Branch


class MeetingKind(models.TextChoices):
    """The six kinds of 组织生活; the labels are what CSV files and the 台账 spell."""

    GENERAL = "general", _("党员大会")
    COMMITTEE = "committee", _("支委会")
    GROUP = "group", _("党小组会")
    LECTURE = "lecture", _("党课")
    THEME_DAY = "theme_day", _("主题党日")
    LIFE = "life", _("组织生活会")


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    CONFIRMED = "confirmed", _("已确认")


class MeetingSource(models.TextChoices):
    FORM = "form", _("手机记录")
    IMPORT = "import", _("导入")


class Presence(models.TextChoices):
    PRESENT = "present", _("出席")
    LEAVE = "leave", _("请假")
    ABSENT = "absent", _("缺席")


class Meeting(models.Model):
    """One meeting of one branch: when, where, who led it, what it dealt with."""

    branch = models.ForeignKey(
        Branch, verbose_name=_("党支部"), on_delete=models.CASCADE, related_name="meetings"
    )
    kind = models.CharField(_("类型"), max_length=12, choices=MeetingKind.choices)
    starts_at = models.DateTimeField(_("时间"))
    place = models.CharField(_("地点"), max_length=120, blank=True)
    online_link = models.URLField(_("线上会议链接"), blank=True)
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("主持人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    topics = models.TextField(_("议题"), max_length=2000)
    # Private: the branch's organisers and 组织部 only.
    minutes = models.TextField(_("会议记录"), blank=True, max_length=20000)
    # A meeting held as a forum event: attendance comes from the event's check-ins.
    event = models.ForeignKey(
        "events.ForumEventPage",
        verbose_name=_("关联论坛活动"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Asked of the absent in their 补学 (the assignment's require_reflection).
    makeup_reflection = models.BooleanField(_("补学需提交学习心得"), default=False)
    makeup = models.OneToOneField(
        Assignment,
        verbose_name=_("补学任务"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meeting",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.DRAFT
    )
    source = models.CharField(
        _("来源"), max_length=10, choices=MeetingSource.choices, default=MeetingSource.FORM
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("组织生活记录")
        verbose_name_plural = _("组织生活记录")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["branch", "starts_at"])]
        constraints = [
            # What makes importing the same file twice change nothing.
            models.UniqueConstraint(
                fields=["branch", "kind", "starts_at"], name="meeting_once_per_branch_kind_time"
            )
        ]
        permissions = [
            ("oversee_meetings", _("组织部：查看各支部组织生活记录")),
        ]

    def __str__(self) -> str:
        when = timezone.localtime(self.starts_at).strftime("%Y-%m-%d %H:%M")
        return f"{self.get_kind_display()} {when}"

    @property
    def is_confirmed(self) -> bool:
        return self.status == MeetingStatus.CONFIRMED


class MeetingMaterial(models.Model):
    """A page of this site studied at the meeting (and set as the absent's 补学)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="materials")
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("学习材料"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept so the 台账 still names a page that was deleted later.
    page_title = models.CharField(_("页面标题"), max_length=255)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "page"], name="meeting_material_once")
        ]

    def __str__(self) -> str:
        return self.page_title


class Attendance(models.Model):
    """Whether one member of the branch was at the meeting, as the organiser recorded it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("成员"),
        on_delete=models.CASCADE,
        related_name="meeting_attendance",
    )
    presence = models.CharField(
        _("出席情况"), max_length=8, choices=Presence.choices, default=Presence.PRESENT
    )
    # Private: the branch's organisers and 组织部 only; never shown to other members.
    reason = models.CharField(_("请假事由"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("出席情况")
        verbose_name_plural = _("出席情况")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_presence_display()}"


class Resolution(models.Model):
    """决议: what the meeting decided, who carries it out, by when."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="resolutions")
    text = models.CharField(_("决议内容"), max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("负责人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField(_("完成期限"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.text


class Correction(models.Model):
    """A change to a confirmed record: who, when, why, and the record before and after."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="corrections")
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("更正人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    made_at = models.DateTimeField(_("更正时间"), default=timezone.now)
    reason = models.CharField(_("更正原因"), max_length=500)
    before = models.JSONField(_("更正前"))
    after = models.JSONField(_("更正后"))

    class Meta:
        ordering = ["made_at", "pk"]

    def __str__(self) -> str:
        return self.reason


class MeetingAttachment(models.Model):
    """Minutes, sign-in sheet photos, slides: a document in the branch's private collection."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("文件"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("标题"), max_length=120)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "pk"]

    def __str__(self) -> str:
        return self.title


class MeetingReminderSent(models.Model):
    """A reminder sent to a branch's organisers about one required kind in one quarter, so
    ``send_meeting_reminders`` sends it once however often it runs."""

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=MeetingKind.choices)
    quarter_start = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "kind", "quarter_start"], name="meeting_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.branch} {self.get_kind_display()} {self.quarter_start}"
