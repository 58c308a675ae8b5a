"""Browsing the sites index by place and period.

Filters are plain links (``?province=``, ``?period=``, together with the index's ``?tag=``);
every link keeps the other filters, and so does pagination (``extra_query``). Values are
cleaned like every other query parameter (``core.text.clean_param``) and compared exactly;
a value no public site has gives the normal page with an empty list and a message naming
the filter, never an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from core.text import clean_param

# Query parameters in the order they appear in links (tag last: the index's own filter).
SITE_FILTERS = (("province", _("省份")), ("period", _("历史时期")))
FILTER_NAMES = tuple(name for name, _label in SITE_FILTERS) + ("tag",)
NO_PROVINCE = _("其他")


def active_filters(request) -> dict[str, str]:
    """The cleaned filter values of this request ('' when absent, blank or junk)."""
    # clean_param keeps 100 characters: more than province (40) and period (60) ever hold,
    # so an over-long value matches nothing rather than a site its start happens to name.
    return {name: clean_param(request.GET.get(name)) for name in FILTER_NAMES}


def query_string(filters: dict[str, str], **changes: str) -> str:
    """``?a=b&…`` for the non-empty filters (after ``changes``), or '' when there are none."""
    merged = {**filters, **changes}
    pairs = [(name, merged[name]) for name in FILTER_NAMES if merged.get(name)]
    return "?" + urlencode(pairs) if pairs else ""


def filter_sites(sites, filters: dict[str, str]):
    """The sites matching the active province and period (exact match)."""
    wanted = {name: filters[name] for name, _label in SITE_FILTERS if filters.get(name)}
    return sites.filter(**wanted) if wanted else sites


@dataclass(frozen=True)
class Chip:
    label: str
    count: int | None  # None for the 全部 chip
    query: str  # "?…" or "" (the index itself)
    active: bool


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    chips: tuple[Chip, ...]
    active: str


def facet(sites, name: str, label, filters: dict[str, str]) -> Facet:
    """Chips for one field: every value the public sites have, most used first (one query)."""
    rows = (
        sites.exclude(**{name: ""})
        .order_by()
        .values_list(name)
        .annotate(uses=Count("pk"))
        .order_by("-uses", name)
    )
    active = filters.get(name, "")
    chips = [Chip(_("全部"), None, query_string(filters, **{name: ""}), not active)]
    chips += [
        Chip(value, uses, query_string(filters, **{name: value}), value == active)
        for value, uses in rows
    ]
    return Facet(name, label, tuple(chips), active)


def facets(sites, filters: dict[str, str]) -> list[Facet]:
    return [facet(sites, name, label, filters) for name, label in SITE_FILTERS]


def by_province(sites) -> list[tuple[str, list]]:
    """Sites grouped under their province (by name), those without one last under 其他."""
    groups: dict[str, list] = {}
    for site in sites:
        groups.setdefault(site.province, []).append(site)
    named = sorted((province, items) for province, items in groups.items() if province)
    if "" in groups:
        named.append((str(NO_PROVINCE), groups[""]))
    return named
