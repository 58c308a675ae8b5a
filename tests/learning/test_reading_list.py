"""为你推荐: a member's reading list follows their history and never breaks its rules.

Histories are real rows: learning events summarised by ``refresh_records`` (or posted
through the events endpoint), on the demo catalogue. The ranking and its scorers on plain
data, without a database, are in ``test_ranking.py``.
"""

import json
import re
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from django.utils.crypto import get_random_string
from wagtail.models import Page

from events.models import ForumEventPage
from home.kinds import CompletionPolicy
from home.models import ContentPage, HomePageFeaturedItem
from learning.models import Dismissal, LearningEvent, LearningRecord, Verb
from learning.reading_list.items import reading_list
from learning.reading_list.queries import BRANCH_MIN_MEMBERS
from learning.reading_list.ranking import TOPIC_CAP
from learning.records import refresh_records
from tests.factories import BranchFactory, login, make_member

pytestmark = pytest.mark.django_db

PAGE_URL = "/learning/for-you/"
FORM_URL = "/learning/for-you/dismiss/"
API_URL = "/api/learning/reading-list/"
DISMISS_URL = "/api/learning/reading-list/dismiss/"
RESTORE_FORM_URL = "/learning/for-you/restore/"
RESTORE_URL = "/api/learning/reading-list/restore/"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
EXPLORE = "拓展视野"


# --- Building histories -------------------------------------------------------------------


def study(member, pages, verb: str = "viewed", value: float | None = 120, days_ago: float = 1):
    """Events on pages (ids or pages) ``days_ago``, then the records, as the endpoint does."""
    ids = [getattr(page, "pk", page) for page in pages]
    at = timezone.now() - timedelta(days=days_ago)
    LearningEvent.objects.bulk_create(
        LearningEvent(member=member, page_id=pk, verb=verb, value=value, occurred_at=at)
        for pk in ids
    )
    refresh_records(member.pk, ids)


def complete(member, pages, days_ago: float = 1):
    """Each page done the way its policy asks: 学完了 on content; an all-right self-check on
    自测全对 pages and a reflection on 提交心得 pages (events the server writes); for events,
    being checked in (the only way an event is done)."""
    ids = [getattr(page, "pk", page) for page in pages]
    events = set(ForumEventPage.objects.filter(pk__in=ids).values_list("pk", flat=True))
    policies = dict(ContentPage.objects.filter(pk__in=ids).values_list("pk", "completion_policy"))
    ways = {
        CompletionPolicy.VIEW: (Verb.COMPLETED, None),
        CompletionPolicy.QUIZ: (Verb.ANSWERED, 1),
        CompletionPolicy.REFLECTION: (Verb.REFLECTED, None),
    }
    for policy, (verb, value) in ways.items():
        chosen = [pk for pk in ids if pk not in events and policies.get(pk) == policy]
        study(member, chosen, verb=verb, value=value, days_ago=days_ago)
    study(member, list(events), verb=Verb.ATTENDED, value=None, days_ago=days_ago)


def visible():
    return ContentPage.objects.visible()


def topic_pages(topic: str) -> list[ContentPage]:
    return list(visible().filter(topic=topic).order_by("pk"))


def touched_topics(member) -> set[str]:
    """Topics of every page the member has any event on."""
    page_ids = LearningEvent.objects.filter(member=member).values("page_id")
    return set(ContentPage.objects.filter(pk__in=page_ids).values_list("topic", flat=True))


def logged_in(member) -> Client:
    """A browser that enforces CSRF like a real one; the list page sets the cookie."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.get(PAGE_URL).status_code == 200
    return client


def api_client(member) -> Client:
    """A logged-in script that sends its CSRF token like the site's JavaScript would."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    client.cookies[settings.CSRF_COOKIE_NAME] = get_random_string(32)
    return client


def post_dismiss(client, body, raw: str | None = None, url: str = DISMISS_URL):
    return client.post(
        url,
        raw if raw is not None else json.dumps(body),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=client.cookies[settings.CSRF_COOKIE_NAME].value,
    )


def assert_rules(member, items, limit: int = 10) -> None:
    """The rules that hold for every list, whatever the history."""
    now = timezone.now()
    ids = [item.page.pk for item in items]
    assert len(ids) == len(set(ids)) <= limit
    completed = set(
        LearningRecord.objects.filter(member=member, completed_at__isnull=False).values_list(
            "page_id", flat=True
        )
    )
    dismissed = set(Dismissal.objects.filter(member=member).values_list("page_id", flat=True))
    assert not completed & set(ids)
    assert not dismissed & set(ids)
    assert not ForumEventPage.objects.filter(pk__in=ids, starts_at__lte=now).exists()
    assert set(visible().filter(pk__in=ids).values_list("pk", flat=True)) == set(ids)
    assert max(Counter(item.page.topic for item in items).values(), default=0) <= TOPIC_CAP
    for item in items:
        assert item.reason and CHINESE.search(item.reason), item


@pytest.fixture
def branch(db):
    return BranchFactory(name="计算机学院学生第一党支部")


@pytest.fixture
def member(branch):
    return make_member("xiaohong", branch=branch)


@pytest.fixture
def long_history(member, branch):
    """A realistic member: two dozen records over a month, some finished, some not;
    branch-mates and other members with their own histories."""
    pages = list(visible().exclude(forumeventpage__isnull=False).order_by("pk"))
    for number, page in enumerate(pages[:24]):
        if number % 3 == 0:
            complete(member, [page], days_ago=number + 1)
        else:
            study(member, [page], value=30 + number * 10, days_ago=number + 1)
    for number in range(6):
        mate = make_member(f"mate{number}", branch=branch)
        study(mate, pages[number : number + 12], days_ago=2)
        complete(mate, pages[20 + number : 24 + number], days_ago=1)
    return member


# --- The rules --------------------------------------------------------------------------


def test_never_completed_dismissed_or_started_events(member):
    march = topic_pages("长征精神")  # a lecture, two sites and an upcoming event
    event = next(page for page in march if page.content_kind == "event")
    # The event the member is interested in has just started: it must not be suggested.
    ForumEventPage.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - timedelta(minutes=30), ends_at=None
    )
    study(member, march, value=300)
    lecture, site = march[0], march[1]
    complete(member, [lecture])
    Dismissal.objects.create(member=member, page=site)

    items = reading_list(member)
    ids = {item.page.pk for item in items}
    assert_rules(member, items)
    assert lecture.pk not in ids and site.pk not in ids and event.pk not in ids
    assert len(items) == 10


def test_topic_cap_holds_when_history_is_one_topic(member):
    red_boat = topic_pages("红船精神")
    study(member, red_boat[:3], value=600)
    complete(member, red_boat[3:])
    items = reading_list(member)
    assert_rules(member, items)
    topics = Counter(item.page.topic for item in items)
    assert max(topics.values()) <= TOPIC_CAP
    assert len(topics) >= 4  # the rest comes from other topics


def test_one_exploration_item_from_an_untouched_topic(member):
    study(member, topic_pages("长征精神")[:2] + topic_pages("苏区精神")[:2], value=300)
    complete(member, topic_pages("科技报国")[:1])
    items = reading_list(member)
    assert_rules(member, items)
    exploring = [item for item in items if item.reason == EXPLORE]
    assert len(exploring) == 1
    assert exploring[0].page.topic not in touched_topics(member)
    assert items.index(exploring[0]) == 3  # within the home page's first four


def test_no_exploration_label_when_every_topic_was_touched(member):
    for topic in set(visible().values_list("topic", flat=True)):
        study(member, topic_pages(topic)[:1], value=5, days_ago=20)
    items = reading_list(member)
    assert_rules(member, items)
    assert items and all(item.reason != EXPLORE for item in items)


def test_started_not_finished_is_continued(member):
    client = login(member)
    lecture = topic_pages("延安精神")[0]
    event = {
        "id": str(uuid.uuid4()),
        "page": lecture.pk,
        "verb": "progressed",
        "value": 0.4,
        "at": timezone.now().isoformat(),
    }
    response = client.post(
        "/api/learning/events/", json.dumps({"events": [event]}), content_type="application/json"
    )
    assert response.status_code == 200
    items = reading_list(member)
    assert_rules(member, items)
    assert {item.page.pk: item.reason for item in items}[lecture.pk] == "继续学习"


def test_reasons_follow_from_the_history(long_history):
    items = reading_list(long_history)
    assert_rules(long_history, items)
    assert len(items) == 10
    studied = {
        title: completed is not None
        for title, completed in LearningRecord.objects.filter(member=long_history).values_list(
            "page__title", "completed_at"
        )
    }
    for item in items:
        named = re.fullmatch(r"因为你学习了《(.+)》", item.reason)
        if named:
            assert named.group(1) in studied
        if item.reason == "继续学习":
            assert item.page.title in studied and not studied[item.page.title]
        followed = re.fullmatch(r"与你关注的「(.+)」相关", item.reason)
        if followed:
            assert followed.group(1) in {tag.name for tag in item.page.tags.all()}


def test_members_who_studied_a_also_studied_b(member):
    first, then = topic_pages("井冈山精神")[0], topic_pages("乡村振兴")[0]
    weak = topic_pages("乡村振兴")[1]  # so 乡村振兴 is touched: B is not the exploration item
    for number in range(3):
        other = make_member(f"classmate{number}", branch=None)
        study(other, [first], days_ago=5)
        study(other, [then], days_ago=3)
    study(member, [first], value=600, days_ago=1)
    study(member, [weak], value=0, days_ago=40)

    items = reading_list(member)
    assert_rules(member, items)
    reasons = {item.page.pk: item.reason for item in items}
    assert reasons[then.pk] == f"因为你学习了《{first.title}》"


def test_a_pair_seen_once_points_at_nobody(member):
    first, then = topic_pages("井冈山精神")[0], topic_pages("乡村振兴")[0]
    weak = topic_pages("乡村振兴")[1]
    other = make_member("only-one", branch=None)
    study(other, [first, then], days_ago=3)
    study(member, [first], value=600, days_ago=1)
    study(member, [weak], value=0, days_ago=40)
    reasons = {item.page.pk: item.reason for item in reading_list(member)}
    assert not reasons.get(then.pk, "").startswith("因为你学习了")


def test_a_page_unpublished_behind_the_catalogues_back_is_never_shown(member):
    study(member, topic_pages("红岩精神")[:1], value=100)
    before = reading_list(member)  # builds the shared catalogue
    gone = before[1].page
    # No publishing signal: the catalogue still lists the page, the final check does not.
    Page.objects.filter(pk=gone.pk).update(live=False)
    after = reading_list(member)
    assert_rules(member, after)
    assert gone.pk not in {item.page.pk for item in after}
    assert len(after) == 10


def test_fewer_items_rather_than_a_broken_rule(member):
    keep = topic_pages("红船精神") + topic_pages("长征精神")
    Page.objects.filter(pk__in=visible().exclude(pk__in=[p.pk for p in keep])).update(live=False)
    study(member, keep[:1], value=100)
    items = reading_list(member)
    assert_rules(member, items)
    assert len(items) == 2 * TOPIC_CAP  # eight pages, two topics: six fit the rules


def test_nearly_everything_completed_leaves_a_short_list(member):
    left = [topic_pages("长征精神")[0], topic_pages("红船精神")[0]]
    complete(member, visible().exclude(pk__in=[page.pk for page in left]))
    items = reading_list(member)
    assert_rules(member, items)
    assert {item.page.pk for item in items} == {page.pk for page in left}


# --- Cold start ---------------------------------------------------------------------------


def test_cold_start_offers_featured_and_new_items_under_the_cap(member):
    items = reading_list(member)
    assert items.cold_start
    assert len(items) == 10
    assert_rules(member, items)
    reasons = Counter(item.reason for item in items)
    assert set(reasons) <= {"编辑推荐", "新上线"}
    featured = set(HomePageFeaturedItem.objects.values_list("page_id", flat=True))
    assert featured & {item.page.pk for item in items}
    assert EXPLORE not in reasons  # with no history there is nothing to widen (documented)


def test_cold_start_shows_what_the_branch_studies_without_naming_anyone(member, branch):
    favourite = topic_pages("西柏坡精神")[0]
    lonely = topic_pages("青年担当")[0]
    for number in range(BRANCH_MIN_MEMBERS):
        study(make_member(f"mate{number}", branch=branch), [favourite], days_ago=1)
    # One member alone would be recognisable: their page is not a branch favourite.
    study(make_member("alone", branch=branch), [lonely], days_ago=1)
    study(make_member("elsewhere", branch=None), [lonely], days_ago=1)

    items = reading_list(member)
    assert_rules(member, items)
    reasons = {item.page.pk: item.reason for item in items}
    assert reasons[favourite.pk] == "本支部同学在学"
    assert reasons.get(lonely.pk) != "本支部同学在学"
    html = logged_in(member).get(PAGE_URL).content.decode()
    assert "本支部同学在学" in html
    assert "mate0" not in html and "alone" not in html


@pytest.mark.parametrize(("others", "shown"), [(4, False), (5, True)])
def test_branch_reason_needs_five_other_members(member, branch, others, shown):
    page = topic_pages("西柏坡精神")[0]
    for number in range(others):
        study(make_member(f"mate{number}", branch=branch), [page], days_ago=1)
    study(make_member("elsewhere", branch=None), [page], days_ago=1)  # another branch
    reasons = {item.reason for item in reading_list(member)}
    assert ("本支部同学在学" in reasons) is shown


# --- Dismissing -----------------------------------------------------------------------------


def test_dismiss_through_the_api_is_idempotent_and_sticks(member):
    client = api_client(member)
    first = reading_list(member)[0].page
    for _attempt in range(2):
        response = post_dismiss(client, {"page": first.pk})
        assert response.status_code == 200
        assert response.json() == {"dismissed": first.pk}
    assert Dismissal.objects.filter(member=member, page=first).count() == 1
    listed = [item["page"] for item in client.get(API_URL).json()["items"]]
    assert first.pk not in listed
    other = make_member("someone-else", branch=None)
    assert first.pk in {item.page.pk for item in reading_list(other)}  # per member


def test_dismiss_button_works_without_javascript(member):
    client = logged_in(member)
    html = client.get(PAGE_URL).content.decode()
    first = reading_list(member)[0].page
    assert f'aria-label="不感兴趣：《{first.title}》"' in html
    response = client.post(
        FORM_URL,
        {"page": first.pk, "csrfmiddlewaretoken": client.cookies[settings.CSRF_COOKIE_NAME].value},
    )
    assert response.status_code == 302 and response["Location"] == PAGE_URL
    page = client.get(PAGE_URL).content.decode()
    assert "已移出推荐" in page
    assert f'aria-label="不感兴趣：《{first.title}》"' not in page
    assert Dismissal.objects.filter(member=member, page=first).exists()


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ("not json", "body"),
        ("[]", "body"),
        ("{}", "body"),
        ('{"page": 5, "extra": 1}', "body"),
        ('{"page": "5"}', "page"),
        ('{"page": true}', "page"),
        ('{"page": 1.5}', "page"),
        ('{"page": 999999}', "page"),
        ("[" * 200_000, "body"),  # RecursionError in the decoder
        ('{"page": ' + "9" * 5000 + "}", "body"),  # int() refuses more than 4300 digits
    ],
)
def test_dismiss_rejects_bad_bodies_and_stores_nothing(member, raw, field):
    client = api_client(member)
    response = post_dismiss(client, None, raw=raw)
    assert response.status_code == 400
    assert response.json()["error"].startswith(f"{field}:")
    assert not Dismissal.objects.exists()


def test_dismiss_form_with_a_bad_page_changes_nothing(member):
    client = logged_in(member)
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    for value in ("abc", "999999", "", "9" * 5000, "9" * 30, "１２"):
        response = client.post(FORM_URL, {"page": value, "csrfmiddlewaretoken": token})
        assert response.status_code == 302
    assert not Dismissal.objects.exists()


def test_dismiss_needs_csrf(member):
    client = api_client(member)
    page = reading_list(member)[0].page
    response = client.post(
        DISMISS_URL, json.dumps({"page": page.pk}), content_type="application/json"
    )
    assert response.status_code == 403
    assert not Dismissal.objects.exists()


# --- Undoing a dismissal ------------------------------------------------------------------


def test_a_member_can_undo_a_dismissal_without_javascript(member):
    client = logged_in(member)
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    first = reading_list(member)[0].page
    client.post(FORM_URL, {"page": first.pk, "csrfmiddlewaretoken": token})
    html = client.get(PAGE_URL).content.decode()
    assert "已标记“不感兴趣”" in html
    assert f'aria-label="恢复推荐：《{first.title}》"' in html
    assert first.pk not in {item.page.pk for item in reading_list(member)}

    response = client.post(RESTORE_FORM_URL, {"page": first.pk, "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"] == PAGE_URL
    html = client.get(PAGE_URL).content.decode()
    assert "已恢复推荐" in html and "已标记“不感兴趣”" not in html
    assert not Dismissal.objects.exists()
    assert first.pk in {item.page.pk for item in reading_list(member)}  # listed again at once


def test_undo_through_the_api(member):
    client = api_client(member)
    first = reading_list(member)[0].page
    post_dismiss(client, {"page": first.pk})
    response = post_dismiss(client, {"page": first.pk}, url=RESTORE_URL)
    assert response.status_code == 200 and response.json() == {"restored": first.pk}
    assert first.pk in [item["page"] for item in client.get(API_URL).json()["items"]]
    response = post_dismiss(client, {"page": first.pk}, url=RESTORE_URL)  # nothing to undo
    assert response.status_code == 404 and response.json()["field"] == "page"


def test_undo_touches_only_the_members_own_dismissals(member):
    other = make_member("someone-else", branch=None)
    page = reading_list(other)[0].page
    Dismissal.objects.create(member=other, page=page)
    client = logged_in(member)
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(RESTORE_FORM_URL, {"page": page.pk, "csrfmiddlewaretoken": token})
    assert response.status_code == 404
    assert post_dismiss(api_client(member), {"page": page.pk}, url=RESTORE_URL).status_code == 404
    assert Dismissal.objects.filter(member=other, page=page).exists()


@pytest.mark.parametrize("value", ["abc", "", "9" * 30, "9" * 5000, "１２", "-3", "0", "1.5"])
def test_undo_form_with_a_bad_page_id_is_a_bad_request(member, value):
    page = reading_list(member)[0].page
    Dismissal.objects.create(member=member, page=page)
    client = logged_in(member)
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(RESTORE_FORM_URL, {"page": value, "csrfmiddlewaretoken": token})
    assert response.status_code == 400
    assert Dismissal.objects.filter(member=member, page=page).exists()


@pytest.mark.parametrize(
    "raw",
    ['{"page": "5"}', '{"page": ' + "9" * 30 + "}", '{"page": -3}', '{"page": 1.5}', "[]", "x"],
)
def test_undo_api_with_a_bad_body_is_a_bad_request(member, raw):
    page = reading_list(member)[0].page
    Dismissal.objects.create(member=member, page=page)
    assert post_dismiss(api_client(member), None, raw=raw, url=RESTORE_URL).status_code == 400
    assert Dismissal.objects.filter(member=member, page=page).exists()


def test_undo_needs_login_and_csrf(member, client):
    page = reading_list(member)[0].page
    Dismissal.objects.create(member=member, page=page)
    response = client.post(RESTORE_FORM_URL, {"page": page.pk})
    assert response.status_code == 302 and response["Location"].startswith(settings.LOGIN_URL)
    assert (
        client.post(
            RESTORE_URL, json.dumps({"page": page.pk}), content_type="application/json"
        ).status_code
        == 403
    )
    script = api_client(member)
    response = script.post(
        RESTORE_URL, json.dumps({"page": page.pk}), content_type="application/json"
    )
    assert response.status_code == 403
    assert Dismissal.objects.filter(member=member, page=page).exists()


# --- Who sees what --------------------------------------------------------------------------


def test_anonymous_visitors_get_nothing(client):
    response = client.get(PAGE_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(settings.LOGIN_URL)
    assert client.get(API_URL).status_code == 403
    assert client.get(API_URL).json()["error"]
    page = visible().first()
    response = client.post(
        DISMISS_URL, json.dumps({"page": page.pk}), content_type="application/json"
    )
    assert response.status_code == 403
    response = client.post(FORM_URL, {"page": page.pk})
    assert response.status_code == 302
    assert response["Location"].startswith(settings.LOGIN_URL)
    assert not Dismissal.objects.exists()


def test_api_serves_only_the_logged_in_members_list(member, long_history):
    other = make_member("classmate", branch=None)
    study(other, topic_pages("抗疫精神") + topic_pages("航天精神"), value=600)
    client = login(other)
    own = client.get(API_URL).json()
    for params in ({"user": member.pk}, {"member": member.pk}, {"user_id": member.pk}):
        assert client.get(API_URL, params).json() == own
    assert [item["page"] for item in own["items"]] == [item.page.pk for item in reading_list(other)]
    assert own != Client().get(API_URL).json()
    client.force_login(member)
    assert client.get(API_URL).json() != own


def test_api_items_have_the_documented_shape(long_history):
    client = login(long_history)
    response = client.get(API_URL)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    items = response.json()["items"]
    assert len(items) == 10
    for item in items:
        assert set(item) == {"page", "title", "url", "kind", "topic", "tags", "reason"}
        page = ContentPage.objects.get(pk=item["page"])
        assert item["title"] == page.title and item["url"] == page.url
        assert item["kind"] in {"lecture", "site", "story", "event"}
        assert item["tags"][0] == item["topic"] == page.topic
        assert set(item["tags"]) == {tag.name for tag in page.tags.all()}


def test_page_explains_the_list(long_history):
    html = logged_in(long_history).get(PAGE_URL).content.decode()
    assert "根据你的学习记录推荐，并留出一条拓展视野" in html
    assert html.count('class="card reading-card"') == 10
    assert html.count("reading-card__badge") == 10
    assert EXPLORE in html


def test_home_page_shows_the_block_to_members_only(client, member, home_page):
    assert 'id="for-you-heading"' not in client.get("/").content.decode()
    client.force_login(member)
    html = client.get("/").content.decode()
    block = html[html.index('id="for-you-heading"') : html.index("查看全部推荐")]
    assert block.count('class="card reading-card"') == 4
    assert block.count("reading-card__badge") == 4
    assert f'href="{PAGE_URL}"' in html


# --- Cost ------------------------------------------------------------------------------------


def test_list_costs_a_fixed_number_of_queries(long_history, client, django_assert_max_num_queries):
    # Cold: the shared catalogue (2), co-study and branch favourites (1 each) are built.
    cache.clear()
    with django_assert_max_num_queries(10):
        assert len(reading_list(long_history)) == 10
    # Warm: restrictions, history, dismissals, branch, pages, cover renditions.
    with django_assert_max_num_queries(6):
        assert len(reading_list(long_history)) == 10
    client.force_login(long_history)
    for url in (PAGE_URL, API_URL, "/"):
        client.get(url)  # first visits create image renditions; count the steady state
    # The page also reads the member's open assignments (one query when there are none)
    # and, in the header, whether they organise a branch.
    for url in (PAGE_URL, API_URL):
        with django_assert_max_num_queries(16, info=url):
            assert client.get(url).status_code == 200
    # Twice the history costs no more queries (its new seeds: one co-study query).
    study(long_history, list(visible().order_by("-pk")[:20]), value=40, days_ago=0)
    with django_assert_max_num_queries(16):
        assert client.get(PAGE_URL).status_code == 200
