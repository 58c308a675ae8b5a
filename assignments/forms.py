"""The organiser's assignment form: phone-friendly, works without JavaScript.

Pages are picked through the site's own search inside the form: the 搜索 button posts the
form back with results to tick, keeping what was typed and ticked so far; 保存 validates
and saves. Every choice is checked on the server against the organiser's own branch and
the published pages, so a tampered form gets a message, not a foreign member or page.
"""

from __future__ import annotations

from django import forms
from django.db import transaction
from django.db.models import Q
from django.forms.utils import ErrorDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assignments.models import Assignment, AssignmentItem
from assignments.progress import branch_members
from core.text import parse_id
from home.models import ContentPage
from members.models import Branch

AUDIENCE_BRANCH = "branch"
AUDIENCE_CHOSEN = "chosen"
MAX_ITEMS = 20


class AssignmentForm(forms.Form):
    title = forms.CharField(
        label=_("标题"),
        max_length=100,
        error_messages={
            "required": _("请填写标题。"),
            "max_length": _("标题最多 %(limit_value)d 个字。"),
        },
    )
    note = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("说明最多 %(limit_value)d 个字。")},
    )
    due_on = forms.DateField(
        label=_("截止日期"),
        help_text=_("截止日当天 24 点前学完即可；延期时改成更晚的日期。"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        error_messages={
            "required": _("请选择截止日期。"),
            "invalid": _("请填写有效日期，如 2026-12-31。"),
        },
    )
    audience = forms.ChoiceField(
        label=_("学习对象"),
        choices=[(AUDIENCE_BRANCH, _("全支部成员")), (AUDIENCE_CHOSEN, _("指定成员"))],
        initial=AUDIENCE_BRANCH,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择学习对象。"),
            "invalid_choice": _("请选择全支部成员或指定成员。"),
        },
    )
    require_reflection = forms.BooleanField(
        label=_("要求提交学习心得"),
        required=False,
        help_text=_(
            "勾选后，成员学完每项内容还需写下学习心得才算完成。心得默认仅本人可见，"
            "成员可以选择分享给你。"
        ),
    )
    members = forms.TypedMultipleChoiceField(
        label=_("指定成员"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("所选成员不在本支部。")},
    )
    # The ticked pages' ids (checkboxes in the template); checked in clean_pages.
    pages = forms.Field(label=_("学习内容"), required=False, widget=forms.MultipleHiddenInput)

    def __init__(self, *args, branch: Branch, instance: Assignment | None = None, **kwargs):
        self.branch = branch
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_from(instance)
        super().__init__(*args, **kwargs)
        self.branch_members = list(branch_members(branch))
        self.fields["members"].choices = [
            (member.pk, member.member_profile.display_name) for member in self.branch_members
        ]
        # Any published page may be picked, and the pages already in the assignment (kept
        # even if one was unpublished since, so the organiser can still save a change).
        self.kept_page_ids = set(item_ids(instance)) if instance is not None else set()

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        unchanged = self.instance is not None and due_on == self.instance.due_on
        if due_on < timezone.localdate() and not unchanged:
            raise forms.ValidationError(_("截止日期不能早于今天。"))
        return due_on

    def clean_pages(self):
        values = self.cleaned_data["pages"] or []
        if not values:
            raise forms.ValidationError(_("请至少选择一项学习内容。"))
        ids = [parse_id(value) if isinstance(value, str) else None for value in values]
        if None in ids:
            raise forms.ValidationError(_("所选内容不存在或未发布。"))
        chosen = list(dict.fromkeys(ids))  # de-duplicated, in order
        if len(chosen) > MAX_ITEMS:
            raise forms.ValidationError(_("一个任务最多 %(count)d 项内容。") % {"count": MAX_ITEMS})
        published = set(
            ContentPage.objects.visible().filter(pk__in=chosen).values_list("pk", flat=True)
        )
        if any(pk not in published and pk not in self.kept_page_ids for pk in chosen):
            raise forms.ValidationError(_("所选内容不存在或未发布。"))
        return chosen

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("audience") == AUDIENCE_CHOSEN and not cleaned.get("members"):
            self.add_error("members", _("请至少选择一位成员，或改为全支部成员。"))
        return cleaned

    def keep_without_judging(self) -> AssignmentForm:
        """A search round-trip: show what was typed and ticked, but no errors yet (the
        organiser has not tried to save)."""
        self._errors = ErrorDict()
        self.cleaned_data = {}
        return self

    def selected_page_ids(self) -> list[int]:
        """The ticked pages as sent (for showing the form again), whole numbers only."""
        if self.is_bound:
            values = self.data.getlist(self.add_prefix("pages"))
            return [pk for pk in map(parse_id, values) if pk is not None][:50]
        return list(self.initial.get("pages", []))

    def selected_pages(self) -> list[ContentPage]:
        """The ticked pages to show again: ids come from the organiser's form, so only pages
        any visitor may read, and those already in the assignment, give back a title."""
        ids = list(dict.fromkeys(self.selected_page_ids()))
        visible = ContentPage.objects.visible().filter(pk__in=ids).values("pk")
        kept = [pk for pk in ids if pk in self.kept_page_ids]
        pages = ContentPage.objects.filter(Q(pk__in=visible) | Q(pk__in=kept)).only(
            "pk", "title", "topic", "url_path"
        )
        by_id = {page.pk: page for page in pages}
        return [by_id[pk] for pk in ids if pk in by_id]

    def selected_member_ids(self) -> set[int]:
        if self.is_bound:
            values = self.data.getlist(self.add_prefix("members"))
            return {pk for pk in map(parse_id, values) if pk is not None}
        return set(self.initial.get("members", []))

    @transaction.atomic
    def save(self, created_by) -> Assignment:
        data = self.cleaned_data
        assignment = self.instance or Assignment(branch=self.branch, created_by=created_by)
        assignment.title = data["title"]
        assignment.note = data["note"]
        assignment.due_on = data["due_on"]
        assignment.whole_branch = data["audience"] == AUDIENCE_BRANCH
        assignment.require_reflection = data["require_reflection"]
        assignment.save()
        assignment.chosen_members.set([] if assignment.whole_branch else data["members"])
        assignment.items.all().delete()
        AssignmentItem.objects.bulk_create(
            AssignmentItem(assignment=assignment, page_id=page_id, sort_order=order)
            for order, page_id in enumerate(data["pages"])
        )
        return assignment


def item_ids(assignment: Assignment) -> list[int]:
    return [item.page_id for item in assignment.items.all()]


def initial_from(assignment: Assignment) -> dict:
    return {
        "title": assignment.title,
        "note": assignment.note,
        "due_on": assignment.due_on,
        "audience": AUDIENCE_BRANCH if assignment.whole_branch else AUDIENCE_CHOSEN,
        "require_reflection": assignment.require_reflection,
        "members": [member.pk for member in assignment.chosen_members.all()],
        "pages": item_ids(assignment),
    }
