"""学习自测 questions (``ContentPage.self_check``): the one place that reads and writes them.

Reading: what the browser and the API may see of a question is ``Question.public()``: its
text and options, never which options are right and never the explanation. Answers, marking
and recording live in ``selfcheck.marking``, which builds on this.

Writing (``self_check_data``): a member's answers are kept by question and option id, so
every question and option is written with an explicit id, and content written again (an
import run twice, say) keeps the ids of questions it does not change: answers given before
still match. The importer (``loaders``) and the demo (``demo``) both write questions here.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

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


# --- writing questions --------------------------------------------------------------


@dataclass(frozen=True)
class QuestionSpec:
    """One question as an editor writes it: option texts, and which of them are right."""

    text: str
    options: tuple[str, ...]
    right: frozenset[int]  # 0-based indexes into ``options``
    explanation: str


def _new_id() -> str:
    return str(uuid.uuid4())


def _option_texts(block: dict) -> tuple[str, ...] | None:
    """The option texts of a stored question block, or None when it is not in the form we
    write (options without ids): such a question cannot lend its ids."""
    items = (block.get("value") or {}).get("options") or []
    texts = []
    for item in items:
        if not (isinstance(item, dict) and item.get("type") == "item" and item.get("id")):
            return None
        texts.append((item.get("value") or {}).get("text", ""))
    return tuple(texts)


def _reusable(previous: Iterable[dict]) -> dict[tuple[str, tuple[str, ...]], dict]:
    """Stored questions with ids, by (text, option texts); the first of equal ones wins."""
    found: dict[tuple[str, tuple[str, ...]], dict] = {}
    for block in previous:
        if not isinstance(block, dict) or block.get("type") != "question" or not block.get("id"):
            continue
        texts = _option_texts(block)
        if texts is None:
            continue
        found.setdefault(((block.get("value") or {}).get("text", ""), texts), block)
    return found


def self_check_data(questions: Sequence[QuestionSpec], previous: Iterable[Any] = ()) -> list[dict]:
    """Raw data for ``ContentPage.self_check``: question blocks with ids, options with ids.

    ``previous`` is the raw data the page held (``page.self_check.raw_data``). A question whose
    text and option texts (in order) are unchanged keeps its id and its options' ids, even if it
    moved or its right answers or explanation changed; any other question gets new ids.
    """
    reusable = _reusable(previous)
    data = []
    for question in questions:
        old = reusable.pop((question.text, question.options), None)
        old_options = old["value"]["options"] if old else [None] * len(question.options)
        data.append(
            {
                "type": "question",
                "id": old["id"] if old else _new_id(),
                "value": {
                    "text": question.text,
                    "options": [
                        {
                            "type": "item",
                            "id": old_option["id"] if old_option else _new_id(),
                            "value": {"text": text, "correct": index in question.right},
                        }
                        for index, (text, old_option) in enumerate(
                            zip(question.options, old_options, strict=True)
                        )
                    ],
                    "explanation": question.explanation,
                },
            }
        )
    return data
