"""scripts/check_cycles.py: import circles between modules are found, however they are written."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "check_cycles.py"
spec = importlib.util.spec_from_file_location("check_cycles", SCRIPT)
check_cycles = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = check_cycles  # its dataclass looks its module up there
spec.loader.exec_module(check_cycles)


def make_package(root: Path, files: dict[str, str]) -> Path:
    """A throwaway project: {"shop/models.py": source, ...}, each folder a package."""
    for name, source in files.items():
        path = root / name
        for folder in path.relative_to(root).parents:
            if folder != Path("."):
                (root / folder).mkdir(parents=True, exist_ok=True)
                (root / folder / "__init__.py").touch()
        path.write_text(source, encoding="utf-8")
    return root


def test_an_import_inside_a_function_closes_a_circle(tmp_path):
    make_package(
        tmp_path,
        {
            "shop/models.py": "def route():\n    from shop.views import show\n    return show\n",
            "shop/views.py": "from shop.models import route\n\nshow = route\n",
        },
    )
    [circle] = check_cycles.circles(tmp_path)
    assert "shop.models\n    -> shop.views (shop.models line 2)" in circle
    assert "-> shop.models (shop.views line 1)" in circle


def test_relative_imports_are_followed(tmp_path):
    make_package(
        tmp_path,
        {
            "shop/a.py": "from . import b\n",
            "shop/b.py": "from .sub.c import thing\n",
            "shop/sub/c.py": "from ..a import b\nthing = 1\n",
        },
    )
    [circle] = check_cycles.circles(tmp_path)
    assert "all in this circle: shop.a, shop.b, shop.sub.c" in circle


def test_a_package_that_imports_its_submodules_back_is_a_circle(tmp_path):
    # Importing shop.models.orders runs shop/models/__init__ first, which imports pages.
    make_package(
        tmp_path,
        {
            "shop/models/__init__.py": "from shop.models.pages import Page\n",
            "shop/models/pages.py": "import shop.views\n\nPage = 1\n",
            "shop/models/orders.py": "Order = 1\n",
            "shop/views.py": "from shop.models.orders import Order\n",
        },
    )
    [circle] = check_cycles.circles(tmp_path)
    assert "shop.models, shop.models.pages, shop.views" in circle


def test_imports_pointing_one_way_are_no_circle(tmp_path):
    make_package(
        tmp_path,
        {
            "shop/models/__init__.py": "from .orders import Order\n",
            "shop/models/orders.py": "import json\nfrom shop import prices\n\nOrder = 1\n",
            "shop/prices.py": "from django.db import models\n",
            "shop/views.py": "from shop.models import Order\nfrom shop.prices import *\n",
        },
    )
    assert check_cycles.circles(tmp_path) == []


def test_imports_only_type_checkers_run_do_not_count(tmp_path):
    make_package(
        tmp_path,
        {
            "shop/models.py": "import shop.views\n",
            "shop/views.py": (
                "from typing import TYPE_CHECKING\n\n"
                "if TYPE_CHECKING:\n    from shop.models import Page\n"
            ),
        },
    )
    assert check_cycles.circles(tmp_path) == []


@pytest.mark.parametrize("circle", [True, False])
def test_the_script_fails_only_when_there_is_a_circle(tmp_path, circle):
    back = "import shop.a\n" if circle else ""
    make_package(tmp_path, {"shop/a.py": "import shop.b\n", "shop/b.py": back})
    run = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert run.returncode == (1 if circle else 0)
    assert ("Import circle 1" in run.stdout) is circle


def test_the_project_has_no_import_circle():
    assert check_cycles.circles(SCRIPT.parents[1]) == []
