"""The outbox load script at a tiny size: a real gunicorn killed mid-run, and still every
event stored exactly once (about 30 s, most of it ``migrate`` of the scratch database)."""

import os
import re
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]


def figure(output: str, name: str) -> str:
    match = re.search(rf"^{name}\s+(\S+)", output, re.MULTILINE)
    assert match, f"no {name!r} line in:\n{output}"
    return match.group(1)


def test_a_killed_server_loses_and_duplicates_nothing():
    # Always a scratch SQLite file: the PostgreSQL run of the suite need not hold a second
    # scratch database (the script's --postgres is for measuring).
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [
            sys.executable,
            str(PROJECT_DIR / "benchmarks" / "outbox_load.py"),
            *("--members", "5", "--events", "200", "--restarts", "1", "--batch", "20"),
            *("--clients", "5", "--timeout", "120"),
        ],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert figure(output, "sent") == "200"
    assert figure(output, "stored") == "200"
    assert figure(output, "lost") == "0"
    assert figure(output, "duplicated") == "0"
    assert figure(output, "extra") == "0"
    assert "restart 1 (kill)" in output
    assert figure(output, "restarts") == "1"
    # The kill was felt: some request found no server and was sent again.
    assert int(figure(output, "connection errors")) > 0
