"""Eight weeks of the demo branch's learning, written through the paths members use.

Reading reaches the log as the page script's batches do (``learning.event_log``, which
refreshes the records); self-checks are marked and stored by ``selfcheck.marking``;
reflections saved by ``reflections.writing``; votes checked by the vote form and stored as
its view stores them; the forum event's places taken and the desk's check-ins made by
``events.registration``. Each step runs at the moment it happened (``demo.clock``), from a
seeded random, so every load tells the same story. Nothing here ranks members against each
other: the demo shows what the site shows, and the site keeps no leaderboard.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from demo.clock import clock_at
from demo.meetings import build_meetings
from demo.people import DemoPeopleError, Organisation, ensure_organisation, pages_by_slug
from events.models import ForumEventPage
from events.registration import RegistrationRefused, check_in, register
from feedback.forms import VoteForm
from feedback.models import Helpfulness, PageVote
from home.kinds import Completion, completion_of, kind_by_content_type
from home.models import ContentPage
from home.selfcheck import questions_of
from learning.event_log import store_events, validate_batch
from learning.models import LearningEvent
from reflections.forms import ReflectionForm
from reflections.writing import save_reflection
from selfcheck.marking import mark, read_answers, record_attempt

SEED = 24
WEEKS = 8
# The branch's study tour (its places filled, two left waiting, most went and checked in).
TOUR_SLUG = "xibaipo-study-tour"
TOUR_REGISTRANTS = 12  # the whole branch: the organiser and the eleven other members
TOUR_CHECKED_IN = 7
# The branch's coming 主题党日: signed up for, its check-in desk not open yet.
PARTY_DAY_SLUG = "party-oath-day"
PARTY_DAY_REGISTRANTS = 9
# Event ids the same on every load, so a batch sent twice is stored once.
EVENT_IDS = uuid.UUID("6c1f4b1e-2a7d-4f0e-9d3c-5b8a7e24d001")

REFLECTIONS = (
    "学习了脱贫攻坚的历程，深深感到“小康路上一个都不能掉队”的分量。作为计算机专业的学生，"
    "我想把所学用在乡村数字化上，参加暑期支教和电商帮扶，把论文写在祖国大地上。",
    "看到扶贫干部扎根山区、挨家挨户算收入账，我明白了什么是“把人民放在心中最高位置”。"
    "今后学习和工作中，也要多一份脚踏实地，少一份空谈。",
    "脱贫攻坚精神里最打动我的是“精准”二字：摸清底数、因户施策。做软件也一样，"
    "要真正了解用户的需求，才能做出有用的东西。我会把这份务实带到支部的志愿服务里。",
    "重温“两个务必”，我想到自己的学习生活：取得一点成绩就容易骄傲，遇到困难就容易退缩。"
    "要时刻保持谦虚谨慎、艰苦奋斗的作风，走好属于我们这一代人的赶考路。",
    "西柏坡的故事告诉我们，胜利面前更要清醒。作为学生党员，要在学习上带头、"
    "在服务同学上带头，经常对照检查自己，做到知行合一。",
)
NOTES = ("讲得很清楚，适合支部集体学习。", "希望多一些案例。", "")


@dataclass(frozen=True)
class Study:
    """How far one member got with one assignment page: read some, or finished it."""

    finished: bool
    at: datetime


class Diary:
    """One member's learning, sent through the members' own paths at the moments it happened."""

    def __init__(self, member, rng: random.Random, completion: dict[int, Completion | None]):
        self.member = member
        self.rng = rng
        self.completion = completion
        self.sent = 0

    def event_id(self) -> str:
        self.sent += 1
        return str(uuid.uuid5(EVENT_IDS, f"{self.member.get_username()}/{self.sent}"))

    def visit(self, page: ContentPage, at: datetime, *, finished: bool) -> list[dict]:
        """A visit as the page script reports it: reading time, and a lecture's progress."""
        played = self.completion.get(page.pk) == Completion.PLAYED
        seconds = self.rng.randint(70, 420) if finished else self.rng.randint(15, 50)
        items = [self.item(page, "viewed", seconds, at + timedelta(seconds=seconds))]
        if played:
            progress = 1.0 if finished else round(self.rng.uniform(0.2, 0.7), 2)
            items.append(self.item(page, "progressed", progress, at + timedelta(seconds=seconds)))
        return items

    def read(self, page: ContentPage, at: datetime, *, finished: bool) -> None:
        self.send(self.visit(page, at, finished=finished))

    def item(self, page: ContentPage, verb: str, value, at: datetime) -> dict:
        return {"id": self.event_id(), "page": page.pk, "verb": verb, "value": value,
                "at": at.isoformat()}  # fmt: skip

    def send(self, items: list[dict]) -> None:
        """One batch, received just after its last event (a week's at most: a phone's
        outbox may hold that long)."""
        received = max(datetime.fromisoformat(item["at"]) for item in items)
        with clock_at(received + timedelta(seconds=5)):
            batch = validate_batch(self.member, {"events": items})
            if batch.problems:
                problems = "；".join(problem.message for problem in batch.problems)
                raise DemoPeopleError(f"演示学习记录没有通过检查：{problems}")
            store_events(self.member, batch.events)

    def answer(self, page: ContentPage, at: datetime, *, all_right: bool) -> None:
        """The self-check form, sent, read and marked as its view does."""
        questions = questions_of(page)
        data = QueryDict(mutable=True)
        for number, question in enumerate(questions):
            chosen = set(question.right)
            if not all_right and number == 0:
                chosen = {next(o.id for o in question.options if o.id not in question.right)}
            data.setlist(question.field_name, sorted(chosen))
        with clock_at(at):
            record_attempt(self.member, page, mark(questions, read_answers(questions, data)))

    def reflect(self, page: ContentPage, at: datetime, text: str) -> None:
        form = ReflectionForm({"text": text})
        if not form.is_valid():
            raise DemoPeopleError(f"演示学习心得不符合要求：{form.errors.as_text()}")
        with clock_at(at):
            save_reflection(self.member, page, form.cleaned_data["text"])

    def vote(self, page: ContentPage, at: datetime, value: str, note: str = "") -> None:
        form = VoteForm({"value": value, "note": note})
        if not form.is_valid():
            raise DemoPeopleError(f"演示评价不符合要求：{form.errors.as_text()}")
        with clock_at(at):
            PageVote.objects.update_or_create(
                member=self.member,
                page=page,
                defaults={"value": form.cleaned_data["value"], "note": form.cleaned_data["note"]},
            )


def has_history(organisation: Organisation) -> bool:
    return LearningEvent.objects.filter(member__in=organisation.people).exists()


def build_history(organisation: Organisation, now: datetime) -> bool:
    """The branch's eight weeks; False (and nothing written) when they were made before."""
    if has_history(organisation):
        return False
    rng = random.Random(SEED)
    pages = list(ContentPage.objects.visible().order_by("path"))
    kinds = kind_by_content_type()
    completion = {page.pk: completion_of(kinds.get(page.content_type_id)) for page in pages}
    readable = (Completion.READ, Completion.PLAYED)
    browsable = [page for page in pages if completion[page.pk] in readable]
    take_part_in_events(organisation, now, rng)
    for index, member in enumerate(organisation.members):
        diary = Diary(member, rng, completion)
        browse(diary, browsable, now)
        for assignment in organisation.assignments:
            study_assignment(diary, assignment, index, now)
    return True


def browse(diary: Diary, pages: list[ContentPage], now: datetime) -> None:
    """Reading of their own choosing, a few times a week, favouring some topics."""
    rng = diary.rng
    favourites = rng.sample(sorted({page.topic for page in pages if page.topic}), k=3)
    preferred = [page for page in pages if page.topic in favourites] or pages
    start = now - timedelta(weeks=WEEKS)
    for week in range(WEEKS):
        items = []  # a week's reading, sent together as a phone's outbox does after days offline
        for _visit in range(rng.randint(1, 3)):
            page = rng.choice(preferred if rng.random() < 0.7 else pages)
            at = start + timedelta(weeks=week, days=rng.uniform(0, 5.5), hours=rng.randint(0, 3))
            items += diary.visit(page, evening(at), finished=rng.random() < 0.6)
            if rng.random() < 0.15:
                value = Helpfulness.HELPFUL if rng.random() < 0.8 else Helpfulness.NOT_HELPFUL
                diary.vote(page, evening(at) + timedelta(minutes=8), value, rng.choice(NOTES))
        diary.send(items)


def evening(moment: datetime) -> datetime:
    """Students study after class: between 19:00 and 22:00 in the site's time zone."""
    local = timezone.localtime(moment)
    return local.replace(hour=19 + local.hour % 3, minute=local.minute, second=0, microsecond=0)


# How far each member got with each assignment (by the member's place in ``MEMBERS``): the
# overdue one mostly done; the open one under way. The demo login (first member) has
# finished the first and is halfway through the second, so 待学任务 has something to do.
OVERDUE_DONE = range(0, 9)
OVERDUE_STARTED = range(9, 11)
OPEN_DONE = range(1, 5)
OPEN_STARTED = (0, 5, 6, 7, 8)


def study_assignment(diary: Diary, assignment, index: int, now: datetime) -> None:
    overdue = assignment.due_at < now
    done, started = (OVERDUE_DONE, OVERDUE_STARTED) if overdue else (OPEN_DONE, OPEN_STARTED)
    if index not in done and index not in started:
        return
    rng = diary.rng
    items = [item.page for item in assignment.items.select_related("page") if item.page]
    # From the day after it was set until its due day (or yesterday, for the open one).
    first_day = assignment.created_at + timedelta(days=1)
    last_day = min(assignment.due_at, now - timedelta(days=1))
    for number, page in enumerate(items):
        finished = index in done or number == 0
        at = evening(first_day + (last_day - first_day) * rng.uniform(0.1, 0.9))
        diary.read(page, at, finished=finished)
        if not finished:
            continue
        finish_page(diary, page.specific, at + timedelta(minutes=12))
        if rng.random() < 0.4:
            value = Helpfulness.HELPFUL if rng.random() < 0.85 else Helpfulness.NOT_HELPFUL
            diary.vote(page, at + timedelta(minutes=20), value, rng.choice(NOTES))


def finish_page(diary: Diary, page: ContentPage, at: datetime) -> None:
    """What the page's 学完标准 asks for beyond reading: a self-check, a reflection."""
    if questions_of(page):
        first_right = diary.rng.random() < 0.6
        diary.answer(page, at, all_right=first_right)
        if not first_right:
            diary.answer(page, at + timedelta(minutes=3), all_right=True)
    if page.completion_policy == "reflection" or diary.rng.random() < 0.15:
        text = REFLECTIONS[diary.rng.randrange(len(REFLECTIONS))]
        diary.reflect(page, at + timedelta(minutes=10), text)


def take_part_in_events(organisation: Organisation, now: datetime, rng: random.Random) -> None:
    """The branch's study tour, past: places filled, two left waiting, most checked in by
    the organiser at the desk. Its 主题党日, coming: signed up for in the last days, its
    desk opening two hours before the start (names are shown only while people are at the
    door)."""
    tour = branch_event(TOUR_SLUG, organisation)
    opens = tour.registration_deadline - timedelta(days=7)
    registrations = sign_up(tour, organisation.people[:TOUR_REGISTRANTS], opens, rng)
    confirmed = [registration for registration in registrations if registration.is_confirmed]
    for number, registration in enumerate(confirmed[:TOUR_CHECKED_IN]):
        arrived = tour.starts_at - timedelta(minutes=40) + timedelta(minutes=4 * number)
        with clock_at(arrived), refused_as_demo_error("签到"):
            check_in(registration, organisation.organiser)
    party_day = branch_event(PARTY_DAY_SLUG, organisation)
    sign_up(party_day, organisation.people[:PARTY_DAY_REGISTRANTS], now - timedelta(days=3), rng)


def branch_event(slug: str, organisation: Organisation) -> ForumEventPage:
    event = pages_by_slug([slug])[slug].specific
    if not isinstance(event, ForumEventPage):
        raise DemoPeopleError(f"演示页面 {slug} 不是论坛活动")
    let_branch_staff_the_desk(event, organisation)
    return event


def sign_up(event: ForumEventPage, people: list, start: datetime, rng: random.Random) -> list:
    """Each person registers, a few hours after the one before, as the event page does."""
    registrations = []
    for number, person in enumerate(people):
        with clock_at(start + timedelta(hours=5 * number + rng.randint(0, 4))):
            with refused_as_demo_error("报名"):
                registrations.append(register(event, person).registration)
    return registrations


@contextmanager
def refused_as_demo_error(step: str) -> Iterator[None]:
    try:
        yield
    except RegistrationRefused as refused:
        raise DemoPeopleError(f"演示{step}没有成功：{refused}") from None


def let_branch_staff_the_desk(event: ForumEventPage, organisation: Organisation) -> None:
    """The event names the branch as its check-in staff (a published change, as an editor
    makes it), so the organiser's login opens the check-in desk."""
    if event.check_in_branches.filter(pk=organisation.branch.pk).exists():
        return
    event.check_in_branches.add(organisation.branch)
    event.save_revision().publish()


@transaction.atomic
def build_demo_people(now: datetime | None = None) -> str:
    """The demo organisation and its history, once; a line saying what was made."""
    now = now or timezone.now()
    organisation = ensure_organisation(now)
    made = build_history(organisation, now)
    meetings = build_meetings(organisation, now)
    people = len(organisation.people)
    if not made and not meetings:
        return f"演示党支部“{organisation.branch.name}”已存在（{people} 人），未作改动。"
    events = LearningEvent.objects.filter(member__in=organisation.people).count()
    return (
        f"演示党支部“{organisation.branch.name}”：{people} 人，"
        f"{len(organisation.assignments)} 项学习任务，八周学习记录（{events} 条学习事件），"
        f"一年的组织生活记录（新增 {meetings} 条）。"
    )
