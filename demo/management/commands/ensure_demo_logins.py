"""``manage.py ensure_demo_logins``: passwords for the demo's organiser and one member, and
the three logins (with the admin's) with what each can see.

``load_demo`` leaves every demo person without a usable password. Like
``ensure_demo_admin``, this sets random ones and keeps them in ``BASE_DIR/.demo-logins``
(mode 600, ignored by git), so running it again shows them instead of changing them; a
password changed since is left alone. It runs where ``ensure_demo_admin`` runs (the demo's
``scripts/serve``); nothing else creates these logins.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from demo.management.commands.ensure_demo_admin import USERNAME as ADMIN_USERNAME
from demo.management.commands.ensure_demo_admin import write_private_file
from demo.people import BRANCH_NAME, MEMBER_USERNAME, ORGANISER_USERNAME

LOGINS_FILE_NAME = ".demo-logins"
# (username, role, what the login shows), in the order printed.
LOGINS = (
    (
        ORGANISER_USERNAME,
        "支部组织员",
        "/branch/ 本支部 12 名成员、两项学习任务的完成情况；主题党日的签到台（开始前 2 小时开放）",
    ),
    (
        MEMBER_USERNAME,
        "党员",
        "首页和 /learning/for-you/ 的为你推荐、待学任务；/learning/ 我的学习",
    ),
)
ADMIN_SEES = "后台 /admin/：编辑内容、报告 → 内容报告、各活动的报名名单"


def logins_file() -> Path:
    return Path(settings.BASE_DIR) / LOGINS_FILE_NAME


def read_kept(path: Path) -> dict[str, str]:
    """username → password, one ``username password`` pair a line."""
    if not path.is_file():
        return {}
    pairs = (line.split(" ", 1) for line in path.read_text(encoding="utf-8").splitlines())
    return {pair[0]: pair[1] for pair in pairs if len(pair) == 2}


class Command(BaseCommand):
    help = (
        "为演示支部的组织员和一名党员设置随机密码（保存在项目目录的 .demo-logins），"
        "并打印三个演示账号及各自能看到的内容。先运行 load_demo。"
    )

    def handle(self, *args, **options) -> None:
        User = get_user_model()
        field = User.USERNAME_FIELD
        users = {
            user.get_username(): user
            for user in User.objects.filter(**{f"{field}__in": [name for name, *_ in LOGINS]})
        }
        missing = [name for name, *_ in LOGINS if name not in users]
        if missing:
            raise CommandError(
                f"还没有演示成员 {'、'.join(missing)}（{BRANCH_NAME}）。请先运行：python manage.py load_demo"
            )
        path = logins_file()
        kept = read_kept(path)
        with transaction.atomic():
            for username, *_ in LOGINS:
                user = users[username]
                if not user.has_usable_password():
                    kept[username] = secrets.token_urlsafe(9)
                    user.set_password(kept[username])
                    user.save(update_fields=["password"])
            # Inside the transaction: if the file cannot be written, no password is left set
            # that nobody knows.
            write_private_file(path, "\n".join(f"{name} {kept[name]}" for name in sorted(kept)))
        self.print_logins(users, kept, path)

    def print_logins(self, users: dict, kept: dict[str, str], path: Path) -> None:
        self.stdout.write(f"演示账号（密码保存在 {path}）：")
        self.stdout.write(f"  管理员 {ADMIN_USERNAME}（登录信息见上方）：{ADMIN_SEES}")
        for username, role, sees in LOGINS:
            password = kept.get(username)
            if password is None or not users[username].check_password(password):
                shown = f"密码是之前设置的（{path.name} 里没有），如需重置：python manage.py changepassword {username}"
            else:
                shown = f"密码 {password}"
            self.stdout.write(f"  {role} {username}，{shown}：{sees}")
