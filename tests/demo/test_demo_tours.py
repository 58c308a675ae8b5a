"""The demo's 虚拟参观: three sites walk through rooms drawn with Pillow, with every
kind of hotspot and an audio guide; a mistake in the tours stops the demo before it writes."""

from __future__ import annotations

import copy
from io import BytesIO

import pytest
from django.core.management import call_command
from PIL import Image
from wagtail.images import get_image_model

from demo import content
from demo.builder import DemoContentError, build_demo
from demo.panoramas import PANORAMA_SIZE, Feature, panorama_jpeg, point
from exhibits.models import RevolutionarySitePage
from exhibits.tour import tour_problems

pytestmark = pytest.mark.django_db


def toured_sites() -> list[RevolutionarySitePage]:
    return [page for page in RevolutionarySitePage.objects.live() if page.virtual_tour]


def test_three_sites_have_tours_of_three_scenes_with_every_kind_of_hotspot():
    sites = toured_sites()
    assert len(sites) >= 3
    for page in sites:
        tour = page.virtual_tour
        assert len(tour.scenes) >= 3, page.slug
        spots = [spot for scene in tour.scenes for spot in scene.hotspots]
        assert any(spot.text and spot.image for spot in spots), page.slug
        assert any(spot.text and not spot.image for spot in spots), page.slug
        assert any(spot.artefact is not None for spot in spots), page.slug
        assert tour_problems(tour, len(page.artefacts)) == []
        for scene in tour.scenes:
            assert scene.panorama.width == 2 * scene.panorama.height == PANORAMA_SIZE[0]
            for spot in scene.hotspots:
                if spot.scene is not None:
                    assert 0 <= spot.scene < len(tour.scenes)
                    assert spot.scene != scene.number - 1
                if spot.artefact is not None:
                    assert 0 <= spot.artefact < len(page.artefacts)
        page.full_clean()


def test_scene_links_walk_through_every_room():
    for page in toured_sites():
        tour = page.virtual_tour
        reached, waiting = {0}, [0]
        while waiting:
            for spot in tour.scenes[waiting.pop()].hotspots:
                if spot.scene is not None and spot.scene not in reached:
                    reached.add(spot.scene)
                    waiting.append(spot.scene)
        assert reached == set(range(len(tour.scenes))), page.slug


def test_an_audio_guide_has_its_transcript_and_is_a_wav_document():
    guides = [scene for page in toured_sites() for scene in page.virtual_tour.scenes if scene.audio]
    assert guides
    for scene in guides:
        assert scene.transcript.strip()
        assert scene.audio.file.name.endswith(".wav")
        with scene.audio.file.open("rb") as audio:
            assert audio.read(4) == b"RIFF"


def test_panoramas_are_drawn_the_same_every_time_and_stay_small():
    features = [Feature("door", 90, 0, "前往：第二展厅"), Feature("text", 0, 5, "展板")]
    first = panorama_jpeg("序厅", features, "seed")
    assert first == panorama_jpeg("序厅", features, "seed")
    assert len(first) < 600_000
    assert point(0, 0) == (PANORAMA_SIZE[0] / 2, PANORAMA_SIZE[1] / 2)
    assert point(-180, 90) == (0, 0)


def test_loading_the_demo_again_changes_no_tour():
    before = {page.pk: list(page.tour.raw_data) for page in RevolutionarySitePage.objects.all()}
    images = get_image_model().objects.count()
    call_command("load_demo", "--no-people", verbosity=0)
    after = {page.pk: list(page.tour.raw_data) for page in RevolutionarySitePage.objects.all()}
    assert before == after
    assert get_image_model().objects.count() == images


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda tour: tour["scenes"][0]["hotspots"].append(
                {"yaw": 10, "pitch": 0, "label": "去远方", "scene": 9}
            ),
            "不在本导览中",
        ),
        (
            lambda tour: tour["scenes"][0]["hotspots"].append(
                {"yaw": 10, "pitch": 0, "label": "无此文物", "artefact": 7}
            ),
            "馆藏文物 7 不存在",
        ),
        (
            lambda tour: tour["scenes"][0]["hotspots"].append(
                {"yaw": 10, "pitch": 0, "label": "两种", "text": "说明", "scene": 2}
            ),
            "须且只能有一种内容",
        ),
        (
            lambda tour: tour["scenes"][1]["hotspots"].append(
                {"yaw": 200, "pitch": 0, "label": "偏了", "text": "说明"}
            ),
            "yaw/pitch 超出范围",
        ),
        (lambda tour: tour["scenes"][1].update(audio="讲解", transcript=""), "讲解文稿"),
    ],
)
def test_a_mistake_in_a_demo_tour_stops_the_demo_before_it_writes(monkeypatch, change, message):
    tour = copy.deepcopy(content.TOURS["jinggangshan-revolution-museum"])
    change(tour)
    monkeypatch.setitem(content.TOURS, "jinggangshan-revolution-museum", tour)
    pages = RevolutionarySitePage.objects.count()
    with pytest.raises(DemoContentError, match=message):
        build_demo()
    assert RevolutionarySitePage.objects.count() == pages


def test_a_hotspot_points_at_what_is_drawn_there():
    features = [Feature("door", 90, 0, "前往：第二展厅"), Feature("text", -90, 5, "展板")]
    picture = Image.open(BytesIO(panorama_jpeg("序厅", features, "seed"))).convert("RGB")
    door = picture.getpixel(tuple(round(c) for c in point(90, -10)))
    panel = picture.getpixel(tuple(round(c) for c in point(-90, 8)))
    wall = picture.getpixel(tuple(round(c) for c in point(0, 0)))
    assert max(door) < 70  # the dark doorway
    assert min(panel) > 200  # the light panel of text
    assert door != wall and panel != wall
