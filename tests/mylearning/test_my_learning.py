"""我的学习: a member sees, downloads and deletes their own history, and nobody else's."""

import json
import re
import uuid
from datetime import datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from exhibits.models import RevolutionarySitePage
from home.models import ContentPage
from learning.models import Dismissal, LearningEvent, LearningRecord
from learning.records import refresh_records
from lectures.models import MicroLecturePage
from mylearning.history import WEEKS_SHOWN, topic_time, week_starts
from stories.models import ExemplarStoryPage
from tests.factories import MemberProfileFactory, UserFactory, login

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
MY_LEARNING, EXPORT, DELETE = "/learning/", "/learning/export/", "/learning/delete/"


@pytest.fixture
def member(db):
    return UserFactory(username="xiaoming")


@pytest.fixture
def other(db):
    return UserFactory(username="xiaohong")


def browser_for(user) -> Client:
    """A logged-in browser that enforces CSRF; the delete form sets its cookie (and,
    unlike opening a content page, adds nothing to the history)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(DELETE)
    return client


@pytest.fixture
def browser(member):
    return browser_for(member)


def token(client: Client) -> str:
    return client.cookies["csrftoken"].value


def post_events(client: Client, *events: dict) -> None:
    response = client.post(
        "/api/learning/events/",
        json.dumps({"events": list(events)}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token(client),
    )
    assert response.status_code == 200, response.content


def event(page, verb="viewed", value=30, at=None) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "page": page.pk,
        "verb": verb,
        "value": value,
        "at": (at or timezone.now()).isoformat(),
    }


def add_events(member, *rows: tuple) -> None:
    """Stored directly: (page, verb, value, occurred_at), then records rebuilt as the site does."""
    LearningEvent.objects.bulk_create(
        LearningEvent(member=member, page=page, verb=verb, value=value, occurred_at=at)
        for page, verb, value, at in rows
    )
    refresh_records(member.pk, {row[0].pk for row in rows})


def section(html: str, section_id: str) -> str:
    match = re.search(rf'<section id="{section_id}".*?</section>', html, re.S)
    assert match, section_id
    return match.group(0)


def live(model, count: int):
    return list(model.objects.live().order_by("pk")[:count])


class TestSections:
    def test_in_progress_and_completed_most_recent_first_with_links(self, browser, member):
        lecture, played_through = live(MicroLecturePage, 2)
        site = live(RevolutionarySitePage, 1)[0]
        story = live(ExemplarStoryPage, 1)[0]
        now = timezone.now()
        post_events(
            browser,
            event(lecture, "progressed", 0.42, at=now - timedelta(hours=3)),
            event(site, value=20, at=now - timedelta(hours=1)),  # 20 s: not yet studied
            event(story, value=75, at=now - timedelta(days=2)),  # a minute read: studied
            event(played_through, "progressed", 0.95, at=now - timedelta(days=1)),
        )
        html = browser.get(MY_LEARNING).content.decode()

        in_progress = section(html, "in-progress")
        assert in_progress.index(site.title) < in_progress.index(lecture.title)
        assert story.title not in in_progress and played_through.title not in in_progress
        assert "已播放 42%" in in_progress
        assert f'href="{lecture.url}"' in in_progress and f'href="{site.url}"' in in_progress

        completed = section(html, "completed")
        assert completed.index(played_through.title) < completed.index(story.title)
        assert lecture.title not in completed and site.title not in completed
        assert f'href="{story.url}"' in completed
        assert "（2 项）" in in_progress and "（2 项）" in completed

    def test_studied_button_moves_an_item_to_completed(self, browser, member):
        lecture = live(MicroLecturePage, 1)[0]
        post_events(browser, event(lecture, "progressed", 0.3))
        assert lecture.title in section(browser.get(MY_LEARNING).content.decode(), "in-progress")
        browser.post(
            f"/learning/pages/{lecture.pk}/studied/", {"csrfmiddlewaretoken": token(browser)}
        )
        html = browser.get(MY_LEARNING).content.decode()
        assert lecture.title in section(html, "completed")
        assert lecture.title not in section(html, "in-progress")

    def test_unpublished_pages_stay_listed_without_a_dead_link(self, browser, member):
        lecture = live(MicroLecturePage, 1)[0]
        add_events(member, (lecture, "viewed", 10, timezone.now()))
        lecture.unpublish()
        html = section(browser.get(MY_LEARNING).content.decode(), "in-progress")
        assert lecture.title in html and "已下线" in html
        assert "<a href" not in html

    def test_long_lists_are_cut_with_a_link_to_all(self, browser, member):
        pages = list(ContentPage.objects.live().order_by("pk")[:25])
        add_events(member, *[(page, "viewed", 5, timezone.now()) for page in pages])
        html = browser.get(MY_LEARNING).content.decode()
        assert section(html, "in-progress").count('class="learning-item"') == 20
        assert "显示全部 25 项" in html
        everything = browser.get(MY_LEARNING + "?all=1").content.decode()
        assert section(everything, "in-progress").count('class="learning-item"') == 25

    def test_empty_history(self, browser):
        html = browser.get(MY_LEARNING).content.decode()
        assert "还没有正在学习的内容" in html and "还没有学完的内容" in html
        assert "还没有阅读时长记录" in html
        assert "我们从不做排名" in html  # the privacy notice is always there


class TestTopicTime:
    def test_minutes_per_topic_per_week_match_the_events(self, member, other):
        # A Wednesday noon in Shanghai; its week began on Monday 2026-11-23.
        now = datetime(2026, 11, 25, 12, 0, tzinfo=SHANGHAI)
        mondays = week_starts(now)
        assert len(mondays) == WEEKS_SHOWN and mondays[-1].isoformat() == "2026-11-23"
        assert mondays[0].isoformat() == "2026-10-05"

        lecture, story = live(MicroLecturePage, 1)[0], live(ExemplarStoryPage, 1)[0]
        site = RevolutionarySitePage.objects.live().exclude(topic=lecture.topic).first()
        assert len({lecture.topic, site.topic}) == 2
        at = lambda *args: datetime(*args, tzinfo=SHANGHAI)  # noqa: E731
        add_events(
            member,
            (lecture, "viewed", 120, at(2026, 11, 24, 9, 0)),
            (lecture, "viewed", 90, at(2026, 11, 25, 8, 0)),
            # 00:30 on Monday in Shanghai is still Sunday in UTC: it belongs to this week.
            (lecture, "viewed", 300, at(2026, 11, 23, 0, 30)),
            # 23:30 on Sunday in Shanghai: the week before.
            (lecture, "viewed", 600, at(2026, 11, 22, 23, 30)),
            (site, "viewed", 240, at(2026, 10, 5, 0, 0)),  # first moment of the first week
            (site, "viewed", 999, at(2026, 10, 4, 23, 59)),  # before the window
            (site, "progressed", 0.5, at(2026, 11, 24, 9, 0)),  # not reading time
            (site, "completed", None, at(2026, 11, 24, 9, 0)),
        )
        add_events(other, (story, "viewed", 3000, at(2026, 11, 24, 9, 0)))

        result = topic_time(member, now=now)
        by_topic = {row.topic: row.seconds_by_week for row in result.rows}
        assert set(by_topic) == {lecture.topic, site.topic}
        assert by_topic[lecture.topic] == [0, 0, 0, 0, 0, 0, 600, 120 + 90 + 300]
        assert by_topic[site.topic] == [240, 0, 0, 0, 0, 0, 0, 0]
        assert [row.topic for row in result.rows] == [lecture.topic, site.topic]  # most first
        assert result.total_seconds == 600 + 510 + 240
        assert result.rows[0].week_labels[-2:] == ["10", "9"]  # 600 s and 510 s in minutes

    def test_page_shows_the_table_and_bars(self, browser, member):
        lecture = live(MicroLecturePage, 1)[0]
        site = RevolutionarySitePage.objects.live().exclude(topic=lecture.topic).first()
        post_events(browser, event(lecture, value=1800), event(site, value=600))
        html = section(browser.get(MY_LEARNING).content.decode(), "topic-time")
        assert "<table" in html and "<caption" in html and 'scope="row"' in html
        rows = re.findall(r'<th scope="row">(.*?)</th>(.*?)</tr>', html, re.S)
        cells = {topic: re.findall(r"<td>(.*?)</td>", rest) for topic, rest in rows}
        assert cells[lecture.topic][-2:] == ["30", "30"]  # this week, and the total
        assert cells[site.topic][-2:] == ["10", "10"]
        assert cells["合计"][-1] == "40"
        assert '<rect class="topic-bars__bar" width="100"' in html
        assert 'width="33"' in html


class TestExport:
    def test_export_has_exactly_the_members_own_history(self, browser, member, other):
        MemberProfileFactory(
            user=member, display_name="小明", student_number="2026001", branch=None
        )
        lecture, story = live(MicroLecturePage, 1)[0], live(ExemplarStoryPage, 1)[0]
        post_events(browser, event(lecture, "progressed", 0.5), event(story, value=80))
        Dismissal.objects.create(member=member, page=lecture)
        add_events(other, (lecture, "viewed", 999, timezone.now()))
        Dismissal.objects.create(member=other, page=story)

        response = browser.get(EXPORT)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json; charset=utf-8"
        today = timezone.localtime(timezone.now(), SHANGHAI).date().isoformat()
        assert response["Content-Disposition"] == (
            f'attachment; filename="hongke-learning-xiaoming-{today}.json"'
        )
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
        assert story.title.encode() in response.content  # ensure_ascii=False: readable Chinese
        data = json.loads(response.content)

        assert data["member"]["username"] == "xiaoming"
        assert data["member"]["display_name"] == "小明"
        mine = LearningEvent.objects.filter(member=member)
        assert {e["id"] for e in data["events"]} == {str(e.client_id) for e in mine}
        assert len(data["events"]) == mine.count() == 2
        assert all(
            set(e) == {"id", "page", "page_title", "verb", "value", "at"} for e in data["events"]
        )
        assert {(e["page"], e["verb"], e["value"]) for e in data["events"]} == {
            (lecture.pk, "progressed", 0.5),
            (story.pk, "viewed", 80),
        }
        assert 999 not in {e["value"] for e in data["events"]}
        assert {r["page"] for r in data["records"]} == {lecture.pk, story.pk}
        assert next(r for r in data["records"] if r["page"] == story.pk)["completed_at"]
        assert [d["page"] for d in data["dismissals"]] == [lecture.pk]
        assert data["events"][0]["at"].endswith("+08:00")

    def test_unicode_usernames_get_a_safe_filename(self, db):
        user = UserFactory(username="小红")
        response = browser_for(user).get(EXPORT)
        assert "filename*=utf-8''hongke-learning-" in response["Content-Disposition"]
        assert json.loads(response.content)["events"] == []


class TestDelete:
    def test_get_asks_and_deletes_nothing(self, browser, member):
        add_events(member, (live(MicroLecturePage, 1)[0], "viewed", 30, timezone.now()))
        response = browser.get(DELETE)
        html = response.content.decode()
        assert response.status_code == 200
        assert "无法恢复" in html and "未开始" in html  # assignments will show as not done
        assert 'name="confirm"' in html and "csrfmiddlewaretoken" in html
        assert LearningEvent.objects.filter(member=member).count() == 1

    def test_post_without_confirmation_deletes_nothing(self, browser, member):
        add_events(member, (live(MicroLecturePage, 1)[0], "viewed", 30, timezone.now()))
        response = browser.post(DELETE, {"csrfmiddlewaretoken": token(browser)})
        assert response.status_code == 200
        assert "请先勾选确认" in response.content.decode()
        assert LearningEvent.objects.filter(member=member).count() == 1
        assert LearningRecord.objects.filter(member=member).count() == 1

    def test_post_without_csrf_token_is_refused(self, browser, member):
        add_events(member, (live(MicroLecturePage, 1)[0], "viewed", 30, timezone.now()))
        response = browser.post(DELETE, {"confirm": "on"})
        assert response.status_code == 403
        assert LearningEvent.objects.filter(member=member).count() == 1

    def test_confirmed_post_deletes_only_the_members_history(self, browser, member, other):
        lecture, story = live(MicroLecturePage, 1)[0], live(ExemplarStoryPage, 1)[0]
        now = timezone.now()
        for person in (member, other):
            add_events(person, (lecture, "viewed", 70, now), (story, "completed", None, now))
            Dismissal.objects.create(member=person, page=story)

        response = browser.post(DELETE, {"csrfmiddlewaretoken": token(browser), "confirm": "on"})
        assert response.status_code == 302 and response["Location"] == MY_LEARNING
        for model in (LearningEvent, LearningRecord, Dismissal):
            assert not model.objects.filter(member=member).exists()
            assert model.objects.filter(member=other).exists()
        assert LearningEvent.objects.filter(member=other).count() == 2
        assert LearningRecord.objects.filter(member=other).count() == 2

        html = browser.get(MY_LEARNING).content.decode()
        assert "学习记录已全部删除" in html
        assert "还没有正在学习的内容" in html and "还没有学完的内容" in html
        assert get_user_model().objects.filter(pk=member.pk).exists()
        assert Client().login(username="xiaoming", password="pw-xiaoming")


class TestPrivacy:
    @pytest.mark.parametrize("url", [MY_LEARNING, EXPORT, DELETE])
    def test_anonymous_visitors_are_sent_to_log_in(self, client, url):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{settings.LOGIN_URL}?next={quote(url)}"

    def test_anonymous_post_to_delete_is_sent_to_log_in(self, member):
        add_events(member, (live(MicroLecturePage, 1)[0], "viewed", 30, timezone.now()))
        response = Client().post(DELETE, {"confirm": "on"})
        assert response.status_code == 302
        assert response["Location"].startswith(settings.LOGIN_URL)
        assert LearningEvent.objects.filter(member=member).exists()

    def test_no_member_sees_anothers_history(self, browser, member, other):
        lecture, story = live(MicroLecturePage, 1)[0], live(ExemplarStoryPage, 1)[0]
        post_events(browser, event(lecture, "progressed", 0.5), event(story, value=90))
        Dismissal.objects.create(member=member, page=lecture)
        theirs = browser_for(other)
        suffixes = ["", f"?member={member.pk}", f"?user={member.pk}", f"?username={member}"]
        for suffix in suffixes:
            html = theirs.get(MY_LEARNING + suffix).content.decode()
            assert lecture.title not in html and story.title not in html
            data = json.loads(theirs.get(EXPORT + suffix).content)
            assert data["member"]["username"] == "xiaohong"
            assert data["events"] == data["records"] == data["dismissals"] == []
            assert "你目前没有任何学习记录" in theirs.get(DELETE + suffix).content.decode()
        theirs.post(DELETE, {"csrfmiddlewaretoken": token(theirs), "confirm": "on"})
        assert LearningEvent.objects.filter(member=member).count() == 2
        assert Dismissal.objects.filter(member=member).count() == 1
        assert theirs.get(f"/learning/{member.pk}/").status_code == 404


class TestQueryBudget:
    def history_on(self, member, pages):
        now = timezone.now()
        rows = []
        for index, page in enumerate(pages):
            at = now - timedelta(days=index % 50, hours=index)
            rows += [(page, "viewed", 45 + index, at), (page, "progressed", 0.3, at)]
            if index % 3 == 0:
                rows.append((page, "completed", None, at))
        add_events(member, *rows)

    def test_page_renders_in_a_fixed_number_of_queries(
        self, member, other, django_assert_max_num_queries
    ):
        pages = list(ContentPage.objects.live().order_by("pk"))
        assert len(pages) >= 30
        self.history_on(member, pages)
        self.history_on(other, pages[:3])
        counts = {}
        for user, show in ((member, ""), (member, "?all=1"), (other, "")):
            client = login(user)
            client.get(MY_LEARNING + show)  # warm-up: content types, site root paths, menu
            with django_assert_max_num_queries(15) as captured:
                response = client.get(MY_LEARNING + show)
            assert response.status_code == 200
            counts[(user.username, show)] = len(captured)
        big, small = counts[("xiaoming", "")], counts[("xiaohong", "")]
        assert big == small == counts[("xiaoming", "?all=1")]  # history size does not matter
        html = response.content.decode()
        assert html.count('class="learning-item"') == 3

    def test_export_and_delete_do_not_grow_with_history(
        self, member, django_assert_max_num_queries
    ):
        self.history_on(member, list(ContentPage.objects.live().order_by("pk")))
        client = browser_for(member)
        # 12: self-check answers, reflections and meeting attendance are one query each;
        # the profile query also reads the 为你推荐 switch.
        with django_assert_max_num_queries(12):
            assert len(json.loads(client.get(EXPORT).content)["records"]) >= 30
        with django_assert_max_num_queries(15):
            client.post(DELETE, {"csrfmiddlewaretoken": token(client), "confirm": "on"})
        assert not LearningEvent.objects.filter(member=member).exists()
