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
