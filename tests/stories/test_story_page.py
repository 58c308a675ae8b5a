"""先进典型: a story page shows who it is about and what they did; its section lists it."""

import json

import pytest
from django.test import Client

from stories.models import StoryIndexPage, SubjectKind
from tests.factories import ExemplarStoryPageFactory

pytestmark = pytest.mark.django_db

ACHIEVEMENTS = json.dumps(
    [
        {"type": "achievement", "value": "扎根山区教书四十年"},
        {"type": "achievement", "value": "<b>全国优秀教师</b>"},
    ]
)


@pytest.fixture
def story():
    return ExemplarStoryPageFactory(
        title="大山里的灯",
        person="李老师",
        organisation="云南华坪女子高级中学",
        category="扎根基层",
        achievements=ACHIEVEMENTS,
    )


def test_the_page_names_the_person_their_unit_and_what_they_did(story):
    response = Client().get(story.url)
    assert response.status_code == 200
    byline = response.content.decode().split('class="byline"')[1].split("</p>")[0]
    assert "李老师" in byline and "云南华坪女子高级中学" in byline and "扎根基层" in byline
    html = response.content.decode()
    assert "主要事迹与荣誉" in html and "扎根山区教书四十年" in html
    # An achievement is plain text: what looks like markup is shown, never run.
    assert "&lt;b&gt;全国优秀教师&lt;/b&gt;" in html and "<b>全国优秀教师</b>" not in html


def test_a_story_without_achievements_has_no_empty_heading():
    plain = ExemplarStoryPageFactory(title="无名英雄", person="张同学")
    html = Client().get(plain.url).content.decode()
    assert "张同学" in html and "主要事迹与荣誉" not in html


def test_a_story_is_of_a_person_unless_told_it_is_a_team(story):
    assert story.subject_kind == SubjectKind.PERSON
    team = ExemplarStoryPageFactory(title="青年突击队", subject_kind=SubjectKind.TEAM)
    assert team.subject_kind == "team"


def test_the_section_lists_the_story_and_drafts_stay_out(story):
    draft = ExemplarStoryPageFactory(title="未发布的典型", live=False, publish=False)
    index = StoryIndexPage.objects.get()
    html = Client().get(index.url).content.decode()
    assert story.title in html and draft.title not in html
    assert Client().get(index.url, {"tag": story.topic}).status_code == 200


def test_the_api_gives_the_story_fields(story):
    response = Client().get(f"/api/v2/pages/{story.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert (data["person"], data["organisation"], data["category"]) == (
        "李老师",
        "云南华坪女子高级中学",
        "扎根基层",
    )
    assert [item["value"] for item in data["achievements"]] == [
        "扎根山区教书四十年",
        "<b>全国优秀教师</b>",
    ]
    assert data["subject_kind"] == "person"
