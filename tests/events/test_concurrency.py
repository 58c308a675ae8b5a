"""No overbooking: many members press 报名 at the same moment, on real PostgreSQL connections.

Each thread has its own database connection and commits for real, which the test's own
rolled-back transaction cannot see: the event and members are made on a connection of
their own and removed afterwards, leaving the demo content as it was.
"""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections

from core import ratelimit
from events import check_in_code
from events import registration as places
from events.models import Registration, RegistrationAction, RegistrationStatus
from learning.models import LearningEvent, Verb
from tests.factories import ForumEventPageFactory, make_member

MEMBERS = 60
CAPACITY = 10

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks are what is tested: runs on PostgreSQL (.ci/run's second pass)",
)


def elsewhere(action):
    """Run ``action()`` on a connection of its own, committed at once, and return its result.

    The test itself runs in the usual rolled-back transaction, which other connections
    cannot see: whatever the racing threads must see is made (and removed) from here.
    """
    result, errors = [], []

    def work():
        try:
            result.append(action())
        except Exception as error:  # noqa: BLE001 - re-raised in the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return result[0]


@pytest.fixture
def committed(db):
    """Events and members committed for real; deleted at the end, demo content untouched."""
    made = {"events": [], "users": []}
    yield made

    def remove():
        for event in made["events"]:
            event.delete()
        get_user_model().objects.filter(pk__in=[u.pk for u in made["users"]]).delete()

    elsewhere(remove)


def all_at_once(action, members) -> tuple[list, list]:
    """Run ``action(member)`` in one thread per member, released together."""
    barrier = threading.Barrier(len(members))
    outcomes, failures = [], []
    lock = threading.Lock()

    def work(member):
        try:
            barrier.wait(timeout=30)
            result = action(member)
            with lock:
                outcomes.append(result)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            with lock:
                failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(member,)) for member in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes, failures


def test_simultaneous_registrations_never_overbook(committed):
    event = elsewhere(
        lambda: ForumEventPageFactory(
            slug="rush-forum", starts_in=timedelta(days=2), capacity=CAPACITY
        )
    )
    committed["events"].append(event)
    members = elsewhere(lambda: [make_member(f"rush{n}") for n in range(MEMBERS)])
    committed["users"].extend(members)

    outcomes, failures = all_at_once(lambda member: places.register(event, member), members)
    assert failures == []
    assert len(outcomes) == MEMBERS

    rows = Registration.objects.filter(event=event)
    assert rows.count() == MEMBERS  # none lost, none doubled
    assert Counter(rows.values_list("status", flat=True)) == {
        RegistrationStatus.CONFIRMED: CAPACITY,
        RegistrationStatus.WAITING: MEMBERS - CAPACITY,
    }
    assert rows.values("member").distinct().count() == MEMBERS
    registered = LearningEvent.objects.filter(page=event, verb=Verb.REGISTERED)
    assert registered.count() == CAPACITY
    # Every waiting member has a different place in line.
    waiting = rows.filter(status=RegistrationStatus.WAITING)
    positions = sorted(places.waiting_position(r) for r in waiting)
    assert positions == list(range(1, MEMBERS - CAPACITY + 1))

    # Confirmed members cancel and others register again, all at once: the places freed
    # go to the first in line, never more than the capacity.
    leaving = [r.member for r in rows.filter(status=RegistrationStatus.CONFIRMED)[:5]]
    first_in_line = [r.member_id for r in waiting.order_by("queued_at", "pk")[:5]]
    outcomes, failures = all_at_once(lambda member: places.cancel(event, member), leaving)
    assert failures == []
    assert Counter(rows.values_list("status", flat=True)) == {
        RegistrationStatus.CONFIRMED: CAPACITY,
        RegistrationStatus.WAITING: MEMBERS - CAPACITY - 5,
        RegistrationStatus.CANCELLED: 5,
    }
    promoted = rows.filter(changes__action=RegistrationAction.PROMOTED).values_list(
        "member_id", flat=True
    )
    assert sorted(promoted) == sorted(first_in_line)


def test_one_member_tapping_twice_gets_one_registration(committed):
    event = elsewhere(
        lambda: ForumEventPageFactory(
            slug="double-tap-forum", starts_in=timedelta(days=2), capacity=CAPACITY
        )
    )
    committed["events"].append(event)
    member = elsewhere(lambda: make_member("double-tapper"))
    committed["users"].append(member)

    outcomes, failures = all_at_once(lambda m: places.register(event, m), [member] * 8)
    assert len(outcomes) == 1
    assert len(failures) == 7
    assert all(isinstance(f, places.RegistrationRefused) for f in failures)
    assert Registration.objects.filter(event=event).count() == 1
    assert LearningEvent.objects.filter(page=event, verb=Verb.REGISTERED).count() == 1


def test_a_burst_of_wrong_check_in_codes_cannot_slip_past_the_limit(committed):
    """Thirty codes sent at one moment by one member: only the allowed ten are compared."""
    event = elsewhere(
        lambda: ForumEventPageFactory(
            slug="code-burst-forum", starts_in=timedelta(minutes=30), capacity=CAPACITY
        )
    )
    committed["events"].append(event)
    member = elsewhere(lambda: make_member("code-guesser"))
    committed["users"].append(member)
    elsewhere(lambda: places.register(event, member))
    wrong = next(
        code for code in ("000000", "111111", "222222") if not check_in_code.accepts(event, code)
    )
    attempts_key = f"hongke-check-in:{event.pk}:{member.pk}"
    try:
        outcomes, failures = all_at_once(
            lambda m: places.check_in_by_code(event, m, wrong), [member] * 30
        )
        assert outcomes == []
        compared = [f for f in failures if "签到码不对" in str(f)]
        assert len(failures) == 30
        assert len(compared) == places.CODE_ATTEMPT_LIMIT
    finally:
        elsewhere(lambda: ratelimit.reset(attempts_key))
