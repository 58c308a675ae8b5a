"""Fill a database built by the code at the base commit, then snapshot every row of it.

Part of ``scripts/upgrade_check``. Moving models between apps must not lose or alter a row,
so the data should look like what a live site accumulates: it is made with the OLD code's
own functions (member import, event intake, assignment form, reminders, registration
rules). The snapshot (every table's rows, content types, migrations, group permissions) is
what ``upgrade_verify.py`` compares the migrated database with, read by the same code.

Usage, cwd and PYTHONPATH the old tree: upgrade_fill.py --tree OLD --snapshot FILE.json
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import os
import sys
import tempfile
import uuid
from datetime import timedelta
from pathlib import Path

BRANCH_1, BRANCH_2 = "计算机学院学生第一党支部", "马克思主义学院教工党支部"
# username, name, branch, role (English or as organisers write it), email
MEMBERS = [
    ("upg_zhangsan", "张三", BRANCH_1, "organiser", "zhangsan@example.edu.cn"),
    ("upg_lisi", "李四", BRANCH_1, "member", "lisi@example.edu.cn"),
    ("upg_wangwu", "王五", BRANCH_1, "成员", ""),
    ("upg_zhaoliu", "赵六", BRANCH_1, "member", "zhaoliu@example.edu.cn"),
    ("upg_sunqi", "孙七", BRANCH_2, "组织委员", "sunqi@example.edu.cn"),
    ("upg_zhouba", "周八", BRANCH_2, "member", ""),
    ("upg_wujiu", "吴九", BRANCH_2, "member", "wujiu@example.edu.cn"),
    ("upg_zhengshi", "郑十", BRANCH_2, "member", "zhengshi@example.edu.cn"),
]


def setup_django(tree: Path) -> None:
    """Import the project from ``tree`` and nowhere else, then start Django.

    The script may live in another checkout than the code it must exercise: its own folder
    is taken off sys.path, the tree put first, and the imported modules are checked.
    """
    tree = tree.resolve()
    here = str(Path(__file__).resolve().parent)
    sys.path[:] = [str(tree)] + [p for p in sys.path if p not in ("", here, str(tree))]
    os.chdir(tree)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import config
    import learning

    for module in (config, learning):
        if not Path(module.__file__).resolve().is_relative_to(tree):
            raise SystemExit(f"{module.__name__} came from {module.__file__}, not from {tree}")


# --------------------------------------------------------------------------- snapshot


def normalise(value) -> str | None:
    """One text per value, so rows hash the same way on SQLite and PostgreSQL."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if isinstance(value, float):
        return repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)  # int, bool, Decimal, UUID


def table_digest(cursor, table: str, only: list[str] | None = None) -> dict:
    """Columns, count, a sha256 of all rows in primary-key order, and a digest per row
    (over the columns ``only`` names, if given: a newer table's old columns)."""
    from django.db import connection

    quote, introspection = connection.ops.quote_name, connection.introspection
    columns = sorted(column.name for column in introspection.get_table_description(cursor, table))
    columns = [name for name in columns if only is None or name in only]
    pk = [columns.index(name) for name in introspection.get_primary_key_columns(cursor, table)]
    order = " ORDER BY " + ", ".join(quote(columns[i]) for i in pk) if pk else ""
    cursor.execute(f"SELECT {', '.join(map(quote, columns))} FROM {quote(table)}{order}")
    rows = [[normalise(value) for value in row] for row in cursor.fetchall()]
    texts = [json.dumps(row, ensure_ascii=False) for row in rows]
    digests = [hashlib.sha256(text.encode()).hexdigest()[:16] for text in texts]
    keys = ["/".join(row[i] for i in pk) for row in rows] if pk else digests
    if not pk:
        texts.sort()
    return {
        "columns": columns,
        "count": len(rows),
        "sha256": hashlib.sha256("\n".join(texts).encode()).hexdigest(),
        "rows": dict(zip(keys, digests, strict=True)),
    }


# Who may do what, and what was migrated, by label ("||" joins text in SQLite and PostgreSQL).
JOIN_PERMISSION = " JOIN django_content_type ct ON ct.id = p.content_type_id"
LABEL_QUERIES = {
    "content_types": "SELECT id, app_label || '.' || model FROM django_content_type",
    "permissions": "SELECT ct.app_label || '.' || ct.model || '.' || p.codename"
    " FROM auth_permission p" + JOIN_PERMISSION,
    # (group name, app_label.codename), and the model, so that a moved one can be mapped.
    "group_permissions": "SELECT g.name, ct.app_label || '.' || p.codename,"
    " ct.app_label || '.' || ct.model FROM auth_group_permissions gp"
    " JOIN auth_group g ON g.id = gp.group_id"
    " JOIN auth_permission p ON p.id = gp.permission_id" + JOIN_PERMISSION,
    "migrations": "SELECT app || '.' || name FROM django_migrations",
}


# What later migrations deliberately take away, each checked by a rule of its own in
# upgrade_verify.py: the tables whose rows belong to a group (Wagtail's default groups are
# removed by home 0004, and their rows with them), and columns replaced by others (events
# 0008: each event's fixed check-in code by a secret of its own), as (old, new).
GROUP_TABLES = [
    "auth_user_groups",
    "wagtailcore_groupapprovaltask_groups",
    "wagtailcore_groupcollectionpermission",
    "wagtailcore_grouppagepermission",
]
REPLACED_COLUMNS = {"events_forumeventpage": ("check_in_code", "check_in_secret")}


def group_owners(cursor, tables: list[str]) -> dict:
    """Each group table's rows by primary key (as table_digest keys them) → group name."""
    owners = {}
    for table in tables:
        cursor.execute(f"SELECT t.id, g.name FROM {table} t JOIN auth_group g ON g.id = t.group_id")
        owners[table] = {normalise(pk): name for pk, name in cursor.fetchall()}
    return owners


def snapshot() -> dict:
    """Every table, read with raw SQL (no model needed), and the labelled bookkeeping."""
    from django.db import connection

    data = {"vendor": connection.vendor}
    with connection.cursor() as cursor:
        names = sorted(connection.introspection.table_names(cursor))
        data["tables"] = {table: table_digest(cursor, table) for table in names}
        data["groups"] = group_owners(cursor, [name for name in GROUP_TABLES if name in names])
        cursor.execute("SELECT id, name FROM auth_group")
        data["groups"]["auth_group"] = {normalise(pk): name for pk, name in cursor.fetchall()}
        # The rows again without a column a later migration replaces, to compare after it.
        data["without_replaced"] = {
            table: table_digest(
                cursor, table, [c for c in data["tables"][table]["columns"] if c != replaced]
            )
            for table, (replaced, _new) in REPLACED_COLUMNS.items()
            if table in names and replaced in data["tables"][table]["columns"]
        }
        for name, sql in LABEL_QUERIES.items():
            cursor.execute(sql)
            data[name] = sorted([normalise(value) for value in row] for row in cursor.fetchall())
    data["content_types"] = dict(data["content_types"])
    data["permissions"] = [permission for (permission,) in data["permissions"]]
    data["migrations"] = [migration for (migration,) in data["migrations"]]
    return data


# --------------------------------------------------------------------------- filling


def base(module: str):
    """A module of the BASE commit's code, by its path there: named as text on purpose, so
    that rewriting imports for the new layout leaves this file on the old one."""
    return importlib.import_module(module)


def import_branch_members() -> dict:
    """Members of two branches (an organiser each) through the CSV import organisers use;
    an editor; a member who left their branch."""
    from django.contrib.auth.models import Group, User

    Branch, MemberProfile = base("learning.models").Branch, base("learning.models").MemberProfile
    lines = ["username,name,branch,role,email"] + [",".join(member) for member in MEMBERS]
    with tempfile.NamedTemporaryFile("w", suffix=".csv", encoding="utf-8", delete=False) as file:
        file.write("\n".join(lines) + "\n")
    try:
        result = base("learning.members").import_members(file.name)
    finally:
        os.unlink(file.name)
    if result.problems or result.created != len(MEMBERS):
        raise SystemExit(f"import_members: {[str(p) for p in result.problems]}")
    # What an administrator fills in afterwards in the admin.
    Branch.objects.filter(name=BRANCH_1).update(organisation="计算机学院党委")
    MemberProfile.objects.filter(user__username="upg_lisi").update(student_number="2023010101")
    MemberProfile.objects.filter(user__username="upg_zhengshi").update(branch=None)
    editor = User.objects.create_user("upg_editor", password="pw-upg-editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="编辑"))
    return {user.username: user for user in User.objects.filter(username__startswith="upg_")}


def add_pages(users: dict) -> dict:
    """Demo pages by kind, a new published story with tags, an event to register for, and a
    draft revision on top of a live page."""
    from django.utils import timezone

    events, stories = base("events.models"), base("stories.models")
    story = stories.ExemplarStoryPage(title="升级检查：扎根基层的年轻党员", topic="扎根基层")
    story.slug, story.person, story.owner = "upgrade-check-story", "王小红", users["upg_editor"]
    stories.StoryIndexPage.objects.get().add_child(instance=story)
    story.tags.add("扎根基层", "升级检查")
    story.save_revision(user=users["upg_editor"]).publish()
    event = events.ForumEventPage(title="升级检查主题党日", topic="科技报国", capacity=2)
    event.slug, event.venue = "upgrade-check-forum", "学术交流中心报告厅"
    event.starts_at = timezone.now() + timedelta(hours=1)  # check-in is already open
    events.EventIndexPage.objects.get().add_child(instance=event)
    event.save_revision().publish()
    lectures = base("lectures.models").MicroLecturePage.objects.live().order_by("pk")
    draft = lectures.first()
    draft.title += "（修订中）"
    draft.save_revision(user=users["upg_editor"])
    sites = base("exhibits.models").RevolutionarySitePage.objects.live().order_by("pk")
    return {
        "lectures": list(lectures[:3]),
        "sites": list(sites[:2]),
        "story": stories.ExemplarStoryPage.objects.get(pk=story.pk),
        "event": events.ForumEventPage.objects.get(pk=event.pk),
    }


def client_event(start, page, verb: str, value: float | None, after: int) -> dict:
    """One event as the site's script posts it to /api/learning/events/."""
    at = (start + timedelta(minutes=after)).isoformat()
    return {"id": str(uuid.uuid4()), "page": page.pk, "verb": verb, "value": value, "at": at}


def learn(users: dict, pages: dict) -> None:
    """Learning history through the events intake as phones send it (each batch sent twice:
    a retry), server events (page opened, 学完了), dismissals, a search that found nothing."""
    from django.utils import timezone

    intake, LearningEvent = base("learning.events"), base("learning.models").LearningEvent
    (lecture, lecture2, _), site, story = pages["lectures"], pages["sites"][0], pages["story"]
    learners = ["upg_zhangsan", "upg_lisi", "upg_wangwu", "upg_sunqi", "upg_wujiu"]
    for number, username in enumerate(learners):
        start = timezone.now() - timedelta(days=5 - number)
        steps = [  # page, verb, value, minutes after the start
            (lecture, "progressed", 0.4, 0),
            (lecture, "progressed", 0.95 if number % 2 == 0 else 0.6, 5),
            (lecture, "viewed", 300.0, 5),
            (site, "viewed", 40.0, 60),
            (site, "viewed", 30.0 * number, 61),
            (story, "viewed", 15.0, 120),
        ] + ([(lecture2, "completed", None, 180)] if number == 1 else [])
        body = {"events": [client_event(start, *step) for step in steps]}
        for _attempt in range(2):
            batch = intake.validate_batch(users[username], body)
            if batch.problems:
                raise SystemExit(f"validate_batch: {[p.as_dict() for p in batch.problems]}")
            intake.store_events(users[username], batch.events)
    intake.record_server_event(users["upg_zhouba"], story, LearningEvent.VIEWED, value=0)
    intake.record_server_event(users["upg_zhouba"], story, LearningEvent.COMPLETED)
    base("learning.recommend").dismiss(users["upg_lisi"], pages["sites"][1].pk)
    base("learning.recommend").dismiss(users["upg_sunqi"], lecture2.pk)
    base("search.models").ZeroResultQuery.record("量子党史")


def assign(users: dict, pages: dict) -> None:
    """Assignments through the organiser's form (whole branch, chosen members, one closed),
    then the reminder command, which records ReminderSent for whom it emailed."""
    from django.core.management import call_command
    from django.http import QueryDict
    from django.utils import timezone

    AssignmentForm, Branch = base("learning.forms").AssignmentForm, base("learning.models").Branch
    lectures, sites, story = pages["lectures"], pages["sites"], pages["story"]
    plans = [  # organiser, branch, title, days until due, chosen members, pages
        ("upg_zhangsan", BRANCH_1, "学习二十大报告", 1, [], lectures + [story]),
        ("upg_zhangsan", BRANCH_1, "参观红色场馆", 7, ["upg_lisi", "upg_wangwu"], sites),
        ("upg_sunqi", BRANCH_2, "微党课一讲", 1, [], lectures[:1]),
        ("upg_sunqi", BRANCH_2, "已结束的任务", 3, [], sites[:1]),
    ]
    for organiser, branch, title, days, chosen, items in plans:
        due_on, audience = timezone.localdate() + timedelta(days), "chosen" if chosen else "branch"
        data = QueryDict(mutable=True)
        data.update({"title": title, "note": "升级检查", "due_on": due_on, "audience": audience})
        data.setlist("members", [str(users[name].pk) for name in chosen])
        data.setlist("pages", [str(page.pk) for page in items])
        form = AssignmentForm(data, branch=Branch.objects.get(name=branch))
        if not form.is_valid():
            raise SystemExit(f"AssignmentForm {title}: {form.errors.as_json()}")
        assignment = form.save(created_by=users[organiser])
    assignment.closed_at = timezone.now()  # the last one, as the 结束任务 button does
    assignment.save(update_fields=["closed_at"])
    with open(os.devnull, "w") as quiet:
        call_command("send_reminders", stdout=quiet)


def register_for_event(users: dict, event) -> None:
    """Registrations by the event rules: two places, a waiting list, a cancellation that
    promotes the first in line, a cancelled wait, a check-in at the desk and one by code."""
    rules, Registration = base("events.registration"), base("events.models").Registration
    for username in ["upg_lisi", "upg_wangwu", "upg_zhaoliu", "upg_zhouba", "upg_wujiu"]:
        rules.register(event, users[username])
    rules.cancel(event, users["upg_lisi"])  # upg_zhaoliu moves up
    rules.cancel(event, users["upg_wujiu"])  # leaves the waiting list
    desk = Registration.objects.get(event=event, member=users["upg_wangwu"])
    rules.check_in(desk, by=users["upg_zhangsan"])
    rules.check_in_by_code(event, users["upg_zhaoliu"], event.check_in_code)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, default=Path.cwd(), help="the old checkout")
    parser.add_argument("--snapshot", type=Path, required=True, help="JSON file to write")
    args = parser.parse_args()
    setup_django(args.tree)
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    users = import_branch_members()
    pages = add_pages(users)
    learn(users, pages)
    assign(users, pages)
    register_for_event(users, pages["event"])
    data = snapshot()
    args.snapshot.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    filled = {t: d["count"] for t, d in data["tables"].items() if t.startswith("learning_")}
    print(f"  snapshot of {len(data['tables'])} tables -> {args.snapshot}; {filled}")


if __name__ == "__main__":
    main()
