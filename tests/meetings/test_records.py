"""The rules of recording a meeting (meetings.records): drafts, refusals that leave nothing
half-saved, confirming and the 补学 it makes, corrections, check-ins, bounded queries."""

import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assignments.models import Assignment
from assignments.progress import todo_list
from lectures.models import LectureIndexPage
from meetings.models import (
    Attendance,
    Correction,
    Meeting,
    MeetingKind,
    MeetingMaterial,
    MeetingStatus,
    Presence,
    Resolution,
)
from meetings.records import (
    attendance_from_event,
    attendance_rows,
    confirm,
    correct,
    counts,
    makeup_done,
    member_makeup_done,
    roster,
    save_draft,
    snapshot,
)
from members.models import Role
from tests.factories import (
    AttendanceFactory,
    BranchFactory,
    ForumEventPageFactory,
    LearningRecordFactory,
    MeetingFactory,
    MicroLecturePageFactory,
    ReflectionFactory,
    RegistrationFactory,
    make_member,
)

pytestmark = pytest.mark.django_db


def test_meeting_factories_make_a_draft_of_the_test_branch_with_attendance():
    member = make_member("zhang")
    first, second = MeetingFactory(), MeetingFactory(status=MeetingStatus.CONFIRMED)
    assert first.status == MeetingStatus.DRAFT and first.confirmed_at is None
    assert second.is_confirmed and second.confirmed_at is not None
    assert first.branch == member.member_profile.branch
    row = AttendanceFactory(meeting=first, member=member, presence=Presence.LEAVE, reason="生病")
    assert list(first.attendance.all()) == [row]


# --- a branch of five and its organiser ---------------------------------------------------------


@pytest.fixture
def branch():
    return BranchFactory(name="计算机学院学生第一党支部")


@pytest.fixture
def organiser(branch):
    return make_member("zuzhi", name="组织委员", branch=branch, role=Role.ORGANISER)


@pytest.fixture
def members(branch, organiser):
    names = ["甲", "乙", "丙", "丁"]
    return [organiser] + [
        make_member(f"m{n}", name=name, branch=branch) for n, name in enumerate(names)
    ]


@pytest.fixture
def pages():
    return [MicroLecturePageFactory(title="微党课一"), MicroLecturePageFactory(title="微党课二")]


def fields(**changes):
    values = {
        "kind": MeetingKind.GENERAL,
        "starts_at": timezone.now() - timedelta(days=1),
        "place": "党员活动室",
        "online_link": "",
        "host": None,
        "recorder": None,
        "topics": "学习党的二十大精神",
        "minutes": "会议由组织委员主持。",
        "event": None,
        "makeup_reflection": False,
    }
    return values | changes


def draft(branch, organiser, members, pages, **changes):
    """A draft with one 请假 (乙, with a reason) and one 缺席 (丙), the two pages, one
    resolution; ``changes`` replace any of these arguments."""
    arguments = {
        "fields": fields(host=organiser, recorder=members[1]),
        "attendance": {
            members[2].pk: (Presence.LEAVE, "参加学科竞赛"),
            members[3].pk: (Presence.ABSENT, "不该留下"),
        },
        "materials": pages,
        "resolutions": [{"text": "每月开展一次志愿服务", "owner": members[1], "due_on": None}],
    } | changes
    return save_draft(branch, organiser, **arguments)


def nothing_saved():
    return not any(
        model.objects.exists()
        for model in (Meeting, Attendance, MeetingMaterial, Resolution, Correction)
    )


# --- drafts ---------------------------------------------------------------------------------------


def test_a_draft_keeps_everything_and_everyone_left_out_was_present(
    branch, organiser, members, pages
):
    meeting = draft(branch, organiser, members, pages)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.DRAFT and meeting.created_by == organiser
    assert (meeting.host, meeting.recorder, meeting.place) == (organiser, members[1], "党员活动室")
    assert list(roster(branch)) == sorted(members, key=lambda m: m.member_profile.display_name)
    presence = {row.member_id: (row.presence, row.reason) for row in meeting.attendance.all()}
    assert presence == {
        organiser.pk: (Presence.PRESENT, ""),
        members[1].pk: (Presence.PRESENT, ""),
        members[2].pk: (Presence.LEAVE, "参加学科竞赛"),
        members[3].pk: (Presence.ABSENT, ""),  # a reason is for 请假 only
        members[4].pk: (Presence.PRESENT, ""),
    }
    assert [m.page_title for m in meeting.materials.all()] == ["微党课一", "微党课二"]
    assert [(r.text, r.owner) for r in meeting.resolutions.all()] == [
        ("每月开展一次志愿服务", members[1])
    ]
    assert counts(meeting) == {"total": 5, "present": 3, "leave": 1, "absent": 1}
    assert meeting.makeup is None and not Assignment.objects.exists()


def test_saving_a_draft_again_replaces_it(branch, organiser, members, pages):
    meeting = draft(branch, organiser, members, pages)
    again = draft(
        branch,
        organiser,
        members,
        pages[:1],
        meeting=meeting,
        attendance={members[4].pk: (Presence.ABSENT, "")},
        resolutions=[],
    )
    assert again.pk == meeting.pk and Meeting.objects.count() == 1
    assert counts(again) == {"total": 5, "present": 4, "leave": 0, "absent": 1}
    assert again.materials.count() == 1 and not again.resolutions.exists()


def test_a_draft_may_be_for_a_meeting_still_to_come(branch, organiser, members, pages):
    later = fields(starts_at=timezone.now() + timedelta(days=2))
    assert draft(branch, organiser, members, pages, fields=later).pk


# --- refusals: a clear message and nothing half-saved --------------------------------------------


def refusal(branch, organiser, members, pages, outsider, case):
    """The arguments of ``draft`` for one refused case."""
    page_index = LectureIndexPage.objects.get()
    return {
        "no_owner": {"resolutions": [{"text": "整改", "owner": None, "due_on": None}]},
        "no_text": {"resolutions": [{"text": " ", "owner": members[1], "due_on": None}]},
        "owner_outside": {"resolutions": [{"text": "整改", "owner": outsider, "due_on": None}]},
        "attendee_outside": {"attendance": {outsider.pk: (Presence.LEAVE, "")}},
        "host_outside": {"fields": fields(host=outsider)},
        "recorder_outside": {"fields": fields(recorder=outsider)},
        "bad_presence": {"attendance": {members[1].pk: ("late", "")}},
        "long_reason": {"attendance": {members[1].pk: (Presence.LEAVE, "长" * 201)}},
        "no_topics": {"fields": fields(topics="  ")},
        "bad_kind": {"fields": fields(kind="party")},
        "naive_time": {"fields": fields(starts_at=timezone.now().replace(tzinfo=None))},
        "bad_link": {"fields": fields(online_link="javascript:alert(1)")},
        "not_content": {"materials": [page_index]},
    }[case]


REFUSED = {
    "no_owner": "第 1 条决议没有负责人。",
    "no_text": "第 1 条决议没有内容。",
    "owner_outside": "第 1 条决议的负责人必须是本支部成员。",
    "attendee_outside": "出席名单中有 1 人不是本支部成员，请刷新名单后重试。",
    "host_outside": "主持人必须是本支部成员。",
    "recorder_outside": "记录人必须是本支部成员。",
    "bad_presence": "甲 的出席情况无效。",
    "long_reason": "甲 的请假事由不能超过 200 字。",
    "no_topics": "请填写议题。",
    "bad_kind": "请选择会议类型。",
    "naive_time": "请填写有效的会议时间。",
    "bad_link": "线上会议链接：",
    "not_content": "不是本站的学习内容，不能作为学习材料。",
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_bad_input_is_refused_whole_with_a_message_naming_it(
    branch, organiser, members, pages, case
):
    outsider = make_member("waibu", name="外支部成员", branch=BranchFactory())
    changes = refusal(branch, organiser, members, pages, outsider, case)
    with pytest.raises(ValidationError) as refused:
        draft(branch, organiser, members, pages, **changes)
    assert any(REFUSED[case] in message for message in refused.value.messages)
    assert nothing_saved()

    # Nor is a draft already saved changed by a refused save.
    meeting = draft(branch, organiser, members, pages)
    before = snapshot(meeting)
    with pytest.raises(ValidationError):
        draft(branch, organiser, members, pages, meeting=meeting, **changes)
    assert snapshot(meeting) == before


def test_every_problem_is_listed_at_once(branch, organiser, members, pages):
    with pytest.raises(ValidationError) as refused:
        draft(
            branch,
            organiser,
            members,
            pages,
            fields=fields(topics=""),
            resolutions=[{"text": "", "owner": None, "due_on": date(2026, 1, 1)}],
        )
    assert refused.value.messages == [
        "请填写议题。",
        "第 1 条决议没有内容。",
        "第 1 条决议没有负责人。",
    ]


def test_a_second_record_of_the_same_kind_and_time_is_refused(branch, organiser, members, pages):
    when = fields(starts_at=timezone.now() - timedelta(days=3))
    draft(branch, organiser, members, pages, fields=when)
    with pytest.raises(ValidationError, match="本支部在这个时间已有一条党员大会记录"):
        draft(branch, organiser, members, pages, fields=when)
    assert Meeting.objects.count() == 1


def test_a_confirmed_record_is_not_edited_as_a_draft(branch, organiser, members, pages):
    meeting = confirm(draft(branch, organiser, members, pages), organiser)
    before = snapshot(meeting)
    with pytest.raises(ValidationError, match="已确认，不能直接修改"):
        draft(branch, organiser, members, pages, meeting=meeting, fields=fields(topics="改"))
    assert snapshot(meeting) == before and not Correction.objects.exists()


def test_another_branchs_record_is_not_saved_through_this_branch(branch, organiser, members, pages):
    other = BranchFactory()
    meeting = MeetingFactory(branch=other)
    with pytest.raises(ValidationError, match="不属于本支部"):
        draft(branch, organiser, members, pages, meeting=meeting)
    assert not meeting.attendance.exists()


# --- confirming and the 补学 ----------------------------------------------------------------------


def test_a_meeting_in_the_future_is_not_confirmed(branch, organiser, members, pages):
    later = fields(starts_at=timezone.now() + timedelta(hours=2))
    meeting = draft(branch, organiser, members, pages, fields=later)
    with pytest.raises(ValidationError, match="不能确认尚未召开的会议"):
        confirm(meeting, organiser)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.DRAFT and meeting.confirmed_at is None
    assert not Assignment.objects.exists()


def test_confirming_locks_the_record_and_gives_the_absent_one_makeup(
    branch, organiser, members, pages
):
    meeting = draft(branch, organiser, members, pages)
    now = timezone.now()
    confirmed = confirm(meeting, organiser, now=now)
    confirmed.refresh_from_db()
    assert confirmed.status == MeetingStatus.CONFIRMED
    assert (confirmed.confirmed_at, confirmed.confirmed_by) == (now, organiser)

    makeup = Assignment.objects.get()
    assert confirmed.makeup == makeup and makeup.branch == branch
    day = timezone.localtime(meeting.starts_at).date().isoformat()
    assert makeup.title == f"补学：党员大会 {day}"
    assert not makeup.whole_branch and not makeup.require_reflection
    assert set(makeup.chosen_members.all()) == {members[2], members[3]}
    assert [item.page_id for item in makeup.items.all()] == [page.pk for page in pages]
    assert makeup.due_on == timezone.localdate(now) + timedelta(days=14)
    assert makeup.created_by == organiser

    # The absent find it among their tasks; those present do not.
    assert [entry.assignment for entry in todo_list(members[3])] == [makeup]
    assert todo_list(members[4]) == []

    with pytest.raises(ValidationError, match="已经确认过了"):
        confirm(meeting, organiser)
    assert Assignment.objects.count() == 1


@pytest.mark.parametrize("what", ["nobody_missed", "no_materials"])
def test_no_makeup_when_nobody_missed_it_or_nothing_was_studied(
    branch, organiser, members, pages, what
):
    changes = {"attendance": {}} if what == "nobody_missed" else {"materials": []}
    meeting = confirm(draft(branch, organiser, members, pages, **changes), organiser)
    assert meeting.is_confirmed and meeting.makeup is None
    assert not Assignment.objects.exists()


def test_studying_the_pages_makes_the_makeup_done(branch, organiser, members, pages):
    meeting = confirm(draft(branch, organiser, members, pages), organiser)
    leave, absent = members[2], members[3]
    assert makeup_done(meeting) == {leave.pk: False, absent.pk: False}

    LearningRecordFactory(member=absent, page=pages[0], completed=True)
    LearningRecordFactory(member=leave, page=pages[0], completed=True)
    LearningRecordFactory(member=leave, page=pages[1])  # started, not finished
    assert makeup_done(meeting) == {leave.pk: False, absent.pk: False}

    LearningRecordFactory(member=absent, page=pages[1], completed=True)
    assert makeup_done(meeting) == {leave.pk: False, absent.pk: True}
    rows = {row.member: row for row in attendance_rows(meeting)}
    assert rows[absent].makeup_done is True and rows[leave].makeup_done is False
    assert rows[members[4]].makeup_done is None  # present: no 补学
    assert todo_list(absent) == []


def test_a_makeup_asking_for_a_reflection_is_done_only_with_one(branch, organiser, members, pages):
    meeting = draft(branch, organiser, members, pages[:1], fields=fields(makeup_reflection=True))
    meeting = confirm(meeting, organiser)
    assert meeting.makeup.require_reflection
    absent = members[3]
    LearningRecordFactory(member=absent, page=pages[0], completed=True)
    assert makeup_done(meeting)[absent.pk] is False
    ReflectionFactory(member=absent, page=pages[0])
    assert makeup_done(meeting)[absent.pk] is True


# --- corrections ----------------------------------------------------------------------------------


def correction(members, pages, **changes):
    arguments = {
        "reason": "丙当天其实请了假，乙补交了请假条",
        "fields": fields(topics="学习党的二十大精神（更正）"),
        "attendance": {
            members[2].pk: (Presence.PRESENT, ""),
            members[3].pk: (Presence.LEAVE, "家中有事"),
            members[4].pk: (Presence.ABSENT, ""),
        },
        "materials": pages,
        "resolutions": [{"text": "每月开展一次志愿服务", "owner": members[1], "due_on": None}],
    }
    return arguments | changes


def test_a_correction_keeps_before_and_after_and_moves_the_makeup(
    branch, organiser, members, pages
):
    meeting = confirm(draft(branch, organiser, members, pages), organiser)
    before = snapshot(meeting)
    fixed = correct(meeting, organiser, **correction(members, pages))

    assert fixed.meeting == meeting and fixed.made_by == organiser
    assert fixed.reason == "丙当天其实请了假，乙补交了请假条"
    assert fixed.before == before and fixed.before["topics"] == "学习党的二十大精神"
    assert fixed.after == snapshot(meeting)
    assert fixed.after["topics"] == "学习党的二十大精神（更正）"
    presence = {row["member"]: row["presence"] for row in fixed.after["attendance"]}
    assert presence[members[2].pk] == Presence.PRESENT
    assert presence[members[4].pk] == Presence.ABSENT
    meeting.refresh_from_db()
    assert meeting.is_confirmed and counts(meeting)["absent"] == 1

    makeup = Assignment.objects.get()
    assert set(makeup.chosen_members.all()) == {members[3], members[4]}
    assert makeup.is_open
    assert todo_list(members[2]) == [] and len(todo_list(members[4])) == 1


def test_a_correction_that_leaves_nobody_absent_closes_the_makeup(
    branch, organiser, members, pages
):
    meeting = confirm(draft(branch, organiser, members, pages), organiser)
    everyone_came = {member.pk: (Presence.PRESENT, "") for member in members}
    correct(meeting, organiser, **correction(members, pages, attendance=everyone_came))
    makeup = Assignment.objects.get()
    assert not makeup.chosen_members.exists() and not makeup.is_open
    # Absent again after a later correction: the same 补学 opens again.
    correct(
        meeting,
        organiser,
        **correction(members, pages, reason="再次更正", attendance={members[1].pk: ("absent", "")}),
    )
    makeup.refresh_from_db()
    assert makeup.is_open and list(makeup.chosen_members.all()) == [members[1]]
    assert Assignment.objects.count() == 1 and Correction.objects.count() == 2


def test_a_correction_adding_the_first_absentee_makes_the_makeup(branch, organiser, members, pages):
    meeting = confirm(draft(branch, organiser, members, pages, attendance={}), organiser)
    assert meeting.makeup is None
    correct(meeting, organiser, **correction(members, pages))
    meeting.refresh_from_db()
    assert set(meeting.makeup.chosen_members.all()) == {members[3], members[4]}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reason": "  "}, "请填写更正原因。"),
        ({"reason": "长" * 501}, "更正原因不能超过 500 字。"),
        (
            {"resolutions": [{"text": "整改", "owner": None, "due_on": None}]},
            "第 1 条决议没有负责人。",
        ),
        (
            {"fields": fields(starts_at=timezone.now() + timedelta(days=1))},
            "不能确认尚未召开的会议",
        ),
    ],
)
def test_a_bad_correction_changes_nothing(branch, organiser, members, pages, changes, message):
    meeting = confirm(draft(branch, organiser, members, pages), organiser)
    before = snapshot(meeting)
    audience = set(meeting.makeup.chosen_members.all())
    with pytest.raises(ValidationError, match=message):
        correct(meeting, organiser, **correction(members, pages, **changes))
    assert snapshot(meeting) == before and not Correction.objects.exists()
    assert set(Assignment.objects.get().chosen_members.all()) == audience


def test_a_correction_must_change_something_and_drafts_are_not_corrected(
    branch, organiser, members, pages
):
    meeting = draft(branch, organiser, members, pages)
    same = correction(
        members,
        pages,
        fields=fields(host=organiser, recorder=members[1], starts_at=meeting.starts_at),
        attendance={
            members[2].pk: (Presence.LEAVE, "参加学科竞赛"),
            members[3].pk: (Presence.ABSENT, ""),
        },
    )
    with pytest.raises(ValidationError, match="草稿可以直接修改"):
        correct(meeting, organiser, **same)
    confirm(meeting, organiser)
    with pytest.raises(ValidationError, match="没有需要更正的地方"):
        correct(meeting, organiser, **same)
    assert not Correction.objects.exists()


def test_a_member_who_left_the_branch_can_still_be_corrected(branch, organiser, members, pages):
    meeting = confirm(draft(branch, organiser, members, pages), organiser)
    gone = members[3]
    gone.member_profile.branch = BranchFactory()
    gone.member_profile.save()
    fixed = correct(
        meeting,
        organiser,
        **correction(members, pages, attendance={gone.pk: (Presence.LEAVE, "补交请假条")}),
    )
    rows = {row["member"]: row for row in fixed.after["attendance"]}
    assert rows[gone.pk]["presence"] == Presence.LEAVE


def test_a_correction_keeps_what_it_does_not_mention_and_adds_no_newcomer_as_present(
    branch, organiser, members, pages
):
    meeting = confirm(draft(branch, organiser, members, pages), organiser)
    gone, newcomer = members[3], make_member("xin", name="新成员", branch=branch)
    gone.member_profile.branch = BranchFactory()
    gone.member_profile.save()
    fixed = correct(
        meeting,
        organiser,
        **correction(
            members,
            pages,
            attendance={members[4].pk: (Presence.LEAVE, "实习"), newcomer.pk: ("present", "")},
        ),
    )
    presence = {row["member"]: row["presence"] for row in fixed.after["attendance"]}
    assert presence == {
        organiser.pk: Presence.PRESENT,
        members[1].pk: Presence.PRESENT,
        members[2].pk: Presence.LEAVE,
        gone.pk: Presence.ABSENT,  # not in the form any more: still as recorded
        members[4].pk: Presence.LEAVE,
    }
    # A member the record did not list is added when marked 请假 or 缺席.
    fixed = correct(
        meeting,
        organiser,
        **correction(members, pages, reason="补记", attendance={newcomer.pk: ("absent", "")}),
    )
    assert {row["member"] for row in fixed.after["attendance"]} >= {newcomer.pk}
    assert newcomer in meeting.makeup.chosen_members.all()


# --- attendance from a forum event's check-ins -------------------------------------------------


def test_attendance_comes_from_the_linked_events_check_ins(branch, organiser, members, pages):
    event = ForumEventPageFactory(starts_in=-timedelta(days=1))
    RegistrationFactory(event=event, member=members[1], checked_in=True)
    RegistrationFactory(event=event, member=members[2])  # registered, never came
    outsider = make_member("waibu", branch=BranchFactory())
    RegistrationFactory(event=event, member=outsider, checked_in=True)

    meeting = MeetingFactory(branch=branch, kind=MeetingKind.THEME_DAY)
    assert attendance_from_event(meeting) == {}
    meeting.event = event
    taken = attendance_from_event(meeting)
    assert taken == {
        organiser.pk: (Presence.ABSENT, ""),
        members[1].pk: (Presence.PRESENT, ""),
        members[2].pk: (Presence.ABSENT, ""),
        members[3].pk: (Presence.ABSENT, ""),
        members[4].pk: (Presence.ABSENT, ""),
    }
    saved = draft(
        branch,
        organiser,
        members,
        pages,
        fields=fields(kind=MeetingKind.THEME_DAY, event=event),
        attendance=taken,
    )
    assert counts(saved) == {"total": 5, "present": 1, "leave": 0, "absent": 4}


# --- reading the record -------------------------------------------------------------------------


def test_attendance_rows_are_by_name_and_a_draft_follows_the_branch(
    branch, organiser, members, pages
):
    meeting = draft(branch, organiser, members, pages)
    newcomer = make_member("xin", name="新成员", branch=branch)
    rows = attendance_rows(meeting)
    assert [row.name for row in rows] == sorted(
        m.member_profile.display_name for m in [*members, newcomer]
    )
    by_member = {row.member: row for row in rows}
    assert by_member[newcomer].presence == Presence.PRESENT
    assert (by_member[members[2]].presence, by_member[members[2]].reason) == (
        Presence.LEAVE,
        "参加学科竞赛",
    )
    assert by_member[members[2]].presence_label == "请假"

    # Confirming records what the draft showed; after that, the record keeps who it lists.
    leaver = members[4]
    leaver.member_profile.branch = BranchFactory()
    leaver.member_profile.save()
    confirm(meeting, organiser)
    assert meeting.is_confirmed and counts(meeting)["total"] == 5
    assert meeting.attendance.get(member=newcomer).presence == Presence.PRESENT
    assert not meeting.attendance.filter(member=leaver).exists()
    newcomer.member_profile.branch = BranchFactory()
    newcomer.member_profile.save()
    assert newcomer in {row.member for row in attendance_rows(meeting)}


def test_a_snapshot_is_json(branch, organiser, members, pages):
    meeting = draft(
        branch,
        organiser,
        members,
        pages,
        resolutions=[{"text": "整改", "owner": members[1], "due_on": date(2026, 12, 31)}],
    )
    data = json.loads(json.dumps(snapshot(meeting)))
    assert data["resolutions"] == [
        {"text": "整改", "owner": {"id": members[1].pk, "name": "甲"}, "due_on": "2026-12-31"}
    ]
    assert data["host"] == {"id": organiser.pk, "name": "组织委员"}
    assert [m["title"] for m in data["materials"]] == ["微党课一", "微党课二"]
    assert len(data["attendance"]) == 5


def test_attendance_rows_of_a_200_member_meeting_take_a_bounded_number_of_queries(
    branch, organiser, pages, django_assert_max_num_queries
):
    people = [make_member(f"p{n:03d}", name=f"成员{n:03d}", branch=branch) for n in range(199)]
    absent = {member.pk: (Presence.ABSENT, "") for member in people[::10]}
    meeting = save_draft(
        branch,
        organiser,
        fields=fields(),
        attendance=absent,
        materials=pages,
        resolutions=[],
    )
    meeting = confirm(meeting, organiser)
    for member in people[:20:10]:
        LearningRecordFactory(member=member, page=pages[0], completed=True)
    with django_assert_max_num_queries(8):
        rows = attendance_rows(meeting)
    assert len(rows) == 200 and sum(row.makeup_done is not None for row in rows) == 20
    with django_assert_max_num_queries(1):
        assert counts(meeting) == {"total": 200, "present": 180, "leave": 0, "absent": 20}
    with django_assert_max_num_queries(6):
        assert makeup_done(meeting)


def test_one_members_makeups_across_meetings_in_a_few_queries(
    branch, organiser, members, pages, django_assert_max_num_queries
):
    absent = members[3]
    meetings = []
    for days in (3, 2, 1):
        when = fields(starts_at=timezone.now() - timedelta(days=days))
        meetings.append(
            confirm(draft(branch, organiser, members, pages[:1], fields=when), organiser)
        )
    only_others = confirm(
        draft(branch, organiser, members, pages, attendance={members[1].pk: ("absent", "")}),
        organiser,
    )
    nobody = MeetingFactory(branch=branch, status=MeetingStatus.CONFIRMED)
    LearningRecordFactory(member=absent, page=pages[0], completed=True)
    with django_assert_max_num_queries(3):
        done = member_makeup_done(absent, [*meetings, only_others, nobody])
    assert done == {meeting.pk: True for meeting in meetings}
    assert member_makeup_done(members[1], [only_others]) == {only_others.pk: False}
