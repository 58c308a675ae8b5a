"""The demo's 学习自测 (``content.SELF_CHECKS``, keyed by page slug): checked before anything
is built, by the importer's own parsers; the questions and 学完标准 then reach the pages as
the import line's ``questions`` and ``completion`` (``demo.lines``)."""

from __future__ import annotations

from demo import content
from home.kinds import Completion, CompletionPolicy, all_kinds
from home.models import ContentPage
from loaders.parsers import InvalidValue, parse_completion, parse_questions


def self_check_problems() -> list[str]:
    """Each self-check belongs to one page that is studied (not attended), and has a policy
    and questions the importer accepts (a quiz needs questions)."""
    studied = {
        item["slug"]: kind.name
        for kind in all_kinds()
        if kind.completion != Completion.ATTENDED
        for item in content.ITEMS_BY_KIND[kind.name]
    }
    field = ContentPage._meta.get_field("self_check")
    problems = []
    for slug, check in content.SELF_CHECKS.items():
        if slug not in studied:
            problems.append(f"自测“{slug}”：没有这个微党课、红色场馆或先进典型")
        for key, parse in (("completion", parse_completion), ("questions", parse_questions)):
            try:
                parse(check.get(key), field)
            except InvalidValue as exc:
                problems += [f"自测“{slug}”{key}{where}：{reason}" for where, reason in exc.parts]
        if check.get("completion") == CompletionPolicy.QUIZ and not check.get("questions"):
            problems.append(f"自测“{slug}”：自测全对需要自测题")
    return problems
