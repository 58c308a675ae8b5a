"""``manage.py ensure_demo_admin``: a superuser for trying the demo, without a fixed password.

The random password is kept in ``BASE_DIR/.demo-admin-password`` (mode 600, ignored by
git) so that running the command again can show it instead of changing it.
"""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

USERNAME = "admin"
PASSWORD_FILE_NAME = ".demo-admin-password"


def password_file() -> Path:
    return Path(settings.BASE_DIR) / PASSWORD_FILE_NAME


def write_private_file(path: Path, text: str) -> None:
    """Create the file readable by its owner only, before any secret is written into it."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text + "\n")
    os.chmod(path, 0o600)


def admin_url() -> str:
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "") or "http://127.0.0.1:8000"
    return base.rstrip("/") + "/admin/"


class Command(BaseCommand):
    help = "确保存在演示用超级管理员 admin（随机密码，保存在项目目录的 .demo-admin-password），并打印登录信息。"

    def handle(self, *args, **options) -> None:
        User = get_user_model()
        path = password_file()
        user = User.objects.filter(**{User.USERNAME_FIELD: USERNAME}).first()

        if user is None:
            password = secrets.token_urlsafe(9)
            with transaction.atomic():
                User.objects.create_superuser(
                    **{User.USERNAME_FIELD: USERNAME}, email="", password=password
                )
                # Inside the transaction: if the file cannot be written, no user is left behind
                # with a password nobody knows.
                write_private_file(path, password)
            self.stdout.write(self.style.SUCCESS(f"已创建超级管理员 {USERNAME}，密码保存在 {path}"))
            self.print_login(password)
            return

        if not path.is_file():
            self.stdout.write(
                f"用户 {USERNAME} 已存在，密码是之前设置的（{path} 不存在）。"
                f"如需重置，请运行：python manage.py changepassword {USERNAME}"
            )
            return

        password = path.read_text(encoding="utf-8").strip()
        if not user.check_password(password):
            self.stdout.write(
                self.style.WARNING(
                    f"{path} 中的密码与用户 {USERNAME} 的当前密码不一致（密码可能已被修改）。"
                    f"如需重置，请运行：python manage.py changepassword {USERNAME}"
                )
            )
            return
        self.print_login(password)

    def print_login(self, password: str) -> None:
        self.stdout.write(f"管理后台: {admin_url()}  用户名: {USERNAME}  密码: {password}")
