"""With ``REDIS_URL`` set, transcoding goes through RQ: a lecture's file is queued in a real
Redis (the one on 127.0.0.1:6379, a database of its own) and encoded by ``rqworker``, a
process apart from the one that queued it, as a worker on another machine would.

Everything runs in subprocesses on a SQLite file of their own: the worker has to read the
rows the queueing process committed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import redis
from rq import Queue

from tests.lectures.conftest import ffmpeg

PROJECT_DIR = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_RQ_REDIS_URL", "redis://127.0.0.1:6379/13")

QUEUE_A_LECTURE = """
import json
from django.core.files import File
from django.db import transaction
from wagtail.documents import get_document_model
from lectures.models import MediaEncoding
from lectures.tasks import queue_transcode

with open({source!r}, "rb") as handle, transaction.atomic():
    document = get_document_model()(title="RQ", file=File(handle, name="rq.mp4"))
    document._set_document_file_metadata()
    document.save()
    queue_transcode(document)
print(json.dumps({{"id": document.pk, "state": MediaEncoding.objects.get(document=document).state}}))
"""

STATE = """
import json
from lectures.models import MediaEncoding
encoding = MediaEncoding.objects.get(document_id={document_id})
print(json.dumps({{"state": encoding.state, "current": encoding.is_current(),
                   "kinds": sorted(r["kind"] for r in encoding.renditions)}}))
"""


def manage(env: dict, *args: str, timeout: int = 300) -> str:
    done = subprocess.run(
        [sys.executable, str(PROJECT_DIR / "manage.py"), *args],
        env=env,
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def shell(env: dict, code: str) -> dict:
    return json.loads(manage(env, "shell", "-c", code).strip().splitlines()[-1])


def test_a_file_queued_in_redis_is_encoded_by_an_rq_worker(tmp_path):
    connection = redis.Redis.from_url(REDIS_URL)
    connection.flushdb()  # a database of its own: nothing else lives there
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "REDIS_URL": REDIS_URL,
        "ALLOW_INSECURE_KEY": "1",
    }
    source = tmp_path / "clip.mp4"
    ffmpeg(
        "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=1",
        "-f", "lavfi", "-i", "sine=frequency=440:duration=1",
        "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest", str(source),
    )  # fmt: skip
    try:
        manage(env, "migrate", "--noinput", "-v0")
        queued = shell(env, QUEUE_A_LECTURE.format(source=str(source)))
        assert queued["state"] == "pending"
        assert Queue("media", connection=connection).count == 1  # in Redis, not run yet

        manage(env, "rqworker", "--job-class", "django_tasks_rq.Job", "--burst", "media")

        done = shell(env, STATE.format(document_id=queued["id"]))
        assert done == {"state": "ready", "current": True, "kinds": ["hls", "mp4"]}
        assert Queue("media", connection=connection).count == 0
    finally:
        connection.flushdb()
