"""Import of a site's 虚拟参观 (``tour``) and of any page's ``cover``: files beside
the JSON Lines file, checked before anything is written, reported as ``line N: field: …``."""

from __future__ import annotations

import copy
import wave
from pathlib import Path

import pytest
from PIL import Image
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from exhibits.models import RevolutionarySitePage
from lectures.models import MicroLecturePage
from stories.models import ExemplarStoryPage
from tests.loaders.test_content_import import (
    LECTURE,
    SITE,
    STORY,
    problem_prefixes,
    run_import,
    write_jsonl,
)

pytestmark = pytest.mark.django_db


def picture(path: Path, size: tuple[int, int], colour=(180, 30, 30)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path, format="JPEG")
    return path


def guide(path: Path) -> Path:
    with wave.open(str(path), "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(8000)
        audio.writeframes(b"\0\0" * 800)
    return path


def scenes() -> list[dict]:
    return [
        {
            "title": "序厅",
            "image": "pano/1.jpg",
            "yaw": 10,
            "audio": "guide.wav",
            "transcript": "欢迎来到井冈山革命博物馆。",
            "hotspots": [
                {"yaw": 0, "pitch": 5, "label": "展板", "text": "中国革命的摇篮。"},
                {"yaw": 30, "label": "三湾改编", "text": "支部建在连上。", "image": "spot.jpg"},
                {"yaw": 90, "pitch": -5, "label": "进入陈列厅", "scene": 1},
            ],
        },
        {
            "title": "陈列厅",
            "image": "pano/2.jpg",
            "hotspots": [
                {"yaw": -30, "label": "红军梭镖", "artefact": 0},
                {"yaw": 90, "label": "回到序厅", "scene": 0},
                {"yaw": 180, "label": "前往精神厅", "scene": 2},
            ],
        },
        {
            "title": "精神厅",
            "image": "pano/3.jpg",
            "pitch": -10,
            "hotspots": [{"yaw": 0, "label": "回到陈列厅", "scene": 1}],
        },
    ]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for number, colour in enumerate([(150, 20, 20), (20, 150, 20), (20, 20, 150)], start=1):
        picture(tmp_path / "pano" / f"{number}.jpg", (400, 200), colour)
    picture(tmp_path / "spot.jpg", (300, 200), (200, 200, 0))
    picture(tmp_path / "cover.jpg", (640, 360), (90, 0, 0))
    picture(tmp_path / "wide.jpg", (300, 200))
    (tmp_path / "notes.jpg").write_text("不是图片", encoding="utf-8")
    guide(tmp_path / "guide.wav")
    return tmp_path


@pytest.fixture
def site_with_artefacts(home, folder) -> RevolutionarySitePage:
    """The site as an editor leaves it: imported, then artefacts added in the admin."""
    _out, err, error = run_import(write_jsonl(folder / "site.jsonl", [SITE]))
    assert error is None, err
    page = RevolutionarySitePage.objects.get(slug=SITE["slug"])
    page.artefacts = [
        ("artefact", {"name": "红军梭镖", "image": None, "description": "简易武器。"}),
        ("artefact", {"name": "朱德的扁担", "image": None, "description": "官兵一致。"}),
    ]
    page.save_revision().publish()
    return page


def test_a_tour_of_three_scenes_with_every_kind_of_hotspot_and_an_audio_guide(
    site_with_artefacts, folder
):
    _out, err, error = run_import(write_jsonl(folder / "a.jsonl", [{**SITE, "tour": scenes()}]))
    assert error is None, err
    page = RevolutionarySitePage.objects.get(pk=site_with_artefacts.pk)
    tour = page.virtual_tour
    assert [scene.title for scene in tour.scenes] == ["序厅", "陈列厅", "精神厅"]
    for scene in tour.scenes:
        assert scene.panorama.width == 2 * scene.panorama.height
    first, second, third = tour.scenes
    assert first.yaw == 10 and third.pitch == -10
    assert first.panorama.title == "序厅"
    assert first.audio.file.name.endswith(".wav") and "序厅" in first.audio.title
    assert first.transcript == "欢迎来到井冈山革命博物馆。"
    assert first.hotspots[0].text == "中国革命的摇篮。" and first.hotspots[0].image is None
    assert first.hotspots[1].image.title == "spot"
    assert first.hotspots[2].scene == 1 and first.hotspots[2].pitch == -5
    assert second.hotspots[0].artefact == 0 and second.hotspots[2].scene == 2
    assert len(page.artefacts) == 2  # left as the admin set them


def test_a_tour_may_come_with_its_intro(site_with_artefacts, folder):
    tour = {"intro": "  跟随讲解走进三个展厅。 ", "scenes": scenes()}
    _out, err, error = run_import(write_jsonl(folder / "a.jsonl", [{**SITE, "tour": tour}]))
    assert error is None, err
    page = RevolutionarySitePage.objects.get(pk=site_with_artefacts.pk)
    assert page.virtual_tour.intro == "跟随讲解走进三个展厅。"
    assert [scene.title for scene in page.virtual_tour.scenes] == ["序厅", "陈列厅", "精神厅"]


def test_importing_the_same_tour_again_reuses_the_files(site_with_artefacts, folder):
    path = write_jsonl(folder / "a.jsonl", [{**SITE, "tour": scenes()}])
    assert run_import(path)[2] is None
    images, documents = get_image_model().objects.count(), get_document_model().objects.count()
    assert run_import(path)[2] is None
    assert get_image_model().objects.count() == images
    assert get_document_model().objects.count() == documents


def test_a_line_without_tour_keeps_it_and_null_removes_it(site_with_artefacts, folder):
    assert run_import(write_jsonl(folder / "a.jsonl", [{**SITE, "tour": scenes()}]))[2] is None
    assert run_import(write_jsonl(folder / "b.jsonl", [SITE]))[2] is None
    assert RevolutionarySitePage.objects.get(slug=SITE["slug"]).virtual_tour is not None
    assert run_import(write_jsonl(folder / "c.jsonl", [{**SITE, "tour": None}]))[2] is None
    assert RevolutionarySitePage.objects.get(slug=SITE["slug"]).virtual_tour is None


def test_cover_on_lecture_story_and_site_lines(home, folder):
    lines = [{**item, "cover": "cover.jpg"} for item in (LECTURE, STORY, SITE)]
    _out, err, error = run_import(write_jsonl(folder / "covers.jsonl", lines))
    assert error is None, err
    for model, item in [
        (MicroLecturePage, LECTURE),
        (ExemplarStoryPage, STORY),
        (RevolutionarySitePage, SITE),
    ]:
        cover = model.objects.get(slug=item["slug"]).cover_image
        assert (cover.width, cover.height, cover.title) == (640, 360, "cover")
    assert get_image_model().objects.filter(title="cover").count() == 1


def changed(change) -> list[dict]:
    tour = copy.deepcopy(scenes())
    change(tour)
    return tour


BAD_TOURS = [
    (changed(lambda t: t[0].update(image="pano/none.jpg")), "tour[0].image:", "找不到文件"),
    (changed(lambda t: t[0].update(image="notes.jpg")), "tour[0].image:", "不是图片"),
    (changed(lambda t: t[1].update(image="wide.jpg")), "tour[1].image:", "2:1"),
    (changed(lambda t: t[2].update(image="/etc/hostname")), "tour[2].image:", "绝对路径"),
    (changed(lambda t: t[2].update(image="../x.jpg")), "tour[2].image:", "目录之外"),
    (
        changed(lambda t: t[2]["hotspots"][0].update(scene=3)),
        "tour[2].hotspots[0].scene:",
        "不存在",
    ),
    (changed(lambda t: t[2]["hotspots"][0].update(scene=2)), "tour[2].hotspots[0].scene:", "本身"),
    (
        changed(lambda t: t[1]["hotspots"][0].update(artefact=2)),
        "tour[1].hotspots[0].artefact:",
        "馆藏文物 2 不存在",
    ),
    (changed(lambda t: t[0]["hotspots"][0].update(yaw=181)), "tour[0].hotspots[0].yaw:", "-180"),
    (
        changed(lambda t: t[0]["hotspots"][0].update(pitch="up")),
        "tour[0].hotspots[0].pitch:",
        "数字",
    ),
    (changed(lambda t: t[0].update(yaw=-200)), "tour[0].yaw:", "-180"),
    (changed(lambda t: t[0]["hotspots"][0].pop("text")), "tour[0].hotspots[0]:", "只能有一种"),
    (changed(lambda t: t[0]["hotspots"][0].update(scene=1)), "tour[0].hotspots[0]:", "只能有一种"),
    (changed(lambda t: t[0].update(audio="none.wav")), "tour[0].audio:", "找不到文件"),
    (changed(lambda t: t[0].update(transcript="")), "tour[0].transcript:", "讲解文稿"),
    (changed(lambda t: t[1].update(colour="red")), "tour[1].colour:", "未知字段"),
    (
        changed(lambda t: t[1]["hotspots"][1].update(url="x")),
        "tour[1].hotspots[1].url:",
        "未知字段",
    ),
    ([], "tour:", "至少要有一个场景"),
    ("序厅", "tour:", "数组"),
    ({"intro": "说明", "scenes": []}, "tour.scenes:", "至少要有一个场景"),
    ({"intro": 3, "scenes": scenes()}, "tour.intro:", "必须是字符串"),
    ({"intro": "长" * 501, "scenes": scenes()}, "tour.intro:", "不能超过 500 个字符"),
    ({"scenes": scenes(), "start": 1}, "tour:", "只能有 intro 和 scenes"),
]


@pytest.mark.parametrize("tour, prefix, reason", BAD_TOURS)
def test_a_bad_tour_is_named_and_nothing_is_written(
    site_with_artefacts, folder, tour, prefix, reason
):
    images, documents = get_image_model().objects.count(), get_document_model().objects.count()
    lines = [{**LECTURE, "cover": "cover.jpg"}, {**SITE, "tour": tour}]
    _out, err, error = run_import(write_jsonl(folder / "bad.jsonl", lines))
    assert error is not None
    assert f"line 2: {prefix}" in problem_prefixes(err), err
    assert reason in err
    assert RevolutionarySitePage.objects.get(pk=site_with_artefacts.pk).virtual_tour is None
    assert not MicroLecturePage.objects.filter(slug=LECTURE["slug"]).exists()
    assert get_image_model().objects.count() == images
    assert get_document_model().objects.count() == documents


@pytest.mark.parametrize(
    "cover, reason", [("notes.jpg", "不是图片"), ("none.jpg", "找不到文件"), (5, "文件路径")]
)
def test_a_bad_cover_is_named(home, folder, cover, reason):
    _out, err, error = run_import(write_jsonl(folder / "c.jsonl", [{**STORY, "cover": cover}]))
    assert error is not None
    assert problem_prefixes(err) == ["line 1: cover:"] and reason in err
    assert not ExemplarStoryPage.objects.exists()


def test_tour_belongs_to_sites_only(home, folder):
    _out, err, _error = run_import(write_jsonl(folder / "t.jsonl", [{**STORY, "tour": scenes()}]))
    assert "line 1: tour: 未知字段：story 没有这个字段（它属于 site）" in err


ARTEFACTS = [{"name": "红军梭镖", "description": "简易武器。"}, {"name": "朱德的扁担"}]


def test_a_new_site_brings_its_artefacts_for_the_tour_to_point_at(home, folder):
    line = {**SITE, "artefacts": ARTEFACTS, "tour": scenes()}
    _out, err, error = run_import(write_jsonl(folder / "new.jsonl", [line]))
    assert error is None, err
    page = RevolutionarySitePage.objects.get(slug=SITE["slug"])
    assert [block.value["name"] for block in page.artefacts] == ["红军梭镖", "朱德的扁担"]
    assert page.virtual_tour.scenes[1].hotspots[0].artefact == 0


def test_bad_artefacts_are_named_and_a_new_site_without_them_has_none_to_point_at(home, folder):
    lines = [
        {**SITE, "artefacts": [{"description": "没有名称"}, "梭镖"]},
        {**SITE, "slug": "another-site", "tour": scenes()},
    ]
    _out, err, error = run_import(write_jsonl(folder / "bad.jsonl", lines))
    assert error is not None
    assert problem_prefixes(err) == [
        "line 1: artefacts[0].name:",
        "line 1: artefacts[1]:",
        "line 2: tour[1].hotspots[0].artefact:",
    ], err
    assert not RevolutionarySitePage.objects.exists()
