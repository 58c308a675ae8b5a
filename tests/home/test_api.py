"""A phone app reads all content through Wagtail's API v2; drafts never leak."""

import pytest

from events.models import ForumEventPage
from exhibits.models import RevolutionarySitePage
from home.models import HomePageFeaturedItem
from lectures.models import MicroLecturePage
from stories.models import ExemplarStoryPage
from tests.factories import (
    ExemplarStoryPageFactory,
    MicroLecturePageFactory,
    page_factory_for,
)

pytestmark = pytest.mark.django_db

COMMON = {"title", "summary", "topic", "tags", "cover_image", "cover_thumbnail", "body"}
FIELDS = {
    MicroLecturePage: COMMON
    | {
        "speaker",
        "duration_seconds",
        "video_url",
        "media_file",
        "poster",
        "chapters",
        "key_points",
        "transcript",
        "attachments",
    },
    RevolutionarySitePage: COMMON
    | {
        "province",
        "city",
        "address",
        "latitude",
        "longitude",
        "period",
        "gallery",
        "artefacts",
        "timeline",
        "visiting_information",
        "tour",
    },
    ExemplarStoryPage: COMMON | {"person", "organisation", "category", "portrait", "achievements"},
    # online_url is for registered members and check_in_secret makes the door's codes: never public.
    ForumEventPage: COMMON
    | {
        "starts_at",
        "ends_at",
        "venue",
        "capacity",
        "registration_closes_at",
        "speakers",
        "agenda",
        "recording",
        "materials",
    },
}


@pytest.mark.parametrize("model", FIELDS)
def test_each_page_type_exposes_its_fields(client, model):
    page = page_factory_for(model)(topic="长征精神")
    response = client.get(f"/api/v2/pages/{page.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert FIELDS[model] <= set(data)
    assert not {"online_url", "check_in_code", "check_in_secret"} & set(data)
    assert data["title"] == page.title
    assert page.topic in data["tags"]


@pytest.mark.parametrize("model", FIELDS)
def test_listing_by_type(client, model):
    page = page_factory_for(model)()
    label = f"{model._meta.app_label}.{model.__name__}"
    params = {"type": label, "fields": "topic,tags", "order": "-id"}
    response = client.get("/api/v2/pages/", params)
    assert response.status_code == 200
    data = response.json()
    assert data["meta"]["total_count"] == model.objects.visible().count()
    assert data["items"][0]["id"] == page.pk
    assert all("topic" in item for item in data["items"])


def test_drafts_are_absent(client):
    draft = MicroLecturePageFactory(
        title="草稿课程", slug="draft-lecture", topic="长征精神", live=False, publish=False
    )
    assert client.get(f"/api/v2/pages/{draft.pk}/").status_code == 404
    listing = client.get(
        "/api/v2/pages/", {"type": "lectures.MicroLecturePage", "limit": 50}
    ).json()
    assert draft.pk not in [item["id"] for item in listing["items"]]
    search = client.get("/api/v2/pages/", {"search": "草稿课程"}).json()
    assert draft.pk not in [item["id"] for item in search["items"]]


def test_images_and_documents_endpoints(client):
    assert client.get("/api/v2/images/").status_code == 200
    assert client.get("/api/v2/documents/").status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "abc"},
        {"type": "nope.Nope"},
        {"fields": "<b>"},
        {"offset": "-5"},
        {"order": "drop"},
    ],
)
def test_bad_api_parameters_get_400(client, params):
    response = client.get("/api/v2/pages/", params)
    assert response.status_code == 400
    assert "message" in response.json()


def test_home_page_lists_its_featured_items(client, home_page):
    story, lecture = ExemplarStoryPageFactory(), MicroLecturePageFactory()
    HomePageFeaturedItem.objects.filter(home=home_page).delete()
    for order, page in enumerate([story, lecture]):
        HomePageFeaturedItem.objects.create(home=home_page, page=page, sort_order=order)
    data = client.get(f"/api/v2/pages/{home_page.pk}/").json()
    assert [item["page"]["id"] for item in data["featured_items"]] == [story.pk, lecture.pk]
