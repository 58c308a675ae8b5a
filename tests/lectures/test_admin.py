"""The admin shows each lecture's 转码状态: on its edit page, and as a column and a filter
of the 微党课 listing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from lectures.models import EncodingState, MediaEncoding
from tests.factories import MicroLecturePageFactory, login
from tests.lectures.conftest import make_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def lectures(small_video, corrupt_mp4):
    ready_doc, failed_doc = make_document(small_video), make_document(corrupt_mp4)
    MediaEncoding.objects.filter(document__in=[ready_doc, failed_doc]).delete()
    MediaEncoding.objects.create(
        document=ready_doc,
        state=EncodingState.READY,
        source_hash=ready_doc.file_hash,
        finished_at=timezone.now(),
    )
    MediaEncoding.objects.create(
        document=failed_doc,
        state=EncodingState.FAILED,
        source_hash=failed_doc.file_hash,
        reason="文件已损坏，或不是能识别的音视频格式。",
    )
    return {
        "ready": MicroLecturePageFactory(title="已能播放的课", media_file=ready_doc),
        "failed": MicroLecturePageFactory(title="转码失败的课", media_file=failed_doc),
    }


def test_the_edit_page_shows_the_state(editor, lectures):
    client = login(editor)
    failed = client.get(f"/admin/pages/{lectures['failed'].pk}/edit/").content.decode()
    assert "转码状态" in failed and "失败：文件已损坏" in failed
    ready = client.get(f"/admin/pages/{lectures['ready'].pk}/edit/").content.decode()
    assert "<strong data-encoding-state>可播放</strong>" in ready


def test_the_listing_filters_by_state(editor, lectures, django_assert_max_num_queries):
    client = login(editor)
    # Wagtail's listing spends about two queries a row of its own (14 lectures here); the
    # state column adds none: files and encodings come joined to the pages.
    with django_assert_max_num_queries(55):
        everything = client.get("/admin/lectures/").content.decode()
    assert "已能播放的课" in everything and "转码失败的课" in everything
    assert "转码状态" in everything

    failed = client.get("/admin/lectures/", {"encoding_state": "failed"}).content.decode()
    assert "转码失败的课" in failed and "已能播放的课" not in failed
    ready = client.get("/admin/lectures/", {"encoding_state": "ready"}).content.decode()
    assert "已能播放的课" in ready and "转码失败的课" not in ready
