"""The report's one privacy rule: no figure from fewer than ``MIN_GROUP`` members.

A count below ``MIN_GROUP`` is shown as "<5"; a share, a median or a rate computed from
fewer than ``MIN_GROUP`` members is shown as "<5" too, never its exact value. The HTML,
the CSV and the XLSX all go through the functions below.

Hidden figures must not come back by subtraction: counts that split a total shown elsewhere
(chapters of the starters, 有帮助 and 没帮助 of the votes) go through ``masked_parts``, and a
share of a group (completion rate, share of 没帮助) is shown only when neither the members it
counts nor the rest are one to four people (``masked_share``).
"""

from __future__ import annotations

MIN_GROUP = 5
BELOW = f"<{MIN_GROUP}"
ABOVE = f"≥{MIN_GROUP}"


def enough(members: int) -> bool:
    return members >= MIN_GROUP


def small(members: int) -> bool:
    """A group of one to four: the ones that could point at someone. None at all is not."""
    return 0 < members < MIN_GROUP


def masked_count(count: int) -> int | str:
    """A number of members: exact from ``MIN_GROUP`` up, else "<5"."""
    return count if enough(count) else BELOW


def masked_parts(counts: list[int]) -> list[int | str]:
    """Counts that add up to a whole: each below ``MIN_GROUP`` is "<5", and when exactly one
    is, the smallest of the others is shown as "≥5", so the hidden one cannot be worked out
    from the whole."""
    shown: list[int | str] = [masked_count(count) for count in counts]
    hidden = [index for index, count in enumerate(counts) if small(count)]
    exact = [index for index, count in enumerate(counts) if enough(count)]
    if len(hidden) == 1 and exact:
        shown[min(exact, key=lambda index: counts[index])] = ABOVE
    return shown


def masked_share(part: int, whole: int) -> str:
    """``part`` of ``whole`` as a percentage, when the whole is at least ``MIN_GROUP`` members
    and neither the part nor the rest is a small group; else "<5"."""
    if not enough(whole) or small(part) or small(whole - part):
        return BELOW
    return f"{round(100 * part / whole)}%"
