"""Search terms are logged for editors (popular and zero-result terms), but one client
cannot fill those tables: only page 1 of a search counts, within a budget per address."""

import uuid

import pytest
from django.test import Client
from wagtail.contrib.search_promotions.models import Query, QueryDailyHits

from search.models import ZeroResultQuery

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    return {
        "query": Query.objects.count(),
        "daily_hits": QueryDailyHits.objects.count(),
        "zero_result": ZeroResultQuery.objects.count(),
    }


@pytest.mark.parametrize("url", ["/search/", "/api/search/"])
def test_a_hundred_random_searches_from_one_address_add_at_most_25_rows(url):
    client = Client(REMOTE_ADDR="203.0.113.7")
    before = row_counts()
    for _ in range(100):
        assert client.get(url, {"q": f"乱码{uuid.uuid4().hex}"}).status_code == 200
    added = {table: row_counts()[table] - before[table] for table in before}
    assert all(count <= 25 for count in added.values()), added
    assert added["zero_result"] > 0  # the first ones still reach the editors' report


def test_other_pages_of_a_search_and_picking_pages_log_nothing():
    client = Client(REMOTE_ADDR="203.0.113.8")
    before = row_counts()
    client.get("/search/", {"q": "从未有人搜过的词", "page": "2"})
    client.get("/api/search/", {"q": "从未有人搜过的词", "page": "3"})
    assert row_counts() == before


def test_an_ordinary_search_is_counted_for_editors():
    Client(REMOTE_ADDR="203.0.113.9").get("/search/", {"q": "井冈山"})
    assert Query.objects.get(query_string="井冈山").hits == 1


def test_the_budget_is_shared_by_every_worker():
    """Another worker has its own memory: the budget must not live there."""
    from django.core.cache import caches

    client = Client(REMOTE_ADDR="203.0.113.10")
    before = row_counts()
    for number in range(100):
        if number % 10 == 0:
            caches["default"].clear()  # as if the next request reached a fresh worker
        client.get("/search/", {"q": f"乱码{uuid.uuid4().hex}"})
    added = {table: row_counts()[table] - before[table] for table in before}
    assert all(count <= 25 for count in added.values()), added
