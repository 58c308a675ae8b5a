"""Check a database migrated by the new code against the snapshot taken before it.

Part of ``scripts/upgrade_check``, after ``upgrade_fill.py`` filled the database with the old
code. Moving models between apps must change no table, so:
(a) every table keeps every row as it was, except the few in ALLOWED_CHANGES that Django's
    own bookkeeping changes, each under a narrower rule of its own, and what later migrations
    deliberately take away (Wagtail's default groups with their rows; a replaced column);
(b) the new models read those rows: each, under its new label, counts as many rows as its
    table had and loads them all with their foreign keys and many-to-many links;
(c) groups keep their permissions under the new labels, except what least privilege
    deliberately moved from editors and reviewers to 组织部 and 活动管理, and the
    models match the migrations (``makemigrations --check``);
(d) learning records are still what the event log gives: a rebuild changes none.
A tree without a ``members`` app (an old→old rehearsal of the pipeline) gets (b) and (c)
against the old labels, and a note saying so.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import sys
import textwrap
from pathlib import Path

EDITORS = "编辑"
# The models whose rows must all be readable after the upgrade, by their new app. Every
# table stays where the old app made it: members and assignments came out of learning.
MODELS = {
    "members": ["Branch", "MemberProfile"],
    "learning": ["LearningEvent", "LearningRecord", "Dismissal"],
    "assignments": ["Assignment", "AssignmentItem", "ReminderSent"],
    "events": ["Registration", "RegistrationChange", "ForumEventPage"],
    "home": ["ContentPage", "ContentPageTag"],
    "lectures": ["MicroLecturePage"],
    "exhibits": ["RevolutionarySitePage"],
    "stories": ["ExemplarStoryPage"],
    "search": ["ZeroResultQuery"],
}
OLD_APPS = {"members": "learning", "assignments": "learning"}
# Old label -> new label of each moved model, as content types spell them.
MOVED = {
    f"{old}.{model.lower()}": f"{new}.{model.lower()}"
    for new, old in OLD_APPS.items()
    for model in MODELS[new]
}
# What editors were given in learning/migrations/0003 (model's new label, permission).
EDITOR_VIEWS = [
    ("members.branch", "view_branch"),
    ("members.memberprofile", "view_memberprofile"),
    ("assignments.assignment", "view_assignment"),
]

# Least privilege (members/assignments 0002, events 0006): what editors and reviewers lose
# and what the two new groups get, as (group, "app.codename").
TAKEN = {
    (EDITORS, "members.view_memberprofile"),
    (EDITORS, "assignments.view_assignment"),
    (EDITORS, "events.view_registration"),
    (EDITORS, "events.change_registration"),
    ("审核", "events.view_registration"),
}
GIVEN = {
    ("组织部", "members.view_branch"),
    ("组织部", "members.view_memberprofile"),
    ("组织部", "assignments.view_assignment"),
    ("活动管理", "events.view_registration"),
    ("活动管理", "events.change_registration"),
}
# Whether the new tree has those migrations (set in main from --tree).
REGROUPED = False
# Wagtail's own default groups, which home 0004 removes with every row that names them;
# whether the new tree has that migration (set in main from --tree).
DEFAULT_GROUPS = {"Moderators", "Editors"}
REMOVES_DEFAULT_GROUPS = False


class Report:
    """Problems make the check fail; notes are only printed."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, message: str) -> None:
        self.problems.append(message)
        print(f"  ✗ {message}")

    def note(self, message: str) -> None:
        print(f"  · {message}")


def relabel(label: str, new_layout: bool) -> str:
    """Where an old "app.model" lives now (lower case, as content types spell it)."""
    return MOVED.get(label, label) if new_layout else label


def unmove(label: str, new_layout: bool) -> str:
    """A new "app.Model" label as this tree knows it: the old one in an old→old rehearsal."""
    app, model = label.split(".")
    return label if new_layout else f"{OLD_APPS.get(app, app)}.{model}"


# --------------------------------------------------------------------------- (a) tables


def check_content_types(before: dict, after: dict, report: Report, new_layout: bool) -> None:
    """Relabelled in place: same ids, so nothing pointing at a content type moves."""
    for ct_id, label in before["content_types"].items():
        wanted, found = relabel(label, new_layout), after["content_types"].get(ct_id)
        if found != wanted:
            report.fail(f"content type {ct_id} ({label}) is now {found or 'gone'}, not {wanted}")


def check_migrations(before: dict, after: dict, report: Report, new_layout: bool) -> None:
    """New migrations add rows; no applied migration may be forgotten."""
    for missing in sorted(set(before["migrations"]) - set(after["migrations"])):
        report.fail(f"django_migrations lost {missing}")


def check_permissions(before: dict, after: dict, report: Report, new_layout: bool) -> None:
    """post_migrate may add permissions; none may disappear (moved models' under new labels)."""
    now = set(after["permissions"])
    for permission in before["permissions"]:
        app, model, codename = permission.split(".")
        wanted = f"{relabel(f'{app}.{model}', new_layout)}.{codename}"
        if wanted not in now:
            report.fail(f"permission {permission} is gone (expected as {wanted})")


# Tables the upgrade may change, and the rule each must still keep.
def removed_with_its_group(group: str | None) -> bool:
    return REMOVES_DEFAULT_GROUPS and group in DEFAULT_GROUPS


def check_groups(before: dict, after: dict, report: Report, new_layout: bool) -> None:
    """New groups may be added (least privilege); every old group stays as it was, but
    Wagtail's default ones, which must be gone with every row that named them."""
    for table, owners in before["groups"].items():
        old, new = before["tables"][table]["rows"], after["tables"][table]["rows"]
        for key, row in old.items():
            group = owners.get(key)
            if removed_with_its_group(group):
                if key in new:
                    report.fail(f"{table} pk {key} of {group} is still there (home 0004)")
            elif new.get(key) != row:
                report.fail(f"{table} pk {key} changed or is gone")
        if table != "auth_group" and set(new) - set(old):
            report.fail(f"{table}: new rows {sorted(set(new) - set(old))[:5]}")


def without_replaced_columns(fill, before: dict, after: dict, report: Report) -> None:
    """A replaced column: the other columns keep every row, and every old row holds a value
    of its own in the new one (a check-in secret per event)."""
    from django.db import connection

    quote = connection.ops.quote_name
    for table, kept in before["without_replaced"].items():
        old, new = before["tables"][table], after["tables"].get(table)
        replaced, added = fill.REPLACED_COLUMNS[table]
        if new is None or set(new["columns"]) != set(kept["columns"]) | {added}:
            continue
        with connection.cursor() as cursor:
            column = quote(added)
            cursor.execute(
                f"SELECT COUNT(*), COUNT(DISTINCT {column}) FROM {quote(table)}"
                f" WHERE {column} IS NOT NULL AND {column} <> ''"
            )
            filled, distinct = cursor.fetchone()
            now = fill.table_digest(cursor, table, kept["columns"])
        if filled != old["count"] or distinct != filled:
            report.fail(f"{table}.{added}: {filled} of {old['count']} rows, {distinct} distinct")
        elif now["sha256"] != kept["sha256"]:
            report.fail(describe_change(table, kept, now))
        else:  # compared here over the columns that remain; check_tables need not again
            after["tables"][table] = old


ALLOWED_CHANGES = {
    "django_content_type": check_content_types,  # moved models' rows relabelled
    "django_migrations": check_migrations,  # the new code's migrations recorded
    "auth_permission": check_permissions,  # permissions of new models, if any
    "auth_group": check_groups,  # the new groups of least privilege
    "auth_group_permissions": lambda *args: None,  # checked in (c), check_editors
    # Rows naming a group (upgrade_fill.GROUP_TABLES): checked with auth_group, check_groups.
    "auth_user_groups": lambda *args: None,
    "wagtailcore_groupapprovaltask_groups": lambda *args: None,
    "wagtailcore_groupcollectionpermission": lambda *args: None,
    "wagtailcore_grouppagepermission": lambda *args: None,
}


def describe_change(table: str, old: dict, new: dict) -> str:
    old_rows, new_rows = old["rows"], new["rows"]
    missing = [key for key in old_rows if key not in new_rows]
    changed = [key for key in old_rows if key in new_rows and new_rows[key] != old_rows[key]]
    added = [key for key in new_rows if key not in old_rows]
    parts = [f"{table}: {old['count']} rows before, {new['count']} now"]
    for name, keys in (("missing", missing), ("changed", changed), ("new", added)):
        if keys:
            parts.append(f"{name} pk {', '.join(keys[:5])}{' …' if len(keys) > 5 else ''}")
    return "; ".join(parts)


class AsText(str):
    """An empty StreamField, compared as text: ``[]``, or ``""`` (the empty string, JSON-encoded),
    which is what AddField writes into old rows for a blank StreamField; both read as empty."""


# Columns later migrations add to existing tables, with the value every old row must hold:
# the old columns are then compared as before (titles kept for deleted pages, what pruning
# folds into a record, self-checks, 学完标准, assignments that require a reflection, a site's
# virtual tour, a lecture's captions file).
ADDED_COLUMNS = {
    "home_contentpage": {"completion_policy": "view", "self_check": AsText("[]")},
    "learning_assignment": {"require_reflection": False},
    "exhibits_revolutionarysitepage": {"tour": AsText("[]")},
    "lectures_microlecturepage": {"captions_file_id": None},
    "events_registration": {"event_title": ""},
    "learning_assignmentitem": {"page_title": ""},
    "learning_learningevent": {"page_title": ""},
    "learning_learningrecord": {
        "page_title": "",
        "folded_first_seen_at": None,
        "folded_last_seen_at": None,
        "folded_seconds": 0,
        "folded_progress": 0,
        "folded_completed_at": None,
    },
}


def without_added_columns(fill, before: dict, after: dict, report: Report) -> None:
    """Digest each table with added columns again over its old columns only, after checking
    that every old row holds the added columns' starting values."""
    from django.db import connection

    quote = connection.ops.quote_name
    for table, added in ADDED_COLUMNS.items():
        old, new = before["tables"].get(table), after["tables"].get(table)
        if old is None or new is None or set(new["columns"]) != set(old["columns"]) | set(added):
            continue
        with connection.cursor() as cursor:
            for column, value in added.items():
                test, params = ("IS NULL", []) if value is None else ("= %s", [value])
                subject = quote(column)
                if isinstance(value, AsText):
                    subject = f"CAST({subject} AS TEXT)"
                    test, params = "IN (%s, %s)", [str(value), '""']
                cursor.execute(
                    f"SELECT COUNT(*) FROM {quote(table)} WHERE NOT ({subject} {test})", params
                )
                if cursor.fetchone()[0]:
                    cursor.execute(f"SELECT {subject} FROM {quote(table)} LIMIT 1")
                    found = cursor.fetchone()[0]
                    report.fail(f"{table}.{column}: old rows hold {found!r}, not {value!r}")
            after["tables"][table] = fill.table_digest(cursor, table, old["columns"])


def check_tables(before: dict, after: dict, report: Report, new_layout: bool) -> None:
    """(a) Every table still there, with the same columns and exactly the same rows."""
    for table, old in before["tables"].items():
        new = after["tables"].get(table)
        if table in ALLOWED_CHANGES:
            continue
        if new is None:
            report.fail(f"table {table} is gone ({old['count']} rows)")
        elif new["columns"] != old["columns"]:
            report.fail(f"{table}: columns were {old['columns']}, now {new['columns']}")
        elif new["sha256"] != old["sha256"]:
            report.fail(describe_change(table, old, new))
    for rule in ALLOWED_CHANGES.values():
        rule(before, after, report, new_layout)
    added = sorted(set(after["tables"]) - set(before["tables"]))
    report.note(
        f"(a) {len(before['tables'])} tables compared row by row; new tables: {added or 'none'}"
    )


# --------------------------------------------------------------------------- (b) the ORM


def read_model(label: str, table: str, before: dict, report: Report, new_layout: bool) -> int:
    """Count a model's rows and load each with its foreign keys and many-to-many links."""
    from django.apps import apps
    from django.db import models

    model = apps.get_model(unmove(label, new_layout))
    if model._meta.db_table != table:
        report.fail(f"{label} uses table {model._meta.db_table}, not {table}")
    old = before["tables"].get(table, {}).get("count", 0)
    if old == 0:
        report.fail(f"{table} was empty before the upgrade: the fill proves nothing for {label}")
    count = model.objects.count()
    if count != old:
        report.fail(f"{label}: {count} rows through the ORM, {old} in {table} before")
    fields = model._meta.concrete_fields
    related = [f.name for f in fields if f.is_relation and not f.remote_field.parent_link]
    many = [f for f in model._meta.many_to_many if isinstance(f, models.ManyToManyField)]
    links = dict.fromkeys((f.name for f in many), 0)
    rows = model.objects.select_related(*related).prefetch_related(*links).order_by("pk")
    for row in rows.iterator(chunk_size=500):
        str(row)
        for field in fields:
            getattr(row, field.name)
        for name in links:
            links[name] += len(getattr(row, name).all())
    for field in many:
        through = field.remote_field.through._meta.db_table
        # A relation added after the base has no table before: it starts with no links.
        if links[field.name] != before["tables"].get(through, {}).get("count", 0):
            report.fail(
                f"{label}.{field.name}: {links[field.name]} links, table {through} had other"
            )
    return count


def check_models(before: dict, report: Report, new_layout: bool) -> dict[str, int]:
    """(b) Every moved or touched model reads all its rows under its new label."""
    counts = {}
    for app, model in ((app, model) for app, models in MODELS.items() for model in models):
        label, table = f"{app}.{model}", f"{OLD_APPS.get(app, app)}_{model.lower()}"
        try:
            counts[unmove(label, new_layout)] = read_model(label, table, before, report, new_layout)
        except Exception as error:  # noqa: BLE001 - any failure to read is the finding
            report.fail(f"{label}: cannot read its rows: {type(error).__name__}: {error}")
    return counts


# --------------------------------------------------------------------------- (c) permissions


def check_editors(before: dict, after: dict, report: Report, new_layout: bool) -> None:
    """(c) Groups keep their permissions under the new labels, but for least privilege's
    moves; the models need no migration that does not exist."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    taken = TAKEN if REGROUPED else set()
    now = {(group, perm) for group, perm, _model in after["group_permissions"]}
    for group, perm, model in before["group_permissions"]:
        wanted = f"{relabel(model, new_layout).split('.')[0]}.{perm.split('.')[1]}"
        if removed_with_its_group(group):
            continue
        if (group, wanted) not in now and (group, wanted) not in taken:
            report.fail(f"group {group} lost {perm} (expected as {wanted})")
    for group, perm in sorted(taken & now):
        report.fail(f"group {group} still has {perm} (least privilege takes it away)")
    for group, perm in sorted((GIVEN if REGROUPED else set()) - now):
        report.fail(f"group {group} lacks {perm}")
    editor = get_user_model().objects.get(username="upg_editor")
    for model, codename in EDITOR_VIEWS:
        perm = f"{unmove(model, new_layout).split('.')[0]}.{codename}"
        if (EDITORS, perm) in taken:
            continue
        if (EDITORS, perm) not in now or not editor.has_perm(perm):
            report.fail(f"editors ({EDITORS}) do not have {perm}")
    output = io.StringIO()
    try:
        call_command("makemigrations", check=True, dry_run=True, stdout=output, stderr=output)
    except SystemExit:
        report.fail("makemigrations --check: models differ from migrations:\n" + output.getvalue())
    report.note(
        f"(c) {len(before['group_permissions'])} group permissions, editors' views, migrations"
    )


# --------------------------------------------------------------------------- (d) records


def check_records(report: Report) -> None:
    """(d) The stored records equal what rebuild_learning_records recomputes from events."""
    from django.apps import apps
    from django.core.management import call_command

    LearningRecord = apps.get_model("learning", "LearningRecord")
    fields = ["first_seen_at", "last_seen_at", "total_seconds", "best_progress", "completed_at"]

    def records() -> dict:
        rows = LearningRecord.objects.values_list("member_id", "page_id", *fields)
        return {(member, page): rest for member, page, *rest in rows}

    kept = records()
    call_command("rebuild_learning_records", verbosity=0)
    rebuilt = records()
    differ = sorted(
        key for key in kept.keys() | rebuilt.keys() if kept.get(key) != rebuilt.get(key)
    )
    for key in differ[:5]:
        stored, again = (", ".join(map(str, rows.get(key, ["none"]))) for rows in (kept, rebuilt))
        report.fail(f"learning record (member, page) {key}: stored {stored}; rebuilt {again}")
    if len(differ) > 5:
        report.fail(f"… and {len(differ) - 5} more learning records differ from a rebuild")
    report.note(f"(d) {len(kept)} learning records, {len(rebuilt)} after a rebuild")


# --------------------------------------------------------------------------- main


def load_fill_module():
    """upgrade_fill.py beside this file: the same snapshot code read the old database."""
    path = Path(__file__).resolve().with_name("upgrade_fill.py")
    spec = importlib.util.spec_from_file_location("upgrade_fill", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, default=Path.cwd(), help="the new checkout")
    parser.add_argument("--snapshot", type=Path, required=True, help="written by upgrade_fill")
    args = parser.parse_args()
    global REGROUPED
    REGROUPED = (args.tree / "members/migrations/0002_organisation_department.py").exists()
    global REMOVES_DEFAULT_GROUPS
    migration = "home/migrations/0004_remove_wagtail_default_groups.py"
    REMOVES_DEFAULT_GROUPS = (args.tree / migration).exists()
    fill = load_fill_module()
    fill.setup_django(args.tree)
    from django.apps import apps
    from django.db import connection

    before = json.loads(args.snapshot.read_text(encoding="utf-8"))
    if before["vendor"] != connection.vendor:
        sys.exit(f"snapshot of a {before['vendor']} database, this one is {connection.vendor}")
    new_layout = any(config.label == "members" for config in apps.get_app_configs())
    if not new_layout:
        print(
            "  NOTE: no `members` app in INSTALLED_APPS (old→old rehearsal): (b) and (c) ran\n"
            "        against the OLD labels (learning.*); members.*/assignments.* NOT checked."
        )
    report, after = Report(), fill.snapshot()
    without_added_columns(fill, before, after, report)
    without_replaced_columns(fill, before, after, report)
    check_tables(before, after, report, new_layout)
    counts = check_models(before, report, new_layout)
    check_editors(before, after, report, new_layout)
    check_records(report)
    summary = ", ".join(f"{label} {count}" for label, count in counts.items())
    print(textwrap.fill(summary, 96, initial_indent="  rows per model: ", subsequent_indent="    "))
    if report.problems:
        print(f"UPGRADE CHECK FAILED: {len(report.problems)} problem(s), listed above with ✗")
        sys.exit(1)
    print("upgrade check passed: every row is still there and readable")


if __name__ == "__main__":
    main()
