"""The demo's organisation: a branch of twelve members, one of them the organiser, two assignments, a
forum event's registrations and eight weeks of history, so every side of the site has data;
loading it twice changes nothing; nobody logs in until ``ensure_demo_logins`` gives two of
them passwords."""

from __future__ import annotations

import csv
import io
import stat
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from assignments.models import Assignment, AssignmentItem
from demo.clock import clock_at
from demo.history import (
    PARTY_DAY_REGISTRANTS,
    PARTY_DAY_SLUG,
    TOUR_CHECKED_IN,
    TOUR_SLUG,
    build_demo_people,
)
from demo.management.commands.ensure_demo_logins import LOGINS_FILE_NAME, read_kept
from demo.people import BRANCH_NAME, MEMBER_USERNAME, MEMBERS, ORGANISER_USERNAME
from events.models import ForumEventPage, Registration, RegistrationStatus
from feedback.models import PageVote
from learning.models import LearningEvent, LearningRecord
from members.models import MemberProfile, Role
from reflections.models import Reflection
from selfcheck.models import SelfCheckAnswer
from tests.factories import UserFactory, login

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def people():
    build_demo_people()
    return User.objects.get(username=ORGANISER_USERNAME), User.objects.get(username=MEMBER_USERNAME)


def snapshot() -> dict:
    return {
        model.__name__: sorted(model.objects.values_list("pk", flat=True))
        for model in (
            User,
            MemberProfile,
            Assignment,
            AssignmentItem,
            Registration,
            LearningEvent,
            LearningRecord,
            SelfCheckAnswer,
            Reflection,
            PageVote,
        )
    } | {"passwords": sorted(User.objects.values_list("password", flat=True))}


def test_load_demo_makes_the_organisation_once():
    call_command("load_demo", "--no-media", verbosity=0)
    before = snapshot()
    call_command("load_demo", "--no-media", verbosity=0)

    assert snapshot() == before
    profiles = MemberProfile.objects.filter(branch__name=BRANCH_NAME)
    assert profiles.count() == 12
    assert profiles.filter(role=Role.MEMBER).count() == 11
    assert list(profiles.organisers().values_list("user__username", flat=True)) == [
        ORGANISER_USERNAME
    ]
    assert len(before["LearningEvent"]) > 300 and before["Reflection"] and before["PageVote"]


def test_the_history_spreads_over_eight_weeks(people):
    events = LearningEvent.objects.filter(member__member_profile__branch__name=BRANCH_NAME)
    weeks = {event.occurred_at.isocalendar()[:2] for event in events}
    assert len(weeks) >= 8
    assignments = Assignment.objects.filter(branch__name=BRANCH_NAME).order_by("due_on")
    overdue, due = assignments
    assert overdue.is_overdue() and not due.is_overdue()


def test_the_organiser_sees_twelve_members_and_both_assignments(people):
    organiser, _member = people
    client = login(organiser)

    page = client.get("/branch/").content.decode()

    assert "支部成员（12 人）" in page
    for _username, name in MEMBERS:
        assert name in page
    for assignment in Assignment.objects.filter(branch__name=BRANCH_NAME):
        assert assignment.title in page
        detail = client.get(f"/branch/assignments/{assignment.pk}/")
        assert detail.status_code == 200
        assert "已完成" in detail.content.decode()


def test_the_member_has_suggestions_history_and_a_to_do_list(people):
    _organiser, member = people
    client = login(member)

    for_you = client.get("/learning/for-you/")
    assert for_you.context["items"] and for_you.context["assigned"]
    mine = client.get("/learning/")
    assert mine.context["todo"] and mine.context["topic_time"]
    lists = mine.context["lists"]
    assert lists.in_progress and lists.completed
    home = client.get("/").content.decode()
    assert "待学任务" in home
    assert "脱贫攻坚精神与时代楷模" in home


def test_the_content_report_shows_figures(people):
    client = login(UserFactory(username="report-admin", is_superuser=True, is_staff=True))

    response = client.get("/admin/reports/content/", {"export": "csv"})

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    started = [row[3] for row in rows[1:] if row[3].isdigit()]
    assert len(started) >= 3 and max(map(int, started)) >= 9
    assert any(row[6].endswith("%") for row in rows[1:] if row[6])  # a self-check rate


def registered_profiles(event):
    members = Registration.objects.filter(event=event).values("member")
    return MemberProfile.objects.filter(user__in=members)


def test_the_study_tour_was_full_and_its_list_shows_who_came(people):
    tour = ForumEventPage.objects.get(slug=TOUR_SLUG)
    registrations = Registration.objects.filter(event=tour)
    assert registrations.filter(status=RegistrationStatus.CONFIRMED).count() == tour.capacity
    assert registrations.filter(status=RegistrationStatus.WAITING).count() == 2
    assert registrations.filter(checked_in_at__isnull=False).count() == TOUR_CHECKED_IN
    client = login(UserFactory(username="events-admin", is_superuser=True, is_staff=True))

    listed = client.get(f"/admin/events/{tour.pk}/registrations/")

    assert listed.status_code == 200
    for profile in registered_profiles(tour):
        assert profile.display_name in listed.content.decode()


def test_the_organiser_opens_the_party_days_check_in_desk(people):
    organiser, _member = people
    party_day = ForumEventPage.objects.get(slug=PARTY_DAY_SLUG)
    registered = registered_profiles(party_day)
    assert registered.count() == PARTY_DAY_REGISTRANTS
    client = login(organiser)

    with clock_at(party_day.starts_at - timedelta(hours=1)):
        desk = client.get(party_day.url + "check-in/")

    assert desk.status_code == 200
    for profile in registered:
        assert profile.display_name in desk.content.decode()


def test_nobody_logs_in_until_ensure_demo_logins(client, people, settings, tmp_path):
    settings.BASE_DIR = tmp_path
    demo_people = User.objects.filter(member_profile__branch__name=BRANCH_NAME)
    assert demo_people.count() == 12
    assert not any(user.has_usable_password() for user in demo_people)
    assert not client.login(username=MEMBER_USERNAME, password="")

    out = StringIO()
    call_command("ensure_demo_logins", stdout=out)

    path = tmp_path / LOGINS_FILE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    kept = read_kept(path)
    assert set(kept) == {ORGANISER_USERNAME, MEMBER_USERNAME}
    printed = out.getvalue()
    assert "支部组织员" in printed and "党员" in printed and "管理员" in printed
    for username, password in kept.items():
        assert password in printed
        assert client.login(username=username, password=password)
        client.logout()
    others = demo_people.exclude(username__in=kept)
    assert others.count() == 10 and not any(user.has_usable_password() for user in others)

    call_command("ensure_demo_logins", stdout=StringIO())
    assert read_kept(path) == kept  # shown again, not changed


def test_ensure_demo_logins_asks_for_the_demo_first(settings, tmp_path):
    settings.BASE_DIR = tmp_path

    with pytest.raises(CommandError, match="load_demo"):
        call_command("ensure_demo_logins", stdout=StringIO())
    assert not (tmp_path / LOGINS_FILE_NAME).exists()


def test_an_account_of_a_demo_name_is_never_taken_over():
    someone = UserFactory(username=MEMBER_USERNAME)

    with pytest.raises(CommandError, match=MEMBER_USERNAME):
        call_command("load_demo", "--no-media", verbosity=0)

    assert not MemberProfile.objects.filter(user=someone).exists()
    assert not MemberProfile.objects.filter(branch__name=BRANCH_NAME).exists()
