"""CPU time and queries per request for a logged-in member's pages, in process.

Measures what the code controls and nothing the machine's load changes much: the demo is
loaded into a scratch SQLite database, a member with a branch, an assignment and some
history logs in with Django's test client, and each page is requested ``--requests``
times. The figures are ``time.process_time()`` per request (CPU of this process, so other
work on the machine barely moves them) and SQL queries per request, after warm-up.

Run from the project root::

    python benchmarks/render_profile.py                 # figures
    python benchmarks/render_profile.py --profile home  # plus cProfile's top functions
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.scratch import migrate_scratch, run_benchmark  # noqa: E402

BENCH_DB_NAME = "hongke_render_profile"
WARM_UP = 3
# Our code and the few framework calls that frame it; "--filter ." shows everything.
PROFILE_FILTER = r"^(?!.*(site-packages|pyenv)).*\.py|wagtail/views|route_for|template/response"


def build() -> dict:
    """The demo, and one member of a branch with an assignment and some history."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from assignments.models import Assignment, AssignmentItem
    from home.models import ContentPage
    from learning.event_log import record_server_event
    from lectures.models import MicroLecturePage
    from members.models import Branch, MemberProfile, Role

    migrate_scratch(demo=True)
    branch = Branch.objects.create(name="计算机学院学生党支部")
    user = get_user_model().objects.create_user("bench-member", password="bench-pw-1921")
    MemberProfile.objects.create(
        user=user, display_name="测试党员", branch=branch, role=Role.MEMBER
    )
    pages = list(ContentPage.objects.live().order_by("pk"))
    assignment = Assignment.objects.create(
        branch=branch, title="本月学习", due_on=timezone.localdate() + timedelta(days=7)
    )
    for order, page in enumerate(pages[:3]):
        AssignmentItem.objects.create(assignment=assignment, page=page, sort_order=order)
    for page in pages[3:6]:
        record_server_event(user, page, "viewed")
    lecture = MicroLecturePage.objects.live().order_by("pk").first()
    return {
        "user": user,
        "urls": {"home": "/", "lecture": lecture.url, "for_you": "/learning/for-you/"},
    }


def measure_url(client, url: str, requests: int) -> tuple[float, float, int]:
    """Least and median CPU ms of ``requests`` requests after warm-up, and one's queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARM_UP):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    samples = []
    queries = 0
    for _ in range(requests):
        with CaptureQueriesContext(connection) as captured:
            start = time.process_time()
            response = client.get(url)
            samples.append((time.process_time() - start) * 1000)
        queries = len(captured.captured_queries)
    return min(samples), statistics.median(samples), queries


# Where a request's CPU goes, without cProfile's overhead (which inflates the ORM's many
# small calls): these callables are wrapped with a timer for --breakdown.
BREAKDOWN = [
    ("wagtail.models.pages", "Page.route_for_request"),
    ("learning.event_log", "record_server_event"),
    ("home.models", "add_context_from_hooks"),
    ("home.models", "HomePage.cards"),
    ("django.template.response", "SimpleTemplateResponse.render"),
    ("assignments.sharing", "share_choices"),
    ("wagtail.admin.templatetags.wagtailuserbar", "wagtailuserbar"),
    ("learning.reading_list.items", "reading_list"),
    ("assignments.progress", "todo_list"),
]


def install_timers() -> dict[str, list[float]]:
    """Wrap each BREAKDOWN callable (where it is looked up) so its CPU time is summed."""
    import functools
    import importlib

    spent: dict[str, list[float]] = {}

    def timed(name, function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            start = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent.setdefault(name, []).append(time.process_time() - start)

        return wrapper

    for module_name, dotted in BREAKDOWN:
        owner = importlib.import_module(module_name)
        *path, attribute = dotted.split(".")
        for part in path:
            owner = getattr(owner, part)
        if not hasattr(owner, attribute):  # an older checkout, measured for comparison
            continue
        if isinstance(owner, type):  # defined on a base class, perhaps
            owner = next(cls for cls in owner.__mro__ if attribute in cls.__dict__)
        original = owner.__dict__[attribute]
        wrapped = timed(dotted, getattr(original, "__func__", original))
        if isinstance(original, staticmethod | classmethod):
            wrapped = type(original)(wrapped)
        setattr(owner, attribute, wrapped)
        # Callers that imported the function by name keep the original: patch them too.
        for module in list(sys.modules.values()):
            if getattr(module, "__dict__", {}).get(attribute) is original:
                setattr(module, attribute, wrapped)
    return spent


def breakdown(client, urls: dict, requests: int) -> None:
    spent = install_timers()
    for name, url in urls.items():
        spent.clear()
        for _ in range(requests):
            client.get(url)
        parts = ", ".join(
            f"{part} {sum(times) * 1000 / requests:.1f}" for part, times in spent.items()
        )
        print(f"{name}: CPU ms per request in {parts}")


def measure(built: dict, requests: int, profile: str | None, split: bool = False) -> bool:
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    client.force_login(built["user"])
    # The least is the steadiest figure on a busy machine (others' work only ever adds).
    print(f"{'page':<10}{'least CPU ms':>14}{'median CPU ms':>15}{'queries':>9}")
    for name, url in built["urls"].items():
        least, median, queries = measure_url(client, url, requests)
        print(f"{name:<10}{least:>14.1f}{median:>15.1f}{queries:>9}", flush=True)
    if split:
        breakdown(client, built["urls"], requests)
    for name in built["urls"] if profile == "all" else [profile] if profile else []:
        url = built["urls"][name]
        print(f"== cProfile: {name} {url}")
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(requests):
            client.get(url)
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
        stats.print_stats(os.environ.get("PROFILE_FILTER", PROFILE_FILTER), 45)
        print(out.getvalue())
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--breakdown", action="store_true", help="CPU time of the main parts")
    parser.add_argument("--profile", choices=["home", "lecture", "for_you", "all"])
    args = parser.parse_args()
    return run_benchmark(
        BENCH_DB_NAME,
        build,
        lambda built: measure(built, args.requests, args.profile, args.breakdown),
        keep=False,
    )


if __name__ == "__main__":
    sys.exit(main())
