"""Building blocks for the events tests: an event under the demo's event index, members."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from events.models import EventIndexPage, ForumEventPage
from members.models import Branch, MemberProfile, Role


def make_event(slug="test-forum", starts_in=timedelta(days=3), **fields) -> ForumEventPage:
    """A published event starting ``starts_in`` from now (negative: in the past)."""
    index = EventIndexPage.objects.get()
    starts_at = timezone.now() + starts_in
    defaults = {
        "title": "测试论坛",
        "slug": slug,
        "topic": "科技报国",
        "summary": "用于测试的论坛活动。",
        "starts_at": starts_at,
        "venue": "学术交流中心报告厅",
    }
    defaults.update(fields)
    event = index.add_child(instance=ForumEventPage(**defaults))
    event.save_revision().publish()
    return ForumEventPage.objects.get(pk=event.pk)


def make_member(username, branch=None, role=Role.MEMBER, name=None, **extra):
    user = get_user_model().objects.create_user(username, password="pw-" + username, **extra)
    if branch is None:
        branch, _ = Branch.objects.get_or_create(name="测试党支部")
    MemberProfile.objects.create(user=user, display_name=name or username, branch=branch, role=role)
    return user


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
