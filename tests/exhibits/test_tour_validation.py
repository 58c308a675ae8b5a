"""Validation on save: each problem is refused with a message that
names it, through the admin's edit form or the page's and block's own checks."""

import json
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, streamfield

from exhibits.models import RevolutionarySitePage
from exhibits.tour import TourBlock
from tests.factories import RevolutionarySitePageFactory

pytestmark = pytest.mark.django_db


def image(width=400, height=200):
    return get_image_model().objects.create(
        title="全景", file=get_test_image_file(size=(width, height))
    )


# --- through the admin's edit form ---------------------------------------------------------


def form_list(items):
    return {
        "count": len(items),
        **{
            str(n): {"value": value, "deleted": "", "order": n, "id": str(uuid.uuid4())}
            for n, value in enumerate(items)
        },
    }


def form_spot(label="热点", yaw="0", pitch="0", text="", artefact="", scene=""):
    return {
        "yaw": yaw,
        "pitch": pitch,
        "label": label,
        "text": text,
        "image": "",
        "artefact": artefact,
        "scene": scene,
    }


def form_scene(panorama, title="序厅", hotspots=(), yaw="0", pitch="0"):
    return {
        "title": title,
        "panorama": str(panorama.pk),
        "yaw": yaw,
        "pitch": pitch,
        "audio": "",
        "transcript": "",
        "hotspots": form_list(list(hotspots)),
    }


def edit(admin_client, page, scenes):
    """Save a draft of ``page`` with a tour of ``scenes`` through the admin's edit form."""
    url = f"/admin/pages/{page.pk}/edit/"
    data = querydict_from_html(admin_client.get(url).content.decode(), form_id="page-edit-form")
    data = data.copy()
    fields = {name: streamfield([]) for name in ("body", "gallery", "artefacts", "timeline")}
    fields["self_check"] = streamfield([])
    fields["tour"] = streamfield([("tour", {"intro": "", "scenes": form_list(scenes)})])
    for key, value in nested_form_data(fields).items():
        data[key] = value
    return admin_client.post(url, data)


def refused(response, page) -> str:
    """The tour field's errors as text; the page kept no new draft."""
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()
    assert "tour" in errors, errors
    assert not RevolutionarySitePage.objects.get(pk=page.pk).has_unpublished_changes
    return json.dumps(
        [e.as_json_data() if hasattr(e, "as_json_data") else e.messages for e in errors["tour"]],
        ensure_ascii=False,
    )


@pytest.fixture
def site():
    return RevolutionarySitePageFactory()


def test_a_good_tour_is_saved(admin_client, site):
    pano = image()
    scenes = [
        form_scene(pano, hotspots=[form_spot("去主展厅", scene="2"), form_spot(text="说明")]),
        form_scene(pano, title="主展厅", hotspots=[form_spot("回序厅", scene="1")]),
    ]
    response = edit(admin_client, site, scenes)
    assert response.status_code == 302
    draft = RevolutionarySitePage.objects.get(pk=site.pk).get_latest_revision_as_object()
    assert [scene.title for scene in draft.virtual_tour.scenes] == ["序厅", "主展厅"]


def test_a_panorama_that_is_not_2_to_1_is_refused(admin_client, site):
    message = refused(edit(admin_client, site, [form_scene(image(300, 200))]), site)
    assert "全景图必须是 2:1" in message and "300×200" in message


def test_a_hotspot_to_a_scene_not_in_the_tour_is_refused(admin_client, site):
    pano = image()
    scenes = [form_scene(pano, hotspots=[form_spot("去三", scene="3")]), form_scene(pano)]
    message = refused(edit(admin_client, site, scenes), site)
    assert "前往的场景 3 不在本导览中（本导览共 2 个场景）" in message


def test_a_hotspot_to_its_own_scene_is_refused(admin_client, site):
    pano = image()
    scenes = [form_scene(pano), form_scene(pano, hotspots=[form_spot("原地", scene="2")])]
    assert "不能前往它所在的场景 2" in refused(edit(admin_client, site, scenes), site)


@pytest.mark.parametrize(
    ("where", "angle", "expected"),
    [
        ("scene", {"yaw": "200"}, "初始水平角须在 -180 到 180 度之间（现在是 200）"),
        ("scene", {"pitch": "-95"}, "初始俯仰角须在 -90 到 90 度之间（现在是 -95）"),
        ("hotspot", {"yaw": "-181"}, "水平角（yaw）须在 -180 到 180 度之间"),
        ("hotspot", {"pitch": "90.5"}, "俯仰角（pitch）须在 -90 到 90 度之间"),
    ],
)
def test_angles_out_of_range_are_refused(admin_client, site, where, angle, expected):
    if where == "scene":
        scene = form_scene(image(), **angle)
    else:
        scene = form_scene(image(), hotspots=[form_spot(text="说明", **angle)])
    assert expected in refused(edit(admin_client, site, [scene]), site)


def test_a_tour_without_scenes_is_refused(admin_client, site):
    assert "至少要有一个场景" in refused(edit(admin_client, site, []), site)


@pytest.mark.parametrize(
    ("spot", "expected"),
    [
        (form_spot("两样", text="说明", scene="1"), "热点“两样”只能有一种内容"),
        (form_spot("空的"), "热点“空的”没有内容"),
    ],
)
def test_a_hotspot_needs_exactly_one_kind(admin_client, site, spot, expected):
    scenes = [form_scene(image(), hotspots=[spot]), form_scene(image())]
    assert expected in refused(edit(admin_client, site, scenes), site)


def test_an_artefact_the_page_lacks_is_refused(admin_client, site):
    scene = form_scene(image(), hotspots=[form_spot("文物", artefact="1")])
    message = refused(edit(admin_client, site, [scene]), site)  # artefacts left empty
    assert "对应的馆藏文物 1 不存在" in message


# --- through the page and the block --------------------------------------------------------


def item(value):
    return {"type": "item", "id": str(uuid.uuid4()), "value": value}


def raw_scene(panorama, hotspots=(), **fields):
    value = {
        "title": "序厅",
        "panorama": panorama.pk,
        "yaw": 0,
        "pitch": 0,
        "audio": None,
        "transcript": "",
        "hotspots": [item(spot) for spot in hotspots],
    }
    value.update(fields)
    return item(value)


def raw_spot(**fields):
    value = {"yaw": 0, "pitch": 0, "label": "热点", "text": "", "image": None}
    value.update({"artefact": None, "scene": None}, **fields)
    return value


def block_messages(page) -> str:
    block = page._meta.get_field("tour").stream_block
    with pytest.raises(ValidationError) as caught:
        block.clean(page.tour)
    return json.dumps(caught.value.as_json_data(), ensure_ascii=False)


def with_tour(page, scenes):
    page.tour = [{"type": "tour", "value": {"intro": "", "scenes": scenes}}]
    return page


def test_audio_without_a_transcript_is_refused(site):
    audio = get_document_model().objects.create(
        title="讲解", file=ContentFile(b"ID3", name="guide.mp3")
    )
    with_tour(site, [raw_scene(image(), audio=audio.pk, transcript="  ")])
    assert "有语音讲解时须提供讲解文稿" in block_messages(site)


def test_an_artefact_number_beyond_the_pages_artefacts_is_refused():
    artefacts = [("artefact", {"name": name, "description": ""}) for name in ("油灯", "草鞋")]
    page = RevolutionarySitePageFactory(artefacts=artefacts)
    count = len(page.artefacts)
    assert count == 2
    with_tour(page, [raw_scene(image(), [raw_spot(label="文物", artefact=count + 1)])])
    with pytest.raises(ValidationError) as caught:
        page.full_clean()
    assert f"对应的馆藏文物 {count + 1} 不存在" in str(caught.value.message_dict["tour"])
    with_tour(page, [raw_scene(image(), [raw_spot(label="文物", artefact=count)])])
    page.full_clean()


def test_the_block_alone_names_each_problem():
    block = TourBlock()
    value = block.to_python(
        {
            "intro": "",
            "scenes": [
                raw_scene(image(300, 200), [raw_spot(label="远处", scene=5)], yaw=400),
            ],
        }
    )
    with pytest.raises(ValidationError) as caught:
        block.clean(value)
    # The scene's own fields fail first (range, ratio), one message each.
    text = json.dumps(caught.value.as_json_data(), ensure_ascii=False)
    assert "初始水平角须在 -180 到 180 度之间（现在是 400）" in text
    value = block.to_python(
        {"intro": "", "scenes": [raw_scene(image(), [raw_spot(label="远处", scene=5)])]}
    )
    with pytest.raises(ValidationError) as caught:
        block.clean(value)
    text = json.dumps(caught.value.as_json_data(), ensure_ascii=False)
    assert "前往的场景 5 不在本导览中（本导览共 1 个场景）" in text
