"""The demo's 学习自测 (``content.SELF_CHECKS``, keyed by page slug): checked before anything
is built, and turned into the page fields (questions stored with ids, 学完标准)."""

from __future__ import annotations

from demo import content
from home.blocks import SELF_CHECK_MAX_OPTIONS, SELF_CHECK_MAX_QUESTIONS, SELF_CHECK_MIN_OPTIONS
from home.kinds import Completion, CompletionPolicy, all_kinds
from home.selfcheck import QuestionSpec, self_check_data


def self_check_problems() -> list[str]:
    """Each self-check belongs to one page that is studied (not attended), has a known policy
    and questions the block allows: 2–6 options, at least one right, answers in range."""
    studied = {
        item["slug"]: kind.name
        for kind in all_kinds()
        if kind.completion != Completion.ATTENDED
        for item in content.ITEMS_BY_KIND[kind.name]
    }
    problems = []
    for slug, check in content.SELF_CHECKS.items():
        if slug not in studied:
            problems.append(f"自测“{slug}”：没有这个微党课、红色场馆或先进典型")
        if check.get("completion", CompletionPolicy.VIEW) not in CompletionPolicy.values:
            problems.append(f"自测“{slug}”：未知的学完标准 {check['completion']}")
        questions = check.get("questions", [])
        if check.get("completion") == CompletionPolicy.QUIZ and not questions:
            problems.append(f"自测“{slug}”：自测全对需要自测题")
        if len(questions) > SELF_CHECK_MAX_QUESTIONS:
            problems.append(f"自测“{slug}”：最多 {SELF_CHECK_MAX_QUESTIONS} 道题")
        for number, question in enumerate(questions, start=1):
            options, answers = question["options"], question["answers"]
            if not SELF_CHECK_MIN_OPTIONS <= len(options) <= SELF_CHECK_MAX_OPTIONS:
                problems.append(f"自测“{slug}”第 {number} 题：选项应为 2–6 个")
            if len(set(options)) != len(options):
                problems.append(f"自测“{slug}”第 {number} 题：选项重复")
            if not answers or len(set(answers)) != len(answers):
                problems.append(f"自测“{slug}”第 {number} 题：答案为空或重复")
            if any(not 0 <= answer < len(options) for answer in answers):
                problems.append(f"自测“{slug}”第 {number} 题：答案序号超出范围")
            if not question["text"] or not question["explanation"]:
                problems.append(f"自测“{slug}”第 {number} 题：缺少题目或解析")
    return problems


def self_check_fields(slug: str) -> dict:
    """The page's 学习自测 (stored with ids) and 学完标准, as ``content.SELF_CHECKS`` says."""
    check = content.SELF_CHECKS.get(slug, {})
    questions = [
        QuestionSpec(
            text=question["text"],
            options=tuple(question["options"]),
            right=frozenset(question["answers"]),
            explanation=question["explanation"],
        )
        for question in check.get("questions", [])
    ]
    return {
        "self_check": self_check_data(questions),
        "completion_policy": check.get("completion", CompletionPolicy.VIEW),
    }
