"""Reading a page's 学习自测 questions (``ContentPage.self_check``): the one place that does.

What the browser and the API may see of a question is ``Question.public()``: its text and
options, never which options are right and never the explanation. Answers, marking and
recording live in ``selfcheck.marking``, which builds on this.
"""

from __future__ import annotations

from dataclasses import dataclass

from rest_framework.fields import Field

FIELD_PREFIX = "q-"  # form fields are q-<question id>, their values option ids


@dataclass(frozen=True)
class Option:
    id: str
    text: str


@dataclass(frozen=True)
class Question:
    id: str
    number: int  # 1-based, as shown
    text: str
    options: tuple[Option, ...]
    right: frozenset[str]
    explanation: str

    @property
    def multiple(self) -> bool:
        return len(self.right) > 1

    @property
    def field_name(self) -> str:
        return f"{FIELD_PREFIX}{self.id}"

    def public(self) -> dict:
        """What anyone may see before answering: no right answers, no explanation."""
        return {
            "id": self.id,
            "text": self.text,
            "multiple": self.multiple,
            "options": [{"id": option.id, "text": option.text} for option in self.options],
        }


def questions_of(page) -> list[Question]:
    """The page's questions in order. Ids are the blocks' stored ids; content written without
    them (old or hand-made JSON) gets ids from positions, stable from one load to the next."""
    questions = []
    for number, block in enumerate(page.self_check_questions, start=1):
        question_id = block.id or f"q{number}"
        options = []
        right = set()
        for index, child in enumerate(block.value["options"].bound_blocks):
            option_id = child.original_id or f"{question_id}-{index}"
            options.append(Option(option_id, child.value["text"]))
            if child.value["correct"]:
                right.add(option_id)
        questions.append(
            Question(
                id=question_id,
                number=number,
                text=block.value["text"],
                options=tuple(options),
                right=frozenset(right),
                explanation=block.value["explanation"],
            )
        )
    return questions


def public_questions(page) -> list[dict]:
    """The page's questions as the API shows them (``Question.public()``)."""
    return [question.public() for question in questions_of(page)]


class PublicSelfCheckField(Field):
    """The API's ``self_check``: the public questions of the page, never the stored blocks
    (which mark the right options and hold the explanations)."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, page) -> list[dict]:
        return public_questions(page)
