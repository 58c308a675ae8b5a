"""The demo's organisation: one branch of twelve members, one of them its organiser, and the two
assignments the organiser set, made the way the site makes them.

People come in through the roster import (``members.roster``), as a university's would, so
they get unusable passwords (``manage.py ensure_demo_logins`` gives two of them one) and
no e-mail address. Assignments go through the organiser's form (``AssignmentForm``) on the
day the organiser set them (``demo.clock``). Pages are looked up by slug through the page
models. Everything is made once: running ``load_demo`` again finds it and changes nothing.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.http import QueryDict

from assignments.forms import AUDIENCE_BRANCH, AssignmentForm
from assignments.models import Assignment
from core.importing import ImportFileError
from demo.clock import clock_at
from home.models import ContentPage
from members.models import Branch
from members.roster import COLUMN_LIST, import_members

BRANCH_NAME = "计算机学院学生第一党支部"
ORGANISATION = "计算机学院党委"
# The two logins ``ensure_demo_logins`` sets passwords for (everyone else has none).
ORGANISER_USERNAME = "liuyang"
MEMBER_USERNAME = "wangfang"
ORGANISER = (ORGANISER_USERNAME, "刘洋")
MEMBERS = [
    (MEMBER_USERNAME, "王芳"),
    ("lina", "李娜"),
    ("zhangwei", "张伟"),
    ("chenjing", "陈静"),
    ("yangfan", "杨帆"),
    ("zhaolei", "赵磊"),
    ("huangting", "黄婷"),
    ("zhoujie", "周杰"),
    ("wuhao", "吴昊"),
    ("xuli", "徐丽"),
    ("sunhaoran", "孙浩然"),
]


@dataclass(frozen=True)
class AssignmentPlan:
    title: str
    note: str
    set_days_ago: int
    due_in_days: int  # negative: already overdue
    slugs: tuple[str, ...]
    require_reflection: bool = False


# One overdue (most of the branch finished it), one due in a few days (under way).
ASSIGNMENTS = (
    AssignmentPlan(
        title="学习“两个务必”，走好新时代赶考路",
        note="结合西柏坡现场教学，学习微党课并完成遵义会议旧址的学习自测。",
        set_days_ago=26,
        due_in_days=-5,
        slugs=("xibaipo-two-musts", "xibaipo-memorial", "zunyi-conference-site"),
    ),
    AssignmentPlan(
        title="脱贫攻坚精神与时代楷模",
        note="学习微党课和张桂梅的事迹，写下一篇学习心得（仅本人可见，可选择分享给我）。",
        set_days_ago=6,
        due_in_days=4,
        slugs=("from-poverty-to-revitalisation", "zhang-guimei", "hongyan-faith"),
    ),
)


@dataclass
class Organisation:
    branch: Branch
    organiser: object
    members: list  # the eleven other members' users, in ``MEMBERS`` order
    assignments: list[Assignment]

    @property
    def people(self) -> list:
        return [self.organiser, *self.members]


class DemoPeopleError(Exception):
    """The demo people could not be made (a clash with accounts already on the site)."""


def roster_csv() -> str:
    rows = [COLUMN_LIST]
    rows.append(f"{ORGANISER[0]},{ORGANISER[1]},{BRANCH_NAME},organiser,")
    rows.extend(f"{username},{name},{BRANCH_NAME},member," for username, name in MEMBERS)
    return "\n".join(rows) + "\n"


def import_people() -> None:
    """The branch and its people through the roster import: new ones get unusable
    passwords; people already there are left as they are. Accounts of the same names
    outside the demo branch are someone else's: never moved into it."""
    User = get_user_model()
    usernames = [ORGANISER[0], *(username for username, _name in MEMBERS)]
    taken = User.objects.filter(**{f"{User.USERNAME_FIELD}__in": usernames}).exclude(
        member_profile__branch__name=BRANCH_NAME
    )
    if taken.exists():
        names = "、".join(sorted(user.get_username() for user in taken))
        raise DemoPeopleError(f"网站已有同名账号 {names}，不能用作演示成员")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo-roster.csv"
        path.write_text(roster_csv(), encoding="utf-8")
        try:
            result = import_members(path)
        except ImportFileError as error:
            raise DemoPeopleError(str(error)) from None
    if result.problems:
        lines = "；".join(f"第 {p.row} 行 {p.field}：{p.message}" for p in result.problems)
        raise DemoPeopleError(f"演示成员与网站已有账号冲突：{lines}")
    Branch.objects.filter(name=BRANCH_NAME, organisation="").update(organisation=ORGANISATION)


def demo_users() -> tuple[object, list]:
    """The organiser and the members (in ``MEMBERS`` order), as users."""
    usernames = [ORGANISER[0], *(username for username, _name in MEMBERS)]
    User = get_user_model()
    by_name = {
        user.get_username(): user
        for user in User.objects.filter(**{f"{User.USERNAME_FIELD}__in": usernames})
    }
    return by_name[ORGANISER[0]], [by_name[username] for username, _name in MEMBERS]


def pages_by_slug(slugs) -> dict[str, ContentPage]:
    """Live content pages by slug; a slug the demo no longer has is an error, not a gap."""
    pages = {page.slug: page for page in ContentPage.objects.live().filter(slug__in=set(slugs))}
    missing = sorted(set(slugs) - set(pages))
    if missing:
        raise DemoPeopleError(f"演示内容里没有这些页面：{'、'.join(missing)}")
    return pages


def form_data(plan: AssignmentPlan, due_on, pages: dict[str, ContentPage]) -> QueryDict:
    data = QueryDict(mutable=True)
    data.update(
        {"title": plan.title, "note": plan.note, "due_on": due_on.isoformat()},
    )
    data["audience"] = AUDIENCE_BRANCH
    if plan.require_reflection:
        data["require_reflection"] = "on"
    data.setlist("pages", [str(pages[slug].pk) for slug in plan.slugs])
    return data


def set_assignment(plan: AssignmentPlan, branch: Branch, organiser, now: datetime) -> Assignment:
    """The organiser's form, filled and saved on the day the assignment was set."""
    existing = Assignment.objects.filter(branch=branch, title=plan.title).first()
    if existing is not None:
        return existing
    set_at = now - timedelta(days=plan.set_days_ago)
    due_on = (now + timedelta(days=plan.due_in_days)).date()
    with clock_at(set_at):
        form = AssignmentForm(form_data(plan, due_on, pages_by_slug(plan.slugs)), branch=branch)
        if not form.is_valid():
            raise DemoPeopleError(
                f"演示学习任务“{plan.title}”没有通过表单：{form.errors.as_text()}"
            )
        assignment = form.save(created_by=organiser)
    # The model's default time is read outside the clock: the day it was set is written here.
    Assignment.objects.filter(pk=assignment.pk).update(created_at=set_at)
    assignment.created_at = set_at
    return assignment


def ensure_organisation(now: datetime) -> Organisation:
    """The branch, its people and its assignments; made once, found afterwards."""
    import_people()
    organiser, members = demo_users()
    branch = Branch.objects.get(name=BRANCH_NAME)
    assignments = [set_assignment(plan, branch, organiser, now) for plan in ASSIGNMENTS]
    return Organisation(branch, organiser, members, assignments)
