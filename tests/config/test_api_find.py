"""The API's ``find/?id=`` with something that is no id finds nothing: a 404, never a 500."""

import pytest
from django.test import Client
from wagtail.images import get_image_model

pytestmark = pytest.mark.django_db

NOT_IDS = ["", "abc", "a\x00b", "99999999999999999999", "-1", "１２"]


@pytest.mark.parametrize("endpoint", ["pages", "images", "documents"])
def test_find_by_an_id_that_is_no_id_is_not_found(endpoint):
    client = Client(raise_request_exception=False)
    for value in NOT_IDS:
        response = client.get(f"/api/v2/{endpoint}/find/", {"id": value})
        assert response.status_code == 404, (endpoint, value)


def test_find_by_a_real_id_still_redirects_to_the_object():
    image = get_image_model().objects.first()
    response = Client().get("/api/v2/images/find/", {"id": image.pk})
    assert response.status_code == 302
    assert f"/api/v2/images/{image.pk}/" in response["Location"]
