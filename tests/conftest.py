"""Shared fixtures: every test process builds the demo site once, in its own test database.

Tests run inside a transaction that is rolled back, so each starts from the same demo tree.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_demo", verbosity=0)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test rolls its database back, so nothing cached from another test may survive."""
    cache.clear()


@pytest.fixture
def home_page(db):
    from home.models import HomePage

    return HomePage.objects.get()


def make_user(username: str, group_name: str | None = None, **extra):
    user = get_user_model().objects.create_user(
        username=username, password="pw-" + username, **extra
    )
    if group_name:
        user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(db):
    return make_user("editor1", "编辑")


@pytest.fixture
def reviewer(db):
    return make_user("reviewer1", "审核")
