"""Shared fixtures: every test process builds the demo site once, in its own test database.

Tests run inside a transaction that is rolled back, so each starts from the same demo tree.
Tests that do not use the database never wait for the demo. Test data on top of the demo
comes from ``tests/factories.py``.
"""

import pytest
from django.core.cache import cache, caches
from django.core.management import call_command

from home.fragments import fragment_store
from tests.factories import UserFactory


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        # Pages only: tests make the people they need (the demo's own are tested in tests/demo).
        call_command("load_demo", "--no-people", verbosity=0)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test rolls its database back, so nothing cached from another test may survive."""
    cache.clear()
    caches["pagecache"].clear()
    fragment_store().clear()  # shared fragments keep a store of their own (home.fragments)


@pytest.fixture
def home_page(db):
    from home.models import HomePage

    return HomePage.objects.get()


@pytest.fixture
def editor(db):
    return UserFactory(username="editor1", groups=["编辑"])


@pytest.fixture
def reviewer(db):
    return UserFactory(username="reviewer1", groups=["审核"])


@pytest.fixture
def event_manager(db):
    """活动管理: sees registrations and checks people in; edits no pages."""
    return UserFactory(username="huodong1", groups=["活动管理"])


@pytest.fixture
def member_officer(db):
    """组织部: looks up branches, members and assignments in the admin."""
    return UserFactory(username="zuzhibu1", groups=["组织部"])
