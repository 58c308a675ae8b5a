"""The database side of the reading list: the catalogue, co-study, branch favourites, and
what one member brings (history, dismissals, branch)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence, Set
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import EllipsisType
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import Count, F, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from home.kinds import kind_by_content_type
from home.models import ContentPage, ContentPageTag, HomePageFeaturedItem
from learning.models import Dismissal, LearningRecord
from learning.reading_list.data import Candidate, Catalogue, CoStudy, HistoryEntry
from members.models import MemberProfile

if TYPE_CHECKING:
    from learning.reading_list.shared import SharedData

# --- Bounds on the work done per request --------------------------------------------------
SEED_RECORDS = 10  # co-study starts from the member's most recent records only
NEIGHBOUR_CAP = 100  # per seed page: the members who studied it most recently
CO_STUDY_PER_SEED = 30  # per seed page: the items most often studied after it
CO_STUDY_MIN_MEMBERS = 2  # a pair seen once is noise, and would point at one member
BRANCH_WINDOW_DAYS = 30  # 本支部同学在学 means studied within this many days
# 本支部同学在学 only when at least this many other members of the branch studied the page:
# fewer would point at who they are, and a handful is no trend.
BRANCH_MIN_MEMBERS = 5
BRANCH_CAP = 50  # branch favourites kept


def load_catalogue(visible: QuerySet[ContentPage]) -> Catalogue:
    """Every live, public page with topic, kind, tags, event start and featured position."""
    featured_order = (
        HomePageFeaturedItem.objects.filter(page_id=OuterRef("pk"))
        .order_by("sort_order")
        .values(order=Coalesce("sort_order", 0))[:1]
    )
    rows = list(
        visible.annotate(
            starts_at=F("forumeventpage__starts_at"),
            featured_order=Subquery(featured_order),
        ).values_list(
            "pk", "topic", "content_type_id", "first_published_at", "starts_at", "featured_order"
        )
    )
    tags: dict[int, list[str]] = defaultdict(list)
    tag_rows = ContentPageTag.objects.filter(content_object__in=visible.values("pk"))
    for page_id, name in tag_rows.values_list("content_object_id", "tag__name"):
        tags[page_id].append(name)
    featured = sorted((order, pk) for pk, *_rest, order in rows if order is not None)
    featured_rank = {pk: rank for rank, (_order, pk) in enumerate(featured)}
    kinds = kind_by_content_type()
    return Catalogue(
        Candidate(
            page_id=pk,
            topic=topic,
            kind=kinds.get(content_type, ""),
            published_at=published,
            # The topic first, as cards show it.
            tags=tuple(sorted(tags.get(pk, ()), key=lambda name, topic=topic: name != topic)),
            starts_at=starts_at,
            featured_rank=featured_rank.get(pk),
        )
        for pk, topic, content_type, published, starts_at, _order in rows
    )


def query_co_studied(seeds: Sequence[int]) -> list[tuple[int, int, int]]:
    """(seed, item, members) in one aggregate: per seed, its NEIGHBOUR_CAP most recent
    members, every other item they studied, the CO_STUDY_PER_SEED most shared.

    The join reads only (member, page), which the one-record-per-member-and-page index
    holds, so PostgreSQL answers it from the index without touching the table.
    """
    table = connection.ops.quote_name(LearningRecord._meta.db_table)
    placeholders = ", ".join(["%s"] * len(seeds))
    sql = f"""
        WITH seed_members AS (
            SELECT seed, member_id FROM (
                SELECT page_id AS seed, member_id,
                       ROW_NUMBER() OVER (
                           PARTITION BY page_id ORDER BY last_seen_at DESC, member_id
                       ) AS position
                FROM {table} WHERE page_id IN ({placeholders})
            ) AS recent WHERE position <= %s
        ),
        pairs AS (
            SELECT s.seed, r.page_id AS item, COUNT(*) AS together,
                   ROW_NUMBER() OVER (
                       PARTITION BY s.seed ORDER BY COUNT(*) DESC, r.page_id
                   ) AS position
            FROM seed_members s
            JOIN {table} r ON r.member_id = s.member_id AND r.page_id <> s.seed
            GROUP BY s.seed, r.page_id
            HAVING COUNT(*) >= %s
        )
        SELECT seed, item, together FROM pairs WHERE position <= %s
    """  # Only the table name and the placeholders are formatted in.
    params = [*seeds, NEIGHBOUR_CAP, CO_STUDY_MIN_MEMBERS, CO_STUDY_PER_SEED]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(int(seed), int(item), int(together)) for seed, item, together in cursor]


def query_branch_favourites(branch_id: int, now: datetime) -> dict[int, int]:
    """Pages at least BRANCH_MIN_MEMBERS of the branch studied lately, most studied first."""
    rows = (
        LearningRecord.objects.filter(
            member__member_profile__branch_id=branch_id,
            page__isnull=False,
            last_seen_at__gte=now - timedelta(days=BRANCH_WINDOW_DAYS),
        )
        .values("page_id")
        .annotate(members=Count("pk"), latest=Max("last_seen_at"))
        .filter(members__gte=BRANCH_MIN_MEMBERS)
        .order_by("-members", "-latest", "page_id")
        .values_list("page_id", "members")[:BRANCH_CAP]
    )
    return dict(rows)


# ============================ Loading the data for one member ============================


@dataclass
class MemberData:
    """What ``rank_items`` needs about one member besides the shared catalogue."""

    history: list[HistoryEntry]
    dismissed: set[int]
    co_studied: list[CoStudy]
    branch_counts: dict[int, int]


def load_dismissed(member_id: int) -> set[int]:
    return set(Dismissal.objects.filter(member_id=member_id).values_list("page_id", flat=True))


def load_member(
    member_id: int,
    shared: SharedData,
    now: datetime,
    dismissed: Set[int] | None = None,
    branch_id: int | None | EllipsisType = ...,
) -> MemberData:
    """History, dismissals, branch: three small indexed queries; co-study mostly kept.
    ``dismissed`` and ``branch_id``: when the caller has them already, no query for them."""
    catalogue = shared.catalogue_of()
    # Records of deleted pages (no page any more) play no part in the reading list.
    rows = LearningRecord.objects.filter(member_id=member_id, page__isnull=False).order_by(
        "-last_seen_at", "-pk"
    )
    history = [
        HistoryEntry(
            page_id=page_id,
            title=title,
            topic=topic,
            last_seen_at=last_seen,
            total_seconds=seconds,
            best_progress=progress,
            completed=completed_at is not None,
            tags=catalogue.by_id[page_id].tags if page_id in catalogue.by_id else (topic,),
        )
        for page_id, title, topic, last_seen, seconds, progress, completed_at in rows.values_list(
            "page_id",
            "page__title",
            "page__topic",
            "last_seen_at",
            "total_seconds",
            "best_progress",
            "completed_at",
        )
    ]
    if dismissed is None:
        dismissed = load_dismissed(member_id)
    seeds = [entry.page_id for entry in history[:SEED_RECORDS]]
    if branch_id is ...:
        branch_id = (
            MemberProfile.objects.filter(user_id=member_id)
            .values_list("branch_id", flat=True)
            .first()
        )
    # The branch counts include the member: take them out, so five means five others.
    recent = now - timedelta(days=BRANCH_WINDOW_DAYS)
    own_recent = {entry.page_id for entry in history if entry.last_seen_at >= recent}
    branch_counts = {
        page_id: count
        for page_id, members in shared.branch_favourites(branch_id, now).items()
        if (count := members - (page_id in own_recent)) >= BRANCH_MIN_MEMBERS
    }
    return MemberData(
        history=history,
        dismissed=set(dismissed),
        co_studied=shared.co_studied_with(seeds) if seeds else [],
        branch_counts=branch_counts,
    )
