"""Branches (党支部) and their members: who someone is, which branch, which role.

As little as the work needs (docs/members.md). The tables were created by the ``learning``
app and keep their names (``learning_branch``, ``learning_memberprofile``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MEMBER = "member", _("成员")
    ORGANISER = "organiser", _("组织委员")


class Branch(models.Model):
    """党支部: the group an organiser looks after."""

    name = models.CharField(_("支部名称"), max_length=100, unique=True)
    organisation = models.CharField(_("上级组织"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        db_table = "learning_branch"
        verbose_name = _("党支部")
        verbose_name_plural = _("党支部")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MemberProfileQuerySet(models.QuerySet):
    def organisers(self):
        """The one rule for who is an organiser: the organiser role, in a branch."""
        return self.filter(role=Role.ORGANISER, branch__isnull=False)


class MemberProfile(models.Model):
    """What we keep about a member beyond Django's user: as little as the work needs."""

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
    role = models.CharField(_("角色"), max_length=12, choices=Role.choices, default=Role.MEMBER)

    objects = MemberProfileQuerySet.as_manager()

    class Meta:
        db_table = "learning_memberprofile"
        verbose_name = _("成员")
        verbose_name_plural = _("成员")
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_organiser(self) -> bool:
        """Same rule as ``MemberProfileQuerySet.organisers``: an organiser without a branch
        has nobody to organise."""
        return self.role == Role.ORGANISER and self.branch_id is not None


def organiser_branch(user) -> Branch | None:
    """The branch this user organises, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    profile = MemberProfile.objects.organisers().filter(user=user).select_related("branch")
    found = profile.first()
    return found.branch if found else None


def is_organiser(user) -> bool:
    return getattr(user, "is_authenticated", False) and (
        MemberProfile.objects.organisers().filter(user=user).exists()
    )


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
