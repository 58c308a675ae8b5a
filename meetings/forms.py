"""The organiser's meeting form: phone-friendly, works without JavaScript.

One form holds the meeting (kind, time, place, host, recorder, topics, minutes), the pages
studied (picked through the site's own search, as the assignment form does), a few rows of
resolutions and the branch's roster with a choice per member (出席 by default, 请假 with a
reason, 缺席). Every choice is checked here against the organiser's own branch; the rules
of the record itself (``meetings.records``) are checked again when it is saved, and their
refusals come back to this form as errors, never a 500.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assignments.forms import AssignmentForm
from core.text import parse_id
from events.models import ForumEventPage
from home.models import ContentPage
from meetings.models import Meeting, MeetingKind, Presence
from meetings.records import attendance_from_event

RESOLUTION_ROWS = 3
MAX_MATERIALS = 20
# Events offered for linking: those around the meeting's time, newest first.
EVENT_CHOICES = 30
REASON_MAX = 200


class PagePicking:
    """The ticked pages, read back as the assignment form reads them (``pages`` checkboxes),
    so the assignment pages' search (``assignments.views.search_results``) works here too."""

    selected_page_ids = AssignmentForm.selected_page_ids
    kept_page_ids: set[int] = set()

    def selected_pages(self) -> list[ContentPage]:
        return AssignmentForm.selected_pages(self)


def roster_choices(roster) -> list[tuple[str, str]]:
    return [("", _("（未指定）"))] + [
        (str(member.pk), member.member_profile.display_name) for member in roster
    ]


class MeetingForm(PagePicking, forms.Form):
    kind = forms.ChoiceField(
        label=_("会议类型"),
        choices=MeetingKind.choices,
        error_messages={
            "required": _("请选择会议类型。"),
            "invalid_choice": _("请选择列出的会议类型。"),
        },
    )
    date = forms.DateField(
        label=_("日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        error_messages={
            "required": _("请选择会议日期。"),
            "invalid": _("请填写有效日期，如 2026-12-31。"),
        },
    )
    time = forms.TimeField(
        label=_("开始时间"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        input_formats=["%H:%M", "%H:%M:%S"],
        error_messages={
            "required": _("请填写开始时间。"),
            "invalid": _("请填写有效时间，如 14:30。"),
        },
    )
    place = forms.CharField(
        label=_("地点"),
        required=False,
        max_length=120,
        error_messages={"max_length": _("地点最多 %(limit_value)d 个字。")},
    )
    online_link = forms.URLField(
        label=_("线上会议链接"),
        required=False,
        assume_scheme="https",
        help_text=_("线上召开时填写，如腾讯会议的链接。"),
        error_messages={"invalid": _("请填写完整的链接，如 https://meeting.tencent.com/…")},
    )
    host = forms.TypedChoiceField(label=_("主持人"), coerce=int, required=False, empty_value=None)
    recorder = forms.TypedChoiceField(
        label=_("记录人"), coerce=int, required=False, empty_value=None
    )
    topics = forms.CharField(
        label=_("议题"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("请填写议题。"),
            "max_length": _("议题最多 %(limit_value)d 个字。"),
        },
    )
    minutes = forms.CharField(
        label=_("会议记录"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("仅本支部组织委员和组织部可见。"),
        error_messages={"max_length": _("会议记录最多 %(limit_value)d 个字。")},
    )
    event = forms.TypedChoiceField(
        label=_("关联论坛活动"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("以论坛活动形式召开时选择：出席情况按活动签到记录，无需逐人勾选。"),
        error_messages={"invalid_choice": _("所选论坛活动不存在。")},
    )
    makeup_reflection = forms.BooleanField(
        label=_("补学需提交学习心得"),
        required=False,
        help_text=_("请假或缺席的同学会收到补学任务（本次学习材料）；勾选后还需写下学习心得。"),
    )
    pages = forms.Field(label=_("学习材料"), required=False, widget=forms.MultipleHiddenInput)

    def __init__(self, *args, branch, roster, meeting: Meeting | None = None, **kwargs):
        self.branch = branch
        self.meeting = meeting
        self.roster = list(roster)
        self.by_id = {member.pk: member for member in self.roster}
        if meeting is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_from(meeting)
        super().__init__(*args, **kwargs)
        people = roster_choices(self.roster)
        person_error = {"invalid_choice": _("所选的人不在本支部。")}
        for name in ("host", "recorder"):
            self.fields[name].choices = people
            self.fields[name].error_messages.update(person_error)
        self.fields["event"].choices = event_choices(meeting)
        self.kept_page_ids = set(self.initial.get("pages", []))
        self.resolutions = ResolutionRows(self, self.roster)
        self.attendance = AttendanceRows(self, self.roster)

    def clean_pages(self):
        values = self.cleaned_data["pages"] or []
        ids = [parse_id(value) if isinstance(value, str) else None for value in values]
        if None in ids:
            raise forms.ValidationError(_("所选学习材料不存在或未发布。"))
        chosen = list(dict.fromkeys(ids))
        if len(chosen) > MAX_MATERIALS:
            raise forms.ValidationError(
                _("一次会议最多 %(count)d 项学习材料。") % {"count": MAX_MATERIALS}
            )
        visible = ContentPage.objects.visible().filter(pk__in=chosen)
        found = {page.pk: page for page in visible.only("pk", "title", "url_path")}
        kept = [pk for pk in chosen if pk not in found and pk in self.kept_page_ids]
        found.update({page.pk: page for page in ContentPage.objects.filter(pk__in=kept)})
        if any(pk not in found for pk in chosen):
            raise forms.ValidationError(_("所选学习材料不存在或未发布。"))
        return [found[pk] for pk in chosen]

    def clean(self):
        cleaned = super().clean()
        day, time = cleaned.get("date"), cleaned.get("time")
        if day is not None and time is not None:
            cleaned["starts_at"] = timezone.make_aware(dt.datetime.combine(day, time))
        if not cleaned.get("place") and not cleaned.get("online_link"):
            self.add_error("place", _("请填写地点，或线上会议链接。"))
        self.resolutions.clean()
        if not cleaned.get("event"):
            self.attendance.clean()  # with a linked event, its check-ins decide
        return cleaned

    def keep_without_judging(self) -> MeetingForm:
        """A search round-trip: show what was typed and ticked, but no errors yet."""
        self._errors = ErrorDict()
        self.cleaned_data = {}
        self.resolutions.errors = {}
        self.attendance.errors = {}
        return self

    def add_refusal(self, error: ValidationError) -> None:
        """A refusal of ``meetings.records`` (already in Chinese), shown above the form."""
        for message in error.messages:
            self.add_error(None, message)

    def record_values(self) -> dict:
        """What ``meetings.records.save_draft`` and ``correct`` take, from a valid form."""
        data = self.cleaned_data
        event = None
        if data.get("event"):
            event = ForumEventPage.objects.filter(pk=data["event"]).first()
        fields = {
            "kind": data["kind"],
            "starts_at": data["starts_at"],
            "place": data["place"],
            "online_link": data["online_link"],
            "host": self.by_id.get(data.get("host")),
            "recorder": self.by_id.get(data.get("recorder")),
            "topics": data["topics"],
            "minutes": data["minutes"],
            "event": event,
            "makeup_reflection": data["makeup_reflection"],
        }
        attendance = self.attendance.values()
        if event is not None:
            attendance = attendance_from_event(Meeting(branch=self.branch, event=event))
        return {
            "fields": fields,
            "attendance": attendance,
            "materials": data["pages"],
            "resolutions": self.resolutions.values(),
        }


def event_choices(meeting: Meeting | None) -> list[tuple[str, str]]:
    events = ForumEventPage.objects.live().order_by("-starts_at").only("pk", "title", "starts_at")
    chosen = [(event.pk, event) for event in events[:EVENT_CHOICES]]
    if meeting is not None and meeting.event_id and meeting.event_id not in dict(chosen):
        linked = ForumEventPage.objects.filter(pk=meeting.event_id).first()
        if linked is not None:
            chosen.append((linked.pk, linked))
    return [("", _("（不关联）"))] + [
        (str(pk), f"{event.title}（{timezone.localtime(event.starts_at):%Y-%m-%d}）")
        for pk, event in chosen
    ]


class ResolutionRows:
    """决议 rows ``resolution_text_N``, ``resolution_owner_N``, ``resolution_due_N``: a few
    empty rows after those already written; a row with no text is left out."""

    def __init__(self, form: MeetingForm, roster: list):
        self.form = form
        self.errors: dict[int, list[str]] = {}
        self.cleaned: list[dict] = []
        existing = form.initial.get("resolutions", [])
        self.count = len(existing) + RESOLUTION_ROWS
        if form.is_bound:
            self.count = min(max(self.count, count_rows(form.data)), 30)
        self.existing = existing
        self.people = roster_choices(roster)

    def rows(self) -> list[dict]:
        rows = []
        for index in range(self.count):
            if self.form.is_bound:
                data = self.form.data
                text = data.get(f"resolution_text_{index}", "")
                owner = data.get(f"resolution_owner_{index}", "")
                due = data.get(f"resolution_due_{index}", "")
            elif index < len(self.existing):
                row = self.existing[index]
                text, owner, due = row["text"], str(row["owner"]), row["due"]
            else:
                text, owner, due = "", "", ""
            rows.append(
                {
                    "index": index,
                    "text": text,
                    "owner": owner,
                    "due": due,
                    "people": self.people,
                    "errors": self.errors.get(index, []),
                }
            )
        return rows

    def clean(self) -> None:
        self.errors, self.cleaned = {}, []
        for row in self.rows():
            text = row["text"].strip()
            owner_id = parse_id(row["owner"])
            problems = []
            if not text:
                if row["owner"] or row["due"]:
                    problems.append(_("请填写决议内容，或清空这一行。"))
                self.note(row["index"], problems)
                continue
            if len(text) > 500:
                problems.append(_("决议内容最多 500 个字。"))
            owner = self.form.by_id.get(owner_id)
            if owner is None:
                problems.append(
                    _("请为决议选择负责人。") if not row["owner"] else _("负责人不在本支部。")
                )
            due = None
            if row["due"]:
                try:
                    due = dt.date.fromisoformat(row["due"])
                except ValueError:
                    problems.append(_("请填写有效的完成期限，如 2026-12-31。"))
            self.note(row["index"], problems)
            if not problems:
                self.cleaned.append({"text": text, "owner": owner, "due_on": due})

    def note(self, index: int, problems: list) -> None:
        if problems:
            self.errors[index] = problems
            self.form.add_error(
                None,
                _("第 %(n)d 条决议：%(problem)s")
                % {
                    "n": index + 1,
                    "problem": problems[0],
                },
            )

    def values(self) -> list[dict]:
        return self.cleaned


def count_rows(data) -> int:
    indexes = [
        parse_id(key.rsplit("_", 1)[1]) or 0 for key in data if key.startswith("resolution_text_")
    ]
    return max(indexes, default=-1) + 1


class AttendanceRows:
    """The roster with a choice per member: ``presence_<id>`` (出席 by default, 请假, 缺席)
    and ``reason_<id>`` (required for 请假). With a linked forum event the check-ins decide,
    and these choices are not read."""

    def __init__(self, form: MeetingForm, roster: list):
        self.form = form
        self.roster = roster
        self.errors: dict[int, str] = {}
        self.cleaned: dict[int, tuple[str, str]] = {}
        self.initial = form.initial.get("attendance", {})

    def rows(self) -> list[dict]:
        rows = []
        for member in self.roster:
            if self.form.is_bound:
                presence = self.form.data.get(f"presence_{member.pk}", Presence.PRESENT)
                reason = self.form.data.get(f"reason_{member.pk}", "")
            else:
                presence, reason = self.initial.get(member.pk, (Presence.PRESENT, ""))
            rows.append(
                {
                    "member": member,
                    "name": member.member_profile.display_name,
                    "presence": presence,
                    "reason": reason,
                    "choices": Presence.choices,
                    "error": self.errors.get(member.pk, ""),
                }
            )
        return rows

    def clean(self) -> None:
        self.errors, self.cleaned = {}, {}
        for row in self.rows():
            member, presence = row["member"], row["presence"]
            reason = row["reason"].strip()
            if presence not in Presence.values:
                self.errors[member.pk] = _("请选择出席、请假或缺席。")
            elif presence == Presence.LEAVE and not reason:
                self.errors[member.pk] = _("请填写请假事由。")
            elif len(reason) > REASON_MAX:
                self.errors[member.pk] = _("请假事由最多 %(n)d 个字。") % {"n": REASON_MAX}
            else:
                kept = reason if presence == Presence.LEAVE else ""
                self.cleaned[member.pk] = (presence, kept)
                continue
            self.form.add_error(
                None,
                _("%(name)s：%(problem)s")
                % {"name": row["name"], "problem": self.errors[member.pk]},
            )
        unknown = (
            [
                key
                for key in self.form.data
                if key.startswith("presence_")
                and parse_id(key.removeprefix("presence_")) not in self.form.by_id
            ]
            if self.form.is_bound
            else []
        )
        if unknown:
            self.form.add_error(None, _("出席名单中有不在本支部的人。"))

    def values(self) -> dict[int, tuple[str, str]]:
        return self.cleaned


class CorrectionForm(MeetingForm):
    """A confirmed record changed: the same fields, and why (kept in the history)."""

    reason = forms.CharField(
        label=_("更正原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": _("请填写更正原因。"),
            "max_length": _("更正原因最多 %(limit_value)d 个字。"),
        },
    )


ATTACHMENT_EXTENSIONS = ["pdf", "jpg", "jpeg", "png", "doc", "docx", "ppt", "pptx", "xls", "xlsx"]
ATTACHMENT_MAX_MB = 20


class AttachmentForm(forms.Form):
    title = forms.CharField(
        label=_("标题"),
        max_length=120,
        help_text=_("如：会议记录、签到表照片、课件。"),
        error_messages={
            "required": _("请填写附件标题。"),
            "max_length": _("标题最多 %(limit_value)d 个字。"),
        },
    )
    file = forms.FileField(
        label=_("文件"),
        help_text=_("PDF、图片、Word、PowerPoint 或 Excel，不超过 20 MB。"),
        error_messages={
            "required": _("请选择要上传的文件。"),
            "empty": _("所选文件是空的。"),
            "invalid": _("没有收到文件，请重新选择。"),
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if extension not in ATTACHMENT_EXTENSIONS:
            raise forms.ValidationError(
                _("不支持这种文件，请上传 PDF、图片、Word、PowerPoint 或 Excel 文件。")
            )
        if upload.size > ATTACHMENT_MAX_MB * 1024 * 1024:
            raise forms.ValidationError(_("文件不能超过 %(mb)d MB。") % {"mb": ATTACHMENT_MAX_MB})
        return upload


def initial_from(meeting: Meeting) -> dict:
    local = timezone.localtime(meeting.starts_at)
    return {
        "kind": meeting.kind,
        "date": local.date(),
        "time": local.time().replace(second=0, microsecond=0),
        "place": meeting.place,
        "online_link": meeting.online_link,
        "host": meeting.host_id,
        "recorder": meeting.recorder_id,
        "topics": meeting.topics,
        "minutes": meeting.minutes,
        "event": meeting.event_id,
        "makeup_reflection": meeting.makeup_reflection,
        "pages": [m.page_id for m in meeting.materials.all() if m.page_id is not None],
        "resolutions": [
            {
                "text": r.text,
                "owner": r.owner_id,
                "due": r.due_on.isoformat() if r.due_on else "",
            }
            for r in meeting.resolutions.all()
        ],
        "attendance": {a.member_id: (a.presence, a.reason) for a in meeting.attendance.all()},
    }
