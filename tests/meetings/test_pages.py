"""The organiser's and the member's pages for 组织生活 (/branch/meetings/, 我的学习)."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import CollectionViewRestriction

from audit.models import Access, AccessRecord
from home.models import ContentPage
from meetings import records
from meetings.mine import my_meetings
from meetings.models import Meeting, MeetingAttachment, MeetingStatus, Presence
from members.models import Role
from tests.factories import (
    AttendanceFactory,
    BranchFactory,
    ForumEventPageFactory,
    MeetingFactory,
    RegistrationFactory,
    login,
    make_member,
)

pytestmark = pytest.mark.django_db

LIST_URL = "/branch/meetings/"
NEW_URL = "/branch/meetings/new/"
SECRET_MINUTES = "会议记录：讨论了发展对象的培养"
SECRET_REASON = "去医院复查"


@pytest.fixture
def people():
    organiser = make_member("zuzhi", name="组织委员", role=Role.ORGANISER)
    members = [make_member(f"m{n}", name=f"成员{n:02d}") for n in range(4)]
    return organiser, members


@pytest.fixture
def page():
    return ContentPage.objects.visible().first()


def form_data(people, page=None, **overrides):
    organiser, members = people
    when = timezone.localtime() - timedelta(days=1)
    data = {
        "action": "save",
        "kind": "general",
        "date": when.strftime("%Y-%m-%d"),
        "time": "14:30",
        "place": "党员活动室",
        "online_link": "",
        "host": str(organiser.pk),
        "recorder": str(members[0].pk),
        "topics": "学习党章",
        "minutes": SECRET_MINUTES,
        "event": "",
        "resolution_text_0": "每人写一篇心得",
        "resolution_owner_0": str(members[0].pk),
        "resolution_due_0": "",
        f"presence_{members[1].pk}": "leave",
        f"reason_{members[1].pk}": SECRET_REASON,
        f"presence_{members[2].pk}": "absent",
    }
    if page is not None:
        data["pages"] = [str(page.pk)]
    data.update(overrides)
    return data


def confirmed_meeting(people, page):
    organiser, _members = people
    response = login(organiser).post(NEW_URL, form_data(people, page))
    assert response.status_code == 302, response.content.decode()
    meeting = Meeting.objects.get()
    return records.confirm(meeting, organiser)


def audited(access):
    return AccessRecord.objects.filter(access=access).count()


def test_organiser_records_a_draft_and_confirms_it(people, page):
    organiser, members = people
    client = login(organiser)
    assert client.get(NEW_URL).status_code == 200
    response = client.post(NEW_URL, form_data(people, page))
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/branch/meetings/{meeting.pk}/"
    assert meeting.status == MeetingStatus.DRAFT
    assert meeting.attendance.get(member=members[1]).reason == SECRET_REASON
    assert meeting.attendance.get(member=members[3]).presence == Presence.PRESENT
    assert [m.page_id for m in meeting.materials.all()] == [page.pk]
    detail = client.get(f"/branch/meetings/{meeting.pk}/").content.decode()
    assert SECRET_MINUTES in detail and SECRET_REASON in detail and "确认记录" in detail
    response = client.post(f"/branch/meetings/{meeting.pk}/confirm/", follow=True)
    meeting.refresh_from_db()
    assert meeting.is_confirmed and meeting.makeup is not None
    assert set(meeting.makeup.chosen_members.values_list("pk", flat=True)) == {
        members[1].pk,
        members[2].pk,
    }
    assert "补学任务" in response.content.decode()
    assert "更正" in response.content.decode()
    assert client.get(f"/branch/meetings/{meeting.pk}/edit/").status_code == 302


def test_member_of_the_branch_sees_no_minutes_nor_reasons(people, page):
    _organiser, members = people
    meeting = confirmed_meeting(people, page)
    page_html = login(members[3]).get(f"/branch/meetings/{meeting.pk}/").content.decode()
    assert "学习党章" in page_html and "每人写一篇心得" in page_html
    assert SECRET_MINUTES not in page_html and SECRET_REASON not in page_html
    assert "成员01" not in page_html  # nobody else's attendance
    own = login(members[1]).get(f"/branch/meetings/{meeting.pk}/").content.decode()
    assert "请假" in own and SECRET_REASON not in own


def test_others_get_404_and_drafts_are_the_organisers(people, page):
    meeting = confirmed_meeting(people, page)
    other = BranchFactory()
    outsider = make_member("waizhi", branch=other)
    other_organiser = make_member("waizuzhi", branch=other, role=Role.ORGANISER)
    for user in (outsider, other_organiser):
        assert login(user).get(f"/branch/meetings/{meeting.pk}/").status_code == 404
    assert login(other_organiser).post(f"/branch/meetings/{meeting.pk}/confirm/").status_code == 404
    assert login(other_organiser).get(f"/branch/meetings/{meeting.pk}/correct/").status_code == 404
    draft = MeetingFactory(held_ago=timedelta(days=3))
    assert login(people[1][0]).get(f"/branch/meetings/{draft.pk}/").status_code == 404
    assert login(outsider).get(LIST_URL).status_code == 403


def test_oversight_permission_sees_everything(people, page):
    meeting = confirmed_meeting(people, page)
    officer = make_member("zuzhibu", branch=None)
    officer.user_permissions.add(Permission.objects.get(codename="oversee_meetings"))
    html = login(officer).get(f"/branch/meetings/{meeting.pk}/").content.decode()
    assert SECRET_MINUTES in html and SECRET_REASON in html


def test_every_view_is_audited(people, page):
    organiser, members = people
    meeting = confirmed_meeting(people, page)
    login(organiser).get(LIST_URL)
    assert audited(Access.MEETING_LIST) == 1
    login(organiser).get(f"/branch/meetings/{meeting.pk}/")
    login(members[3]).get(f"/branch/meetings/{meeting.pk}/")
    rows = AccessRecord.objects.filter(access=Access.MEETING_RECORD)
    assert {row.username for row in rows} == {"zuzhi", "m3"}
    assert all("测试党支部" in row.subject for row in rows)


def test_list_queries_are_bounded(people, page, django_assert_max_num_queries):
    organiser, _members = people
    for days in range(1, 16):
        MeetingFactory(held_ago=timedelta(days=days), host=organiser)
    client = login(organiser)
    with django_assert_max_num_queries(12):
        response = client.get(LIST_URL)
    assert response.content.decode().count("/branch/meetings/") >= 15


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"resolution_owner_0": ""}, "请为决议选择负责人。"),
        ({"topics": ""}, "请填写议题。"),
        ({"date": "2026-02-30"}, "请填写有效日期"),
        ({"place": ""}, "请填写地点，或线上会议链接。"),
        ({"host": "999999"}, "所选的人不在本支部。"),
        ({"presence_999999": "present"}, "出席名单中有不在本支部的人。"),
        ({"reason_PLACEHOLDER": ""}, "请填写请假事由。"),
        ({"online_link": "javascript:alert(1)"}, "请填写完整的链接"),
    ],
)
def test_bad_forms_say_what_is_wrong_and_write_nothing(people, page, overrides, message):
    organiser, members = people
    if "reason_PLACEHOLDER" in overrides:
        overrides = {f"reason_{members[1].pk}": ""}
    response = login(organiser).post(NEW_URL, form_data(people, page, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Meeting.objects.exists()


def test_refusals_of_the_records_show_on_the_page(people, page):
    organiser, members = people
    client = login(organiser)
    # A meeting still in the future can be drafted, not confirmed.
    later = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%d")
    client.post(NEW_URL, form_data(people, page, date=later))
    meeting = Meeting.objects.get()
    response = client.post(f"/branch/meetings/{meeting.pk}/confirm/", follow=True)
    assert "不能确认尚未召开的会议" in response.content.decode()
    meeting.refresh_from_db()
    assert not meeting.is_confirmed
    # The same branch, kind and time twice: refused by the records, shown on the form.
    response = client.post(NEW_URL, form_data(people, page, date=later))
    assert response.status_code == 200 and "已有一条" in response.content.decode()
    assert Meeting.objects.count() == 1


def test_a_correction_needs_a_reason_and_keeps_the_history(people, page):
    organiser, members = people
    meeting = confirmed_meeting(people, page)
    client = login(organiser)
    url = f"/branch/meetings/{meeting.pk}/correct/"
    assert client.get(url).status_code == 200
    data = form_data(people, page, topics="学习党章（修订）")
    response = client.post(url, data | {"reason": ""})
    assert response.status_code == 200 and "请填写更正原因。" in response.content.decode()
    assert not meeting.corrections.exists()
    response = client.post(url, data | {"reason": "议题写漏了"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.topics == "学习党章（修订）" and meeting.corrections.get().reason == "议题写漏了"
    assert "议题写漏了" in client.get(f"/branch/meetings/{meeting.pk}/").content.decode()


def test_attachments_are_private_to_organisers_and_served_by_our_view(people, page):
    organiser, members = people
    meeting = confirmed_meeting(people, page)
    client = login(organiser)
    upload = SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 minutes", content_type="application/pdf")
    response = client.post(
        f"/branch/meetings/{meeting.pk}/attachments/", {"title": "会议记录", "file": upload}
    )
    assert response.status_code == 302
    attachment = MeetingAttachment.objects.get()
    document = attachment.document
    assert CollectionViewRestriction.objects.filter(
        collection__in=document.collection.get_ancestors(inclusive=True)
    ).exists()
    url = f"/branch/meetings/{meeting.pk}/attachments/{attachment.pk}/"
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert login(members[3]).get(url).status_code == 404
    # Wagtail's own address refuses a member (the collection is restricted).
    public = login(members[3]).get(document.url)
    assert public.status_code != 200
    # Nor does the API list it, nor a detail of it (restricted collections are left out).
    listed = login(members[3]).get("/api/v2/documents/?limit=20").json()["items"]
    assert document.pk not in [item["id"] for item in listed]
    assert client.get(f"/api/v2/documents/{document.pk}/").status_code == 404
    bad = SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(
        f"/branch/meetings/{meeting.pk}/attachments/", {"title": "x", "file": bad}, follow=True
    )
    assert "不支持这种文件" in response.content.decode()
    assert get_document_model().objects.filter(title="x").count() == 0


def test_my_learning_lists_my_meetings_with_my_own_attendance(people, page):
    _organiser, members = people
    meeting = confirmed_meeting(people, page)
    html = login(members[1]).get("/learning/").content.decode()
    assert "我的组织生活" in html and "学习党章" in html and "每人写一篇心得" in html
    assert "请假" in html and "未补学" in html
    assert SECRET_REASON not in html and "成员02" not in html
    assert f"/branch/meetings/{meeting.pk}/" in html


def test_a_meeting_held_as_a_forum_event_takes_attendance_from_check_ins(people, page):
    organiser, members = people
    event = ForumEventPageFactory(starts_in=-timedelta(days=1))
    RegistrationFactory(event=event, member=members[0], checked_in=True)
    RegistrationFactory(event=event, member=members[1], checked_in=True)
    # Whatever the radio buttons say, the check-ins decide.
    data = form_data(people, page, event=str(event.pk))
    response = login(organiser).post(NEW_URL, data)
    assert response.status_code == 302, response.content.decode()
    meeting = Meeting.objects.get()
    presence = dict(meeting.attendance.values_list("member__username", "presence"))
    assert presence == {
        "zuzhi": Presence.ABSENT,
        "m0": Presence.PRESENT,
        "m1": Presence.PRESENT,
        "m2": Presence.ABSENT,
        "m3": Presence.ABSENT,
    }


def test_my_meetings_take_a_few_queries_whatever_their_number(
    people, page, django_assert_max_num_queries
):
    organiser, members = people
    for days in range(1, 6):
        meeting = MeetingFactory(held_ago=timedelta(days=days), status=MeetingStatus.CONFIRMED)
        AttendanceFactory(meeting=meeting, member=members[1], presence=Presence.LEAVE, reason="x")
    with django_assert_max_num_queries(8):
        rows = my_meetings(members[1])
    assert len(rows) == 5 and all(row.presence_label == "请假" for row in rows)
    assert my_meetings(members[2]) == []


def test_a_draft_opens_again_with_what_was_saved(people, page):
    organiser, members = people
    client = login(organiser)
    client.post(NEW_URL, form_data(people, page))
    meeting = Meeting.objects.get()
    html = client.get(f"/branch/meetings/{meeting.pk}/edit/").content.decode()
    assert f'value="{SECRET_REASON}"' in html and "每人写一篇心得" in html
    assert f'<option value="{members[0].pk}" selected>' in html
    assert f'name="presence_{members[2].pk}" value="absent" checked' in html
    assert 'value="14:30"' in html and page.title in html
    # Saved again with a change: still one draft, changed.
    response = client.post(
        f"/branch/meetings/{meeting.pk}/edit/", form_data(people, page, topics="学习党章第一章")
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.topics == "学习党章第一章" and Meeting.objects.count() == 1


def test_the_branch_page_leads_to_the_records_and_the_list_names_what_is_missing(people):
    organiser, _members = people
    client = login(organiser)
    assert LIST_URL in client.get("/branch/").content.decode()
    # Nothing recorded yet: every required kind is missing in the period under way.
    listed = client.get(LIST_URL).content.decode()
    assert "本季度尚无支部党员大会" in listed and "本月尚无支委会" in listed
    year = timezone.localdate().year
    assert f"/branch/meetings/ledger/{year}/" in listed
    MeetingFactory(kind="general", status=MeetingStatus.CONFIRMED, held_ago=timedelta(hours=2))
    assert "尚无支部党员大会" not in client.get(LIST_URL).content.decode()


def test_a_members_export_has_their_own_attendance_and_no_one_elses(people):
    _organiser, members = people
    meeting = MeetingFactory(status=MeetingStatus.CONFIRMED, minutes=SECRET_MINUTES)
    AttendanceFactory(meeting=meeting, member=members[0], presence=Presence.LEAVE, reason="比赛")
    AttendanceFactory(
        meeting=meeting, member=members[1], presence=Presence.LEAVE, reason=SECRET_REASON
    )
    draft = MeetingFactory(kind="committee")
    AttendanceFactory(meeting=draft, member=members[0], presence=Presence.ABSENT)
    response = login(members[0]).get(reverse("mylearning:export_history"))
    text = response.content.decode()
    assert SECRET_REASON not in text and SECRET_MINUTES not in text
    assert json.loads(text)["meeting_attendance"] == [
        {
            "branch": meeting.branch.name,
            "kind": "党员大会",
            "starts_at": timezone.localtime(meeting.starts_at).isoformat(),
            "presence": "请假",
            "reason": "比赛",
        }
    ]
