"""Receiving learning events: validation of a client's batch, storing, and server events.

A batch is all or nothing: if any event is invalid, nothing of it is stored and every
problem is named by index. Event ids make retries safe: an id the member already sent (or
repeated within the batch) is a duplicate and stored once.

Phones are forgiven what they cannot help: a clock running fast puts ``at`` in the future,
and such an event is recorded as happening when it was received; so is one dated more than
``MAX_BACKDATE`` back, which no outbox holds that long and which would let a member date a
学完了 before a due date or make up past weeks; pages in a restricted
section count when the member may view them (``viewable_page_ids``).
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from home.models import ContentPage
from learning.models import SERVER_ONLY_VERBS, LearningEvent, Verb
from learning.records import refresh_records

MAX_EVENTS_PER_REQUEST = 100
# One report covers the reading time since the previous one: more than an hour is not credible.
MAX_SECONDS_PER_REPORT = 3600
# Phones' clocks drift: an event a little in the future is kept as sent; further ahead, its
# time is the server's time of receipt (the event is not refused: the reading did happen).
CLOCK_SKEW = timedelta(minutes=10)
# A phone offline for a few days still reports its reading with the right dates; anything
# older is kept at the time it reached us, like a time in the future.
MAX_BACKDATE = timedelta(days=7)
CLIENT_VERBS = {Verb.VIEWED, Verb.PROGRESSED, Verb.COMPLETED}
EVENT_KEYS = {"id", "page", "verb", "value", "at"}


class BatchTooLarge(ValueError):
    pass


@dataclass
class BatchProblem:
    index: int | None
    field: str
    message: str

    def as_dict(self) -> dict:
        return {"index": self.index, "field": self.field, "message": self.message}


@dataclass
class ValidatedBatch:
    events: list[LearningEvent] = field(default_factory=list)
    problems: list[BatchProblem] = field(default_factory=list)


def is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def as_page_id(value) -> int | None:
    """A page id as the database can take it: a whole positive number within 63 bits."""
    if is_number(value) and value == int(value) and 0 < value < 2**63:
        return int(value)
    return None


def viewable_page_ids(request, page_ids) -> set[int]:
    """Of ``page_ids``, the live content pages the request's member may view: public ones, and
    restricted ones whose every restriction (theirs and their ancestors') lets the request
    in, by Wagtail's own rules: login (any logged-in member), groups (a member of one), a
    password (only once this session has passed it)."""
    wanted = [pk for pk in page_ids if pk is not None]
    viewable = set(ContentPage.objects.visible().filter(pk__in=wanted).values_list("pk", flat=True))
    if request is None or not request.user.is_authenticated:
        return viewable
    restricted = ContentPage.objects.live().filter(pk__in=wanted).exclude(pk__in=viewable)
    for page in restricted:
        if all(restriction.accept_request(request) for restriction in page.get_view_restrictions()):
            viewable.add(page.pk)
    return viewable


def validate_batch(member, body, request=None) -> ValidatedBatch:
    """Check a decoded JSON body; build unsaved events for the member when all is well.
    With ``request``, restricted pages the member may view are accepted (else public only)."""
    batch = ValidatedBatch()
    items = batch_items(body, batch)
    if not items:
        return batch
    page_ids = {as_page_id(item.get("page")) for item in items if isinstance(item, dict)}
    known_pages = viewable_page_ids(request, page_ids)
    now = timezone.now()
    for index, item in enumerate(items):
        problems = item_problems(item, known_pages, now)
        batch.problems.extend(BatchProblem(index, name, message) for name, message in problems)
        if not problems:
            batch.events.append(new_event(member, item, now))
    if batch.problems:
        batch.events = []
    return batch


def batch_items(body, batch: ValidatedBatch) -> list:
    """The list of events in ``{"events": [...]}``; empty (with a problem) when the shape is wrong."""
    if not isinstance(body, dict) or set(body) != {"events"}:
        batch.problems.append(BatchProblem(None, "events", '请求体必须是 {"events": [...]}'))
        return []
    items = body["events"]
    if not isinstance(items, list) or not items:
        batch.problems.append(BatchProblem(None, "events", "必须是非空数组"))
        return []
    if len(items) > MAX_EVENTS_PER_REQUEST:
        raise BatchTooLarge(f"events: 每次最多 {MAX_EVENTS_PER_REQUEST} 条，收到 {len(items)} 条")
    return items


def item_problems(item, known_pages: set[int], now: datetime) -> list[tuple[str, str]]:
    """(field, message) for everything wrong with one event; empty when it can be stored."""
    if not isinstance(item, dict):
        return [("event", "每个事件必须是 JSON 对象")]
    problems = [(str(key)[:40], "未知字段") for key in sorted(set(item) - EVENT_KEYS)]
    if client_uuid(item.get("id")) is None:
        problems.append(("id", "必须是 UUID 字符串"))
    if as_page_id(item.get("page")) not in known_pages:
        problems.append(("page", "没有这个内容页，或你无权查看（须为已发布页面的编号）"))
    problems.extend(verb_problems(item.get("verb"), item.get("value")))
    occurred_at = parse_client_time(item.get("at"))
    if occurred_at is None:
        problems.append(("at", "必须是带时区的 ISO 8601 时间，如 2026-11-24T09:30:00+08:00"))
    return problems


def client_uuid(value) -> uuid.UUID | None:
    if not isinstance(value, str):
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def verb_problems(verb, value) -> list[tuple[str, str]]:
    """The verb must be one a client may send, with a value of its kind."""
    if verb in SERVER_ONLY_VERBS:
        return [("verb", f"“{verb}”只能由服务器记录")]
    if verb not in CLIENT_VERBS:
        return [("verb", "必须是 viewed、progressed 或 completed")]
    if verb == Verb.VIEWED and not (is_number(value) and 0 <= value <= MAX_SECONDS_PER_REPORT):
        return [("value", f"viewed 的值是阅读秒数，须在 0 到 {MAX_SECONDS_PER_REPORT} 之间")]
    if verb == Verb.PROGRESSED and not (is_number(value) and 0 <= value <= 1):
        return [("value", "progressed 的值是进度，须在 0 到 1 之间")]
    if verb == Verb.COMPLETED and value is not None:
        return [("value", "completed 的值必须是 null")]
    return []


def new_event(member, item: dict, now: datetime) -> LearningEvent:
    """An unsaved event from an item that passed ``item_problems``."""
    value = item.get("value")
    return LearningEvent(
        member=member,
        page_id=as_page_id(item["page"]),
        verb=item["verb"],
        value=float(value) if value is not None else None,
        occurred_at=clamped_time(parse_client_time(item["at"]), now),
        received_at=now,
        client_id=client_uuid(item["id"]),
    )


def parse_client_time(value) -> datetime | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        return None
    if parsed is None or parsed.tzinfo is None:
        return None
    return parsed


def clamped_time(occurred_at: datetime, now: datetime) -> datetime:
    """The client's time, unless it is beyond ``CLOCK_SKEW`` ahead or ``MAX_BACKDATE`` back:
    then receipt time."""
    if occurred_at > now + CLOCK_SKEW or occurred_at < now - MAX_BACKDATE:
        return now
    return occurred_at


@transaction.atomic
def store_events(member, events: list[LearningEvent]) -> tuple[int, int]:
    """Store new events once each; returns (accepted, duplicates)."""
    seen = set(
        LearningEvent.objects.filter(
            member=member, client_id__in=[event.client_id for event in events]
        ).values_list("client_id", flat=True)
    )
    new = []
    for event in events:
        if event.client_id not in seen:
            seen.add(event.client_id)
            new.append(event)
    # ignore_conflicts: a concurrent retry of the same batch must not fail the request.
    LearningEvent.objects.bulk_create(new, ignore_conflicts=True)
    if new:
        refresh_records(member.pk, {event.page_id for event in new})
    return len(new), len(events) - len(new)


def record_server_event(member, page: ContentPage, verb: str, value: float | None = None) -> None:
    """An event the server itself witnessed: a page opened, studied, registered, attended."""
    store_events(
        member,
        [
            LearningEvent(
                member=member,
                page=page,
                verb=verb,
                value=value,
                occurred_at=timezone.now(),
                client_id=uuid.uuid4(),
            )
        ],
    )
