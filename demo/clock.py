"""The demo's history happened in the past: the site's own code paths run with the clock set
back to the moment each step happened.

The members' paths (registering, answering a self-check, saving a reflection, voting, the
organiser's form) read ``django.utils.timezone.now()``; setting it back lets every rule they
apply (registration deadlines, the check-in window, how far back an event may be dated, a due
date not in the past) judge the demo's steps as it would have judged them then. Only for
``load_demo``, which runs alone in its own process; never in a request.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from unittest import mock


@contextmanager
def clock_at(moment: datetime) -> Iterator[None]:
    # Model fields whose default is ``timezone.now`` hold the function itself and still
    # read the real clock: callers write those times themselves.
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield
