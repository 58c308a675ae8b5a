"""Bulk import of branch members from a CSV file (``manage.py import_members``).

Organisers keep their branch lists in a spreadsheet; a university has hundreds of
members, far too many to type into the admin. As with every import built on
``core.importing``, the whole file is checked before anything is written and everything
is written in one transaction, so a bad file never leaves half an import behind.
Passwords are never imported or overwritten: new members get an unusable password and a
one-time link to set their own (``members.accounts.set_password_url``). A roster never
touches an account with admin rights, and replaces an existing e-mail address (where a
password reset goes) only when asked to (``members.roster_checks``). The format is
described for organisers in ``docs/members.md``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError
from django.db.models.functions import Lower

from core.importing import DRY_RUN_NOTE, FileImport, ImportFileError, ImportResult, Problem
from members.accounts import link_lifetime, set_password_url
from members.models import Branch, MemberProfile, Role
from members.roster_checks import (
    UPDATE_EMAILS_FLAG,
    check_email,
    check_role,
    check_text,
    check_username,
    email_change,
    privileged_problem,
    privileges,
    row_problem,
)

COLUMNS = ("username", "name", "branch", "role", "email")
COLUMN_LIST = ",".join(COLUMNS)
ROLE_LABELS = {Role.MEMBER: "成员", Role.ORGANISER: "组织委员"}


@dataclass
class PlannedMember:
    """One valid row: who the member is, and the user they already are, if any."""

    row: int
    username: str
    name: str
    branch: str
    role: str
    email: str
    user: AbstractBaseUser | None = None
    profile: MemberProfile | None = None
    is_new: bool = True
    changes: list[str] = field(default_factory=list)
    # The address to write on an existing user (None: keep theirs), and the one it replaces.
    new_email: str | None = None
    replaced_email: str | None = None

    def describe(self) -> str:
        return f"{self.username}（{self.name} · {self.branch} · {ROLE_LABELS[self.role]}）"


@dataclass(frozen=True)
class SetPasswordLink:
    """A member without a password and the one-time link that lets them choose one."""

    username: str
    name: str
    url: str


@dataclass
class RosterResult(ImportResult):
    """Everything the command reports: problems, or what was (or would be) written."""

    members: list[PlannedMember] = field(default_factory=list)
    new_branches: list[str] = field(default_factory=list)
    links: list[SetPasswordLink] = field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(1 for member in self.members if member.is_new)

    @property
    def updated(self) -> int:
        return sum(1 for member in self.members if not member.is_new and member.changes)

    @property
    def unchanged(self) -> int:
        return sum(1 for member in self.members if not member.is_new and not member.changes)

    def report_lines(self) -> Iterator[str]:
        """New branches, one line per created or updated member, the summary, then the links."""
        would = self.would
        for name in self.new_branches:
            yield f"{would}新建党支部：{name}"
        for member in self.members:
            if member.is_new:
                yield f"第 {member.row} 行：{would}新建成员 {member.describe()}"
            elif member.changes:
                yield (
                    f"第 {member.row} 行：{would}更新成员 {member.username}："
                    f"{'、'.join(member.changes)}"
                )
        chinese = (
            f"新建成员 {self.created} 位，更新 {self.updated} 位，无变化 {self.unchanged} 位，"
            f"新建党支部 {len(self.new_branches)} 个"
        )
        if self.dry_run:
            yield (
                f"{DRY_RUN_NOTE}："
                f"would create {self.created}, would update {self.updated}, "
                f"unchanged {self.unchanged}, would create branches {len(self.new_branches)}"
                f"（将{chinese}）"
            )
            if self.created:
                yield "正式导入时，会为每位新成员打印一个设置密码的一次性链接。"
            return
        counts = (
            f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}, "
            f"branches created {len(self.new_branches)}"
        )
        yield f"导入完成：{counts}（{chinese}）"
        if self.links:
            yield ""
            yield (
                f"以下 {len(self.links)} 位成员还没有密码。请把各自的链接私下发给本人"
                "（不要发到群里）：打开链接即可设置自己的密码，设置后链接作废；"
                f"链接{link_lifetime()}内有效，过期后用同一个文件重新运行本命令即可得到新链接。"
            )
            for link in self.links:
                yield f"  {link.username}（{link.name}）：{link.url}"


# --- Reading the file ----------------------------------------------------------------


def split_rows(text: str) -> list[tuple[int, list[str]]]:
    """The text's non-blank CSV rows with the line each starts on (the header is line 1).

    A row whose cells are all empty (a blank line, or ``,,,,`` from a spreadsheet) is
    skipped, but still counts for numbering. Raises ImportFileError when the text is not
    CSV at all; an empty result is for the caller to refuse.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    previous_line = 0
    while True:
        start = previous_line + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise ImportFileError(f"第 {start} 行起无法按 CSV 读取：{exc}") from None
        previous_line = reader.line_num
        if any(cell.strip() for cell in cells):
            rows.append((start, cells))
    return rows


class _Planner:
    """Checks the rows of one file in order, remembering what earlier rows claimed."""

    def __init__(self, header_row: int, header: list[str], *, update_emails: bool) -> None:
        self.update_emails = update_emails
        self.problems: list[Problem] = []
        self.members: list[PlannedMember] = []
        self.positions = self._check_header(header_row, header)
        self.username_rows: dict[str, int] = {}

    def _check_header(self, row: int, header: list[str]) -> dict[str, int]:
        names = [cell.strip().lower() for cell in header]
        positions = {name: index for index, name in enumerate(names) if name in COLUMNS}
        missing = [name for name in COLUMNS if name not in positions]
        extra = [cell.strip() or "（空）" for cell in header if cell.strip().lower() not in COLUMNS]
        repeated = sorted({name for name in names if name in COLUMNS and names.count(name) > 1})
        reasons = []
        if missing:
            reasons.append(f"缺少列 {', '.join(missing)}")
        if extra:
            reasons.append(f"多出列 {', '.join(extra)}")
        if repeated:
            reasons.append(f"列 {', '.join(repeated)} 出现了不止一次")
        if reasons:
            self.problems.append(
                row_problem(
                    row,
                    "表头",
                    "；".join(reasons)
                    + f"。表头必须正好是 {COLUMN_LIST} 这 {len(COLUMNS)} 列（顺序不限）",
                )
            )
        return positions

    def check_row(self, row: int, cells: list[str]) -> None:
        """Collect every problem of one row; a row without any is planned for writing."""
        if len(cells) != len(self.positions):
            self.problems.append(
                row_problem(
                    row,
                    "列数",
                    f"这一行有 {len(cells)} 列，表头有 {len(self.positions)} 列"
                    "（内容里有英文逗号时，要用英文双引号把这一格括起来）",
                )
            )
            return
        values = {name: cells[index].strip() for name, index in self.positions.items()}
        problems: list[Problem] = []
        username = check_username(values["username"], row, problems)
        name = check_text(
            values["name"],
            MemberProfile._meta.get_field("display_name").max_length,
            row,
            "name",
            problems,
        )
        branch = check_text(
            values["branch"], Branch._meta.get_field("name").max_length, row, "branch", problems
        )
        role = check_role(values["role"], row, problems)
        email = check_email(values["email"], row, problems)
        if username and not any(problem.field == "username" for problem in problems):
            first_row = self.username_rows.get(username.lower())
            if first_row is not None:
                problems.append(
                    row_problem(row, "username", f"与第 {first_row} 行的用户名重复（不区分大小写）")
                )
            else:
                self.username_rows[username.lower()] = row
        if problems:
            self.problems.extend(problems)
            return
        self.members.append(
            PlannedMember(
                row=row, username=username, name=name, branch=branch, role=role, email=email
            )
        )

    def match_existing(self) -> list[str]:
        """Attach existing users and profiles to the planned members; return new branch names."""
        user_model = get_user_model()
        username_field = user_model.USERNAME_FIELD
        lowered = {member.username.lower() for member in self.members}
        existing: dict[str, list[AbstractBaseUser]] = {}
        candidates = user_model._default_manager.annotate(
            lowered_username=Lower(username_field)
        ).filter(lowered_username__in=lowered)
        for user in candidates:
            existing.setdefault(user.get_username().lower(), []).append(user)
        profiles = {
            profile.user_id: profile
            for profile in MemberProfile.objects.filter(
                user__in=[user for users in existing.values() for user in users]
            ).select_related("branch")
        }
        branch_names = {member.branch for member in self.members}
        known_branches = set(
            Branch.objects.filter(name__in=branch_names).values_list("name", flat=True)
        )

        privileged = privileges(user for users in existing.values() for user in users)
        for member in self.members:
            same_name = existing.get(member.username.lower(), [])
            exact = next(
                (user for user in same_name if user.get_username() == member.username), None
            )
            if exact is None and same_name:
                others = "、".join(user.get_username() for user in same_name)
                self.problems.append(
                    row_problem(
                        member.row,
                        "username",
                        f"网站已有用户 {others}，与 {member.username} 只有大小写不同；"
                        "请改用已有的写法，或换一个用户名",
                    )
                )
            elif exact is not None and exact.pk in privileged:
                self.problems.append(
                    privileged_problem(member.row, member.username, privileged[exact.pk])
                )
            elif exact is not None:
                self._attach(member, exact, profiles.get(exact.pk))
        self.members = [
            member
            for member in self.members
            if not any(problem.number == member.row for problem in self.problems)
        ]
        return [
            name
            for name in dict.fromkeys(member.branch for member in self.members)
            if name not in known_branches
        ]

    def _attach(
        self, member: PlannedMember, user: AbstractBaseUser, profile: MemberProfile | None
    ) -> None:
        """Plan the update of an existing (unprivileged) user; a replaced e-mail may refuse it."""
        member.user = user
        member.is_new = False
        member.profile = profile
        member.changes = self._changes(member)
        replaced, problem = email_change(member.row, user, member.email, allowed=self.update_emails)
        if problem is not None:
            self.problems.append(problem)
        elif replaced is not None:
            member.new_email, member.replaced_email = member.email, replaced
            member.changes.append(f"邮箱 {replaced} → {member.email}")
        elif member.email and not user.email:
            member.new_email = member.email
            member.changes.append(f"邮箱 → {member.email}")

    @staticmethod
    def _changes(member: PlannedMember) -> list[str]:
        """What re-importing this row changes for an existing user, in the admin's words."""
        profile = member.profile
        if profile is None:
            return ["新建成员资料"]
        changes = []
        if profile.display_name != member.name:
            changes.append(f"姓名 {profile.display_name} → {member.name}")
        old_branch = profile.branch.name if profile.branch else "（无）"
        if old_branch != member.branch:
            changes.append(f"党支部 {old_branch} → {member.branch}")
        if profile.role != member.role:
            changes.append(
                f"角色 {ROLE_LABELS.get(profile.role, profile.role)} → {ROLE_LABELS[member.role]}"
            )
        return changes


# --- Writing -------------------------------------------------------------------------


def _write(members: list[PlannedMember], new_branches: list[str]) -> None:
    """Create the missing branches, then create or update every member; never a password."""
    user_model = get_user_model()
    branches = {
        branch.name: branch
        for branch in Branch.objects.filter(name__in={m.branch for m in members})
    }
    for name in new_branches:
        branches[name] = Branch.objects.create(name=name)
    for member in members:
        branch = branches[member.branch]
        if member.is_new:
            user = user_model(**{user_model.USERNAME_FIELD: member.username, "email": member.email})
            user.set_unusable_password()
            user.save()
            member.user = user
            MemberProfile.objects.create(
                user=user, display_name=member.name, branch=branch, role=member.role
            )
            continue
        if not member.changes:
            continue
        user = member.user
        if member.new_email:
            user.email = member.new_email
            user.save(update_fields=["email"])
        profile = member.profile or MemberProfile(user=user)
        profile.display_name = member.name
        profile.branch = branch
        profile.role = member.role
        profile.save()


def _links(members: list[PlannedMember]) -> list[SetPasswordLink]:
    """A set-password link for every active member in the file who has no password yet."""
    return [
        SetPasswordLink(member.username, member.name, set_password_url(member.user))
        for member in members
        if member.user.is_active and not member.user.has_usable_password()
    ]


class RosterImport(FileImport[list[str], RosterResult]):
    """A CSV file of members: a header row naming the columns, then one member per row."""

    utf8_hint = "在 Excel 里请选择“另存为 → CSV UTF-8（逗号分隔）”后再导入。"

    def __init__(
        self,
        path: Path | str,
        *,
        dry_run: bool = False,
        update_emails: bool = False,
        announce: Callable[[str], object] | None = None,
    ) -> None:
        super().__init__(path, dry_run=dry_run)
        self.update_emails = update_emails
        # Where the e-mail changes are listed before anything is written.
        self.announce = announce or (lambda line: None)

    def split(self, text: str) -> list[tuple[int, list[str]]]:
        rows = split_rows(text)
        if not rows:
            raise ImportFileError.empty(self.path, "没有表头，也没有成员")
        return rows

    def check(self, units: Sequence[tuple[int, list[str]]]) -> RosterResult:
        (header_row, header), data_rows = units[0], units[1:]
        plan = _Planner(header_row, header, update_emails=self.update_emails)
        if plan.problems:
            return RosterResult(dry_run=self.dry_run, problems=plan.problems)
        if not data_rows:
            raise ImportFileError(f"文件里只有表头，没有任何成员：{self.path}")
        for row, cells in data_rows:
            plan.check_row(row, cells)
        new_branches = plan.match_existing()
        return RosterResult(
            dry_run=self.dry_run,
            problems=plan.problems,
            members=plan.members,
            new_branches=new_branches,
        )

    def write(self, result: RosterResult) -> list[Problem]:
        replaced = [member for member in result.members if member.replaced_email]
        if replaced:
            self.announce(f"按 {UPDATE_EMAILS_FLAG} 修改以下 {len(replaced)} 位已有成员的邮箱：")
            for member in replaced:
                self.announce(
                    f"  第 {member.row} 行：{member.username} 的邮箱 "
                    f"{member.replaced_email} → {member.new_email}"
                )
        _write(result.members, result.new_branches)
        result.links = _links(result.members)
        return []

    def run(self) -> RosterResult:
        """As FileImport.run; someone adding the same user or branch meanwhile is no traceback."""
        try:
            return super().run()
        except IntegrityError as exc:
            raise ImportFileError(
                f"写入时与数据库里的数据冲突（可能有人同时在修改成员）：{exc}。没有导入任何内容，请重新导入。"
            ) from None


def import_members(
    path: Path | str, *, dry_run: bool = False, update_emails: bool = False
) -> RosterResult:
    """Check the whole file, then (unless dry_run or anything is wrong) write it all at once.

    Raises ImportFileError when the file itself cannot be used. Problems with rows are
    returned in ``result.problems``; when there are any, nothing has been written. An
    existing user's e-mail address is replaced only with ``update_emails``.
    """
    return RosterImport(path, dry_run=dry_run, update_emails=update_emails).run()
