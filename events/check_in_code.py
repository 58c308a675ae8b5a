"""The self check-in code: six digits that change every minute.

A code that held for the whole event could be passed from the hall to members who never
came. Each code is derived like a TOTP (RFC 6238: HMAC-SHA1 of the minute's number, cut to
six digits) from a secret of the event's own, so only the desk (``can_check_in_others``)
shows it and nobody can work the next one out. The code shown until a moment ago is still
accepted for ``GRACE_SECONDS``: a member reading it just before it changed is not refused.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from django.utils import timezone

STEP_SECONDS = 60
GRACE_SECONDS = 45
DIGITS = 6


def code_at(secret: str, moment: datetime) -> str:
    step = int(moment.timestamp()) // STEP_SECONDS
    digest = hmac.new(secret.encode(), step.to_bytes(8, "big"), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return f"{number % 10**DIGITS:0{DIGITS}d}"


def current_code(event, now: datetime | None = None) -> str:
    return code_at(event.check_in_secret, now or timezone.now())


def seconds_left(now: datetime | None = None) -> int:
    """Until the code on the desk changes."""
    moment = int((now or timezone.now()).timestamp())
    return STEP_SECONDS - moment % STEP_SECONDS


def accepts(event, entered: str, now: datetime | None = None) -> bool:
    """The current code, or the previous one within the grace after it changed."""
    now = now or timezone.now()
    candidates = {
        current_code(event, now),
        current_code(event, now - timedelta(seconds=GRACE_SECONDS)),
    }
    # Every candidate compared, in constant time: the answer's timing tells nothing.
    matches = [hmac.compare_digest(entered.encode(), code.encode()) for code in candidates]
    return any(matches)
