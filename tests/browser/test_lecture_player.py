"""A lecture's player on a phone: it plays, chapters seek (natively and through hls.js), 字幕
shows the captions, hls.js is fetched only where the stream needs it, and nothing comes
from another host.

One lecture is made here, in the server's database, with real media (ffmpeg, as in
tests/lectures); another is a demo video lecture, encoded by ``transcode_lectures`` as an
editor's upload would be by the worker."""

import subprocess
import sys
import time
import uuid

import pytest

from tests.browser.support import PROJECT_DIR, Phone, in_server, server_env

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LECTURE = """
import json
from tests.factories import MicroLecturePageFactory
from tests.lectures.media import CAPTIONS, MP4, document, encode, media_files

files = media_files()
video = document("播放测试视频", "player-{suffix}.mp4", files[MP4])
encode(video, files)
captions = document("播放测试字幕", "player-{suffix}.vtt", CAPTIONS.encode())
page = MicroLecturePageFactory(
    title="播放测试{suffix}",
    slug="player-{suffix}",
    media_file=video,
    captions_file=captions,
    duration_seconds=4,
    chapters=[
        ("chapter", {{"start_seconds": 0, "title": "开场"}}),
        ("chapter", {{"start_seconds": 2, "title": "第二部分"}}),
    ],
)
print(json.dumps({{"path": page.url}}))
"""
# A demo video lecture with captions, and what its second chapter and captions hold.
DEMO_LECTURE = """
import json
from lectures.captions import parse
from lectures.models import MediaKind, MicroLecturePage

page = (
    MicroLecturePage.objects.live()
    .filter(media_kind=MediaKind.VIDEO, media_file__isnull=False, captions_file__isnull=False)
    .order_by("pk")
    .first()
)
with page.captions_file.file.open("rb") as handle:
    cues = parse(handle.read())
chapter = page.chapters[1].value
print(json.dumps({
    "id": page.pk,
    "path": page.url,
    "chapter": chapter["start_seconds"],
    "cues": [[cue.start, cue.end, cue.text] for cue in cues],
}))
"""
# What a browser without HLS of its own says (Chromium on desktop and Android, Firefox).
NO_NATIVE_HLS = """
const canPlayType = HTMLMediaElement.prototype.canPlayType;
HTMLMediaElement.prototype.canPlayType = function (type) {
  return /mpegurl/i.test(type) ? "" : canPlayType.call(this, type);
};
"""


@pytest.fixture(scope="module")
def lecture_path(server_url, tmp_path_factory):
    code = LECTURE.format(suffix=uuid.uuid4().hex[:6])
    return in_server(server_env(tmp_path_factory), code)["path"]


@pytest.fixture(scope="module")
def demo_lecture(server_url, tmp_path_factory):
    env = server_env(tmp_path_factory)
    lecture = in_server(env, DEMO_LECTURE)
    subprocess.run(
        [sys.executable, str(PROJECT_DIR / "manage.py"), "transcode_lectures"]
        + ["--page", str(lecture["id"])],
        env=env,
        cwd=PROJECT_DIR,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return lecture


@pytest.fixture
def phone(browser, server_url):
    phone = Phone(browser, server_url, "lecture-player")
    yield phone
    phone.close()


def until(page, condition: str, seconds: float = 15):
    """Wait until the function ``condition`` is true (wait_for_function evaluates a string,
    which the CSP forbids)."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(condition):
        assert time.monotonic() < deadline, f"never true: {condition}"
        page.wait_for_timeout(100)


def fetched(phone, part: str) -> list[str]:
    return [url for _, url in phone.requests if part in url]


def plays_seeks_and_captions(phone):
    page = phone.page
    page.evaluate("() => { const v = document.querySelector('video'); v.muted = true; }")
    page.evaluate("() => document.querySelector('video').play()")
    until(page, "() => document.querySelector('video').currentTime > 0.3")

    second = page.locator(".chapters li.chapter").nth(1).get_by_role("button")
    second.tap()
    until(
        page,
        "() => { const t = document.querySelector('video').currentTime; return t >= 2 && t < 3.9; }",
    )

    toggle = page.get_by_role("button", name="字幕")
    assert toggle.get_attribute("aria-pressed") == "false"
    mode = "() => [...document.querySelector('video').textTracks].find(t => t.kind === 'captions').mode"
    assert page.evaluate(mode) in ("disabled", "hidden")
    toggle.tap()
    assert toggle.get_attribute("aria-pressed") == "true"
    assert page.evaluate(mode) == "showing"
    page.evaluate(
        "() => { const v = document.querySelector('video'); v.pause(); v.currentTime = 2.5; }"
    )
    cue = """() => {
      const track = [...document.querySelector('video').textTracks].find(t => t.kind === 'captions');
      return track.activeCues && track.activeCues.length ? track.activeCues[0].text : null;
    }"""
    until(page, cue)
    assert page.evaluate(cue) == "第二段字幕。"
    toggle.tap()
    assert toggle.get_attribute("aria-pressed") == "false"
    assert page.evaluate(mode) == "hidden"


def test_a_lecture_plays_on_a_phone(phone, lecture_path):
    phone.goto(lecture_path)
    phone.check("page")
    native = phone.page.evaluate(
        "() => document.querySelector('video').canPlayType('application/vnd.apple.mpegurl') !== ''"
    )
    plays_seeks_and_captions(phone)
    # hls.js only when the browser has no HLS of its own.
    assert bool(fetched(phone, "hls.light")) is not native
    assert fetched(phone, "/lectures/media/")
    phone.check("playing")


def test_hls_js_streams_and_seeks_where_the_browser_has_no_hls(phone, lecture_path):
    phone.page.add_init_script(NO_NATIVE_HLS)
    phone.goto(lecture_path)
    assert len(fetched(phone, "hls.light")) == 1
    assert not fetched(phone, ".ts")  # nothing streamed before the member plays
    plays_seeks_and_captions(phone)
    assert phone.page.evaluate("() => document.querySelector('video').src").startswith("blob:")
    assert fetched(phone, "360p_002.ts") or fetched(phone, "360p_003.ts")
    phone.check("hls-js")


def test_pages_without_a_video_fetch_no_player_script(phone):
    for path in ("/", "/lectures/", "/lectures/ruijin-soviet-style/"):
        phone.goto(path)
        assert not fetched(phone, "hls.light"), path
        assert not fetched(phone, "lecture_player"), path  # audio plays without it
    phone.check("audio-lecture", screenshot=False)


def test_a_demo_lecture_plays_seeks_and_shows_its_captions(phone, demo_lecture):
    phone.goto(demo_lecture["path"])
    page = phone.page
    page.evaluate("() => { const v = document.querySelector('video'); v.muted = true; }")
    page.evaluate("() => document.querySelector('video').play()")
    until(page, "() => document.querySelector('video').currentTime > 0.3")
    assert fetched(phone, "/lectures/media/"), "the encoded 360p MP4 or the stream plays"

    start = demo_lecture["chapter"]
    page.locator(".chapters li.chapter").nth(1).get_by_role("button").tap()
    until(
        page,
        f"() => Math.abs(document.querySelector('video').currentTime - {start}) < 1.5",
    )
    page.get_by_role("button", name="字幕").tap()
    cue_start, cue_end, text = next(cue for cue in demo_lecture["cues"] if cue[0] >= start)
    page.evaluate(
        "() => { const v = document.querySelector('video'); v.pause();"
        f" v.currentTime = {(cue_start + cue_end) / 2}; }}"
    )
    cue = """() => {
      const track = [...document.querySelector('video').textTracks].find(t => t.kind === 'captions');
      return track.activeCues && track.activeCues.length ? track.activeCues[0].text : null;
    }"""
    until(page, cue)
    assert page.evaluate(cue) == text
    phone.check("demo-lecture")
