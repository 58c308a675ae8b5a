"""Fails when a module is over 500 lines or a function over 60 (``.ci/run``, pre-commit).

Size is a proxy for "does one thing": a module or function past these limits is split.
Migrations, the demo's content data, tests and benchmarks are exempt.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60
ROOT = Path(__file__).resolve().parent.parent
EXEMPT_DIRS = {"migrations", "tests", "benchmarks", ".venv", "node_modules", "static_collected"}
EXEMPT_FILES = {Path("demo/content.py")}


def checked_files() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("*.py")
        if not EXEMPT_DIRS & set(path.relative_to(ROOT).parts)
        and path.relative_to(ROOT) not in EXEMPT_FILES
    )


def problems_in(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    name = path.relative_to(ROOT)
    found = []
    lines = source.count("\n") + 1
    if lines > MAX_MODULE_LINES:
        found.append(f"{name}: {lines} lines (at most {MAX_MODULE_LINES})")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            length = node.end_lineno - start + 1
            if length > MAX_FUNCTION_LINES:
                found.append(
                    f"{name}:{node.lineno}: {node.name}() is {length} lines "
                    f"(at most {MAX_FUNCTION_LINES})"
                )
    return found


def main() -> int:
    problems = [problem for path in checked_files() for problem in problems_in(path)]
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
