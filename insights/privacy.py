"""The report's one privacy rule: no figure from fewer than ``MIN_GROUP`` members, not even
by subtraction. Every figure the HTML, the CSV and the XLSX show is decided here.

- A count below ``MIN_GROUP`` is shown as "<5"; a share, a median or a rate from fewer than
  ``MIN_GROUP`` members is shown as "<5" too, never its exact value.
- A share of a group (completion, 没帮助, a self-check question answered right) is shown
  only when neither the members it counts nor the rest are one to four people
  (``masked_share``): 90% of ten would be one member who answered wrong.
- Counts that add up to a total shown elsewhere (学完 and the rest of 开始学习, 有帮助 and
  没帮助, the chapters where viewers stopped) are merged (``merged_parts``): a part of one to
  four is joined to its neighbours until their sum is not small, and only the sum is shown.
  Every figure shown, and every sum or difference of them, then counts whole groups of
  ``MIN_GROUP`` or more (or none). Marking only the small part, or showing its partner as
  "≥5", did not hold: the total minus the exact parts, against "≥5", gave it back.
  ``tests/insights/test_subtraction.py`` checks, for every split up to a size, that a small
  part always has another possible value for anyone who knows this rule.
- A score made of shares (需要改进) is computed from the shares as shown, rounded and with a
  hidden one counted as 0 (``shown_score``): it is a function of what is on the screen, so
  it can give nothing back.
- Date windows are whole weeks (``insights.figures.StudyWindow``), so two windows a day apart
  never differ by the members of that one day.
"""

from __future__ import annotations

import statistics

from django.utils.translation import gettext as _

MIN_GROUP = 5
BELOW = f"<{MIN_GROUP}"


def hidden() -> str:
    """A part that is counted only in a sum with its neighbours."""
    return _("隐藏")


def enough(members: int) -> bool:
    return members >= MIN_GROUP


def small(members: int) -> bool:
    """A group of one to four: the ones that could point at someone. None at all is not."""
    return 0 < members < MIN_GROUP


def masked_count(count: int) -> int | str:
    """A number of members: exact from ``MIN_GROUP`` up, else "<5"."""
    return count if enough(count) else BELOW


def masked_median(values: list[int]) -> int | str:
    """The median in whole units, from at least ``MIN_GROUP`` members, else "<5"."""
    return round(statistics.median(values)) if enough(len(values)) else BELOW


def merged_parts(counts: list[int]) -> list[tuple[list[int], int]]:
    """Neighbouring parts joined until no sum is one to four: [(indexes, sum), …] in order.

    A part is added to the current group while the group's sum is small; a small group
    left at the end joins the last group with members (or, when there is none, every part
    becomes one group: the whole itself is small)."""
    groups: list[tuple[list[int], int]] = []
    current: list[int] = []
    total = 0
    for index, count in enumerate(counts):
        current.append(index)
        total += count
        if not small(total):
            groups.append((current, total))
            current, total = [], 0
    if not current:
        return groups
    kept = max((i for i, (_parts, sum_) in enumerate(groups) if sum_), default=None)
    if kept is None:
        return [(list(range(len(counts))), sum(counts))]
    joined = [i for _parts, _sum in groups[kept:] for i in _parts] + current
    return groups[:kept] + [(joined, groups[kept][1] + total)]


def masked_parts(counts: list[int]) -> list[int | str]:
    """Counts that add up to a whole, each as it may be shown on its own: exact (or "<5" for
    none) when it is a group by itself in ``merged_parts``, else "隐藏" ("<5" when the whole
    is small, as then every part is)."""
    shown: list[int | str] = [BELOW] * len(counts)
    for indexes, total in merged_parts(counts):
        for index in indexes:
            if len(indexes) == 1:
                shown[index] = masked_count(total)
            else:
                shown[index] = BELOW if small(total) else hidden()
    return shown


def shown_share(part: int, whole: int) -> int | None:
    """``part`` of ``whole`` as a whole percentage when it may be shown, else None: the whole
    is at least ``MIN_GROUP`` members and neither the part nor the rest is a small group."""
    if not enough(whole) or small(part) or small(whole - part):
        return None
    return round(100 * part / whole)


def masked_share(part: int, whole: int) -> str:
    percent = shown_share(part, whole)
    return BELOW if percent is None else f"{percent}%"


def shown_score(*percents: int | None) -> float:
    """The sum of shares (0 to 1 each) as shown: a hidden share (None) counts 0."""
    return sum(percent for percent in percents if percent is not None) / 100
