"""The pages API exposes a site page's virtual tour."""

import uuid

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection, CollectionViewRestriction

from exhibits.models import RevolutionarySitePage
from exhibits.tour import PANORAMA_PREVIEW, PANORAMA_RENDITION

pytestmark = pytest.mark.django_db


def image(width=400, height=200):
    return get_image_model().objects.create(
        title="全景", file=get_test_image_file(size=(width, height))
    )


def document(collection=None):
    extra = {"collection": collection} if collection else {}
    return get_document_model().objects.create(
        title="语音讲解", file=ContentFile(b"ID3 audio", name="guide.mp3"), **extra
    )


def item(value):
    return {"type": "item", "id": str(uuid.uuid4()), "value": value}


def spot(label, **kind):
    value = {"yaw": 30, "pitch": -5, "label": label, "text": "", "image": None}
    value.update({"artefact": None, "scene": None}, **kind)
    return item(value)


def scene(title, panorama, hotspots=(), audio=None, transcript=""):
    return item(
        {
            "title": title,
            "panorama": panorama.pk,
            "yaw": 90,
            "pitch": 10,
            "audio": audio.pk if audio else None,
            "transcript": transcript,
            "hotspots": list(hotspots),
        }
    )


def publish_tour(page, scenes, intro="走进旧址"):
    page.tour = [{"type": "tour", "value": {"intro": intro, "scenes": scenes}}]
    page.full_clean()
    page.save_revision().publish()
    return RevolutionarySitePage.objects.get(pk=page.pk)


@pytest.fixture
def site():
    return RevolutionarySitePage.objects.live().exclude(artefacts=[]).first()


def build(site, audio=None):
    pano, picture = image(), image(300, 300)
    scenes = [
        scene(
            "序厅",
            pano,
            [
                spot("说明", text="一段说明", image=picture.pk),
                spot("文物", artefact=1),
                spot("去主展厅", scene=2),
            ],
            audio=audio,
            transcript="欢迎来到旧址。" if audio else "",
        ),
        scene("主展厅", image(), [spot("回序厅", scene=1)]),
    ]
    return publish_tour(site, scenes), pano, picture


def test_the_tour_in_the_detail_view(client, site):
    audio = document()
    site, pano, picture = build(site, audio)
    data = client.get(f"/api/v2/pages/{site.pk}/").json()
    tour = data["tour"]
    assert tour["intro"] == "走进旧址"
    first, second = tour["scenes"]
    assert (first["title"], first["yaw"], first["pitch"]) == ("序厅", 90, 10)
    assert first["panorama"]["url"] == pano.get_rendition(PANORAMA_RENDITION).url
    assert first["panorama"]["url"].endswith(".webp")
    assert first["preview"]["url"] == pano.get_rendition(PANORAMA_PREVIEW).url
    assert first["panorama"]["full_url"].startswith("http")
    assert first["audio"]["url"].endswith(f"/documents/{audio.pk}/guide.mp3")
    assert "/media/" not in first["audio"]["url"]
    assert first["transcript"] == "欢迎来到旧址。"
    text, artefact, link = first["hotspots"]
    assert text == {
        "kind": "text",
        "yaw": 30,
        "pitch": -5,
        "label": "说明",
        "text": "一段说明",
        "image": text["image"],
        "artefact": None,
        "scene": None,
    }
    assert text["image"]["url"].endswith(".webp")
    assert (artefact["kind"], artefact["artefact"], artefact["image"]) == ("artefact", 0, None)
    assert (link["kind"], link["scene"]) == ("scene", 1)
    assert second["audio"] is None and second["hotspots"][0]["scene"] == 0


def test_an_audio_guide_in_a_private_collection_has_no_url(client, site):
    private = Collection.get_first_root_node().add_child(name="内部资料")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.LOGIN
    )
    site, _pano, _picture = build(site, document(private.add_child(name="讲解")))
    data = client.get(f"/api/v2/pages/{site.pk}/").json()
    first = data["tour"]["scenes"][0]
    assert first["audio"] is None
    assert first["transcript"] == "欢迎来到旧址。"


def test_a_site_without_a_tour_has_tour_null(client):
    page = RevolutionarySitePage.objects.live().filter(tour=[]).first()
    data = client.get(f"/api/v2/pages/{page.pk}/").json()
    assert "tour" in data and data["tour"] is None


def test_the_listing_can_ask_for_the_tour(client, site):
    site, _pano, _picture = build(site)
    response = client.get(
        "/api/v2/pages/", {"type": "exhibits.RevolutionarySitePage", "fields": "tour"}
    )
    assert response.status_code == 200
    tours = {item["id"]: item["tour"] for item in response.json()["items"]}
    assert len(tours[site.pk]["scenes"]) == 2
    # Sites with a tour (the demo's too) show it; the others show null.
    with_tour = {page.pk for page in RevolutionarySitePage.objects.live() if page.virtual_tour}
    assert {pk for pk, tour in tours.items() if tour is not None} == with_tour & set(tours)
    assert any(tour is None for tour in tours.values())


def test_the_detail_view_reads_the_tour_in_a_bounded_number_of_queries(
    client, site, django_assert_max_num_queries
):
    site, _pano, _picture = build(site, document())
    url = f"/api/v2/pages/{site.pk}/"
    client.get(url)  # renditions made once
    # 20, not 15: each nested image or document field asks once which collections are private.
    with django_assert_max_num_queries(20) as counted:
        assert client.get(url).status_code == 200
    baseline = len(counted.captured_queries)
    # More scenes and hotspots cost no more queries.
    more = [
        scene(f"展厅{n}", image(), [spot("说明", text="字") for _ in range(5)]) for n in range(4)
    ]
    raw = site.tour.raw_data[0]["value"]
    publish_tour(site, raw["scenes"] + more)
    client.get(url)
    with django_assert_max_num_queries(baseline):
        assert client.get(url).status_code == 200
