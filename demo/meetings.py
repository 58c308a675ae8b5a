"""A year of the demo branch's 组织生活, brought in the way a branch brings in its paper records:
as CSV lines through ``manage.py import_meetings``'s own function (``meetings.meeting_csv``).

The required kinds come at their cadence (支委会 and 党小组会 monthly, 党员大会 and 党课 each
quarter), with three 主题党日 and one 组织生活会; a few members are on leave or absent, from a
seeded random, so every load tells the same story. Only meetings already held by ``now`` are
written. Made once: a branch that already has imported meetings is left as it is.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from demo.people import MEMBERS, ORGANISER, DemoPeopleError, Organisation
from meetings.meeting_csv import CSV_HEADER, MeetingImportError, import_meetings, site_zone
from meetings.models import Meeting, MeetingSource

SEED = 25
RECORDER = MEMBERS[0][0]  # 王芳 keeps the minutes
COMMITTEE = [ORGANISER[0], MEMBERS[0][0], MEMBERS[1][0]]  # the 支委: 刘洋、王芳、李娜
GROUPS = [
    [ORGANISER[0], *(username for username, _name in MEMBERS[:5])],
    [username for username, _name in MEMBERS[5:]],
]
LEAVE_REASONS = ("参加学科竞赛集训", "在外地实习", "身体不适，已向支部书记请假", "课程考试冲突")

COMMITTEE_TOPICS = (
    "研究本月支部工作安排；讨论发展对象培养考察情况",
    "讨论入党积极分子推荐人选；安排志愿服务活动",
    "研究党员教育培训计划；检查学习任务完成情况",
    "讨论预备党员转正材料；安排主题党日活动",
)
GROUP_TOPICS = (
    "学习《中国共产党章程》总纲，交流学习体会",
    "集体学习习近平总书记给青年的回信，结合专业谈体会",
    "学习党史微党课《“两个务必”》，开展讨论",
    "交流近期学习、科研和志愿服务情况，开展谈心谈话",
    "学习脱贫攻坚精神，讨论如何把专业所学用于乡村振兴",
    "学习《中国共产党纪律处分条例》，开展警示教育",
)
GENERAL_TOPICS = (
    "通报支部上季度工作情况；讨论接收预备党员",
    "学习传达上级党委会议精神；表决发展对象",
    "审议支部年度工作计划；民主评议党员工作安排",
    "讨论预备党员转正；部署下季度学习教育",
)
LECTURE_TOPICS = (
    "支部书记讲党课：弘扬伟大建党精神，争做新时代好青年",
    "专题党课：从西柏坡“赶考”看作风建设",
    "党课：学思践悟新思想，科技报国勇担当",
    "党课：传承红色基因，讲好身边的榜样故事",
)
THEME_DAYS = {
    7: ("庆祝建党纪念日：重温入党誓词，参观校史馆", "校史馆"),
    12: ("“一二·九”主题党日：诵读红色家书，开展志愿服务", "学院报告厅"),
    4: ("清明主题党日：祭扫烈士陵园，缅怀革命先烈", "烈士陵园"),
}
LIFE_MONTH = 1
LIFE_TOPIC = "年度专题组织生活会：对照检查，开展批评与自我批评，民主评议党员"


@dataclass(frozen=True)
class Planned:
    kind: str  # as the CSV spells it
    starts_at: datetime
    place: str
    topics: str
    people: list[str]


def month_starts(now: datetime) -> list[datetime]:
    """The first day of each of the twelve months up to and including ``now``'s month."""
    local = timezone.localtime(now, site_zone())
    year, month = local.year, local.month
    starts = []
    for _step in range(12):
        starts.append(datetime(year, month, 1, tzinfo=site_zone()))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return sorted(starts)


def plan_month(first: datetime, number: int) -> list[Planned]:
    """One month's meetings: 支委会 and 党小组会 every month, the rest at their cadence."""
    everyone = [ORGANISER[0], *(username for username, _name in MEMBERS)]
    month = first.month
    plans = [
        Planned(
            "支委会",
            first.replace(day=5, hour=19),
            "学院党员活动室",
            COMMITTEE_TOPICS[number % len(COMMITTEE_TOPICS)],
            COMMITTEE,
        ),
    ]
    for index, group in enumerate(GROUPS):
        plans.append(
            Planned(
                "党小组会",
                first.replace(day=14 + index, hour=19, minute=30),
                "图书馆研讨室",
                GROUP_TOPICS[(number + index) % len(GROUP_TOPICS)],
                group,
            )
        )
    if month % 3 == 2:
        plans.append(
            Planned(
                "党员大会",
                first.replace(day=20, hour=14, minute=30),
                "学院 302 会议室",
                GENERAL_TOPICS[(month // 3) % len(GENERAL_TOPICS)],
                everyone,
            )
        )
    if month % 3 == 0:
        plans.append(
            Planned(
                "党课",
                first.replace(day=10, hour=15),
                "学院报告厅",
                LECTURE_TOPICS[(month // 3) % len(LECTURE_TOPICS)],
                everyone,
            )
        )
    if month in THEME_DAYS:
        topics, place = THEME_DAYS[month]
        plans.append(Planned("主题党日", first.replace(day=24, hour=9), place, topics, everyone))
    if month == LIFE_MONTH:
        plans.append(
            Planned(
                "组织生活会",
                first.replace(day=12, hour=14),
                "学院 302 会议室",
                LIFE_TOPIC,
                everyone,
            )
        )
    return plans


def csv_line(branch_name: str, plan: Planned, rng: random.Random) -> str:
    """One CSV line: most present, now and then one on leave (with a reason) or absent."""
    present, leave, absent = [], [], []
    for username in plan.people:
        if username == ORGANISER[0]:
            present.append(username)
            continue
        roll = rng.random()
        if roll < 0.07:
            leave.append(f"{username}:{rng.choice(LEAVE_REASONS)}")
        elif roll < 0.1:
            absent.append(username)
        else:
            present.append(username)
    when = plan.starts_at.strftime("%Y-%m-%d %H:%M")
    cells = [
        branch_name,
        plan.kind,
        when,
        plan.place,
        ORGANISER[0],
        RECORDER,
        plan.topics,
        ";".join(present),
        ";".join(leave),
        ";".join(absent),
    ]
    return ",".join(f'"{cell}"' if "," in cell else cell for cell in cells)


def year_of_meetings_csv(branch_name: str, now: datetime) -> str:
    rng = random.Random(SEED)
    lines = [",".join(CSV_HEADER)]
    for number, first in enumerate(month_starts(now)):
        for plan in plan_month(first, number):
            line = csv_line(branch_name, plan, rng)  # drawn even when skipped: same story
            if plan.starts_at < now:
                lines.append(line)
    return "\n".join(lines) + "\n"


def build_meetings(organisation: Organisation, now: datetime) -> int:
    """The branch's past year of meetings, once; how many were made."""
    branch = organisation.branch
    if Meeting.objects.filter(branch=branch, source=MeetingSource.IMPORT).exists():
        return 0
    try:
        return import_meetings(year_of_meetings_csv(branch.name, now)).created
    except MeetingImportError as refused:
        raise DemoPeopleError(f"演示组织生活记录没有导入：{refused}") from None
