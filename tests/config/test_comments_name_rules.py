"""Comments say the rule they stand for, never just the number of the issue that asked for it."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SOURCE_SUFFIXES = {".py", ".html", ".js", ".css", ".sh"}
SKIPPED_FOLDERS = {".git", ".venv", "node_modules", "media", "locale", "vendor", ".tools"}
ISSUE_NUMBER = re.compile(r"\bissues? ?#?\d+", re.IGNORECASE)


def source_files():
    for path in ROOT.rglob("*"):
        parts = set(path.relative_to(ROOT).parts)
        if parts & SKIPPED_FOLDERS or not path.is_file():
            continue
        if path.suffix in SOURCE_SUFFIXES or path.parent.name in {"scripts", ".ci"}:
            yield path


def test_no_comment_names_an_issue_number():
    found = []
    for path in source_files():
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if ISSUE_NUMBER.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)
