"""The virtual tour's rules, checked when a site page is saved."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from exhibits.tour import tour_of
from tests.factories import RevolutionarySitePageFactory

pytestmark = pytest.mark.django_db


def image(width, height):
    return get_image_model().objects.create(
        title="全景", file=get_test_image_file(size=(width, height))
    )


def hotspot(**fields):
    value = {"yaw": 0, "pitch": 0, "label": "热点", "text": "", "image": None}
    value.update({"artefact": None, "scene": None}, **fields)
    return {"type": "item", "id": str(uuid.uuid4()), "value": value}


def scene(panorama, hotspots=(), **fields):
    value = {
        "title": "第一展厅",
        "panorama": panorama.pk,
        "yaw": 0,
        "pitch": 0,
        "audio": None,
        "transcript": "",
        "hotspots": list(hotspots),
    }
    value.update(fields)
    return {"type": "item", "id": str(uuid.uuid4()), "value": value}


def site_with(scenes):
    page = RevolutionarySitePageFactory()
    page.tour = [{"type": "tour", "value": {"intro": "", "scenes": scenes}}]
    return page


def block_errors(page):
    block = page._meta.get_field("tour").stream_block
    try:
        block.clean(page.tour)
    except ValidationError as error:
        return str(error.as_json_data() if hasattr(error, "as_json_data") else error)
    return ""


def test_a_good_tour_is_read_in_order():
    pano = image(400, 200)
    page = site_with([scene(pano, [hotspot(scene=2, label="去二")]), scene(pano, title="二")])
    page.full_clean()
    tour = tour_of(page)
    assert [s.title for s in tour.scenes] == ["第一展厅", "二"]
    assert tour.scenes[0].hotspots[0].scene == 1


def test_a_hotspot_to_a_scene_not_in_the_tour_is_refused():
    pano = image(400, 200)
    page = site_with([scene(pano, [hotspot(scene=3, label="去三")])])
    with pytest.raises(ValidationError, match="不在本导览中"):
        page.full_clean()


def test_a_panorama_that_is_not_2_to_1_is_refused():
    page = site_with([scene(image(300, 200))])
    assert "2:1" in block_errors(page)
