"""Checking in at the door: by the organisers' list, and by the code members type in."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from events.models import (
    ForumEventPage,
    Registration,
    RegistrationAction,
    RegistrationStatus,
)
from events.registration import CODE_ATTEMPT_LIMIT
from learning.models import LearningEvent, LearningRecord, Verb
from members.models import Role
from tests.factories import BranchFactory, ForumEventPageFactory, login, make_member

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def organiser():
    return make_member("organiser", role=Role.ORGANISER, name="王书记")


def staffed_by(event, organiser):
    """The event names the organiser's branch as its check-in staff."""
    event.check_in_branches.add(organiser.member_profile.branch)
    event.save()
    return event


@pytest.fixture
def event(organiser):
    """Starts in an hour: check-in is open (it opens two hours before the start)."""
    event = ForumEventPageFactory(starts_in=timedelta(hours=1), capacity=3)
    return staffed_by(event, organiser)


def code_on_desk(event) -> str:
    """The code the desk shows at this moment, read out at the door by its staff."""
    staff = event.check_in_branches.get().members.get(role=Role.ORGANISER).user
    html = login(staff).get(event.url + "check-in/").content.decode()
    return re.search(r"签到码 <strong>([0-9]{6})</strong>", html).group(1)


def registered(event, username, name=None):
    member = make_member(username, name=name)
    login(member).post(event.url + "register/")
    return member


def attended(member, event) -> bool:
    return LearningEvent.objects.filter(member=member, page=event, verb=Verb.ATTENDED).exists()


def test_organiser_finds_a_member_by_name_and_checks_them_in(event, organiser):
    zhang = registered(event, "zhang", "张晓红")
    registered(event, "li", "李明")
    desk = login(organiser)
    page = desk.get(event.url + "check-in/")
    assert page.status_code == 200
    text = page.content.decode()
    assert (
        "张晓红" in text and "李明" in text and re.search(r"签到码 <strong>[0-9]{6}</strong>", text)
    )
    assert "已签到 0 / 报名 2 人" in text

    found = desk.get(event.url + "check-in/", {"q": "晓红"}).content.decode()
    assert "张晓红" in found and "李明" not in found
    assert 'id="site-search-q" type="search" name="q" value=""' in found

    registration = Registration.objects.get(event=event, member=zhang)
    response = desk.post(
        event.url + "check-in/", {"registration": registration.pk, "q": "晓红"}, follow=True
    )
    assert messages_of(response) == ["张晓红 签到成功。"]
    assert response.redirect_chain[-1][0].endswith("check-in/?q=%E6%99%93%E7%BA%A2")
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    assert registration.checked_in_by == organiser
    assert registration.changes.filter(action=RegistrationAction.CHECKED_IN, by=organiser).exists()
    # Attendance reaches the learning history: the event is done for the member.
    assert attended(zhang, event)
    record = LearningRecord.objects.get(member=zhang, page=event)
    assert record.completed_at is not None
    my_learning = login(zhang).get("/learning/").content.decode()
    assert event.title in my_learning

    again = desk.post(event.url + "check-in/", {"registration": registration.pk}, follow=True)
    assert "已经签到过了" in messages_of(again)[0]
    assert LearningEvent.objects.filter(member=zhang, page=event, verb="attended").count() == 1


def test_only_confirmed_registrations_can_be_checked_in(event, organiser):
    for n in range(3):
        registered(event, f"c{n}")
    waiting = registered(event, "waiting", "候补同学")
    registration = Registration.objects.get(event=event, member=waiting)
    assert registration.status == RegistrationStatus.WAITING
    desk = login(organiser)
    assert "候补同学" not in desk.get(event.url + "check-in/").content.decode()
    response = desk.post(event.url + "check-in/", {"registration": registration.pk}, follow=True)
    assert "只有报名成功的成员可以签到" in messages_of(response)[0]
    registration.refresh_from_db()
    assert registration.checked_in_at is None
    assert not attended(waiting, event)


def test_tampered_desk_form_changes_nothing(event, organiser):
    other_event = ForumEventPageFactory(slug="other-forum", starts_in=timedelta(hours=1))
    stranger = registered(other_event, "stranger")
    foreign = Registration.objects.get(event=other_event, member=stranger)
    desk = login(organiser)
    for value in (str(foreign.pk), "abc", "", "1 OR 1=1", "9" * 30):
        response = desk.post(event.url + "check-in/", {"registration": value}, follow=True)
        assert response.status_code == 200
        assert messages_of(response) == ["找不到这条报名，请刷新名单后再试。"]
    foreign.refresh_from_db()
    assert foreign.checked_in_at is None
    assert not LearningEvent.objects.filter(verb=Verb.ATTENDED).exists()


def test_the_desk_is_for_its_staff_and_event_managers_only(event, event_manager, editor, reviewer):
    member = registered(event, "member")
    # An organiser of a branch the event does not name is not its staff.
    stranger = make_member("other-organiser", role=Role.ORGANISER, branch=BranchFactory())
    assert login(stranger).get(event.url + "check-in/").status_code == 403
    assert "现场签到台" not in login(stranger).get(event.url).content.decode()
    registration = Registration.objects.get(event=event, member=member)
    assert login(member).get(event.url + "check-in/").status_code == 403
    assert (
        login(member).post(event.url + "check-in/", {"registration": registration.pk}).status_code
        == 403
    )
    anonymous = Client().get(event.url + "check-in/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    assert login(event_manager).get(event.url + "check-in/").status_code == 200
    # Editing and reviewing pages gives no access to the people who registered.
    for user in (editor, reviewer):
        assert login(user).get(event.url + "check-in/").status_code == 403
        assert (
            login(user).post(event.url + "check-in/", {"registration": registration.pk}).status_code
            == 403
        )
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_the_desk_escapes_what_was_searched(event, organiser):
    text = (
        login(organiser).get(event.url + "check-in/", {"q": "<script>x</script>"}).content.decode()
    )
    assert "<script>x</script>" not in text
    assert "&lt;script&gt;x&lt;/script&gt;" in text


def test_member_checks_in_with_the_code_even_typed_in_full_width(event):
    member = registered(event, "m")
    client = login(member)
    page = client.get(event.url).content.decode()
    assert 'name="code"' in page
    code = code_on_desk(event)
    full_width = code[:3].translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    typed = full_width + " " + code[3:]
    response = client.post(event.url + "check-in/code/", {"code": typed}, follow=True)
    assert messages_of(response) == ["签到成功。"]
    assert attended(member, event)
    registration = Registration.objects.get(event=event, member=member)
    assert registration.checked_in_by == member
    assert 'name="code"' not in client.get(event.url).content.decode()


def test_a_wrong_code_changes_nothing_and_guessing_is_stopped(event):
    member = registered(event, "m")
    client = login(member)
    wrong = "000000" if code_on_desk(event) != "000000" else "000001"
    response = client.post(event.url + "check-in/code/", {"code": wrong}, follow=True)
    assert messages_of(response) == [
        "签到码不对或已过期（每分钟更换），请看现场屏幕上此刻的 6 位数字。"
    ]
    response = client.post(event.url + "check-in/code/", {"code": ""}, follow=True)
    assert messages_of(response) == ["请输入签到码。"]
    for _ in range(CODE_ATTEMPT_LIMIT):
        client.post(event.url + "check-in/code/", {"code": wrong})
    response = client.post(event.url + "check-in/code/", {"code": code_on_desk(event)}, follow=True)
    assert "输错太多次" in messages_of(response)[-1]
    assert not attended(member, event)
    assert Registration.objects.get(event=event, member=member).checked_in_at is None


def test_the_code_needs_a_confirmed_registration(event):
    stranger = make_member("stranger")
    code = code_on_desk(event)
    response = login(stranger).post(event.url + "check-in/code/", {"code": code}, follow=True)
    assert messages_of(response) == ["你没有这个活动的正式报名，请找现场工作人员。"]
    assert not Registration.objects.filter(member=stranger).exists()
    assert not attended(stranger, event)


def test_check_in_is_closed_before_the_window_and_after_the_event(organiser):
    event = ForumEventPageFactory(starts_in=timedelta(days=2))
    staffed_by(event, organiser)
    member = registered(event, "m")
    client = login(member)
    response = client.post(event.url + "check-in/code/", {"code": "135790"}, follow=True)
    assert "签到还没开始" in messages_of(response)[0]
    registration = Registration.objects.get(event=event, member=member)
    # Outside the window the desk (names, student numbers) is closed to its staff too.
    desk = login(organiser)
    assert desk.get(event.url + "check-in/").status_code == 403
    assert desk.post(event.url + "check-in/", {"registration": registration.pk}).status_code == 403

    ForumEventPage.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - timedelta(days=1), ends_at=timezone.now() - timedelta(hours=20)
    )
    response = client.post(event.url + "check-in/code/", {"code": "135790"}, follow=True)
    assert messages_of(response) == ["活动已经结束，签到已关闭。"]
    registration.refresh_from_db()
    assert registration.checked_in_at is None
    assert not attended(member, event)


def test_a_checked_in_member_cannot_cancel(event):
    member = registered(event, "m")
    client = login(member)
    client.post(event.url + "check-in/code/", {"code": code_on_desk(event)})
    response = client.post(event.url + "cancel/", follow=True)
    assert messages_of(response)[-1] == "你已经签到，不能取消报名。"
    assert (
        Registration.objects.get(event=event, member=member).status == RegistrationStatus.CONFIRMED
    )


def test_rebuilt_records_agree_after_attendance(event):
    from django.core.management import call_command

    member = registered(event, "m")
    login(member).post(event.url + "check-in/code/", {"code": code_on_desk(event)})
    before = LearningRecord.objects.get(member=member, page=event)
    call_command("rebuild_learning_records", verbosity=0)
    after = LearningRecord.objects.get(member=member, page=event)
    assert (after.completed_at, after.first_seen_at) == (before.completed_at, before.first_seen_at)
    assert after.completed_at is not None


@pytest.mark.parametrize("registration", ["9" * 5000, "9" * 30, "١٢", "12\x00", ""])
def test_the_desk_answers_a_hostile_registration_id_with_a_message(event, organiser, registration):
    response = login(organiser).post(
        event.url + "check-in/", {"registration": registration}, follow=True
    )
    assert response.status_code == 200
    assert "找不到这条报名" in " ".join(messages_of(response))
