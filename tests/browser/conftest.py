"""A real server (gunicorn, its own SQLite file with the demo content) and real Chromium."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.browser.support import environment

PROJECT_DIR = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def server_url(tmp_path_factory):
    """Serve the demo site the way README's first command does, on a free local port."""
    work = tmp_path_factory.mktemp("server")
    env = environment(work)
    manage = [sys.executable, str(PROJECT_DIR / "manage.py")]
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["load_demo", "-v0"],
        ["collectstatic", "--noinput", "-v0"],
    ):
        subprocess.run(manage + command, env=env, cwd=PROJECT_DIR, check=True)
    port = free_port()
    log = open(work / "server.log", "w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "3",  # counters shared between workers are part of what is tested
        ],
        env=env,
        cwd=PROJECT_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/", timeout=2)
                break
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError((work / "server.log").read_text()) from None
                time.sleep(0.2)
        else:
            raise RuntimeError("server did not start: " + (work / "server.log").read_text())
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run scripts/test, which installs it.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A 375 px phone screen, the size every page is designed for first."""
    context = browser.new_context(
        viewport={"width": 375, "height": 812},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    page = context.new_page()
    yield page
    context.close()
