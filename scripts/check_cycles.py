"""Fails when first-party modules import each other in a circle (``.ci/run``, pre-commit).

import-linter's contracts (``.importlinter``) keep apps in layers, but say nothing about
modules inside one app. Here every import counts, at the top of a module or inside a
function, absolute or relative, because a lazy import only postpones the circle to run time.
Importing ``a.b.c`` also runs ``a/__init__`` and ``a/b/__init__``, so those count too,
except a module's own parent packages (always imported before the module itself).
Imports under ``if TYPE_CHECKING:`` never run and do not count.

Usage: ``python scripts/check_cycles.py [ROOT]`` (the project by default). Each circle is
printed with its path and the line of each import; exit status 1 if there is any.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
SKIPPED_DIRS = {".venv", "node_modules", "static_collected", "media", "migrations", ".git"}


@dataclass(frozen=True)
class Edge:
    target: str
    line: int


def module_files(root: Path) -> dict[str, Path]:
    """Every module of every top-level package under root, by dotted name."""
    modules = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if SKIPPED_DIRS & set(parts):
            continue
        # Only files inside packages: each folder down from the root has an __init__.py.
        folders = [root.joinpath(*parts[:depth]) for depth in range(1, len(parts))]
        if not folders or not all((folder / "__init__.py").exists() for folder in folders):
            continue
        names = list(parts[:-1]) + ([] if path.name == "__init__.py" else [path.stem])
        modules[".".join(names)] = path
    return modules


def is_type_checking_block(node: ast.AST) -> bool:
    test = getattr(node, "test", None) if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def import_nodes(tree: ast.AST):
    """Every import statement, however deep, except those that only type checkers run."""
    pending = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        children = list(ast.iter_child_nodes(node))
        if is_type_checking_block(node):
            children = node.orelse
        pending.extend(children)


def imported_names(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    """The dotted names an import statement may load, relative imports resolved."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = module.split(".") if is_package else module.split(".")[:-1]
        kept = package[: len(package) - (node.level - 1)]
        base = ".".join(kept + ([base] if base else []))
    # `from a import b` loads a.b when b is a module, and a in any case.
    return [base] + [f"{base}.{alias.name}" for alias in node.names if alias.name != "*"]


def known_module(name: str, modules: dict[str, Path]) -> str | None:
    """The longest first-party module that name starts with, if any."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return None


def with_parents(target: str, importer: str) -> list[str]:
    """target and the packages that importing it runs first, bar the importer's own."""
    parts = target.split(".")
    chain = [".".join(parts[:end]) for end in range(1, len(parts) + 1)]
    own = {".".join(importer.split(".")[:end]) for end in range(1, importer.count(".") + 2)}
    return [name for name in chain if name not in own or name == target]


def import_graph(root: Path) -> dict[str, list[Edge]]:
    modules = module_files(root)
    graph: dict[str, list[Edge]] = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        edges = {}
        for node in import_nodes(tree):
            for name in imported_names(node, module, path.name == "__init__.py"):
                target = known_module(name, modules)
                if target is None:
                    continue
                for reached in with_parents(target, module):
                    if reached in modules and reached != module:
                        edges.setdefault(reached, Edge(reached, node.lineno))
        graph[module] = sorted(edges.values(), key=lambda edge: (edge.target, edge.line))
    return graph


def strongly_connected(graph: dict[str, list[Edge]]) -> list[list[str]]:
    """Tarjan's groups of modules that all reach each other (iterative: no recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(graph[start]))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            edge = next(edges, None)
            if edge is not None:
                if edge.target not in index:
                    index[edge.target] = low[edge.target] = len(index)
                    stack.append(edge.target)
                    on_stack.add(edge.target)
                    work.append((edge.target, iter(graph[edge.target])))
                elif edge.target in on_stack:
                    low[node] = min(low[node], index[edge.target])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return sorted(groups)


def circle_through(start: str, group: list[str], graph: dict[str, list[Edge]]) -> list[Edge]:
    """A shortest path of imports from start back to start, inside one group."""
    members = set(group)
    came_from: dict[str, tuple[str, Edge]] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for edge in graph[node]:
                if edge.target not in members or edge.target in came_from:
                    continue
                came_from[edge.target] = (node, edge)
                following.append(edge.target)
        if start in came_from:
            break
        frontier = following
    path = []
    node = start
    while True:
        node, edge = came_from[node]
        path.append((node, edge))
        if node == start:
            break
    return [edge for _, edge in reversed(path)]


def describe(start: str, edges: list[Edge]) -> str:
    steps = [start]
    source = start
    for edge in edges:
        steps.append(f"{edge.target} ({source} line {edge.line})")
        source = edge.target
    return "\n    -> ".join(steps)


def circles(root: Path) -> list[str]:
    """One circle per group of modules that import each other, and the whole group."""
    graph = import_graph(root)
    found = []
    for group in strongly_connected(graph):
        path = describe(group[0], circle_through(group[0], group, graph))
        found.append(f"{path}\n  (all in this circle: {', '.join(group)})")
    return found


def main(argv: list[str]) -> int:
    root = Path(argv[1]).resolve() if len(argv) > 1 else PROJECT
    found = circles(root)
    for number, circle in enumerate(found, 1):
        print(f"Import circle {number}:\n    {circle}")
    if found:
        print(f"{len(found)} import circle(s): split the modules so imports point one way.")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
