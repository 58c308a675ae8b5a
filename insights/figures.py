"""The content report's figures, worked out for a list of pages in a fixed number of queries.

``page_figures(pages, window)`` takes the pages already chosen (one page of the report's
results, or every page for an export) and runs, whatever their number: one query for the
members' records of those pages, one for the self-check first tries, one for the votes,
one for the notes and, when lectures are among them, one for their chapters. Nothing is
queried per page. ``needs_work(pages, window)`` ranks pages by unhelpful votes and low
completion from two grouped queries; ``load_pages`` then loads the listed pages only.

A ``StudyWindow`` is the date filter, in whole weeks (Monday to Sunday in the site's time
zone): a member's study of a page counts when it overlaps the window (the record's first and
last event, ``occurred_at``, are its bounds); answers count by ``answered_at`` and votes by
``updated_at``. Every figure goes through
``insights.privacy`` before it is shown or exported.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    Q,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback.models import Helpfulness, PageVote
from home.models import ContentPage
from home.selfcheck import questions_of
from insights.privacy import (
    BELOW,
    enough,
    masked_count,
    masked_median,
    masked_parts,
    masked_share,
    merged_parts,
    shown_score,
    shown_share,
)
from learning.models import LearningRecord
from lectures.models import MicroLecturePage
from selfcheck.models import SelfCheckAnswer

NOTES_SHOWN = 10  # the newest notes of a page, in the report and its export
QUESTION_TEXT_SHOWN = 30  # characters of a question's text
EQUAL_BUCKETS = 4  # a lecture without chapters (or duration) is cut in quarters
CHUNK = 500  # pages per round of queries in an export


@dataclass(frozen=True)
class StudyWindow:
    start: datetime | None = None  # inclusive
    end: datetime | None = None  # exclusive

    @classmethod
    def from_dates(cls, first: date | None, last: date | None) -> StudyWindow:
        """The whole weeks (Monday to Sunday, the site's time zone) holding both dates: two
        windows a day apart must not differ by the members who studied on that day."""
        start = _midnight(first, -first.weekday()) if first else None
        end = _midnight(last, 7 - last.weekday()) if last else None
        return cls(start=start, end=end)

    @property
    def first_day(self) -> date | None:
        return timezone.localtime(self.start).date() if self.start else None

    @property
    def last_day(self) -> date | None:
        return timezone.localtime(self.end).date() - timedelta(days=1) if self.end else None

    def records(self, queryset):
        if self.start:
            queryset = queryset.filter(last_seen_at__gte=self.start)
        if self.end:
            queryset = queryset.filter(first_seen_at__lt=self.end)
        return queryset

    def moments(self, queryset, field_name: str):
        if self.start:
            queryset = queryset.filter(**{f"{field_name}__gte": self.start})
        if self.end:
            queryset = queryset.filter(**{f"{field_name}__lt": self.end})
        return queryset

    def completed(self) -> Q:
        done = Q(completed_at__isnull=False)
        return done & Q(completed_at__lt=self.end) if self.end else done


def _midnight(day: date, days_later: int) -> datetime | None:
    """Midnight ``days_later`` after ``day`` in the site's time zone; None (no bound) at the
    ends of the calendar, where neither Python nor the database can hold it in UTC."""
    try:
        moment = datetime.combine(day + timedelta(days=days_later), time.min)
        moment = moment.replace(tzinfo=timezone.get_default_timezone())
        moment.astimezone(UTC)
    except OverflowError:
        return None
    return moment


def minutes_and_seconds(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes}:{seconds:02d}"


@dataclass
class QuestionFigure:
    number: int
    text: str
    first_tries: int = 0
    right: int = 0

    @property
    def rate(self) -> str:
        """Right at the first try, shown only when neither the right nor the wrong are a
        small group."""
        return masked_share(self.right, self.first_tries)

    def __str__(self) -> str:
        return _("第%(number)s题 %(rate)s") % {"number": self.number, "rate": self.rate}


@dataclass
class Bucket:
    label: str
    count: int = 0  # never shown as it is: see PageFigures.buckets_shown


@dataclass
class PageFigures:
    page: ContentPage
    started: int = 0
    completed: int = 0
    seconds: list[int] = field(default_factory=list)
    questions: list[QuestionFigure] = field(default_factory=list)
    buckets: list[Bucket] = field(default_factory=list)
    helpful: int = 0
    not_helpful: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def started_shown(self) -> int | str:
        return masked_count(self.started)

    @property
    def completed_shown(self) -> int | str:
        """学完 with the starters who did not complete: 10 and 9 would tell one member."""
        return masked_parts([self.completed, self.started - self.completed])[0]

    @property
    def median_seconds(self) -> int | str:
        """Median active reading time in whole seconds, from the members who started."""
        return masked_median(self.seconds)

    @property
    def median_shown(self) -> str:
        median = self.median_seconds
        return median if median == BELOW else minutes_and_seconds(median)

    @property
    def votes(self) -> int:
        return self.helpful + self.not_helpful

    @property
    def helpful_shown(self) -> int | str:
        return masked_parts([self.helpful, self.not_helpful])[0]

    @property
    def not_helpful_shown(self) -> int | str:
        return masked_parts([self.helpful, self.not_helpful])[1]

    @property
    def buckets_shown(self) -> list[tuple[str, int | str]]:
        """(label, count) per chapter; the counts add up to started, so a chapter of one to
        four is shown only merged with its neighbours ("未播放 至 0:00 开篇")."""
        shown = []
        for indexes, total in merged_parts([bucket.count for bucket in self.buckets]):
            label = self.buckets[indexes[0]].label
            if len(indexes) > 1:
                last = self.buckets[indexes[-1]].label
                label = _("%(first)s 至 %(last)s") % {"first": label, "last": last}
            shown.append((label, masked_count(total)))
        return shown

    @property
    def is_lecture(self) -> bool:
        return self.page.specific_class is MicroLecturePage


def _question_text(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUESTION_TEXT_SHOWN else text[:QUESTION_TEXT_SHOWN] + "…"


def _lecture_buckets(duration: int | None, chapters) -> tuple[list[float], list[Bucket]]:
    """Where each bucket starts (as a share of the lecture, 0..1) and the empty buckets.
    Bucket 0 is 未播放 (best progress 0), the others the chapters or equal parts."""
    marks = sorted(
        (block.value["start_seconds"], block.value["title"])
        for block in chapters or []
        if block.block_type == "chapter"
    )
    if duration and marks:
        starts = [min(start / duration, 1.0) for start, _title in marks]
        starts[0] = 0.0  # before the first chapter's start counts in the first chapter
        labels = [f"{minutes_and_seconds(start)} {title}" for start, title in marks]
    else:
        starts = [i / EQUAL_BUCKETS for i in range(EQUAL_BUCKETS)]
        labels = [
            f"{round(100 * i / EQUAL_BUCKETS)}–{round(100 * (i + 1) / EQUAL_BUCKETS)}%"
            for i in range(EQUAL_BUCKETS)
        ]
    return starts, [Bucket(_("未播放"))] + [Bucket(label) for label in labels]


def _chunks(items: list, size: int):
    for index in range(0, len(items), size):
        yield items[index : index + size]


def page_figures(pages, window: StudyWindow | None = None) -> list[PageFigures]:
    """The figures of ``pages`` (ContentPage rows with ``self_check`` loaded), in order."""
    window = window or StudyWindow()
    result = []
    for chunk in _chunks(list(pages), CHUNK):
        result.extend(_figures_of_chunk(chunk, window))
    return result


def _figures_of_chunk(pages: list[ContentPage], window: StudyWindow) -> list[PageFigures]:
    if not pages:
        return []
    figures = {page.pk: PageFigures(page) for page in pages}
    starts_of = _add_chapters(figures)
    _add_records(figures, starts_of, window)
    _add_first_tries(figures, window)
    _add_votes(figures, window)
    return [figures[page.pk] for page in pages]


def _add_chapters(figures: dict[int, PageFigures]) -> dict[int, list[float]]:
    """Lectures' empty buckets and where each starts (one query, only when lectures are
    listed)."""
    lecture_ids = [pk for pk, figure in figures.items() if figure.is_lecture]
    starts_of: dict[int, list[float]] = {}
    if lecture_ids:
        for pk, duration, chapters in MicroLecturePage.objects.filter(
            pk__in=lecture_ids
        ).values_list("pk", "duration_seconds", "chapters"):
            starts_of[pk], figures[pk].buckets = _lecture_buckets(duration, chapters)
    return starts_of


def _add_records(figures, starts_of, window: StudyWindow) -> None:
    """The members' records: started, completed, time, furthest point played."""
    records = window.records(LearningRecord.objects.filter(page_id__in=list(figures))).annotate(
        done=ExpressionWrapper(window.completed(), output_field=BooleanField())
    )
    for page_id, seconds, done, progress in records.values_list(
        "page_id", "total_seconds", "done", "best_progress"
    ).order_by():
        figure = figures[page_id]
        figure.started += 1
        figure.completed += bool(done)
        figure.seconds.append(seconds)
        if page_id in starts_of:
            figure.buckets[_bucket(starts_of[page_id], progress)].count += 1


def _bucket(starts: list[float], progress: float) -> int:
    """0 for 未播放, else 1 + the chapter (or part) holding the furthest point played; the
    very end (1.0) belongs to the last one."""
    if progress <= 0:
        return 0
    return 1 + max(bisect_right(starts, min(progress, 1.0)) - 1, 0)


def _add_first_tries(figures, window: StudyWindow) -> None:
    """Self-check: first tries per question of the page as it is now."""
    question_index = {}
    for pk, figure in figures.items():
        questions = questions_of(figure.page)
        figure.questions = [QuestionFigure(q.number, _question_text(q.text)) for q in questions]
        question_index.update({(pk, q.id): index for index, q in enumerate(questions)})
    if not question_index:
        return
    answers = window.moments(
        SelfCheckAnswer.objects.filter(page_id__in=list(figures), attempt=1), "answered_at"
    )
    for page_id, question_id, tries, right in (
        answers.values("page_id", "question_id")
        .annotate(tries=Count("pk"), right=Count("pk", filter=Q(correct=True)))
        .values_list("page_id", "question_id", "tries", "right")
        .order_by()
    ):
        index = question_index.get((page_id, question_id))
        if index is not None:  # answers to a question since removed are left out
            question = figures[page_id].questions[index]
            question.first_tries, question.right = tries, right


def _add_votes(figures, window: StudyWindow) -> None:
    """Votes, and the newest notes of pages with at least MIN_GROUP votes (never who)."""
    votes = window.moments(PageVote.objects.filter(page_id__in=list(figures)), "updated_at")
    for page_id, helpful, not_helpful in (
        votes.values("page_id")
        .annotate(
            helpful=Count("pk", filter=Q(value=Helpfulness.HELPFUL)),
            not_helpful=Count("pk", filter=Q(value=Helpfulness.NOT_HELPFUL)),
        )
        .values_list("page_id", "helpful", "not_helpful")
        .order_by()
    ):
        figures[page_id].helpful, figures[page_id].not_helpful = helpful, not_helpful
    noted = [pk for pk, figure in figures.items() if enough(figure.votes)]
    if not noted:
        return
    notes = (
        votes.filter(page_id__in=noted)
        .exclude(note="")
        .annotate(
            newest=Window(
                RowNumber(),
                partition_by=[F("page_id")],
                order_by=[F("updated_at").desc(), F("pk").desc()],
            )
        )
        .filter(newest__lte=NOTES_SHOWN)
        .order_by("page_id", "newest")
        .values_list("page_id", "note")
    )
    for page_id, note in notes:
        figures[page_id].notes.append(note)


# --- 需要改进 -------------------------------------------------------------------------------


@dataclass
class NeedsWorkRow:
    """One page of the 需要改进 list; the figures shown are masked."""

    page_id: int
    started: int = 0
    completed: int = 0
    votes: int = 0
    unhelpful: int = 0
    page: ContentPage | None = None

    @property
    def counts(self) -> bool:
        return enough(self.started) or enough(self.votes)

    @property
    def score(self) -> float:
        """From the two shares as they are shown (a hidden one counts 0), so that the score
        and the ranking tell nothing the row does not show."""
        completion = shown_share(self.completed, self.started)
        incompletion = None if completion is None else 100 - completion
        return shown_score(shown_share(self.unhelpful, self.votes), incompletion)

    @property
    def score_shown(self) -> str:
        return f"{self.score:.2f}"

    @property
    def started_shown(self) -> int | str:
        return masked_count(self.started)

    @property
    def completion_rate(self) -> str:
        return masked_share(self.completed, self.started)

    @property
    def votes_shown(self) -> int | str:
        return masked_count(self.votes)

    @property
    def unhelpful_rate(self) -> str:
        return masked_share(self.unhelpful, self.votes)


def needs_work(pages, window: StudyWindow | None = None) -> list[NeedsWorkRow]:
    """The pages of the ``pages`` queryset with at least ``MIN_GROUP`` starters or voters,
    highest score first (then the latest created); the pages themselves are not loaded
    (``load_pages`` does it for the listed ones). Two grouped queries, whatever the number
    of pages; the ranking is done here, so the list is sorted whole and paginated after.

    score = share of 没帮助 among the votes + share of starters who did not complete, each as
    the list shows it (a whole percentage; 0 when it is hidden)
    """
    window = window or StudyWindow()
    chosen = pages.order_by().values("pk")
    rows: dict[int, NeedsWorkRow] = {}
    records = window.records(LearningRecord.objects.filter(page_id__in=chosen))
    for page_id, started, completed in (
        records.values("page_id")
        .annotate(started=Count("pk"), completed=Count("pk", filter=window.completed()))
        .values_list("page_id", "started", "completed")
        .order_by()
    ):
        rows[page_id] = NeedsWorkRow(page_id, started=started, completed=completed)
    votes = window.moments(PageVote.objects.filter(page_id__in=chosen), "updated_at")
    for page_id, count, unhelpful in (
        votes.values("page_id")
        .annotate(count=Count("pk"), unhelpful=Count("pk", filter=Q(value=Helpfulness.NOT_HELPFUL)))
        .values_list("page_id", "count", "unhelpful")
        .order_by()
    ):
        row = rows.setdefault(page_id, NeedsWorkRow(page_id))
        row.votes, row.unhelpful = count, unhelpful
    ranked = [row for row in rows.values() if row.counts]
    return sorted(ranked, key=lambda row: (-row.score, -row.page_id))


def load_pages(rows: list[NeedsWorkRow]) -> list[NeedsWorkRow]:
    """The listed rows with their pages, in one query."""
    pages = ContentPage.objects.defer("body", "self_check").in_bulk([row.page_id for row in rows])
    for row in rows:
        row.page = pages.get(row.page_id)
    return [row for row in rows if row.page is not None]
