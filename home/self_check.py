"""学习自测 as stored data: questions → the raw StreamField data of ``ContentPage.self_check``.

A member's answers are kept by question and option id (``selfcheck``), so every question and
option is written with an explicit id, and content written again (an import run twice, say)
keeps the ids of questions it does not change: answers given before still match. The importer
(``loaders``) and the demo (``demo``) both write questions through here.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any


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
