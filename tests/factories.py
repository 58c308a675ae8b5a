"""The suite's test data: users, branches and members, pages under the demo's sections, and
what members and organisers make (assignments, registrations, learning history, reflections,
votes, dismissals, self-check answers, 组织生活 meetings and their attendance).

Every test database already holds the demo site (``tests/conftest.py``); these factories add
what a test needs on top of it. Users get the password ``"pw-" + username``, so a test (or a
person reading one) can always log in as anyone it made.
"""

from __future__ import annotations

from datetime import timedelta

import factory
import wagtail_factories
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from factory.django import DjangoModelFactory

from assignments.models import Assignment, AssignmentItem
from events.models import EventIndexPage, ForumEventPage, Registration, RegistrationStatus
from exhibits.models import ExhibitIndexPage, RevolutionarySitePage
from feedback.models import Helpfulness, PageVote
from learning.models import Dismissal, LearningEvent, LearningRecord, Verb
from lectures.models import LectureIndexPage, MicroLecturePage
from meetings.models import Attendance, Meeting, MeetingKind, MeetingStatus, Presence
from members.models import Branch, MemberProfile, Role
from reflections.models import Reflection
from selfcheck.models import SelfCheckAnswer
from stories.models import ExemplarStoryPage, StoryIndexPage

DEFAULT_BRANCH = "测试党支部"


class UserFactory(DjangoModelFactory):
    """A user made with ``create_user``: ``groups`` takes the names of existing groups."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.LazyAttribute(lambda user: "pw-" + user.username)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class._default_manager.create_user(*args, **kwargs)

    @factory.post_generation
    def groups(self, create, names, **kwargs):
        if create and names:
            self.groups.add(*(Group.objects.get(name=name) for name in names))


class BranchFactory(DjangoModelFactory):
    """A 党支部."""

    class Meta:
        model = Branch

    name = factory.Sequence(lambda n: f"测试支部{n}")
    organisation = ""


def default_branch() -> Branch:
    """The branch of every member a test makes without naming one (测试党支部)."""
    return Branch.objects.get_or_create(name=DEFAULT_BRANCH)[0]


class MemberProfileFactory(DjangoModelFactory):
    """A member's profile; unless told otherwise, a plain member of the shared test branch."""

    class Meta:
        model = MemberProfile

    user = factory.SubFactory(UserFactory)
    display_name = factory.LazyAttribute(lambda profile: profile.user.username)
    branch = factory.LazyFunction(default_branch)
    student_number = ""
    role = Role.MEMBER


_DEFAULT = object()


def make_member(
    username: str,
    *,
    name: str | None = None,
    branch=_DEFAULT,
    role: str = Role.MEMBER,
    email: str = "",
    student_number: str = "",
    **user_fields,
):
    """A user with a member profile, returned as the user.

    ``name`` is the display name (the username when not given); ``branch`` defaults to the
    shared test branch (测试党支部), ``branch=None`` makes a member of no branch.
    """
    user = UserFactory(username=username, email=email, **user_fields)
    profile = {"branch": branch} if branch is not _DEFAULT else {}
    MemberProfileFactory(
        user=user,
        display_name=name or username,
        role=role,
        student_number=student_number,
        **profile,
    )
    return user


def login(user) -> Client:
    """A test client logged in as ``user``."""
    client = Client()
    client.force_login(user)
    return client


# --- pages ----------------------------------------------------------------------------------


class ContentPageFactory(wagtail_factories.PageFactory):
    """A content page under the demo's section for its kind (``parent``), published through a
    revision as an editor would.

    ``tags=[...]`` tags it before publishing. ``publish=False`` only saves it, with no
    revision: with ``live=False`` too, it is a draft.
    """

    class Meta:
        abstract = True
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"测试页面{n}")
    slug = factory.Sequence(lambda n: f"test-page-{n}")
    topic = "党史学习"

    @factory.post_generation
    def tags(self, create, names, **kwargs):
        if create and names:
            self.tags.add(*names)

    @factory.post_generation
    def publish(self, create, extracted, **kwargs):
        if create and extracted is not False:
            self.save_revision().publish()
            self.refresh_from_db()


class MicroLecturePageFactory(ContentPageFactory):
    class Meta:
        model = MicroLecturePage

    parent = factory.LazyFunction(LectureIndexPage.objects.get)


class ExemplarStoryPageFactory(ContentPageFactory):
    class Meta:
        model = ExemplarStoryPage

    parent = factory.LazyFunction(StoryIndexPage.objects.get)


class ForumEventPageFactory(ContentPageFactory):
    """A published forum event starting ``starts_in`` from now (negative: in the past)."""

    class Meta:
        model = ForumEventPage

    class Params:
        starts_in = timedelta(days=3)

    parent = factory.LazyFunction(EventIndexPage.objects.get)
    title = "测试论坛"
    slug = factory.Sequence(lambda n: f"test-forum-{n}")
    topic = "科技报国"
    summary = "用于测试的论坛活动。"
    starts_at = factory.LazyAttribute(lambda event: timezone.now() + event.starts_in)
    venue = "学术交流中心报告厅"


class RevolutionarySitePageFactory(ContentPageFactory):
    """A published 红色场馆 with a place on the map."""

    class Meta:
        model = RevolutionarySitePage

    parent = factory.LazyFunction(ExhibitIndexPage.objects.get)
    province = "测试省"
    latitude = 30
    longitude = 110


# One factory for each kind's page model, for tests that go through every kind.
KIND_PAGE_FACTORIES = {
    page_factory._meta.model: page_factory
    for page_factory in (
        MicroLecturePageFactory,
        ExemplarStoryPageFactory,
        RevolutionarySitePageFactory,
        ForumEventPageFactory,
    )
}


def page_factory_for(model):
    """The factory that makes pages of ``model`` (a kind's page model)."""
    try:
        return KIND_PAGE_FACTORIES[model]
    except KeyError:
        raise AssertionError(f"no factory makes a {model.__name__}: add one here") from None


# --- what organisers and members make ---------------------------------------------------------


class AssignmentFactory(DjangoModelFactory):
    """An open assignment of the shared test branch, due ``due_in`` from today (negative:
    overdue).

    ``pages=[...]`` become its items in that order; ``chosen_members=[...]`` sets it for those
    members only (``whole_branch`` is then false unless given).
    """

    class Meta:
        model = Assignment
        skip_postgeneration_save = True

    class Params:
        due_in = timedelta(days=7)

    branch = factory.LazyFunction(default_branch)
    title = factory.Sequence(lambda n: f"测试任务{n}")
    due_on = factory.LazyAttribute(lambda assignment: timezone.localdate() + assignment.due_in)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Chosen members are the audience: a test naming them means "not the whole branch".
        chosen = kwargs.pop("chosen_members", None)
        kwargs.setdefault("whole_branch", not chosen)
        assignment = super()._create(model_class, *args, **kwargs)
        if chosen:
            assignment.chosen_members.set(chosen)
        return assignment

    @factory.post_generation
    def pages(self, create, pages, **kwargs):
        for order, page in enumerate(pages or ()):
            AssignmentItemFactory(assignment=self, page=page, sort_order=order)


class AssignmentItemFactory(DjangoModelFactory):
    """One page of an assignment (``AssignmentFactory(pages=[...])`` makes these in order)."""

    class Meta:
        model = AssignmentItem

    assignment = factory.SubFactory(AssignmentFactory)
    page = factory.SubFactory(MicroLecturePageFactory)
    sort_order = 0


class RegistrationFactory(DjangoModelFactory):
    """A member's confirmed place at a forum event; ``status`` waiting leaves it unconfirmed,
    ``checked_in=True`` checks it in (only a confirmed place can be)."""

    class Meta:
        model = Registration

    class Params:
        checked_in = False

    event = factory.SubFactory(ForumEventPageFactory)
    member = factory.SubFactory(UserFactory)
    status = RegistrationStatus.CONFIRMED
    queued_at = factory.LazyFunction(timezone.now)
    confirmed_at = factory.LazyAttribute(
        lambda row: row.queued_at if row.status == RegistrationStatus.CONFIRMED else None
    )
    checked_in_at = factory.LazyAttribute(lambda row: timezone.now() if row.checked_in else None)


class LearningEventFactory(DjangoModelFactory):
    """One event a member's device sent: by default they viewed a lecture just now."""

    class Meta:
        model = LearningEvent

    member = factory.SubFactory(UserFactory)
    page = factory.SubFactory(MicroLecturePageFactory)
    verb = Verb.VIEWED
    occurred_at = factory.LazyFunction(timezone.now)


class LearningRecordFactory(DjangoModelFactory):
    """A member's record of one page, first and last seen just now; ``completed=True`` marks
    it done at that moment."""

    class Meta:
        model = LearningRecord

    class Params:
        completed = False

    member = factory.SubFactory(UserFactory)
    page = factory.SubFactory(MicroLecturePageFactory)
    first_seen_at = factory.LazyFunction(timezone.now)
    last_seen_at = factory.SelfAttribute("first_seen_at")
    completed_at = factory.LazyAttribute(lambda row: row.last_seen_at if row.completed else None)


class DismissalFactory(DjangoModelFactory):
    """A page a member took off their reading list (不感兴趣)."""

    class Meta:
        model = Dismissal

    member = factory.SubFactory(UserFactory)
    page = factory.SubFactory(MicroLecturePageFactory)


class ReflectionFactory(DjangoModelFactory):
    """A member's 学习心得 on a page, private to them."""

    class Meta:
        model = Reflection

    member = factory.SubFactory(UserFactory)
    page = factory.SubFactory(MicroLecturePageFactory)
    page_title = factory.LazyAttribute(lambda reflection: reflection.page.title)
    text = "学习之后，我对这段历史有了更深的理解，也更明白了肩上的责任。"


class PageVoteFactory(DjangoModelFactory):
    """A member's 有帮助 vote on a page."""

    class Meta:
        model = PageVote

    member = factory.SubFactory(UserFactory)
    page = factory.SubFactory(MicroLecturePageFactory)
    value = Helpfulness.HELPFUL
    note = ""


class SelfCheckAnswerFactory(DjangoModelFactory):
    """A member's first, correct answer to one question of a page's self-check."""

    class Meta:
        model = SelfCheckAnswer

    member = factory.SubFactory(UserFactory)
    page = factory.SubFactory(MicroLecturePageFactory)
    question_id = "q-1"
    attempt = 1
    chosen = factory.LazyFunction(lambda: ["a"])
    correct = True


class MeetingFactory(DjangoModelFactory):
    """A draft 党员大会 of the shared test branch held ``held_ago`` before now (negative: in
    the future), with no attendance rows; ``status=MeetingStatus.CONFIRMED`` records it as
    confirmed (no 补学 is made: use ``meetings.records.confirm`` for that)."""

    class Meta:
        model = Meeting

    class Params:
        held_ago = timedelta(days=1)

    branch = factory.LazyFunction(default_branch)
    kind = MeetingKind.GENERAL
    # Not rounded: two meetings made in the same test never share branch, kind and time.
    starts_at = factory.LazyAttribute(lambda meeting: timezone.now() - meeting.held_ago)
    place = "党员活动室"
    topics = "学习党的二十大精神"
    status = MeetingStatus.DRAFT
    confirmed_at = factory.LazyAttribute(
        lambda meeting: timezone.now() if meeting.status == MeetingStatus.CONFIRMED else None
    )


class AttendanceFactory(DjangoModelFactory):
    """One member's attendance at a meeting: present unless ``presence`` says otherwise."""

    class Meta:
        model = Attendance

    meeting = factory.SubFactory(MeetingFactory)
    member = factory.SubFactory(UserFactory)
    presence = Presence.PRESENT
    reason = ""
