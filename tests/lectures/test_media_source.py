"""A lecture plays one thing: an uploaded file or a video link, never both."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from wagtail.documents.models import Document

from tests.factories import MicroLecturePageFactory

pytestmark = pytest.mark.django_db


def test_lecture_takes_one_media_source():
    document = Document.objects.create(title="录音", file=ContentFile(b"RIFF", name="a.wav"))
    lecture = MicroLecturePageFactory()
    lecture.media_file = document
    lecture.video_url = "https://example.org/v.mp4"
    with pytest.raises(ValidationError) as error:
        lecture.full_clean()
    assert "video_url" in error.value.message_dict
