"""Registering for forum events: places, the waiting list, closing time, cancelling, my events."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from events.models import (
    ForumEventPage,
    Registration,
    RegistrationAction,
    RegistrationStatus,
)
from learning.models import LearningEvent, LearningRecord, Verb
from tests.factories import ForumEventPageFactory, MicroLecturePageFactory, login, make_member

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def register(member, event):
    return login(member).post(event.url + "register/", follow=True)


def cancel(member, event):
    return login(member).post(event.url + "cancel/", follow=True)


def statuses(event) -> dict[str, str]:
    return dict(Registration.objects.filter(event=event).values_list("member__username", "status"))


def registered_events(member, event) -> int:
    return LearningEvent.objects.filter(member=member, page=event, verb=Verb.REGISTERED).count()


def test_register_confirms_a_place_and_records_it_in_learning_history():
    event = ForumEventPageFactory(capacity=5)
    member = make_member("reader", email="reader@example.edu.cn")
    response = register(member, event)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].endswith("#registration")
    assert messages_of(response) == ["报名成功。"]
    text = response.content.decode()
    assert "你已报名" in text
    # The redirect lands on #registration: the message is shown there, not above the fold.
    assert text.count("报名成功。") == 1
    assert text.index('id="registration"') < text.index("报名成功。")
    assert statuses(event) == {"reader": RegistrationStatus.CONFIRMED}
    assert registered_events(member, event) == 1
    # The server wrote it; the record shows the event as started, not done.
    record = LearningRecord.objects.get(member=member, page=event)
    assert record.completed_at is None
    history = Registration.objects.get(event=event).changes.values_list("action", flat=True)
    assert list(history) == [RegistrationAction.REGISTERED]


def test_full_event_puts_members_on_the_waiting_list_and_promotes_in_order(
    django_capture_on_commit_callbacks,
):
    event = ForumEventPageFactory(capacity=2)
    first, second, *waiting = [
        make_member(name, email=f"{name}@example.edu.cn") for name in ("a", "b", "c", "d", "e")
    ]
    register(first, event)
    register(second, event)
    responses = [register(member, event) for member in waiting]
    assert [messages_of(r) for r in responses] == [
        [f"名额已满，你已进入候补名单（第 {n} 位），有人取消时会按顺序递补。"] for n in (1, 2, 3)
    ]
    page = login(waiting[1]).get(event.url).content.decode()
    assert "你在候补名单第 2 位" in page
    assert statuses(event) == {
        "a": "confirmed",
        "b": "confirmed",
        "c": "waiting",
        "d": "waiting",
        "e": "waiting",
    }
    # Waiting is not registering: no learning event until a place is confirmed.
    assert registered_events(waiting[0], event) == 0

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = cancel(first, event)
    assert messages_of(response) == ["已取消报名。"]
    assert statuses(event) == {
        "a": "cancelled",
        "b": "confirmed",
        "c": "confirmed",
        "d": "waiting",
        "e": "waiting",
    }
    assert registered_events(waiting[0], event) == 1
    assert [message.to for message in mail.outbox] == [["c@example.edu.cn"]]
    assert "候补转正" in mail.outbox[0].subject

    # Leaving the waiting list frees no place; the order of the rest is kept.
    cancel(waiting[1], event)
    cancel(second, event)
    assert statuses(event) == {
        "a": "cancelled",
        "b": "cancelled",
        "c": "confirmed",
        "d": "cancelled",
        "e": "confirmed",
    }
    promoted = Registration.objects.get(event=event, member=waiting[2])
    actions = list(promoted.changes.values_list("action", "by"))
    assert actions == [
        (RegistrationAction.WAITLISTED, waiting[2].pk),
        (RegistrationAction.PROMOTED, None),
    ]


def test_registering_again_after_cancelling_joins_the_end_of_the_line():
    event = ForumEventPageFactory(capacity=1)
    a, b, c = make_member("a"), make_member("b"), make_member("c")
    register(a, event)
    register(b, event)
    cancel(b, event)
    register(c, event)
    register(b, event)
    cancel(a, event)
    assert statuses(event) == {"a": "cancelled", "b": "waiting", "c": "confirmed"}
    # One row per member and event, its history kept.
    registration = Registration.objects.get(event=event, member=b)
    assert list(registration.changes.values_list("action", flat=True)) == [
        "waitlisted",
        "cancelled",
        "waitlisted",
    ]


def test_a_cancellation_is_not_a_learning_event():
    event = ForumEventPageFactory(capacity=3)
    member = make_member("m")
    register(member, event)
    cancel(member, event)
    verbs = set(LearningEvent.objects.filter(member=member).values_list("verb", flat=True))
    assert verbs <= {Verb.VIEWED, Verb.REGISTERED}


def test_unlimited_capacity_confirms_everyone():
    event = ForumEventPageFactory(capacity=None)
    members = [make_member(f"u{n}") for n in range(25)]
    for member in members:
        register(member, event)
    assert set(statuses(event).values()) == {"confirmed"}
    page = Client().get(event.url).content.decode()
    assert "不限名额，已有 25 人报名" in page


def test_double_registration_is_refused_politely():
    event = ForumEventPageFactory(capacity=1)
    member, other = make_member("m"), make_member("o")
    register(member, event)
    response = register(member, event)
    assert messages_of(response) == ["你已经报名了这个活动，不用重复报名。"]
    register(other, event)
    response = register(other, event)
    assert messages_of(response) == ["你已经在候补名单中（第 1 位），不用重复报名。"]
    assert Registration.objects.filter(event=event).count() == 2
    assert registered_events(member, event) == 1


def test_registration_closes_at_the_time_the_editor_set():
    event = ForumEventPageFactory(
        starts_in=timedelta(days=2), registration_closes_at=timezone.now() - timedelta(minutes=1)
    )
    member = make_member("late")
    response = register(member, event)
    assert messages_of(response) == ["报名已经截止。"]
    assert not Registration.objects.filter(event=event).exists()
    page = login(member).get(event.url).content.decode()
    assert "报名已经截止" in page
    assert 'action="' + event.url + 'register/"' not in page


def test_registration_closes_at_the_start_by_default():
    event = ForumEventPageFactory(starts_in=timedelta(hours=1))
    assert event.registration_deadline == event.starts_at
    ForumEventPage.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - timedelta(minutes=5)
    )
    response = register(make_member("m"), event)
    assert messages_of(response) == ["活动已经开始或结束，不能再报名。"]
    assert not Registration.objects.filter(event=event).exists()


def test_past_event_refuses_registration_and_shows_recording_and_materials():
    recording = MicroLecturePageFactory(title="论坛回放")
    event = ForumEventPageFactory(
        starts_in=-timedelta(days=3),
        recording=recording,
        materials=[
            {"type": "link", "value": {"title": "论坛讲稿", "url": "https://example.edu.cn/slides"}}
        ],
    )
    member = make_member("m")
    response = register(member, event)
    assert messages_of(response) == ["活动已经开始或结束，不能再报名。"]
    assert not Registration.objects.filter(event=event).exists()
    page = login(member).get(event.url).content.decode()
    assert "活动回顾" in page
    assert f'href="{recording.url}"' in page
    assert "论坛讲稿" in page
    assert "报名参加" not in page and "加入候补名单" not in page


def test_cancelling_after_the_start_is_refused():
    event = ForumEventPageFactory(capacity=2)
    member = make_member("m")
    register(member, event)
    ForumEventPage.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - timedelta(minutes=1)
    )
    response = cancel(member, event)
    assert messages_of(response) == ["活动已经开始，不能再取消报名。"]
    assert statuses(event) == {"m": "confirmed"}


def test_cancelling_without_a_registration_changes_nothing():
    event = ForumEventPageFactory()
    response = cancel(make_member("m"), event)
    assert messages_of(response) == ["你没有报名这个活动。"]
    assert not Registration.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in():
    event = ForumEventPageFactory()
    client = Client()
    page = client.get(event.url).content.decode()
    assert "登录后报名" in page
    assert f"/login/?next={event.url}" in page.replace("%2F", "/")
    for action in ("register/", "cancel/", "check-in/code/"):
        response = client.post(event.url + action)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")
    assert client.get("/learning/events/")["Location"].startswith("/login/")
    assert not Registration.objects.exists()


def test_registering_takes_a_post():
    event = ForumEventPageFactory()
    client = login(make_member("m"))
    assert client.get(event.url + "register/").status_code == 405
    assert client.get(event.url + "cancel/").status_code == 405
    assert not Registration.objects.exists()


def test_unknown_or_unpublished_event_is_not_found():
    member = make_member("m")
    client = login(member)
    event = ForumEventPageFactory()
    assert client.post("/events/no-such-forum/register/").status_code == 404
    assert client.post(event.url + "no-such-action/").status_code == 404
    event.unpublish()
    assert client.post(event.url + "register/").status_code == 404
    assert client.get(event.url + "ics/").status_code == 404
    assert not Registration.objects.exists()


def test_online_link_is_shown_to_confirmed_members_only():
    link = "https://meeting.example.edu.cn/room/42"
    event = ForumEventPageFactory(capacity=1, online_url=link, venue="")
    first, second = make_member("first"), make_member("second")
    assert link not in Client().get(event.url).content.decode()
    register(first, event)
    register(second, event)
    assert link in login(first).get(event.url).content.decode()
    assert link not in login(second).get(event.url).content.decode()
    # Not in the public API either.
    api = Client().get(f"/api/v2/pages/{event.pk}/").json()
    assert "online_url" not in api and link not in str(api)


def test_a_larger_capacity_published_by_an_editor_moves_the_waiting_list_up():
    event = ForumEventPageFactory(capacity=1)
    members = [make_member(name) for name in ("a", "b", "c")]
    for member in members:
        register(member, event)
    event.capacity = 2
    event.save_revision().publish()
    assert statuses(event) == {"a": "confirmed", "b": "confirmed", "c": "waiting"}
    assert registered_events(members[1], event) == 1


def test_my_events_lists_upcoming_registrations_soonest_first():
    member = make_member("m")
    later = ForumEventPageFactory(
        slug="later", title="后面的论坛", starts_in=timedelta(days=9), capacity=5
    )
    sooner = ForumEventPageFactory(
        slug="sooner", title="最近的论坛", starts_in=timedelta(days=1), capacity=None
    )
    full = ForumEventPageFactory(
        slug="full", title="满员的论坛", starts_in=timedelta(days=4), capacity=1
    )
    dropped = ForumEventPageFactory(
        slug="dropped", title="取消了的论坛", starts_in=timedelta(days=2)
    )
    register(make_member("other"), full)
    for event in (later, sooner, full, dropped):
        register(member, event)
    cancel(member, dropped)
    page = login(member).get("/learning/events/").content.decode()
    assert page.index("最近的论坛") < page.index("满员的论坛") < page.index("后面的论坛")
    assert "取消了的论坛" not in page
    assert "候补中" in page
    assert page.count("ics/") == 3


def test_the_event_page_keeps_a_bounded_number_of_queries(django_assert_max_num_queries):
    event = ForumEventPageFactory(capacity=10)
    members = [make_member(f"q{n}") for n in range(15)]
    for member in members:
        register(member, event)
    client = login(members[-1])
    client.get(event.url)  # warm caches (site root, menu)
    # 31: one more than before the member's 对你有帮助吗 vote was read (one query, any size).
    with django_assert_max_num_queries(31):
        response = client.get(event.url)
    assert "你在候补名单第 5 位" in response.content.decode()


def test_studied_button_is_not_offered_for_events():
    event = ForumEventPageFactory()
    member = make_member("m")
    client = login(member)
    assert "学完了" not in client.get(event.url).content.decode()
    response = client.post(f"/learning/pages/{event.pk}/studied/", follow=True)
    assert "活动以现场签到为准" in " ".join(messages_of(response))
    assert not LearningRecord.objects.filter(
        member=member, page=event, completed_at__isnull=False
    ).exists()


def test_members_export_includes_their_registrations_and_nobody_elses():
    event = ForumEventPageFactory(capacity=1)
    member, other = make_member("m"), make_member("o")
    register(other, event)
    register(member, event)
    cancel(member, event)
    data = login(member).get("/learning/export/").json()
    [entry] = data["event_registrations"]
    assert entry["event"] == event.pk and entry["status"] == "cancelled"
    assert [change["action"] for change in entry["history"]] == ["waitlisted", "cancelled"]


def test_registration_cannot_close_after_the_start():
    from django.core.exceptions import ValidationError

    event = ForumEventPageFactory()
    event.registration_closes_at = event.starts_at + timedelta(minutes=30)
    with pytest.raises(ValidationError) as refused:
        event.full_clean()
    assert refused.value.message_dict["registration_closes_at"] == [
        "报名截止时间不能晚于活动开始。"
    ]
    # Even if such a time reached the database, nobody could register once it started.
    assert event.registration_deadline == event.starts_at
