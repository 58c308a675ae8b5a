"""学习心得 on content pages: private, 50–800 characters, a learning event, deletable."""

import pytest
from django.contrib.messages import get_messages

from assignments.models import ReflectionShare
from home.models import ContentPage
from learning.event_log import record_server_event
from learning.models import LearningEvent, LearningRecord, Verb
from learning.records import rebuild_records
from mylearning.export import export_history
from mylearning.history import delete_history
from reflections.models import Reflection
from selfcheck.models import SelfCheckAnswer
from tests.factories import (
    AssignmentFactory,
    BranchFactory,
    ExemplarStoryPageFactory,
    ForumEventPageFactory,
    SelfCheckAnswerFactory,
    login,
    make_member,
)

pytestmark = pytest.mark.django_db

THOUGHT = "读完这一篇，我更理解了为什么要把初心落在日常学习和工作里，不能只停留在口号上。"


def words(count: int) -> str:
    """Exactly ``count`` characters of plain Chinese text."""
    return (THOUGHT * (count // len(THOUGHT) + 1))[:count]


def save_url(page) -> str:
    return f"/learning/pages/{page.pk}/reflection/"


def delete_url(page) -> str:
    return f"/learning/pages/{page.pk}/reflection/delete/"


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def member():
    return make_member("xinde", name="周心得")


@pytest.fixture
def page():
    return ExemplarStoryPageFactory(title="心得测试页")


@pytest.fixture
def reflection_page():
    """A page whose editor chose 提交心得 as what counts as done (published by revision)."""
    return ExemplarStoryPageFactory(title="提交心得页", completion_policy="reflection")


def reflected_events(member, page):
    return LearningEvent.objects.filter(member=member, page=page, verb=Verb.REFLECTED)


def record_rows(member) -> list[tuple]:
    return list(
        LearningRecord.objects.filter(member=member)
        .order_by("page_id")
        .values_list("page_id", "first_seen_at", "last_seen_at", "total_seconds", "completed_at")
    )


# --- writing, editing, privacy -------------------------------------------------------------


def test_member_writes_edits_and_reads_their_private_reflection(member, page):
    client = login(member)
    before = client.get(page.url).content.decode()
    assert 'id="reflection"' in before and "仅自己可见" in before
    assert save_url(page) in before

    response = client.post(save_url(page), {"text": "  " + words(60) + "\n"})
    assert response.status_code == 302
    assert response["Location"] == page.url + "#reflection"
    assert "学习心得已保存，仅你自己可见。" in messages_of(response)
    reflection = Reflection.objects.get(member=member, page=page)
    assert reflection.text == words(60)  # surrounding whitespace trimmed
    assert reflection.page_title == "心得测试页"
    assert reflected_events(member, page).count() == 1

    shown = client.get(page.url).content.decode()
    assert words(60) in shown and delete_url(page) in shown

    client.post(save_url(page), {"text": words(70)})
    reflection.refresh_from_db()
    assert reflection.text == words(70)
    assert reflection.updated_at > reflection.created_at
    assert reflected_events(member, page).count() == 2  # each edit is an event
    assert Reflection.objects.filter(member=member).count() == 1

    unchanged = client.post(save_url(page), {"text": words(70)})
    assert "学习心得没有变化。" in messages_of(unchanged)
    assert reflected_events(member, page).count() == 2


def test_another_member_never_reads_it(member, page):
    login(member).post(save_url(page), {"text": words(80)})
    other = make_member("pangren")
    shown = login(other).get(page.url).content.decode()
    assert words(80) not in shown
    assert delete_url(page) not in shown
    # Their own delete touches only their own (absent) reflection.
    login(other).post(delete_url(page))
    assert Reflection.objects.filter(member=member, page=page).exists()


def test_line_breaks_are_kept_and_normalised(member, page):
    text = words(30) + "\r\n\r\n" + words(30) + "\t" + words(5)
    login(member).post(save_url(page), {"text": text})
    saved = Reflection.objects.get(member=member).text
    assert saved == words(30) + "\n\n" + words(30) + "\t" + words(5)


@pytest.mark.parametrize("control", ["\x00", "\x1b", "\x07", "\x7f"])
def test_control_characters_are_refused(member, page, control):
    text = words(40) + control + words(40)
    response = login(member).post(save_url(page), {"text": text})
    assert response.status_code == 400
    assert "控制字符" in response.content.decode()
    assert not Reflection.objects.exists()
    assert not reflected_events(member, page).exists()


@pytest.mark.parametrize(
    "text, message",
    [
        (words(49), "心得至少 50 字，现在 49 字。"),
        ("   " + words(49) + "\n\n  ", "心得至少 50 字，现在 49 字。"),
        (words(801), "心得最多 800 字，现在 801 字。"),
        ("   ", "心得至少 50 字，现在 0 字。"),
    ],
)
def test_too_short_or_too_long_keeps_the_text_shows_the_limit_and_stores_nothing(
    member, page, text, message
):
    response = login(member).post(save_url(page), {"text": text})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'aria-invalid="true"' in html
    if text.strip():
        assert text.strip() in html  # what was typed is still in the textarea
    assert not Reflection.objects.exists()
    assert not reflected_events(member, page).exists()


def test_a_bad_edit_leaves_the_saved_reflection_alone(member, page):
    client = login(member)
    client.post(save_url(page), {"text": words(60)})
    response = client.post(save_url(page), {"text": words(900)})
    assert response.status_code == 400
    assert words(900) in response.content.decode()
    assert Reflection.objects.get(member=member).text == words(60)
    assert reflected_events(member, page).count() == 1


def test_the_boundaries_are_accepted(member, page):
    client = login(member)
    assert client.post(save_url(page), {"text": words(50)}).status_code == 302
    assert client.post(save_url(page), {"text": words(800)}).status_code == 302
    assert Reflection.objects.get(member=member).text == words(800)


def test_reflection_text_is_never_markup(member, page):
    text = "<script>alert(1)</script>" + words(60)
    client = login(member)
    client.post(save_url(page), {"text": text})
    shown = client.get(page.url).content.decode()
    assert "<script>alert(1)" not in shown
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown


# --- who may post where ------------------------------------------------------------------------


def test_login_is_required(client, page):
    response = client.post(save_url(page), {"text": words(60)})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.post(delete_url(page)).status_code == 302
    assert not Reflection.objects.exists()
    assert 'id="reflection"' not in client.get(page.url).content.decode()


def test_only_post(member, page):
    assert login(member).get(save_url(page)).status_code == 405
    assert login(member).get(delete_url(page)).status_code == 405


def test_unpublished_missing_and_event_pages_answer_404(member, page):
    client = login(member)
    event = ForumEventPageFactory()
    assert client.post(save_url(event), {"text": words(60)}).status_code == 404
    assert 'id="reflection"' not in client.get(event.url).content.decode()
    page.unpublish()
    assert client.post(save_url(page), {"text": words(60)}).status_code == 404
    assert client.post(delete_url(page)).status_code == 404
    assert (
        client.post("/learning/pages/999999999/reflection/", {"text": words(60)}).status_code == 404
    )
    assert not Reflection.objects.exists()


# --- deleting, and what counts as done ---------------------------------------------------------


def test_policy_reflection_is_done_after_a_reflection_and_a_rebuild_agrees(member, reflection_page):
    client = login(member)
    client.get(reflection_page.url)  # viewed
    record_server_event(member, reflection_page, Verb.VIEWED, value=300)  # long reading
    record = LearningRecord.objects.get(member=member, page=reflection_page)
    assert record.completed_at is None  # reading is not enough under 提交心得
    page_html = client.get(reflection_page.url).content.decode()
    assert "本页的学完标准是“提交心得”" in page_html

    client.post(save_url(reflection_page), {"text": words(60)})
    record.refresh_from_db()
    event = reflected_events(member, reflection_page).get()
    assert record.completed_at == event.occurred_at

    live = record_rows(member)
    rebuild_records([member.pk])
    assert record_rows(member) == live


def test_delete_removes_reflection_shares_events_and_completion(member, reflection_page):
    client = login(member)
    client.get(reflection_page.url)
    client.post(save_url(reflection_page), {"text": words(60)})
    client.post(save_url(reflection_page), {"text": words(61)})
    reflection = Reflection.objects.get(member=member)
    assignment = AssignmentFactory(
        branch=member.member_profile.branch, title="任务", pages=[reflection_page]
    )
    ReflectionShare.objects.create(assignment=assignment, reflection=reflection)
    assert LearningRecord.objects.get(member=member).completed_at is not None

    response = client.post(delete_url(reflection_page))
    assert response.status_code == 302
    assert "学习心得已删除，分享也一并撤回。" in messages_of(response)
    assert not Reflection.objects.exists()
    assert not ReflectionShare.objects.exists()
    assert not reflected_events(member, reflection_page).exists()
    assert LearningEvent.objects.filter(member=member, verb=Verb.VIEWED).exists()  # kept
    record = LearningRecord.objects.get(member=member, page=reflection_page)
    assert record.completed_at is None

    live = record_rows(member)
    rebuild_records([member.pk])
    assert record_rows(member) == live


def test_deleting_the_only_events_of_a_page_leaves_no_record_as_a_rebuild_would(
    member, reflection_page
):
    """Posted without opening the page: the reflection's events were its only ones."""
    client = login(member)
    client.post(save_url(reflection_page), {"text": words(60)})
    assert LearningRecord.objects.filter(member=member).exists()
    client.post(delete_url(reflection_page))
    assert not LearningRecord.objects.filter(member=member, page=reflection_page).exists()
    rebuild_records([member.pk])
    assert not LearningRecord.objects.filter(member=member, page=reflection_page).exists()


def test_reflections_are_not_accepted_from_the_events_endpoint(member, page):
    import json
    import uuid

    from django.utils import timezone

    event = {
        "id": str(uuid.uuid4()),
        "page": page.pk,
        "verb": "reflected",
        "value": None,
        "at": timezone.now().isoformat(),
    }
    response = login(member).post(
        "/api/learning/events/", json.dumps({"events": [event]}), content_type="application/json"
    )
    assert response.status_code == 400
    assert not reflected_events(member, page).exists()


# --- the page's query budget -------------------------------------------------------------------


def test_a_members_content_page_reads_reflection_and_shares_in_one_query_each(
    member, page, django_assert_max_num_queries
):
    """The member's page keeps the budget of 40 asserted for feedback votes: the reflection
    is one query and the assignments to share with one more, whatever their number."""
    branch = member.member_profile.branch
    for number in range(5):
        AssignmentFactory(branch=branch, title=f"任务{number}", pages=[page])
    client = login(member)
    client.post(save_url(page), {"text": words(60)})
    client.get(page.url)  # warm the per-process caches
    with django_assert_max_num_queries(40) as captured:
        response = client.get(page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("分享给支部组织者（任务：") == 5
    sql = [query["sql"] for query in captured.captured_queries]
    assert len([q for q in sql if 'FROM "reflections_reflection"' in q]) == 1
    assert len([q for q in sql if 'FROM "learning_assignment"' in q]) == 1


# --- export and erase (data rights) ------------------------------------------------------------


def test_export_contains_answers_and_reflections_and_erase_removes_them(member, page):
    client = login(member)
    client.post(save_url(page), {"text": words(60)})
    assignment = AssignmentFactory(
        branch=member.member_profile.branch, title="十二月任务", pages=[page]
    )
    reflection = Reflection.objects.get(member=member)
    share = ReflectionShare.objects.create(assignment=assignment, reflection=reflection)
    SelfCheckAnswerFactory(member=member, page=page, attempt=1, chosen=["a"], correct=False)
    SelfCheckAnswerFactory(member=member, page=page, attempt=2, chosen=["b"], correct=True)

    exported = export_history(member)
    answers = exported["self_check_answers"]
    assert [(a["question"], a["attempt"], a["chosen"], a["correct"]) for a in answers] == [
        ("q-1", 1, ["a"], False),
        ("q-1", 2, ["b"], True),
    ]
    assert all(a["page"] == page.pk and a["page_title"] == "心得测试页" for a in answers)
    assert all(a["answered_at"] for a in answers)
    [exported_reflection] = exported["reflections"]
    assert exported_reflection["page"] == page.pk
    assert exported_reflection["page_title"] == "心得测试页"
    assert exported_reflection["text"] == words(60)
    assert exported_reflection["created_at"] and exported_reflection["updated_at"]
    assert exported_reflection["shared_with"] == [
        {
            "assignment": assignment.pk,
            "assignment_title": "十二月任务",
            "shared_at": exported_reflection["shared_with"][0]["shared_at"],
        }
    ]
    assert share.shared_at is not None
    assert "page_votes" in exported

    download = client.get("/learning/export/")
    assert download.status_code == 200
    assert words(60) in download.content.decode()

    size = delete_history(member)
    assert (size.answers, size.reflections) == (2, 1)
    assert not SelfCheckAnswer.objects.filter(member=member).exists()
    assert not Reflection.objects.filter(member=member).exists()
    assert not ReflectionShare.objects.exists()
    assert export_history(member)["reflections"] == []
    assert export_history(member)["self_check_answers"] == []


def test_erase_leaves_other_members_reflections(member, page):
    other = make_member("linju", branch=BranchFactory(name="别的支部"))
    login(member).post(save_url(page), {"text": words(60)})
    login(other).post(save_url(page), {"text": words(70)})
    delete_history(member)
    assert list(Reflection.objects.values_list("member_id", flat=True)) == [other.pk]


def test_a_deleted_page_keeps_the_reflection_with_its_title(member, page):
    login(member).post(save_url(page), {"text": words(60)})
    ContentPage.objects.get(pk=page.pk).delete()
    [exported] = export_history(member)["reflections"]
    assert exported["page"] is None
    assert "心得测试页" in exported["page_title"]
