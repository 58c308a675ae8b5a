"""Management commands run on a bare machine; the web server refuses unsafe production settings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.startup import refuse_unsafe_production

PROJECT_DIR = Path(__file__).resolve().parents[1]


def bare_environment() -> dict:
    keep = {"PATH", "HOME", "LANG", "DATABASE_URL"}
    return {key: value for key, value in os.environ.items() if key in keep}


def test_makemigrations_check_needs_no_secret_key():
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=PROJECT_DIR,
        env=bare_environment(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "environ,refused",
    [
        ({}, True),
        ({"SECRET_KEY": "x" * 50, "DEBUG": "1"}, True),
        ({"SECRET_KEY": "x" * 50}, False),
        ({"SECRET_KEY": "x" * 50, "DEBUG": "0"}, False),
        ({"ALLOW_INSECURE_KEY": "1", "DEBUG": "1"}, False),
    ],
)
def test_web_server_refuses_unsafe_production(environ, refused):
    if refused:
        with pytest.raises(ImproperlyConfigured):
            refuse_unsafe_production(environ)
    else:
        refuse_unsafe_production(environ)


def production_environment() -> dict:
    """README's production deploy: a real key, DEBUG off, a host name, HTTPS."""
    return {
        **bare_environment(),
        "SECRET_KEY": "k7Q2-production-like-secret-key-9xZr4WmPq8Ls3Nd6Hf1Tb5Yc0Vj2Ge7Ua",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "hongke.example.edu.cn",
        "HTTPS": "1",
    }


def test_check_deploy_is_clean_with_the_documented_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT_DIR,
        env=production_environment(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_https_turns_on_hsts_secure_cookies_and_redirects():
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django, os; django.setup(); {code}"],
        cwd=PROJECT_DIR,
        env={**production_environment(), "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
    )
    assert result.stdout.split() == ["31536000", "True", "True", "True", "True"], result.stderr
