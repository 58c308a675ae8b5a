"""Editors write, reviewers approve: nothing goes live without review."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Page, Workflow

from lectures.models import MicroLecturePage
from tests.factories import MicroLecturePageFactory

pytestmark = pytest.mark.django_db


def draft_lecture(editor) -> MicroLecturePage:
    lecture = MicroLecturePageFactory(
        title="待审微党课", slug="pending-lecture", topic="红船精神", live=False, publish=False
    )
    lecture.save_revision(user=editor)
    return lecture


def test_editor_cannot_publish_but_reviewer_can(editor, reviewer):
    lecture = draft_lecture(editor)
    assert lecture.permissions_for_user(editor).can_edit()
    assert not lecture.permissions_for_user(editor).can_publish()
    assert lecture.permissions_for_user(reviewer).can_publish()


def test_submission_goes_live_only_after_approval(client, editor, reviewer):
    lecture = draft_lecture(editor)
    workflow = lecture.get_workflow()
    assert workflow == Workflow.objects.get(name="内容审核")

    workflow.start(lecture, editor)
    lecture.refresh_from_db()
    assert not lecture.live
    assert client.get("/lectures/pending-lecture/").status_code == 404

    task_state = lecture.current_workflow_task_state
    assert task_state.task.specific.user_can_access_editor(lecture, reviewer)
    assert not task_state.task.specific.get_actions(lecture, editor)
    task_state.approve(user=reviewer, comment="内容准确，同意发布")

    lecture.refresh_from_db()
    assert lecture.live
    assert client.get("/lectures/pending-lecture/").status_code == 200


def test_rejection_keeps_the_page_offline_with_a_comment(editor, reviewer):
    lecture = draft_lecture(editor)
    lecture.get_workflow().start(lecture, editor)
    lecture.current_workflow_task_state.reject(user=reviewer, comment="请补充史料出处")
    lecture.refresh_from_db()
    assert not lecture.live
    state = lecture.workflow_states.get()
    assert state.status == "needs_changes"
    assert state.current_task_state.comment == "请补充史料出处"


def test_editor_submission_through_the_admin(client, editor):
    lecture = draft_lecture(editor)
    client.force_login(editor)
    response = client.get(f"/admin/pages/{lecture.pk}/edit/")
    assert response.status_code == 200
    assert "提交" in response.content.decode()  # the admin speaks Chinese and offers "submit"


def test_scheduled_publishing(reviewer):
    lecture = draft_lecture(reviewer)
    lecture.go_live_at = timezone.now() + timedelta(hours=1)
    revision = lecture.save_revision(user=reviewer)
    revision.publish(user=reviewer)  # with a future go-live time this schedules, not publishes
    lecture.refresh_from_db()
    revision.refresh_from_db()
    assert not lecture.live
    assert revision.approved_go_live_at is not None

    # An hour later, cron runs publish_scheduled: move the schedule instead of waiting.
    past = timezone.now() - timedelta(minutes=1)
    revision.approved_go_live_at = past
    revision.content["go_live_at"] = past.isoformat()
    revision.save()
    call_command("publish_scheduled")
    assert Page.objects.get(pk=lecture.pk).live


def test_admin_is_in_chinese(admin_client):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="zh-hans"' in html
