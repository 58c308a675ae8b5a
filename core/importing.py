"""Bulk import from a file: read it, check all of it, then write all of it or nothing.

Editors and organisers prepare content and member lists by the dozen in a spreadsheet or
a text editor. A file that is half right must never leave half an import behind, and a
person fixing it wants every mistake at once, each with the line it is on. This module
holds that shape once: reading the file, the problems, one transaction around checking
and writing, and the ``manage.py`` command that prints the outcome. What a line *means*
belongs to each importer (``loaders.content``, ``members.roster``); nothing here knows
about pages or members.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

# The start of every dry-run summary, so editors see at a glance that nothing was written.
DRY_RUN_NOTE = "试运行（--dry-run），没有写入任何内容"


class ImportFileError(Exception):
    """The file as a whole cannot be used (missing, not UTF-8, empty): no line numbers apply."""

    @classmethod
    def empty(cls, path: Path, missing: str) -> ImportFileError:
        """A file with nothing to import; ``missing`` says what an importer expected in it."""
        return cls(f"文件是空的：{path} 里{missing}")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one field of one line, printed as ``line N: field: reason``.

    ``unit`` names what N counts ("line" in a text file, "row" in a CSV file), so the
    person fixing the file finds the place their editor or spreadsheet shows.
    """

    number: int
    field: str
    reason: str
    unit: str = "line"

    def __str__(self) -> str:
        return f"{self.unit} {self.number}: {self.field}: {self.reason}"


def read_text(path: Path, *, utf8_hint: str) -> str:
    """The whole file as text, or an ImportFileError that says what to do about it.

    ``utf8_hint`` tells the person how to save the file as UTF-8 with the program they
    are likely to use.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ImportFileError(f"找不到文件：{path}") from None
    except IsADirectoryError:
        raise ImportFileError(f"{path} 是一个目录，不是文件") from None
    except PermissionError:
        raise ImportFileError(f"没有权限读取文件：{path}") from None
    except OSError as exc:
        raise ImportFileError(f"无法读取文件 {path}：{exc.strerror or exc}") from None
    try:
        # utf-8-sig also accepts the byte order mark that Windows editors and Excel add.
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            f"文件不是 UTF-8 编码（第 {line} 行有无法识别的字节）。{utf8_hint}"
        ) from None


@dataclass
class ImportResult(ABC):
    """What an import found or did: problems (then nothing was written), or a report."""

    dry_run: bool
    problems: list[Problem] = field(default_factory=list)

    @property
    def would(self) -> str:
        """The tense of report lines: 将 (will) in a dry run, 已 (did) after writing."""
        return "将" if self.dry_run else "已"

    @abstractmethod
    def report_lines(self) -> Iterator[str]:
        """What was (or would be) written, one output line each, ending with a summary."""


UnitT = TypeVar("UnitT")
ResultT = TypeVar("ResultT", bound=ImportResult)


class FileImport(ABC, Generic[UnitT, ResultT]):
    """One import of one file: split it into numbered units, check them all, write them all.

    Subclasses say what a unit is (a JSON line, a CSV row), how it is checked and how the
    checked plan is written; ``run`` keeps the all-or-nothing promise for all of them.
    """

    # How to save the file as UTF-8, shown when it is not.
    utf8_hint: ClassVar[str] = "请把文件另存为 UTF-8 后再导入。"

    def __init__(self, path: Path | str, *, dry_run: bool = False) -> None:
        self.path = Path(path)
        self.dry_run = dry_run

    @abstractmethod
    def split(self, text: str) -> Sequence[tuple[int, UnitT]]:
        """The file's units with the line each starts on; ImportFileError when there are none."""

    @abstractmethod
    def check(self, units: Sequence[tuple[int, UnitT]]) -> ResultT:
        """Check every unit and plan the writing; any problem in the result forbids it."""

    @abstractmethod
    def write(self, result: ResultT) -> list[Problem]:
        """Carry out the checked plan; problems found only now (the site changed) undo it all."""

    def run(self) -> ResultT:
        """Read, check and (unless dry_run or anything is wrong) write the whole file.

        Raises ImportFileError when the file itself cannot be used. Problems are returned
        in ``result.problems``, in file order; when there are any, nothing has been
        written. Checking may already touch the database (a tag manager creates missing
        tags), so checking and writing share one transaction that is rolled back unless
        all is well.
        """
        units = self.split(read_text(self.path, utf8_hint=self.utf8_hint))
        with transaction.atomic():
            result = self.check(units)
            if not result.problems and not self.dry_run:
                result.problems = self.write(result)
            result.problems.sort(key=lambda problem: problem.number)
            if result.problems or self.dry_run:
                transaction.set_rollback(True)
        return result


class ImportCommand(BaseCommand):
    """``manage.py <command> FILE [--dry-run]`` for a FileImport: problems or a report.

    Problems go to stderr, one per line, and end in a CommandError (exit status 1), so
    scripts can tell; a file that cannot be used at all is a CommandError of its own.
    """

    importer: ClassVar[type[FileImport[Any, Any]]]
    file_help: ClassVar[str]
    dry_run_help: ClassVar[str]
    # What was refused, in the closing message when there are problems.
    nothing_imported: ClassVar[str] = "没有导入任何内容"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=self.file_help)
        parser.add_argument("--dry-run", action="store_true", help=self.dry_run_help)

    def make_import(self, file: str, *, dry_run: bool, **options: Any) -> FileImport[Any, Any]:
        """The import to run; a command with options of its own passes them on here."""
        return self.importer(file, dry_run=dry_run)

    def handle(self, *args: Any, file: str, dry_run: bool, **options: Any) -> None:
        try:
            result = self.make_import(file, dry_run=dry_run, **options).run()
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        if result.problems:
            for problem in result.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"发现 {len(result.problems)} 个问题，{self.nothing_imported}。请修改文件后重新导入。"
            )
        for line in result.report_lines():
            self.stdout.write(line)
