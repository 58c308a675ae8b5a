"""A video lecture with real media: an uploaded MP4, its encoding (360p MP4, HLS, AAC),
captions and chapters; and collections kept from visitors."""

import pytest
from wagtail.models import Collection, CollectionViewRestriction

from tests.factories import MicroLecturePageFactory
from tests.lectures.media import CAPTIONS, MP4, document, encode, media_files


@pytest.fixture(scope="session")
def media():
    return media_files()


@pytest.fixture
def video_doc(db, media):
    return document("瑞金讲座视频", "ruijin.mp4", media[MP4])


@pytest.fixture
def encoding(video_doc, media):
    return encode(video_doc, media)


@pytest.fixture
def captions_doc(db):
    return document("瑞金讲座字幕", "ruijin.vtt", CAPTIONS.encode())


@pytest.fixture
def lecture(video_doc, captions_doc):
    return MicroLecturePageFactory(
        title="瑞金精神",
        slug="ruijin-test",
        media_file=video_doc,
        captions_file=captions_doc,
        duration_seconds=4,
        chapters=[
            ("chapter", {"start_seconds": 0, "title": "开场"}),
            ("chapter", {"start_seconds": 2, "title": "第二部分"}),
        ],
    )


def restricted(name: str, kind: str, **extra) -> Collection:
    collection = Collection.get_first_root_node().add_child(name=name)
    CollectionViewRestriction.objects.create(collection=collection, restriction_type=kind, **extra)
    return collection


@pytest.fixture
def login_collection(db):
    return restricted("仅限登录", CollectionViewRestriction.LOGIN)


@pytest.fixture
def password_collection(db):
    return restricted("需要密码", CollectionViewRestriction.PASSWORD, password="hongse-1921")


@pytest.fixture
def group_collection(db):
    """Kept for 编辑 only."""
    from django.contrib.auth.models import Group

    collection = restricted("编辑内部", CollectionViewRestriction.GROUPS)
    collection.view_restrictions.get().groups.add(Group.objects.get(name="编辑"))
    return collection
