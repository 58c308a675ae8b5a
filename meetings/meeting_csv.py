"""Past meetings from a CSV file (``manage.py import_meetings``) and the 台账 back out as CSV.

The file has one meeting a line under the header ``CSV_HEADER``: the branch by name, the
kind as the 台账 spells it (党员大会 支委会 党小组会 党课 主题党日 组织生活会), the time as
``YYYY-MM-DD HH:MM`` in the site's time zone, host and recorder by username, ``present`` and
``absent`` usernames separated by ``;`` and ``leave`` entries ``username:reason``. Every line
is checked before anything is written; one bad line refuses the whole file with ``第 N 行：…``
for each problem. Imported records are confirmed records of the past (source 导入) and make
no 补学: the meeting is long over. A meeting already on the site (same branch, kind and time)
is left as it is, so importing the same file twice changes nothing. ``export_rows`` writes a
branch's year in the same format, so an export imports back to the same records.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.importing import ImportFileError, read_text
from core.spreadsheet import FORMULA_STARTS
from meetings.models import (
    Attendance,
    Meeting,
    MeetingKind,
    MeetingSource,
    MeetingStatus,
    Presence,
)
from members.models import Branch
from members.roster import split_rows

CSV_HEADER = [
    "branch",
    "kind",
    "starts_at",
    "place",
    "host",
    "recorder",
    "topics",
    "present",
    "leave",
    "absent",
]
TIME_FORMAT = "%Y-%m-%d %H:%M"
KIND_BY_LABEL = {str(label): value for value, label in MeetingKind.choices}
LABEL_BY_KIND = {value: str(label) for value, label in MeetingKind.choices}
PLACE_LENGTH = Meeting._meta.get_field("place").max_length
TOPICS_LENGTH = Meeting._meta.get_field("topics").max_length
REASON_LENGTH = Attendance._meta.get_field("reason").max_length


class MeetingImportError(Exception):
    """The file is refused: ``problems`` holds one ``第 N 行：…`` message each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class PlannedMeeting:
    """One checked line: the meeting to write, with its people as users."""

    line: int
    branch: Branch
    kind: str
    starts_at: datetime
    place: str
    host: object | None
    recorder: object | None
    topics: str
    # user → (presence, reason), in the file's order.
    attendance: dict = field(default_factory=dict)

    @property
    def key(self) -> tuple[int, str, datetime]:
        return (self.branch.pk, self.kind, self.starts_at)


@dataclass(frozen=True)
class ImportResult:
    created: int
    unchanged: int


def plain(cell: str) -> str:
    """A cell as typed: without the apostrophe ``csv_safe`` puts before formula signs."""
    cell = cell.strip()
    if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


def site_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


class _Checker:
    """Checks lines in order; remembers branches and members it has looked up."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.branches = {branch.name: branch for branch in Branch.objects.all()}
        self.members: dict[int, dict[str, object]] = {}
        self.seen: dict[tuple, int] = {}
        self.now = timezone.now()

    def fail(self, line: int, reason: str) -> None:
        self.problems.append(f"第 {line} 行：{reason}")

    def roster(self, branch: Branch) -> dict[str, object]:
        """The branch's members by username (one query per branch in the file)."""
        if branch.pk not in self.members:
            users = get_user_model().objects.filter(member_profile__branch=branch)
            self.members[branch.pk] = {user.get_username(): user for user in users}
        return self.members[branch.pk]

    def person(self, line: int, branch: Branch, username: str, what: str):
        user = self.roster(branch).get(username)
        if user is None:
            model = get_user_model()
            exists = model.objects.filter(**{model.USERNAME_FIELD: username}).exists()
            where = f"不是“{branch.name}”的成员" if exists else "在网站上不存在"
            self.fail(line, f"{what}用户名 {username} {where}")
        return user

    def starts_at(self, line: int, text: str) -> datetime | None:
        try:
            naive = datetime.strptime(text, TIME_FORMAT)
        except ValueError:
            self.fail(line, f"时间“{text}”不对，应写成 YYYY-MM-DD HH:MM，如 2025-03-14 14:30")
            return None
        moment = naive.replace(tzinfo=site_zone())
        if moment > self.now:
            self.fail(line, f"时间 {text} 还没有到，只能导入已经开过的会议")
            return None
        return moment

    def attendance(self, line: int, branch: Branch, values: dict[str, str]) -> dict:
        """Everyone listed under present, leave and absent; each person once."""
        listed: dict = {}
        columns = (("present", Presence.PRESENT), ("leave", Presence.LEAVE))
        for column, presence in (*columns, ("absent", Presence.ABSENT)):
            for entry in (part.strip() for part in values[column].split(";")):
                if not entry:
                    continue
                reason = ""
                if presence == Presence.LEAVE:
                    entry, _sep, reason = (part.strip() for part in entry.partition(":"))
                    if not entry:
                        self.fail(line, "leave 里有一项缺少用户名，应写成 用户名:事由")
                        continue
                    if len(reason) > REASON_LENGTH:
                        self.fail(line, f"{entry} 的请假事由超过 {REASON_LENGTH} 个字")
                user = self.person(line, branch, entry, f"{column} 中的")
                if user is None:
                    continue
                if user in listed:
                    self.fail(line, f"{entry} 在出席、请假、缺席中出现了不止一次")
                    continue
                listed[user] = (presence, reason)
        return listed

    def check_line(self, line: int, cells: list[str]) -> PlannedMeeting | None:
        if len(cells) != len(CSV_HEADER):
            self.fail(
                line,
                f"这一行有 {len(cells)} 列，应有 {len(CSV_HEADER)} 列"
                "（内容里有英文逗号时，要用英文双引号把这一格括起来）",
            )
            return None
        values = {name: plain(cell) for name, cell in zip(CSV_HEADER, cells, strict=True)}
        before = len(self.problems)
        branch = self.branches.get(values["branch"])
        if branch is None:
            self.fail(line, f"党支部“{values['branch']}”在网站上不存在")
        kind = KIND_BY_LABEL.get(values["kind"])
        if kind is None:
            kinds = " ".join(KIND_BY_LABEL)
            self.fail(line, f"会议类型“{values['kind']}”不对，应是 {kinds} 之一")
        starts_at = self.starts_at(line, values["starts_at"])
        if not values["topics"]:
            self.fail(line, "议题（topics）不能为空")
        elif len(values["topics"]) > TOPICS_LENGTH:
            self.fail(line, f"议题超过 {TOPICS_LENGTH} 个字")
        if len(values["place"]) > PLACE_LENGTH:
            self.fail(line, f"地点超过 {PLACE_LENGTH} 个字")
        if branch is None:
            return None
        people = {
            role: self.person(line, branch, values[role], label) if values[role] else None
            for role, label in (("host", "主持人"), ("recorder", "记录人"))
        }
        attendance = self.attendance(line, branch, values)
        if len(self.problems) > before:
            return None
        planned = PlannedMeeting(
            line, branch, kind, starts_at, values["place"], people["host"], people["recorder"],
            values["topics"], attendance,
        )  # fmt: skip
        first = self.seen.setdefault(planned.key, line)
        if first != line:
            self.fail(line, f"与第 {first} 行是同一次会议（党支部、类型和时间都相同）")
            return None
        return planned


def parse_rows(text: str) -> list[PlannedMeeting]:
    """Every line of the file checked; MeetingImportError lists all that is wrong."""
    rows = split_rows(text)
    if not rows:
        raise MeetingImportError(["文件是空的：没有表头，也没有会议"])
    (header_line, header), lines = rows[0], rows[1:]
    if [cell.strip().lower() for cell in header] != CSV_HEADER:
        raise MeetingImportError(
            [f"第 {header_line} 行：表头应正好是 {','.join(CSV_HEADER)}（按这个顺序）"]
        )
    if not lines:
        raise MeetingImportError(["文件里只有表头，没有任何会议"])
    checker = _Checker()
    planned = [checker.check_line(line, cells) for line, cells in lines]
    if checker.problems:
        raise MeetingImportError(checker.problems)
    return [meeting for meeting in planned if meeting is not None]


def write(planned: Iterable[PlannedMeeting]) -> ImportResult:
    """Create the meetings not on the site yet; those already there stay as they are."""
    created = unchanged = 0
    for plan in planned:
        if Meeting.objects.filter(
            branch=plan.branch, kind=plan.kind, starts_at=plan.starts_at
        ).exists():
            unchanged += 1
            continue
        meeting = Meeting.objects.create(
            branch=plan.branch,
            kind=plan.kind,
            starts_at=plan.starts_at,
            place=plan.place,
            host=plan.host,
            recorder=plan.recorder,
            topics=plan.topics,
            status=MeetingStatus.CONFIRMED,
            source=MeetingSource.IMPORT,
            confirmed_at=timezone.now(),
        )
        Attendance.objects.bulk_create(
            Attendance(meeting=meeting, member=user, presence=presence, reason=reason)
            for user, (presence, reason) in plan.attendance.items()
        )
        created += 1
    return ImportResult(created=created, unchanged=unchanged)


def import_meetings(text: str) -> ImportResult:
    """Check the whole text, then write all of it in one transaction, or nothing."""
    try:
        with transaction.atomic():
            return write(parse_rows(text))
    except IntegrityError as exc:
        raise MeetingImportError(
            [f"写入时与数据库里的记录冲突（可能有人同时在导入）：{exc}。没有导入任何内容。"]
        ) from None


def import_meetings_file(path) -> ImportResult:
    """The file at ``path`` (UTF-8, with or without a BOM); ImportFileError if unreadable."""
    text = read_text(Path(path), utf8_hint="在 Excel 里请选择“另存为 → CSV UTF-8（逗号分隔）”。")
    return import_meetings(text)


# --- export ------------------------------------------------------------------------------


def year_meetings(branch: Branch, year: int):
    """The branch's confirmed meetings of a year (in the site's time zone), oldest first."""
    zone = site_zone()
    start = datetime(year, 1, 1, tzinfo=zone)
    end = datetime(year + 1, 1, 1, tzinfo=zone)
    return Meeting.objects.filter(
        branch=branch, status=MeetingStatus.CONFIRMED, starts_at__gte=start, starts_at__lt=end
    ).order_by("starts_at", "kind", "pk")


def attendance_by_meeting(meetings, *columns: str) -> dict[int, list[tuple]]:
    """Each meeting's attendance as plain values (``presence``, ``reason``, then ``columns``):
    one query, and no model objects for the thousands of rows a large branch's year has."""
    rows: dict[int, list[tuple]] = {meeting.pk: [] for meeting in meetings}
    values = Attendance.objects.filter(meeting__in=list(rows)).values_list(
        "meeting_id", "presence", "reason", *columns
    )
    for meeting_id, *row in values.order_by("pk"):
        rows[meeting_id].append(tuple(row))
    return rows


def export_rows(branch: Branch, year: int) -> list[list[str]]:
    """The year's confirmed meetings as CSV lines under ``CSV_HEADER`` (header not included)."""
    meetings = list(year_meetings(branch, year).select_related("host", "recorder"))
    username = f"member__{get_user_model().USERNAME_FIELD}"
    attendance = attendance_by_meeting(meetings, username)
    rows = []
    for meeting in meetings:
        by_presence: dict[str, list[str]] = {value: [] for value in Presence.values}
        for presence, reason, name in sorted(attendance[meeting.pk], key=lambda row: row[2]):
            by_presence[presence].append(f"{name}:{reason}" if presence == Presence.LEAVE else name)
        rows.append(
            [
                branch.name,
                LABEL_BY_KIND[meeting.kind],
                timezone.localtime(meeting.starts_at, site_zone()).strftime(TIME_FORMAT),
                meeting.place,
                meeting.host.get_username() if meeting.host else "",
                meeting.recorder.get_username() if meeting.recorder else "",
                meeting.topics,
                ";".join(by_presence[Presence.PRESENT]),
                ";".join(by_presence[Presence.LEAVE]),
                ";".join(by_presence[Presence.ABSENT]),
            ]
        )
    return rows


__all__ = [
    "CSV_HEADER",
    "ImportFileError",
    "ImportResult",
    "MeetingImportError",
    "PlannedMeeting",
    "export_rows",
    "import_meetings",
    "import_meetings_file",
    "parse_rows",
]
