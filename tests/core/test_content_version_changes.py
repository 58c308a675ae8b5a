"""Which page saves replace the shared content version (``core.signal_handlers``): every
change a visitor can see does, a saved draft or a lock does not (an editor saving
drafts all afternoon must not empty every visitor's kept pages each time)."""

import pytest

from core.content_version import current
from tests.factories import MicroLecturePageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lecture():
    return MicroLecturePageFactory(title="版本测试微党课", slug="version-lecture")


def test_a_saved_draft_keeps_the_version(lecture):
    before = current()
    lecture.body = [("paragraph", "<p>草稿正文</p>")]
    lecture.title = "草稿标题"
    lecture.save_revision()
    assert current() == before


def test_a_lock_keeps_the_version(lecture):
    before = current()
    lecture.locked = True
    lecture.save(update_fields=["locked", "locked_by", "locked_at"])
    assert current() == before


def test_a_published_draft_replaces_the_version(lecture):
    lecture.title = "新标题"
    revision = lecture.save_revision()
    before = current()
    revision.publish()
    assert current() != before


@pytest.mark.parametrize("update_fields", [None, ["title"], ["draft_title", "slug"]])
def test_any_other_save_replaces_the_version(lecture, update_fields):
    before = current()
    lecture.title = "直接保存的标题"
    lecture.save(update_fields=update_fields)
    assert current() != before
