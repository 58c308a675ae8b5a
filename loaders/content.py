"""Bulk import of learning content from a JSON Lines file (``manage.py import_content``).

Editors prepare dozens of lectures, sites, stories and events at a time, usually in a
spreadsheet; typing them into the admin one by one is slow and error-prone. As with
every import built on ``core.importing``, the whole file is checked before anything is
written, and everything is written in one transaction, so a bad file never leaves half
an import behind. The format is described for editors in ``docs/import.md``.

The parts: ``loaders.jsonlines`` (numbered lines, one line as JSON), ``loaders.parsers``
(one value each), ``loaders.schema`` (the types and their keys), ``loaders.planner``
(checking lines into a plan); this module writes the plan and reports it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError

from core.importing import DRY_RUN_NOTE, FileImport, ImportFileError, ImportResult, Problem
from loaders.jsonlines import split_lines
from loaders.planner import PlannedIndex, PlannedPage, Planner, validation_messages


@dataclass
class ContentResult(ImportResult):
    """Everything the command reports: problems, or what was (or would be) written."""

    pages: list[PlannedPage] = field(default_factory=list)
    new_indexes: list[PlannedIndex] = field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(1 for item in self.pages if item.is_new)

    @property
    def updated(self) -> int:
        return sum(1 for item in self.pages if not item.is_new)

    def report_lines(self) -> Iterator[str]:
        """What happened, one line per page, then the summary."""
        would = self.would
        for index in self.new_indexes:
            yield f"{would}新建栏目：{index.describe()}"
        for item in self.pages:
            action = "新建" if item.is_new else "更新"
            yield f"line {item.line}: {would}{action} {item.describe()}"
        if self.dry_run:
            yield (
                f"{DRY_RUN_NOTE}：would create {self.created}, "
                f"would update {self.updated}（将新建 {self.created} 个，将更新 {self.updated} 个）"
            )
        else:
            yield (
                f"导入完成：created {self.created}, updated {self.updated}"
                f"（新建 {self.created} 个，更新 {self.updated} 个）"
            )


class ContentImport(FileImport[str, ContentResult]):
    """A JSON Lines file of pages: one JSON object per line, each a page to create or update."""

    def split(self, text: str) -> list[tuple[int, str]]:
        lines = split_lines(text)
        if not lines:
            raise ImportFileError.empty(self.path, "没有任何要导入的内容")
        return lines

    def check(self, units: Sequence[tuple[int, str]]) -> ContentResult:
        plan = Planner(self.path.parent)
        for number, text in units:
            plan.check_line(number, text)
        return ContentResult(
            dry_run=self.dry_run,
            problems=plan.problems,
            pages=plan.pages,
            new_indexes=list(plan.new_indexes.values()),
        )

    def write(self, result: ContentResult) -> list[Problem]:
        return write_plan(result.pages, result.new_indexes)


def write_plan(pages: Sequence[PlannedPage], new_indexes: Sequence[PlannedIndex]) -> list[Problem]:
    """Create missing sections, then create or update each page as a published revision."""
    problems: list[Problem] = []
    for index in new_indexes:
        index.page = index.kind.index_model(title=index.kind.index_title, slug=index.slug)
        index.home.add_child(instance=index.page)
        index.page.save_revision().publish()
    for item in pages:
        try:
            item.files.apply(item.page)
            if item.is_new:
                parent = item.parent.page if isinstance(item.parent, PlannedIndex) else item.parent
                item.page.live = False  # as the admin does: live once the revision is published
                parent.add_child(instance=item.page)
            item.page.save_revision().publish()
        except ValidationError as exc:  # e.g. someone changed the site while we were checking
            problems.extend(
                Problem(item.line, key, message) for key, message in validation_messages(exc)
            )
    return problems


def import_file(path: Path | str, *, dry_run: bool = False) -> ContentResult:
    """Check the whole file, then (unless dry_run or anything is wrong) write it all at once.

    Raises ImportFileError when the file itself cannot be used. Problems with lines are
    returned in ``result.problems``; when there are any, nothing has been written.
    """
    return ContentImport(path, dry_run=dry_run).run()
