"""Transcoding is queued on its own and runs in the background worker: until it has, the
page plays the original file."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django_tasks import task_backends
from django_tasks_db.models import DBTaskResult

from lectures.models import EncodingState, MediaEncoding
from lectures.tasks import queue_transcode
from tests.factories import MicroLecturePageFactory
from tests.lectures.conftest import make_document, replace_file

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "media": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["media"]},
}


@pytest.fixture
def database_queue(settings):
    settings.TASKS = DATABASE_QUEUE
    return settings


def run_worker(monkeypatch) -> None:
    """``db_worker --batch``: every queued task, then it stops. The worker drops database
    connections between tasks; inside a test's transaction that would end the test."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    call_command(
        "db_worker",
        "--backend=media",
        "--queue-name=media",
        "--batch",
        "--no-startup-delay",
        "--no-reload",
        verbosity=0,
    )


def test_a_saved_lecture_waits_then_the_worker_encodes_it(
    database_queue, small_video, client, monkeypatch, django_capture_on_commit_callbacks
):
    document = make_document(small_video, title="待转码")
    with django_capture_on_commit_callbacks(execute=True):
        lecture = MicroLecturePageFactory(media_file=document)

    encoding = MediaEncoding.objects.get(document=document)
    assert encoding.state == EncodingState.PENDING and encoding.queued_at is not None
    assert DBTaskResult.objects.filter(task_path="lectures.tasks.transcode_document").count() == 1
    response = client.get(lecture.url)
    assert response.status_code == 200
    assert document.url in response.content.decode()  # the original file plays meanwhile

    run_worker(monkeypatch)

    encoding.refresh_from_db()
    assert encoding.state == EncodingState.READY, encoding.reason
    assert DBTaskResult.objects.get(backend_name="media").status == "SUCCESSFUL"


def test_saving_again_queues_nothing_while_waiting(small_video, django_capture_on_commit_callbacks):
    document = make_document(small_video)
    queued = task_backends["media"].results

    def queued_for_document():
        return [r for r in queued if r.args == [document.pk]]

    with django_capture_on_commit_callbacks(execute=True):
        lecture = MicroLecturePageFactory(media_file=document)
        lecture.save_revision()
        lecture.save_revision().publish()
    assert len(queued_for_document()) == 1  # later saves found it already waiting


def test_replacing_a_used_file_queues_it_again(small_video, other_small_video):
    document = make_document(small_video)
    MicroLecturePageFactory(media_file=document)
    from lectures.encoding import encode_document

    assert encode_document(document.pk).state == EncodingState.READY
    replace_file(document, other_small_video)

    encoding = MediaEncoding.objects.get(document=document)
    assert encoding.state == EncodingState.PENDING
    assert not encoding.is_current()


def test_pdfs_captions_and_unused_files_are_never_queued(small_video, tmp_path):
    captions = tmp_path / "zimu.vtt"
    captions.write_text("WEBVTT\n\n00:00.000 --> 00:01.000\n你好\n", encoding="utf-8")
    pdf = tmp_path / "ziliao.pdf"
    pdf.write_bytes(b"%PDF-1.4 test")
    captions_document, pdf_document = make_document(captions), make_document(pdf)
    MicroLecturePageFactory(captions_file=captions_document)
    unused = make_document(small_video)
    unused.title = "改个标题"
    unused.save()

    assert not MediaEncoding.objects.filter(
        document__in=[captions_document, pdf_document, unused]
    ).exists()
    assert queue_transcode(pdf_document).state == EncodingState.PENDING  # asked directly
