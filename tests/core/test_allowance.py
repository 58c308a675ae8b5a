"""Allowances counted in the database: shared by every worker, one per window."""

import pytest

from core import allowance
from core.models import Allowance

pytestmark = pytest.mark.django_db


def test_an_allowance_is_spent_then_refused_and_clients_are_apart():
    spent = [allowance.spend("test", "10.0.0.1", 3, 3600) for _ in range(5)]
    assert spent == [True, True, True, False, False]
    assert allowance.spend("test", "10.0.0.2", 3, 3600)
    assert Allowance.objects.count() == 2  # one row per client and window, however many uses


def test_a_new_window_starts_afresh_and_removes_finished_ones():
    for _ in range(2):
        allowance.spend("test", "10.0.0.3", 2, 3600)
    Allowance.objects.update(window_start=allowance.window_start(3600, now=0))  # long ago
    assert allowance.spend("test", "10.0.0.3", 2, 3600)
    assert Allowance.objects.get().used == 1


def test_spending_is_one_query_once_the_window_has_begun(django_assert_num_queries):
    allowance.spend("test", "10.0.0.4", 20, 3600)
    with django_assert_num_queries(1):
        assert allowance.spend("test", "10.0.0.4", 20, 3600)


def test_any_client_text_makes_a_key():
    assert allowance.spend("test", "\x00" * 5000 + "地址", 1, 60)
