"""What a server installs: requirements.txt runs the site; the tests and checks live in
requirements-dev.txt, and nothing the site imports comes from there."""

import ast
import importlib.metadata
import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# Folders that are not the site: they run with the dev set installed.
NOT_THE_SITE = {"tests", "benchmarks", "scripts"}


def requirement_names(filename: str) -> list[str]:
    names = []
    for line in (ROOT / filename).read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            names.append(re.split(r"[\[=<>~!; ]", line, maxsplit=1)[0].lower())
    return names


def pinned(filename: str) -> list[str]:
    lines = (ROOT / filename).read_text().splitlines()
    return [line for line in lines if line and line[0] not in "#-" and "==" in line]


def dev_only_modules() -> set[str]:
    """Top-level modules installed by the distributions only requirements-dev.txt names."""
    dev_only = set(requirement_names("requirements-dev.txt"))
    normalise = lambda name: re.sub(r"[-_.]+", "-", name).lower()  # noqa: E731
    dev_only = {normalise(name) for name in dev_only}
    modules = set()
    for module, distributions in importlib.metadata.packages_distributions().items():
        if any(normalise(dist) in dev_only for dist in distributions):
            modules.add(module)
    return modules


def site_files() -> list[Path]:
    return [
        path
        for init in sorted(ROOT.glob("*/__init__.py"))
        if init.parent.name not in NOT_THE_SITE
        for path in sorted(init.parent.rglob("*.py"))
    ]


def site_modules() -> list[str]:
    modules = []
    for path in site_files():
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules.append(".".join(parts))
    return modules


def imported_names(path: Path) -> set[str]:
    """Top-level modules a file imports anywhere, inside functions too."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_the_run_set_names_no_test_or_check_tool():
    run = set(requirement_names("requirements.txt"))
    dev = set(requirement_names("requirements-dev.txt"))
    assert {"pytest", "playwright", "ruff", "djhtml"} <= dev
    assert run.isdisjoint(dev), run & dev
    assert "-r requirements.txt" in (ROOT / "requirements-dev.txt").read_text().splitlines()


def test_every_requirement_is_pinned():
    for filename in ("requirements.txt", "requirements-dev.txt"):
        names = requirement_names(filename)
        assert len(pinned(filename)) == len(names), filename


def test_no_site_module_imports_a_dev_tool_even_inside_a_function():
    blocked = dev_only_modules()
    found = {
        f"{path.relative_to(ROOT)}: {sorted(names)}"
        for path in site_files()
        if (names := imported_names(path) & blocked)
    }
    assert not found


# Runs in a fresh interpreter where the dev set's modules cannot be imported, as on a
# server that installed requirements.txt only.
IMPORT_WITHOUT_DEV = """
import importlib, importlib.abc, json, sys

blocked = set(json.loads(sys.argv[1]))

class RunSetOnly(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in blocked:
            raise ImportError(f"{name} is in requirements-dev.txt only")

sys.meta_path.insert(0, RunSetOnly())
import django
django.setup()
for module in json.loads(sys.argv[2]):
    importlib.import_module(module)
"""


def test_the_site_imports_nothing_from_the_dev_set():
    import json

    blocked = dev_only_modules()
    assert {"pytest", "playwright", "factory"} <= blocked
    modules = site_modules()
    assert "demo.management.commands.ensure_demo_admin" in modules
    assert "config.wsgi" in modules
    # As scripts/serve runs it: production settings with a local secret key.
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "k" * 50,
    }
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            IMPORT_WITHOUT_DEV,
            json.dumps(sorted(blocked)),
            json.dumps(modules),
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
