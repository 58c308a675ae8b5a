"""A site page's 虚拟参观 as the server sends it: every scene as a
picture with its hotspots as text and its audio guide with the transcript; the viewer's
configuration with phone-sized panoramas from our own host; no tour, nothing of it."""

import json
import re
import uuid

import pytest
from django.test import Client
from django.utils import timezone
from wagtail.models import Collection, CollectionViewRestriction

from exhibits.models import RevolutionarySitePage
from learning.models import LearningRecord
from learning.records import rebuild_records
from tests.exhibits.tour_data import TRANSCRIPT, tour_site
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ENDPOINT = "/api/learning/events/"


@pytest.fixture
def site():
    return tour_site(f"tour-{uuid.uuid4().hex[:6]}")


def tour_config(html: str) -> dict:
    match = re.search(
        r'<script id="tour-config" type="application/json">(.*?)</script>', html, re.S
    )
    assert match, "no tour configuration in the page"
    return json.loads(match.group(1))


def test_the_section_lists_scenes_hotspots_and_the_audio_guide(client, site):
    html = client.get(site.url).content.decode()
    section = html[
        html.index('<section class="tour"') : html.index(
            "</section>", html.index('<section class="tour"')
        )
    ]
    assert "虚拟参观" in section and "开始参观" in section
    assert 'href="#tour-scenes"' in section  # without JavaScript, 开始参观 leads to the scenes
    for title in ("序厅", "第二展厅"):
        assert f'alt="{title}"' in section
    # Hotspots as text: a text, an artefact link (with its anchor on the page), a scene link.
    assert "八角楼的油灯：毛泽东在灯下写下了光辉著作。" in section
    assert '<a href="#artefact-1">红军马灯</a>' in section
    assert 'id="artefact-1"' in html
    assert '<a href="#tour-scene-2" data-tour-scene="scene-2">去第二展厅</a>' in section
    assert 'id="tour-scene-2"' in section
    assert "井冈山会师的沙盘模型。" in section
    # The audio guide: not preloaded, its transcript in a <details>.
    audio = re.search(r"<audio [^>]*>", section).group(0)
    assert "controls" in audio and 'preload="none"' in audio and 'src="/documents/' in audio
    assert "<details" in section and TRANSCRIPT in section


def test_fallback_pictures_are_small_lazy_webp_with_srcset(client, site):
    html = client.get(site.url).content.decode()
    images = re.findall(r'<img [^>]*class="tour-scene__image"[^>]*>', html)
    assert len(images) == 2
    for image in images:
        assert 'loading="lazy"' in image and "srcset=" in image
        assert ".webp" in image and "320w" in image and "640w" in image


def test_the_script_and_viewer_configuration(client, site):
    html = client.get(site.url).content.decode()
    assert re.search(r'<script src="/static/js/tour\.js[^"]*" defer>', html)
    assert "pannellum.js" not in html.split("<body", 1)[0]  # the viewer loads on 开始参观 only
    assert (
        '<script src="/static/vendor' not in html
        and '<link rel="stylesheet" href="/static/vendor' not in html
    )
    config = tour_config(html)
    assert config["default"]["firstScene"] == "scene-1"
    first, second = config["scenes"]["scene-1"], config["scenes"]["scene-2"]
    assert first["title"] == "序厅" and second["yaw"] == 90
    assert ".webp" in first["panorama"] and ".webp" in first["preview"]
    assert first["panorama"] != first["preview"]
    kinds = [
        (spot["type"], spot.get("sceneId"), spot.get("goto"), spot.get("show"))
        for spot in first["hotSpots"]
    ]
    assert kinds == [
        ("info", None, None, "tour-s1-h1"),
        ("info", None, "artefact-1", None),
        ("scene", "scene-2", None, None),
    ]
    assert f'id="{kinds[0][3]}"' in html


def test_the_configuration_names_only_our_own_host(client, site):
    config = tour_config(client.get(site.url).content.decode())
    urls = []
    for scene in config["scenes"].values():
        urls += [scene["panorama"], scene["preview"]]
    assert urls and all(url.startswith("/") and not url.startswith("//") for url in urls), urls
    assert not re.search(r"https?://|//[a-z]", json.dumps(config))


def test_the_panorama_is_sized_for_phones(client, site):
    from wagtail.images.models import Rendition

    client.get(site.url)
    panorama = Rendition.objects.get(filter_spec__startswith="max-4096x2048", image__title="序厅")
    preview = Rendition.objects.get(filter_spec__startswith="max-1024x512", image__title="序厅")
    assert (panorama.width, panorama.height) == (2048, 1024)  # never enlarged
    assert (preview.width, preview.height) == (1024, 512)


def test_no_tour_no_section_and_no_script(client):
    page = tour_site(f"no-tour-{uuid.uuid4().hex[:6]}", with_tour=False)
    html = client.get(page.url).content.decode()
    assert 'class="tour"' not in html and "tour.js" not in html and "tour-config" not in html


def test_a_page_with_a_tour_stays_within_the_query_budget(
    client, site, django_assert_max_num_queries
):
    client.get(site.url)  # the first visit makes the renditions
    with django_assert_max_num_queries(15, info=site.url):
        assert client.get(site.url).status_code == 200


# --- learning: every scene seen completes the site (浏览) --------------------------------------


def post_progress(client, page, value):
    event = {
        "id": str(uuid.uuid4()),
        "page": page.pk,
        "verb": "progressed",
        "value": value,
        "at": timezone.now().isoformat(),
    }
    response = client.post(
        ENDPOINT,
        json.dumps({"events": [event]}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )
    assert response.status_code == 200, response.content


@pytest.fixture
def visitor(site):
    member = UserFactory(username=f"visitor{uuid.uuid4().hex[:6]}")
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    client.get(site.url)  # the page's 学完了 form sets the CSRF cookie
    return member, client


def test_half_the_scenes_is_progress_not_done(site, visitor):
    member, client = visitor
    post_progress(client, site, 0.5)
    record = LearningRecord.objects.get(member=member, page=site)
    assert record.best_progress == 0.5 and record.completed_at is None


def test_every_scene_seen_completes_the_site_and_a_rebuild_agrees(site, visitor):
    member, client = visitor
    post_progress(client, site, 0.5)
    post_progress(client, site, 1.0)
    record = LearningRecord.objects.get(member=member, page=site)
    assert record.completed_at is not None and record.total_seconds < 60
    before = (record.completed_at, record.best_progress)
    rebuild_records([member.pk])
    record.refresh_from_db()
    assert (record.completed_at, record.best_progress) == before


def test_other_policies_still_want_their_own_proof(site, visitor):
    member, client = visitor
    RevolutionarySitePage.objects.filter(pk=site.pk).update(completion_policy="reflection")
    post_progress(client, site, 1.0)
    assert LearningRecord.objects.get(member=member, page=site).completed_at is None


def test_only_a_page_with_a_tour_lets_the_viewer_draw_blob_pictures(client, site):
    plain = tour_site(f"plain-{uuid.uuid4().hex[:6]}", with_tour=False)
    toured = client.get(site.url)["Content-Security-Policy"]
    assert re.search(r"img-src 'self' data: blob:(;|$)", toured), toured
    assert "blob:" not in client.get(plain.url)["Content-Security-Policy"]
    directives = [directive.strip() for directive in toured.split(";")]
    assert "script-src 'self'" in directives and "unsafe" not in toured


def test_an_audio_guide_in_a_private_collection_is_left_off_the_page(client, site):
    """The page keeps the API's rule: an audio guide from a private collection is not
    offered (its transcript still is, as in the API)."""
    private = Collection.get_first_root_node().add_child(name=f"内部-{uuid.uuid4().hex[:6]}")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.LOGIN
    )
    guide = site.virtual_tour.scenes[0].audio
    guide.collection = private
    guide.save()
    html = client.get(site.url).content.decode()
    assert "<audio" not in html and guide.url not in html
    assert TRANSCRIPT in html
    guide.collection = Collection.get_first_root_node()
    guide.save()
    assert "<audio" in client.get(site.url).content.decode()
