"""Offline reading: /sw.js, the offline page, 下载离线 on the pages it belongs to, the icons."""

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.base import ContentFile
from django.test import Client, override_settings
from django.utils import timezone
from PIL import Image
from wagtail.documents import get_document_model

from offline.shell import NEVER_CACHE_PREFIXES, SHELL_STATIC, WORKBOX_MODULES
from tests.factories import (
    AssignmentFactory,
    ExemplarStoryPageFactory,
    MicroLecturePageFactory,
    login,
    make_member,
)

pytestmark = pytest.mark.django_db
STATIC_DIR = Path(settings.BASE_DIR) / "site" / "static"


def worker_config(body: str) -> dict:
    found = re.search(r"self\.HONGKE_OFFLINE = (\{.*?\});\n", body, re.S)
    assert found, body
    return json.loads(found.group(1))


def test_the_worker_is_served_at_the_root_checked_every_time():
    response = Client().get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "no-cache" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]
    assert response["Service-Worker-Allowed"] == "/"
    body = response.content.decode()
    config = worker_config(body)
    assert f'importScripts("{config["workbox"]}", "{config["worker"]}")' in body
    assert config["version"] in body.splitlines()[0]
    assert "/learning/" in config["neverCachePrefixes"]
    assert "/branch/" in config["neverCachePrefixes"]
    assert Client().post("/sw.js").status_code == 405


def test_nothing_of_the_worker_comes_from_another_host():
    config = worker_config(Client().get("/sw.js").content.decode())
    urls = [config["workbox"], config["worker"], *config["modules"].values()]
    urls += [entry["url"] for entry in config["precache"]]
    assert all(url.startswith("/") and not url.startswith("//") for url in urls), urls
    assert set(config["modules"]) == set(WORKBOX_MODULES)
    # Every module the worker's code names (workbox.rangeRequests) is vendored and configured.
    worker_code = (STATIC_DIR / "js" / "service-worker.js").read_text()
    named = set(re.findall(r"workbox\.([a-z][A-Za-z]+)\b", worker_code)) - {"setConfig"}
    kebab = {"workbox-" + re.sub(r"([A-Z])", r"-\1", name).lower() for name in named}
    assert named and kebab <= set(WORKBOX_MODULES), (kebab, WORKBOX_MODULES)
    for module in WORKBOX_MODULES:
        assert (STATIC_DIR / "vendor" / "workbox" / f"{module}.prod.js").is_file()
    assert (STATIC_DIR / "vendor" / "workbox" / "workbox-sw.js").is_file()
    assert (STATIC_DIR / "vendor" / "workbox" / "LICENSE").is_file()
    vendored = json.loads((STATIC_DIR / "vendor" / "VENDORED.json").read_text())
    assert vendored["workbox-sw"]["version"].startswith("7.")


def manifest_storage(tmp_path: Path, css_hash: str):
    """Django's hashed static names, with site.css under ``css_hash`` (as after a deploy)."""
    names = [*SHELL_STATIC, "js/service-worker.js", "vendor/workbox/workbox-sw.js"]
    names += [f"vendor/workbox/{module}.prod.js" for module in WORKBOX_MODULES]
    paths = {}
    for name in names:
        stem, dot, suffix = name.rpartition(".")
        paths[name] = f"{stem}.{css_hash if name == 'css/site.css' else 'aaaa1111'}.{suffix}"
    (tmp_path / "staticfiles.json").write_text(json.dumps({"version": "1.1", "paths": paths}))
    storages = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return override_settings(STORAGES=storages, STATIC_ROOT=str(tmp_path))


def test_the_shell_is_precached_by_hashed_name_and_a_new_hash_makes_a_new_worker(tmp_path):
    with manifest_storage(tmp_path, "0123abcd"):
        staticfiles_storage._setup()
        first = Client().get("/sw.js").content.decode()
    with manifest_storage(tmp_path, "4567cdef"):
        staticfiles_storage._setup()
        second = Client().get("/sw.js").content.decode()
    staticfiles_storage._setup()
    urls = [entry["url"] for entry in worker_config(first)["precache"]]
    assert "/static/css/site.0123abcd.css" in urls
    assert "/static/js/offline.aaaa1111.js" in urls
    assert "/static/icons/icon-512.aaaa1111.png" in urls
    assert "/offline/" in urls
    assert "/static/css/site.4567cdef.css" in second
    assert worker_config(first)["version"] != worker_config(second)["version"]
    assert first != second
    again = Client().get("/sw.js").content
    assert again == Client().get("/sw.js").content  # the same deploy, the same bytes


def test_the_offline_page_explains_and_is_the_same_for_everyone():
    member = make_member("offline-reader")
    anonymous = Client().get("/offline/")
    logged_in = login(member).get("/offline/")
    assert anonymous.status_code == 200
    assert "no-cache" in anonymous["Cache-Control"]
    html = anonymous.content.decode()
    assert "现在没有网络" in html
    assert 'name="robots" content="noindex"' in html
    assert "data-offline-saved" in html
    # Kept on a shared phone across members: nothing of the member who fetched it.
    assert logged_in.content == anonymous.content
    assert "csrfmiddlewaretoken" not in html


def test_every_page_loads_the_offline_script_and_the_manifest():
    html = Client().get("/").content.decode()
    assert re.search(r'<script src="/static/js/offline\.js" defer data-sw="/sw.js"', html)
    assert 'rel="manifest"' in html
    assert 'id="offline-ui"' in html
    assert "离线阅读" in html


def test_the_policy_lets_our_worker_and_manifest_in():
    policy = Client().get("/")["Content-Security-Policy"]
    assert "worker-src 'self'" in policy
    assert "manifest-src 'self'" in policy
    assert "'unsafe-inline'" not in policy


def test_icons_are_pngs_of_the_right_sizes_and_one_is_maskable():
    manifest = json.loads((STATIC_DIR / "manifest.webmanifest").read_text())
    sizes = {}
    for icon in manifest["icons"]:
        path = STATIC_DIR / icon["src"]
        assert path.is_file(), icon
        if icon["type"] == "image/png":
            with Image.open(path) as image:
                assert image.format == "PNG"
                assert f"{image.width}x{image.height}" == icon["sizes"]
                sizes.setdefault(icon.get("purpose", "any"), set()).add(icon["sizes"])
    assert {"192x192", "512x512"} <= sizes["any"]
    assert sizes["maskable"] == {"512x512"}
    assert any(icon["type"] == "image/svg+xml" for icon in manifest["icons"])


def download_section(client, page) -> str | None:
    html = client.get(page.url).content.decode()
    found = re.search(r"<section class=\"offline-download\".*?</section>", html, re.S)
    return found.group(0) if found else None


def test_every_lecture_offers_the_download_to_a_member_with_its_media_and_cap():
    # Not yet transcoded: the copy plays the uploaded file itself.
    video = get_document_model().objects.create(
        title="讲座视频", file=ContentFile(b"\x00\x00\x00\x18ftypmp42", name="lecture.mp4")
    )
    lecture = MicroLecturePageFactory(media_file=video)
    member = make_member("offline-lecture")
    section = download_section(login(member), lecture)
    assert section is not None
    assert "下载离线" in section
    assert f'data-media="{lecture.media_file.url}"' in section
    assert f'data-cap-mb="{settings.OFFLINE_DOWNLOAD_CAP_MB}"' in section
    assert f"上限 {settings.OFFLINE_DOWNLOAD_CAP_MB} MB" in section
    # Visitors have no member's cache to save into.
    assert download_section(Client(), lecture) is None


def test_other_kinds_offer_it_only_while_assigned_to_the_member():
    story = ExemplarStoryPageFactory()
    member = make_member("offline-story")
    client = login(member)
    assert download_section(client, story) is None
    assignment = AssignmentFactory(
        branch=member.member_profile.branch,
        title="离线学习任务",
        due_in=timedelta(days=3),
        pages=[story],
    )
    section = download_section(client, story)
    assert section is not None and 'data-media=""' in section
    assignment.closed_at = timezone.now()
    assignment.save()
    assert download_section(client, story) is None


def test_personal_paths_are_never_kept():
    for path in ("/learning/", "/branch/", "/admin/", "/api/", "/login/", "/logout/"):
        assert any(path.startswith(prefix) for prefix in NEVER_CACHE_PREFIXES), path
