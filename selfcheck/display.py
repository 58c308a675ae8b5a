"""What the 学习自测 section of a content page shows, built from the page's questions.

Before the member has answered (and always for visitors), only what ``Question.public()``
holds reaches the template: the right options and the explanation are put in only for a
question of the member's latest attempt (``result``), and the template shows them only there.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from home.selfcheck import Question, questions_of
from selfcheck.marking import latest_attempt
from selfcheck.models import SelfCheckAnswer


@dataclass(frozen=True)
class OptionView:
    id: str
    text: str
    input_id: str
    checked: bool  # kept from a form sent back because a question was left out


@dataclass(frozen=True)
class Result:
    correct: bool
    explanation: str
    chosen_texts: list[str]
    right_texts: list[str]


@dataclass
class QuestionView:
    id: str
    number: int
    text: str
    multiple: bool
    field_name: str
    options: list[OptionView]
    error: str = ""
    result: Result | None = None

    @property
    def dom_id(self) -> str:
        return f"sc-{self.id}"


@dataclass
class SelfCheckView:
    questions: list[QuestionView]
    attempted: bool = False
    right_count: int = 0
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.questions)

    @property
    def all_right(self) -> bool:
        return self.attempted and self.right_count == self.total


def question_view(
    question: Question,
    checked: frozenset[str],
    error: str,
    answer: SelfCheckAnswer | None,
) -> QuestionView:
    chosen = frozenset(answer.chosen) if answer is not None else frozenset()
    result = None
    if answer is not None:
        result = Result(
            correct=answer.correct,
            explanation=question.explanation,
            chosen_texts=[o.text for o in question.options if o.id in chosen],
            right_texts=[o.text for o in question.options if o.id in question.right],
        )
    options = [
        OptionView(
            id=option.id,
            text=option.text,
            input_id=f"sc-{question.id}-{index}",
            checked=option.id in checked,
        )
        for index, option in enumerate(question.options)
    ]
    return QuestionView(
        id=question.id,
        number=question.number,
        text=question.text,
        multiple=question.multiple,
        field_name=question.field_name,
        options=options,
        error=error,
        result=result,
    )


def self_check_view(
    page,
    member=None,
    checked: dict[str, frozenset[str]] | None = None,
    errors: dict[str, str] | None = None,
) -> SelfCheckView | None:
    """The section for ``page`` (None when it has no questions). With ``member`` and no
    ``checked`` form, the member's latest attempt is shown (one query); ``checked`` and
    ``errors`` re-show a form that was sent back."""
    questions = questions_of(page)
    if not questions:
        return None
    checked = checked or {}
    errors = errors or {}
    latest = latest_attempt(member, page) if member is not None and not errors else {}
    views = [
        question_view(
            question,
            checked.get(question.id, frozenset()),
            errors.get(question.id, ""),
            latest.get(question.id),
        )
        for question in questions
    ]
    attempted = any(view.result for view in views)
    right_count = sum(1 for view in views if view.result and view.result.correct)
    return SelfCheckView(views, attempted=attempted, right_count=right_count, errors=errors)
