"""Who looked at or exported lists of people: the audit trail superusers read.

Member lists, branch progress, their CSVs and event registration lists are personal data
(PIPL). Every time one is shown or exported, ``record()`` writes one ``AccessRecord``:
who, when, from which address, what (``Access``) and about whom in words (the branch, the
event). Members' own pages (我的学习, their export) are not recorded: a member reading
their own data needs no witness. Records are only added, never changed; superusers read
them in the admin (``audit.wagtail_hooks``), nobody else.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.ratelimit import client_address, ip_address

SUBJECT_LENGTH = 200
PATH_LENGTH = 300


class Access(models.TextChoices):
    MEMBER_LIST = "member_list", _("查看成员名单")
    MEMBER_PROFILE = "member_profile", _("查看成员资料")
    BRANCH_PROGRESS = "branch_progress", _("查看支部学习情况")
    MEMBER_PROGRESS = "member_progress", _("查看成员学习情况")
    ASSIGNMENT_STATUS = "assignment_status", _("查看任务完成名单")
    ASSIGNMENT_CSV = "assignment_csv", _("导出任务完成名单 CSV")
    REGISTRATION_LIST = "registration_list", _("查看报名名单")
    REGISTRATION_CSV = "registration_csv", _("导出报名名单 CSV")
    CHECK_IN_DESK = "check_in_desk", _("打开签到台")
    MEETING_LIST = "meeting_list", _("查看组织生活记录列表")
    MEETING_RECORD = "meeting_record", _("查看组织生活记录")
    MEETING_LEDGER = "meeting_ledger", _("查看组织生活台账")
    MEETING_EXPORT = "meeting_export", _("导出组织生活台账")
    MEETING_OVERSIGHT = "meeting_oversight", _("查看各支部组织生活情况")


class AccessRecord(models.Model):
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    # The account may be deleted later; its name stays in the record.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(_("用户名"), max_length=150)
    address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    access = models.CharField(_("操作"), max_length=32, choices=Access.choices)
    subject = models.CharField(_("对象"), max_length=SUBJECT_LENGTH)
    path = models.CharField(_("网址"), max_length=PATH_LENGTH)

    class Meta:
        verbose_name = _("访问记录")
        verbose_name_plural = _("访问记录")
        ordering = ["-at", "-pk"]
        # Superusers see everything without permissions; nobody else is meant to.
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.username} · {self.get_access_display()} · {self.subject}"


def record(request: HttpRequest, access: Access, subject: str) -> AccessRecord:
    """Write down that ``request.user`` was shown or given ``subject`` (a branch, an event…)."""
    user = request.user if request.user.is_authenticated else None
    address = client_address(request)
    return AccessRecord.objects.create(
        user=user,
        username=user.get_username() if user is not None else "",
        address=address if ip_address(address) is not None else None,
        access=access,
        subject=str(subject)[:SUBJECT_LENGTH],
        # With the query string: which filter or search was used is part of what was seen.
        path=request.get_full_path()[:PATH_LENGTH],
    )
