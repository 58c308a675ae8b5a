"""Uploads under /media/: images are served, documents only through Wagtail's document view."""

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, CollectionViewRestriction

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_document():
    root = Collection.get_first_root_node()
    private = root.add_child(name="组织部内部材料")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.LOGIN
    )
    return get_document_model().objects.create(
        title="名单", collection=private, file=ContentFile(b"secret roster", name="roster.txt")
    )


def test_a_private_document_is_not_served_from_media(private_document):
    name = private_document.file.name  # documents/roster.txt
    client = Client()
    for path in [
        f"/media/{name}",
        f"/media/./{name}",
        f"/media/images/../{name}",
        f"/media//{name}",
    ]:
        response = client.get(path)
        assert response.status_code == 404, path
        assert b"secret roster" not in b"".join(getattr(response, "streaming_content", [b""]))


def test_the_document_view_still_applies_collection_privacy(private_document):
    response = Client().get(private_document.url)
    assert response.status_code == 302  # to the login page
    assert "/login/" in response["Location"] or "login" in response["Location"]


def test_images_are_still_served_from_media():
    image = get_image_model().objects.first()
    response = Client().get(image.file.url)
    assert response.status_code == 200


def test_a_name_too_long_for_the_file_system_is_a_404_not_a_500():
    client = Client(raise_request_exception=False)
    assert client.get("/media/" + "x" * 5000).status_code == 404
    assert client.get("/media/original_images/" + "长" * 300 + ".jpg").status_code == 404
