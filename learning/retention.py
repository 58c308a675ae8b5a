"""How long raw learning events are kept (``prune_learning_events``).

Old events are folded into the member's record for the page (``LearningRecord.folded_*``:
first and last time, seconds, best progress, completion) and then deleted. Records stay
exactly as they were, and ``rebuild_learning_records`` starts from the fold, so a rebuild
after pruning gives the same records. Events of deleted pages are simply deleted: their
records are kept as they were when the page went.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.db import transaction

from learning.models import LearningEvent, LearningRecord
from learning.records import folded, lock_member, refresh_records, summarise

DAYS_PER_UNIT = {"d": 1, "w": 7, "m": 30, "y": 365}
AGE = re.compile(r"^\s*([1-9][0-9]{0,4})\s*([dwmy])\s*$", re.IGNORECASE)


def parse_age(text: str) -> timedelta:
    """``18m``, ``540d``, ``2y``, ``8w`` → a length of time (a month counts 30 days, a year
    365); anything else raises ValueError."""
    match = AGE.match(text or "")
    if not match:
        raise ValueError(text)
    number, unit = int(match.group(1)), match.group(2).lower()
    return timedelta(days=number * DAYS_PER_UNIT[unit])


@transaction.atomic
def prune_member(member_id: int, cutoff: datetime) -> int:
    """Fold the member's events before ``cutoff`` into their records, then delete them."""
    lock_member(member_id)
    old = LearningEvent.objects.filter(member_id=member_id, occurred_at__lt=cutoff)
    page_ids = set(old.filter(page__isnull=False).values_list("page_id", flat=True).distinct())
    refresh_records(member_id, page_ids)  # every page folded has its record, up to date
    folds = summarise(member_id, page_ids, before=cutoff, base=folded(member_id, page_ids))
    for page_id, fold in folds.items():
        LearningRecord.objects.filter(member_id=member_id, page_id=page_id).update(**fold.as_fold())
    deleted, _by_model = old.delete()
    return deleted


def prune_events(cutoff: datetime) -> int:
    """Prune every member's events older than ``cutoff``, one member per transaction."""
    members = (
        LearningEvent.objects.filter(occurred_at__lt=cutoff)
        .values_list("member_id", flat=True)
        .distinct()
    )
    return sum(prune_member(member_id, cutoff) for member_id in sorted(set(members)))
