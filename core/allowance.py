"""Soft allowances on busy pages, counted in the database every worker shares.

``core.ratelimit`` keeps windows, locks and turns for password paths, a few queries per
attempt; a page that must stay cheap (search, which logs terms for editors) spends from
an allowance here instead: one UPDATE when the window's row exists, an INSERT (and the
removal of finished windows) the first time in a window. Atomic on SQLite and PostgreSQL:
two workers never both take the last unit.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from django.db import IntegrityError, transaction
from django.db.models import F

from core.models import Allowance
from core.ratelimit import cache_key


def window_start(window_seconds: int, now: float | None = None) -> datetime:
    now = time.time() if now is None else now
    return datetime.fromtimestamp(now - now % window_seconds, tz=UTC)


def spend(prefix: str, client: str, limit: int, window_seconds: int) -> bool:
    """Take one unit of ``client``'s allowance of ``limit`` per window; False when used up."""
    key = cache_key(prefix, client)
    start = window_start(window_seconds)
    taken = Allowance.objects.filter(key=key, window_start=start, used__lt=limit).update(
        used=F("used") + 1
    )
    if taken:
        return True
    try:
        with transaction.atomic():
            Allowance.objects.create(key=key, window_start=start, used=1)
    except IntegrityError:  # the window's row exists: its allowance is used up
        return False
    Allowance.objects.filter(window_start__lt=start).delete()  # finished windows
    return limit >= 1
