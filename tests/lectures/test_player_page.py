"""The lecture page's player: renditions while current, else the uploaded file; tracks; the
HLS script and its CSP only where needed; 字幕 on cards; 下载离线 and the API."""

import re

import pytest
from django.test import Client

from lectures.models import EncodingState, LectureIndexPage, MicroLecturePage
from lectures.playback import rendition_url
from tests.factories import MicroLecturePageFactory, UserFactory, login
from tests.lectures.media import MASTER, MP4, document, encode

pytestmark = pytest.mark.django_db


def page_html(lecture, client=None) -> tuple:
    response = (client or Client()).get(lecture.url)
    assert response.status_code == 200
    return response, response.content.decode()


def test_a_current_encoding_plays_its_renditions(lecture, encoding):
    response, html = page_html(lecture)
    assert f'<source src="{rendition_url(encoding, MP4)}" type="video/mp4">' in html
    assert f'data-hls="{rendition_url(encoding, MASTER)}"' in html
    assert "hls.light.min.js" in html  # named for the script, loaded only by it
    assert "lecture_player" in html
    assert (
        f'<track kind="captions" srclang="zh" label="中文字幕" src="/lectures/{lecture.pk}/captions.vtt">'
        in html
    )
    assert (
        f'<track kind="chapters" srclang="zh" label="章节" src="/lectures/{lecture.pk}/chapters.vtt">'
        in html
    )
    assert not re.search(r"<track[^>]*\bdefault\b", html)
    assert 'aria-pressed="false"' in html and "字幕</button>" in html
    csp = response["Content-Security-Policy"]
    assert re.search(r"media-src 'self' blob:", csp)


@pytest.mark.parametrize("state", [EncodingState.PENDING, EncodingState.FAILED, None])
def test_the_uploaded_file_plays_while_the_encoding_is_not_ready(lecture, encoding, state):
    if state is None:
        encoding.delete()
    else:
        encoding.state = state
        encoding.save()
    response, html = page_html(lecture)
    assert f'<source src="{lecture.media_file.url}" type="video/mp4">' in html
    assert "data-hls" not in html and "hls.light" not in html
    assert "blob:" not in response["Content-Security-Policy"]


def test_a_replaced_file_plays_until_encoded_again(lecture, encoding, video_doc):
    video_doc.file_hash = "e" * 40
    video_doc.save()
    _, html = page_html(lecture)
    assert f'<source src="{video_doc.url}"' in html


def test_the_poster_is_the_pages_then_the_encodings_then_the_cover(lecture, encoding):
    from wagtail.images import get_image_model

    frame = get_image_model().objects.first()
    encoding.poster = frame
    encoding.save()
    lecture.poster = None
    lecture.cover_image = None
    lecture.save_revision().publish()
    _, html = page_html(lecture)
    assert re.search(r'<video[^>]* poster="[^"]+"', html)


def test_an_audio_lecture_plays_its_aac(media):
    wav = document("录音", "talk.wav", media["original.wav"])
    lecture = MicroLecturePageFactory(slug="audio-lecture", media_kind="audio", media_file=wav)
    _, html = page_html(lecture)
    assert f'<source src="{wav.url}" type="audio/wav">' in html
    encoding = encode(wav, media, has_video=False)
    _, html = page_html(lecture)
    assert f'<source src="{rendition_url(encoding, "audio.m4a")}" type="audio/mp4">' in html
    assert "hls" not in html.lower() and "lecture_player" not in html


def test_pages_without_video_load_no_player_script():
    lecture = MicroLecturePageFactory(slug="text-only", video_url="https://example.org/v")
    response, html = page_html(lecture)
    assert "lecture_player" not in html and "hls" not in html
    assert "blob:" not in response["Content-Security-Policy"]


def test_cards_say_which_lectures_have_captions(lecture, django_assert_max_num_queries):
    """The 字幕 mark comes with the listing's query: more lectures, no more queries."""
    # The demo's lectures have captions too: without them, the marks on the page are ours.
    MicroLecturePage.objects.exclude(pk=lecture.pk).update(captions_file=None)
    index = LectureIndexPage.objects.get()
    client = Client()
    client.get(index.url)  # content types and the like, cached once per process
    MicroLecturePageFactory(slug="more-first", captions_file=lecture.captions_file)
    with django_assert_max_num_queries(40) as first:  # every fragment made afresh
        client.get(index.url)
    for number in range(5):
        MicroLecturePageFactory(slug=f"more-{number}", captions_file=lecture.captions_file)
    with django_assert_max_num_queries(len(first.captured_queries)):
        html = client.get(index.url).content.decode()
    card = html[html.index("瑞金精神") - 1500 : html.index("瑞金精神")]
    assert 'class="card__badge">字幕<' in card
    assert html.count('class="card__badge"') == 7


def test_search_cards_say_it_too(lecture):
    html = Client().get("/search/", {"q": "瑞金精神"}).content.decode()
    assert 'class="card__badge">字幕<' in html


def test_offline_download_takes_the_360p_mp4(lecture, encoding):
    member = login(UserFactory(username="dangyuan6"))
    _, html = page_html(lecture, member)
    assert rendition_url(encoding, MP4) in html
    encoding.state = EncodingState.FAILED
    encoding.save()
    _, html = page_html(lecture, member)
    assert lecture.media_file.url in html


def test_the_api_lists_playable_renditions(lecture, encoding):
    data = Client().get(f"/api/v2/pages/{lecture.pk}/").json()
    kinds = [rendition["kind"] for rendition in data["media_renditions"]]
    assert kinds == ["mp4", "hls", "audio"]
    assert data["media_renditions"][0]["url"] == rendition_url(encoding, MP4)
    assert data["media_renditions"][0]["content_type"] == "video/mp4"


def test_the_api_gives_null_while_private(lecture, encoding, login_collection):
    video = lecture.media_file
    video.collection = login_collection
    video.save()
    data = Client().get(f"/api/v2/pages/{lecture.pk}/").json()
    assert data["media_renditions"] is None
    assert data["media_file"] is None
