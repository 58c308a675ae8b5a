"""The report's one privacy rule: no figure from fewer than ``MIN_GROUP`` members.

A count below ``MIN_GROUP`` is shown as "<5"; a share, a median or a rate computed from
fewer than ``MIN_GROUP`` members is shown as "<5" too, never its exact value. The HTML,
the CSV and the XLSX all go through ``masked_count`` and ``masked_from``.
"""

from __future__ import annotations

MIN_GROUP = 5
BELOW = f"<{MIN_GROUP}"


def enough(members: int) -> bool:
    return members >= MIN_GROUP


def masked_count(count: int) -> int | str:
    """A number of members: exact from ``MIN_GROUP`` up, else "<5"."""
    return count if enough(count) else BELOW


def masked_from(members: int, value):
    """A figure computed from ``members`` members: the figure, or "<5" when too few."""
    return value if enough(members) else BELOW
