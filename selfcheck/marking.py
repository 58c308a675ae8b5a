"""A member's answers to a page's questions, marking them and recording the attempt.

Reading the questions is the content base's (``home.selfcheck``: ``questions_of``,
``Question.public()``); the right options and explanations reach the
browser only from here, after the member has answered.

Answers arrive as form fields ``q-<question id>`` whose values are option ids (one for a
single-choice question, one or more for multiple choice). ``read_answers`` tells apart what
a member can fix (a question left unanswered: the form is shown again with a message next to
it) from what no form of ours sends (an unknown question, an option of another question or
page, two options on a single-choice question: ``AnswerProblem``, answered with 400).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max, Subquery
from django.utils import timezone

from home.models import ContentPage
from home.selfcheck import FIELD_PREFIX, Question
from learning.event_log import record_server_event
from learning.models import Verb
from learning.records import lock_member
from selfcheck.models import SelfCheckAnswer

MAX_FIELDS = 100  # a page has at most 10 questions; far more fields is not our form


class AnswerProblem(ValueError):
    """The answers are not something our form sends: the request is refused with 400."""


@dataclass
class Answers:
    chosen: dict[str, frozenset[str]] = field(default_factory=dict)  # question id → options
    unanswered: list[Question] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.unanswered


def read_answers(questions: list[Question], data) -> Answers:
    """The member's choices from a QueryDict-like ``data`` (``getlist``)."""
    by_field = {question.field_name: question for question in questions}
    fields = [name for name in data if name.startswith(FIELD_PREFIX)]
    if len(fields) > MAX_FIELDS:
        raise AnswerProblem("too many answers")
    for name in fields:
        if name not in by_field:
            raise AnswerProblem(f"{name[:80]}: no such question on this page")
    answers = Answers()
    for question in questions:
        values = [value for value in data.getlist(question.field_name) if value != ""]
        known = {option.id for option in question.options}
        if any(value not in known for value in values):
            raise AnswerProblem(f"{question.field_name}: option not in this question")
        if len(values) > 1 and not question.multiple:
            raise AnswerProblem(f"{question.field_name}: single-choice question")
        if values:
            answers.chosen[question.id] = frozenset(values)
        else:
            answers.unanswered.append(question)
    return answers


@dataclass(frozen=True)
class Mark:
    question: Question
    chosen: frozenset[str]

    @property
    def correct(self) -> bool:
        return self.chosen == self.question.right


def mark(questions: list[Question], answers: Answers) -> list[Mark]:
    return [Mark(question, answers.chosen[question.id]) for question in questions]


def share_right(marks: list[Mark]) -> float:
    return sum(m.correct for m in marks) / len(marks) if marks else 0.0


@transaction.atomic
def record_attempt(member, page: ContentPage, marks: list[Mark]) -> int:
    """Store one attempt (a row per question) and its mark as an ``answered`` learning event,
    which refreshes the member's record; returns the attempt's number (1 for the first).
    The member is locked first, so two submissions at once get attempts n and n+1."""
    lock_member(member.pk)
    previous = SelfCheckAnswer.objects.filter(member=member, page=page).aggregate(
        latest=Max("attempt")
    )["latest"]
    attempt = (previous or 0) + 1
    now = timezone.now()
    SelfCheckAnswer.objects.bulk_create(
        [
            SelfCheckAnswer(
                member=member,
                page=page,
                question_id=m.question.id,
                attempt=attempt,
                chosen=sorted(m.chosen),
                correct=m.correct,
                answered_at=now,
            )
            for m in marks
        ]
    )
    record_server_event(member, page, Verb.ANSWERED, value=share_right(marks))
    return attempt


def latest_attempt(member, page: ContentPage) -> dict[str, SelfCheckAnswer]:
    """The member's most recent answers on the page, by question id (empty if none): one
    query."""
    rows = SelfCheckAnswer.objects.filter(member=member, page=page)
    latest = rows.order_by("-attempt").values("attempt")[:1]
    return {row.question_id: row for row in rows.filter(attempt=Subquery(latest))}
