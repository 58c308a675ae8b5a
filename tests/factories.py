"""The suite's test data: users, branches and members, and pages under the demo's sections.

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

from events.models import EventIndexPage, ForumEventPage
from lectures.models import LectureIndexPage, MicroLecturePage
from members.models import Branch, MemberProfile, Role
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
    slug = "test-forum"
    topic = "科技报国"
    summary = "用于测试的论坛活动。"
    starts_at = factory.LazyAttribute(lambda event: timezone.now() + event.starts_in)
    venue = "学术交流中心报告厅"
