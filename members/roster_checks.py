"""What ``import_members`` checks in each row (``members.roster``): values, and accounts.

Values: a username Django would accept, names that fit, a known role, a valid e-mail.

Accounts: a roster is prepared by an organiser, so it must never be a way to take over an
account. A row naming a staff user, a superuser, a member of any group (编辑, 审核, 组织部,
活动管理, or any other) or a user granted any permission of their own is refused, and with
it the whole file. An existing user's e-mail address is where Wagtail's password reset
sends its link: the import fills in a missing one, but replaces one only when the
operator asks with ``--update-emails``, after every change has been listed.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, MaxLengthValidator

from core.importing import Problem
from core.text import has_line_controls
from members.models import Role

# Organisers may write the role in English or as the admin shows it in Chinese.
ROLE_ALIASES = {
    "member": Role.MEMBER,
    "成员": Role.MEMBER,
    "organiser": Role.ORGANISER,
    "组织委员": Role.ORGANISER,
}
UPDATE_EMAILS_FLAG = "--update-emails"


class RowProblem(Problem):
    """A problem printed as ``第 N 行：列：原因``, the line a spreadsheet or editor shows."""

    def __str__(self) -> str:
        return f"第 {self.number} 行：{self.field}：{self.reason}"


def row_problem(row: int, name: str, reason: str) -> Problem:
    """One thing wrong with one field of one row.

    N is the line of the file the row starts on (the header is line 1, blank lines
    count), so it matches what a text editor shows.
    """
    return RowProblem(row, name, reason, unit="row")


def check_text(value: str, limit: int, row: int, name: str, problems: list[Problem]) -> str:
    """A required one-line text of at most ``limit`` characters."""
    if not value:
        problems.append(row_problem(row, name, "不能为空"))
    elif len(value) > limit:
        problems.append(
            row_problem(row, name, f"不能超过 {limit} 个字符（现在是 {len(value)} 个）")
        )
    elif has_line_controls(value):
        problems.append(row_problem(row, name, "不能包含换行、制表符等控制字符"))
    return value


def check_username(value: str, row: int, problems: list[Problem]) -> str:
    user_model = get_user_model()
    model_field = user_model._meta.get_field(user_model.USERNAME_FIELD)
    # As Django does when saving a user, so "ｚｈａｎｇ" and "zhang" are the same name.
    username = user_model.normalize_username(value)
    if not username:
        problems.append(row_problem(row, "username", "不能为空"))
        return username
    if len(username) > model_field.max_length:
        problems.append(
            row_problem(
                row,
                "username",
                f"不能超过 {model_field.max_length} 个字符（现在是 {len(username)} 个）",
            )
        )
    for validator in model_field.validators:
        if isinstance(validator, MaxLengthValidator):
            continue  # reported above, with the numbers
        try:
            validator(username)
        except ValidationError:
            if getattr(validator, "regex", None) is not None:
                reason = "只能包含字母（可以是中文）、数字和 @ . + - _，不能有空格或其他符号"
            else:
                reason = "不是有效的用户名"
            problems.append(row_problem(row, "username", reason))
            break
    return username


def check_role(value: str, row: int, problems: list[Problem]) -> str:
    role = ROLE_ALIASES.get(value.lower())
    if role is None:
        shown = "（空）" if not value else f"“{value[:40]}”"
        problems.append(
            row_problem(
                row, "role", f"未知角色 {shown}，必须是 member（成员）或 organiser（组织委员）"
            )
        )
        return ""
    return role


def check_email(value: str, row: int, problems: list[Problem]) -> str:
    if not value:
        return ""
    limit = get_user_model()._meta.get_field("email").max_length
    if len(value) > limit:
        problems.append(
            row_problem(row, "email", f"不能超过 {limit} 个字符（现在是 {len(value)} 个）")
        )
        return ""
    try:
        EmailValidator()(value)
    except ValidationError:
        problems.append(row_problem(row, "email", "不是有效的电子邮箱地址"))
        return ""
    return BaseUserManager.normalize_email(value)


# --- Accounts ------------------------------------------------------------------------


def privileges(users: Iterable[AbstractBaseUser]) -> dict[object, list[str]]:
    """For each user with any right in the admin, what those rights are (by primary key).

    Two queries, whatever the number of users: their groups and their own permissions.
    """
    users = list(users)
    reasons: dict[object, list[str]] = {}
    for user in users:
        if getattr(user, "is_superuser", False):
            reasons.setdefault(user.pk, []).append("超级用户")
        if getattr(user, "is_staff", False):
            reasons.setdefault(user.pk, []).append("后台工作人员（staff）")
    user_model = get_user_model()
    if not hasattr(user_model, "groups"):
        return reasons
    keys = [user.pk for user in users]
    groups: dict[object, list[str]] = {}
    memberships = user_model.groups.through.objects.filter(user_id__in=keys)
    for user_id, name in memberships.values_list("user_id", "group__name").order_by("group__name"):
        groups.setdefault(user_id, []).append(name)
    for user_id, names in groups.items():
        reasons.setdefault(user_id, []).append(f"属于用户组 {'、'.join(names)}")
    granted = user_model.user_permissions.through.objects.filter(user_id__in=keys)
    for user_id in granted.values_list("user_id", flat=True).distinct():
        reasons.setdefault(user_id, []).append("有单独授予的权限")
    return reasons


def privileged_problem(row: int, username: str, reasons: list[str]) -> Problem:
    return row_problem(
        row,
        "username",
        f"{username} 是有后台权限的账号（{'；'.join(reasons)}），名单导入不能修改它。"
        "请换一个用户名；后台账号在后台“设置 → 用户”中管理",
    )


def email_change(row: int, user: AbstractBaseUser, email: str, *, allowed: bool):
    """``(old, problem)`` for a row's e-mail on an existing user.

    ``old`` is the address being replaced (None when nothing changes: no address in the
    file, none on the site yet, or the same one but for case, which Django's password
    reset treats as one); ``problem`` refuses the row when replacing is not ``allowed``.
    """
    old = user.email or ""
    if not email or not old or old.casefold() == email.casefold():
        return None, None
    if allowed:
        return old, None
    return old, row_problem(
        row,
        "email",
        f"{user.get_username()} 在网站上的邮箱是 {old}，与文件中的 {email} 不同；"
        f"导入不改已有的邮箱。确需修改时加 {UPDATE_EMAILS_FLAG}（会先逐行列出每处修改）",
    )
