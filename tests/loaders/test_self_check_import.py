"""An editor imports pages with 学习自测 (``questions``) and 学完标准 (``completion``)."""

from __future__ import annotations

import pytest
from wagtail.models import Page, Revision

from events.models import ForumEventPage
from home.blocks import SELF_CHECK_MAX_OPTIONS, SELF_CHECK_MAX_QUESTIONS
from home.kinds import CompletionPolicy
from home.selfcheck import questions_of
from lectures.models import MicroLecturePage
from stories.models import ExemplarStoryPage
from tests.loaders.test_content_import import (
    EVENT,
    LECTURE,
    SITE,
    STORY,
    problem_prefixes,
    run_import,
    write_jsonl,
)

pytestmark = pytest.mark.django_db

SINGLE = {
    "text": "长征途中，哪次会议成为党的历史上生死攸关的转折点？",
    "options": ["古田会议", "遵义会议", "洛川会议"],
    "answers": [1],
    "explanation": "1935年1月的遵义会议纠正了错误的军事指挥。",
}
MULTIPLE = {
    "text": "下列哪些属于长征精神的内涵？",
    "options": ["坚定理想信念", "不怕牺牲", "独善其身", "依靠群众"],
    "answers": [0, 1, 3],
    "explanation": "长征精神讲的是信念、牺牲和团结群众，而不是独善其身。",
}
QUIZ_LECTURE = dict(LECTURE, questions=[SINGLE, MULTIPLE], completion="quiz")


def only_lecture() -> MicroLecturePage:
    return MicroLecturePage.objects.get(slug=LECTURE["slug"])


def stored_ids(page) -> list[tuple[str, list[str]]]:
    return [
        (question.id, [option.id for option in question.options]) for question in questions_of(page)
    ]


def test_questions_and_policy_are_imported_with_ids(home, tmp_path):
    lines = [
        QUIZ_LECTURE,
        dict(STORY, questions=[SINGLE], completion="reflection"),
        dict(SITE, questions=[MULTIPLE]),  # completion left out: 浏览
    ]
    out, err, error = run_import(write_jsonl(tmp_path / "quiz.jsonl", lines))

    assert error is None, err
    lecture = only_lecture()
    assert lecture.completion_policy == CompletionPolicy.QUIZ
    questions = questions_of(lecture)
    assert [question.text for question in questions] == [SINGLE["text"], MULTIPLE["text"]]
    single, multiple = questions
    assert [option.text for option in single.options] == SINGLE["options"]
    assert single.right == {single.options[1].id} and not single.multiple
    assert multiple.multiple
    assert multiple.right == {multiple.options[i].id for i in (0, 1, 3)}
    assert single.explanation == SINGLE["explanation"]
    # Every question and option has its own explicit id, as stored (not made up from positions).
    raw = lecture.self_check.raw_data
    ids = [block["id"] for block in raw] + [
        option["id"] for block in raw for option in block["value"]["options"]
    ]
    assert len(ids) == len(set(ids)) == 2 + 3 + 4 and all(len(i) == 36 for i in ids)
    assert [option["value"]["correct"] for option in raw[0]["value"]["options"]] == [
        False,
        True,
        False,
    ]
    # The published revision holds the same ids as the page.
    live = Page.objects.get(pk=lecture.pk).specific.get_latest_revision_as_object()
    assert stored_ids(live) == stored_ids(lecture)

    story = ExemplarStoryPage.objects.get(slug=STORY["slug"])
    assert story.completion_policy == CompletionPolicy.REFLECTION
    assert len(questions_of(story)) == 1
    site = Page.objects.get(slug=SITE["slug"]).specific
    assert site.completion_policy == CompletionPolicy.VIEW
    assert len(questions_of(site)) == 1


def test_reimport_keeps_the_ids_of_unchanged_questions(home, tmp_path):
    path = write_jsonl(tmp_path / "quiz.jsonl", [QUIZ_LECTURE])
    assert run_import(path)[2] is None
    (single_id, single_options), (multiple_id, multiple_options) = stored_ids(only_lecture())

    # The first question's explanation and right answer change, the second's text changes,
    # and the questions swap places.
    changed_single = dict(SINGLE, answers=[0], explanation="另一种解析。")
    changed_multiple = dict(MULTIPLE, text="下列哪些是长征精神的内涵？")
    write_jsonl(path, [dict(QUIZ_LECTURE, questions=[changed_multiple, changed_single])])
    out, err, error = run_import(path)

    assert error is None, err
    assert "updated 1" in out
    lecture = only_lecture()
    (new_multiple_id, new_multiple_options), (kept_id, kept_options) = stored_ids(lecture)
    assert (kept_id, kept_options) == (single_id, single_options)
    assert new_multiple_id != multiple_id
    assert not set(new_multiple_options) & set(multiple_options)
    single = questions_of(lecture)[1]
    assert single.right == {single_options[0]} and single.explanation == "另一种解析。"

    # The same file once more changes no id at all.
    before = stored_ids(lecture)
    assert run_import(path)[2] is None
    assert stored_ids(only_lecture()) == before


def test_reimport_without_questions_removes_them_and_the_policy(home, tmp_path):
    path = write_jsonl(tmp_path / "quiz.jsonl", [QUIZ_LECTURE])
    assert run_import(path)[2] is None

    write_jsonl(path, [LECTURE])
    assert run_import(path)[2] is None

    lecture = only_lecture()
    assert questions_of(lecture) == []
    assert lecture.completion_policy == CompletionPolicy.VIEW


def test_event_lines_take_view_only(home, tmp_path):
    lines = [
        dict(EVENT, completion="view"),
        dict(EVENT, slug="e2", questions=[SINGLE]),
        dict(EVENT, slug="e3", completion="reflection"),
        dict(EVENT, slug="e4", completion="quiz", questions=[SINGLE]),
    ]
    out, err, error = run_import(write_jsonl(tmp_path / "events.jsonl", lines))

    assert error is not None
    assert problem_prefixes(err) == [
        "line 2: questions:",
        "line 3: completion:",
        "line 4: questions:",
        "line 4: completion:",
    ]
    assert "现场签到" in err.splitlines()[0]
    assert not ForumEventPage.objects.exists()

    out, err, error = run_import(write_jsonl(tmp_path / "event.jsonl", lines[:1]))
    assert error is None, err
    assert ForumEventPage.objects.get().completion_policy == CompletionPolicy.VIEW


def question(**changes) -> dict:
    """SINGLE with some keys changed; a key set to ... is left out."""
    result = dict(SINGLE, **changes)
    return {key: value for key, value in result.items() if value is not ...}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # Options: missing, too few, too many, not a list, not strings, empty, repeated.
        ({"questions": [question(options=...)]}, "line 1: questions[0].options: 缺少必填字段"),
        ({"questions": [question(options=[])]}, "line 1: questions[0].options: 至少需要 2 个选项"),
        (
            {"questions": [question(options=["甲"], answers=[0])]},
            "line 1: questions[0].options: 至少需要 2 个选项（现在是 1 个）",
        ),
        (
            {"questions": [question(options=list("甲乙丙丁戊己庚"))]},
            f"line 1: questions[0].options: 最多 {SELF_CHECK_MAX_OPTIONS} 个选项（现在是 7 个）",
        ),
        (
            {"questions": [question(options="甲、乙")]},
            "line 1: questions[0].options: 必须是字符串数组",
        ),
        (
            {"questions": [question(options=["甲", 2, "丙"])]},
            "line 1: questions[0].options[1]: 必须是字符串，不能是数字",
        ),
        (
            {"questions": [question(options=["甲", " ", "丙"])]},
            "line 1: questions[0].options[1]: 不能为空",
        ),
        (
            {"questions": [question(options=["甲", "乙", "甲"])]},
            "line 1: questions[0].options[2]: 与 options[0] 相同",
        ),
        (
            {"questions": [question(options=["甲", "乙" * 201])]},
            "line 1: questions[0].options[1]: 不能超过 200 个字符",
        ),
        # Answers: out of range, empty, missing, repeated, not whole numbers.
        (
            {"questions": [question(answers=[3])]},
            "line 1: questions[0].answers: 序号 3 超出范围：这道题有 3 个选项，序号只能是 0 到 2",
        ),
        ({"questions": [question(answers=[-1])]}, "line 1: questions[0].answers: 序号 -1 超出范围"),
        (
            {"questions": [question(answers=[])]},
            "line 1: questions[0].answers: 至少要有一个正确答案",
        ),
        ({"questions": [question(answers=...)]}, "line 1: questions[0].answers: 缺少必填字段"),
        ({"questions": [question(answers=None)]}, "line 1: questions[0].answers: 不能为空"),
        (
            {"questions": [question(answers=[1, 1])]},
            "line 1: questions[0].answers: 序号 1 写了两次",
        ),
        (
            {"questions": [question(answers=["1"])]},
            'line 1: questions[0].answers: "1" 不是整数：答案写选项的序号（从 0 开始），不能是字符串',
        ),
        ({"questions": [question(answers=[1.5])]}, "line 1: questions[0].answers: 1.5 不是整数"),
        ({"questions": [question(answers=[True])]}, "line 1: questions[0].answers: true 不是整数"),
        ({"questions": [question(answers=1)]}, "line 1: questions[0].answers: 必须是整数数组"),
        # Text and explanation.
        ({"questions": [question(text=...)]}, "line 1: questions[0].text: 缺少必填字段"),
        ({"questions": [question(text="  ")]}, "line 1: questions[0].text: 不能为空"),
        ({"questions": [question(text=7)]}, "line 1: questions[0].text: 必须是字符串，不能是数字"),
        (
            {"questions": [question(text="题" * 501)]},
            "line 1: questions[0].text: 不能超过 500 个字符（现在是 501 个）",
        ),
        (
            {"questions": [question(explanation=...)]},
            "line 1: questions[0].explanation: 缺少必填字段",
        ),
        ({"questions": [question(explanation="")]}, "line 1: questions[0].explanation: 不能为空"),
        # Shapes: not a list, a question that is not an object, unknown keys, too many.
        ({"questions": SINGLE}, "line 1: questions: 必须是数组"),
        ({"questions": "哪次会议？"}, "line 1: questions: 必须是数组，例如"),
        ({"questions": [SINGLE, "第二题"]}, "line 1: questions[1]: 每道题必须是一个对象"),
        ({"questions": [question(hint="想想遵义")]}, "line 1: questions[0].hint: 未知字段"),
        (
            {"questions": [SINGLE] * (SELF_CHECK_MAX_QUESTIONS + 1)},
            f"line 1: questions: 最多 {SELF_CHECK_MAX_QUESTIONS} 道题（现在是 11 道）",
        ),
        # Completion.
        (
            {"completion": "quiz"},
            "line 1: completion: 学完标准是 quiz（自测全对），但这一行没有 questions",
        ),
        (
            {"completion": "quiz", "questions": []},
            "line 1: completion: 学完标准是 quiz（自测全对），但这一行没有 questions",
        ),
        (
            {"completion": "exam"},
            'line 1: completion: 未知的学完标准 "exam"，必须是 view（浏览）、quiz（自测全对）、'
            "reflection（提交心得） 之一",
        ),
        ({"completion": 1}, "line 1: completion: 必须是字符串"),
    ],
)
def test_bad_questions_and_completion_are_named_and_nothing_is_written(
    home,
    tmp_path,
    changes,
    expected,
):
    pages, revisions = Page.objects.count(), Revision.objects.count()

    out, err, error = run_import(write_jsonl(tmp_path / "bad.jsonl", [dict(LECTURE, **changes)]))

    assert error is not None
    assert any(line.startswith(expected) for line in err.splitlines()), err
    assert len(err.splitlines()) == 1, err  # one mistake, one message
    assert (Page.objects.count(), Revision.objects.count()) == (pages, revisions)
    assert not MicroLecturePage.objects.exists()


def test_every_mistake_of_every_question_is_reported_at_once(home, tmp_path):
    lines = [
        QUIZ_LECTURE,  # fine, but the file has mistakes: nothing is written
        dict(
            STORY,
            completion="quiz",
            questions=[
                {"text": "", "options": ["甲"], "answers": [5, "x"], "extra": 1},
                MULTIPLE,
                {"options": ["甲", "乙"], "answers": [2], "explanation": "解析"},
            ],
        ),
    ]
    out, err, error = run_import(write_jsonl(tmp_path / "bad.jsonl", lines))

    assert error is not None
    assert problem_prefixes(err) == [
        "line 2: questions[0].extra:",
        "line 2: questions[0].explanation:",
        "line 2: questions[0].text:",
        "line 2: questions[0].options:",
        "line 2: questions[0].answers:",
        "line 2: questions[2].text:",
        "line 2: questions[2].answers:",
    ]
    # Too few options: the range of the answers cannot be told, only that "x" is no number.
    assert '"x" 不是整数' in err
    # The quiz has questions (wrong ones): "quiz without questions" would only confuse.
    assert "completion" not in err
    assert not MicroLecturePage.objects.exists() and not ExemplarStoryPage.objects.exists()
