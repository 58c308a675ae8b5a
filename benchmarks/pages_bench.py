"""How many pages a second the demo serves, against a hashed static file on the same server:
anonymous pages must reach 25 % of that ceiling, a member's lecture 5 % and a
member's home 4 %.

Builds a scratch database with the demo content (``load_demo``) and a demo member, collects
the static files, and serves it with gunicorn (2 workers, DEBUG off, no Redis) on a free local
port. ``ab`` (apache2-utils, installed through ``scripts/lib.sh`` when missing) sends each URL
for a few seconds at a fixed concurrency after a warm-up, asking for gzip as browsers do:
anonymous home, lecture, site, story, event, lecture index and a Chinese search; the member's
home, lecture and 为你推荐 with the member's session cookie; a hashed static file (WhiteNoise)
as the ceiling. Each figure is printed as requests per second and as a share of the ceiling.

Run from the project root::

    python benchmarks/pages_bench.py                   # SQLite
    python benchmarks/pages_bench.py --postgres        # PostgreSQL (postgres://postgres@127.0.0.1:5432/postgres)
    python benchmarks/pages_bench.py --both            # SQLite, then PostgreSQL
    python benchmarks/pages_bench.py --seconds 3 --concurrency 8

Exit status: 0 when every target was met, 2 when one was not, 1 when the build or the
server failed.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.outbox_load import Server, free_port  # noqa: E402
from benchmarks.scratch import PROJECT_ROOT, migrate_scratch, pad, run_benchmark  # noqa: E402

BENCH_DB_NAME = "hongke_pages_bench"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
MEMBER = "bench-member"
SEARCH_QUERY = "井冈山"
TARGETS = {"anonymous": 25.0, "member lecture": 5.0, "member home": 4.0}


@dataclass(frozen=True)
class Options:
    seconds: int = 5  # ab's -t takes whole seconds
    warmup: int = 100
    concurrency: int = 12
    workers: int = 2


@dataclass(frozen=True)
class Target:
    label: str
    path: str
    member: bool = False
    target: float | None = None  # percent of the ceiling


@dataclass
class Built:
    targets: list[Target]
    static_path: str
    session: str


# ===================================== scratch site ======================================


def first_url(model) -> str:
    page = model.objects.live().public().order_by("path").first()
    return urllib.parse.urlsplit(page.get_url()).path


def build() -> Built:
    from django.test import Client

    migrate_scratch(demo=True)

    from django.contrib.staticfiles.storage import staticfiles_storage

    from events.models import ForumEventPage
    from exhibits.models import RevolutionarySitePage
    from lectures.models import LectureIndexPage, MicroLecturePage
    from stories.models import ExemplarStoryPage
    from tests.factories import make_member

    member = make_member(MEMBER, name="压测成员")
    client = Client()
    client.force_login(member)  # a session row the server reads like any other
    lecture = first_url(MicroLecturePage)
    search = "/search/?" + urllib.parse.urlencode({"q": SEARCH_QUERY})
    anonymous = TARGETS["anonymous"]
    targets = [
        Target("anonymous home", "/", target=anonymous),
        Target("anonymous lecture", lecture, target=anonymous),
        Target("anonymous site", first_url(RevolutionarySitePage), target=anonymous),
        Target("anonymous story", first_url(ExemplarStoryPage), target=anonymous),
        Target("anonymous event", first_url(ForumEventPage), target=anonymous),
        Target("anonymous lecture index", first_url(LectureIndexPage), target=anonymous),
        Target(f"anonymous search {SEARCH_QUERY}", search, target=anonymous),
        Target("member home", "/", member=True, target=TARGETS["member home"]),
        Target("member lecture", lecture, member=True, target=TARGETS["member lecture"]),
        Target("member 为你推荐", "/learning/for-you/", member=True),
    ]
    return Built(
        targets, staticfiles_storage.url("css/site.css"), client.cookies["sessionid"].value
    )


# ====================================== measuring ========================================


def ensure_ab() -> str:
    if not shutil.which("ab"):
        subprocess.run(
            [
                "bash",
                "-c",
                'source scripts/lib.sh && ensure_apt_packages "$@"',
                "-",
                "apache2-utils",
            ],
            cwd=PROJECT_ROOT,
            check=True,
        )
    return shutil.which("ab") or "ab"


def ab(url: str, options: Options, cookie: str | None, requests: int | None = None) -> dict:
    """One ``ab`` run: requests per second, and how many answers were not 2xx."""
    command = [ensure_ab(), "-q", "-c", str(options.concurrency), "-H", "Accept-Encoding: gzip"]
    if cookie:
        command += ["-C", f"sessionid={cookie}"]
    if requests is None:
        command += ["-t", str(options.seconds), "-n", "10000000"]
    else:
        command += ["-n", str(requests)]
    run = subprocess.run(command + [url], capture_output=True, text=True, check=False)
    figures = {
        "rps": _figure(r"Requests per second:\s+([\d.]+)", run.stdout),
        "done": _figure(r"Complete requests:\s+(\d+)", run.stdout),
        "non_2xx": _figure(r"Non-2xx responses:\s+(\d+)", run.stdout),
        "failed": _figure(r"Exceptions:\s+(\d+)", run.stdout),
    }
    if run.returncode != 0 or figures["rps"] == 0:
        raise RuntimeError(f"ab failed for {url}:\n{run.stdout[-800:]}\n{run.stderr[-800:]}")
    return figures


def _figure(pattern: str, text: str) -> float:
    found = re.search(pattern, text)
    return float(found.group(1)) if found else 0.0


def check_answer(server_url: str, path: str, cookie: str | None) -> str:
    """Fail early on a page that does not answer 200; return what the page cache said."""
    request = urllib.request.Request(server_url + path, headers={"Accept-Encoding": "gzip"})
    if cookie:
        request.add_header("Cookie", f"sessionid={cookie}")
    with urllib.request.urlopen(request, timeout=30) as response:
        if response.status != 200:
            raise RuntimeError(f"{path} answered {response.status}")
        return ", ".join(
            f"{name}: {response.headers.get(name)}"
            for name in ("Content-Encoding", "X-Page-Cache", "Cache-Control")
            if response.headers.get(name)
        )


def measure(built: Built, options: Options) -> bool:
    log_path = Path(tempfile.mkdtemp(prefix="hongke-pages-bench-")) / "gunicorn.log"
    server = Server(free_port(), options.workers, log_path)
    server.start()
    try:
        return run_all(server.url, built, options)
    finally:
        server.stop()
        shutil.rmtree(log_path.parent, ignore_errors=True)


def run_all(server_url: str, built: Built, options: Options) -> bool:
    print(
        f"ab: {options.concurrency} concurrent, {options.seconds} s per URL after "
        f"{options.warmup} warm-up requests, Accept-Encoding: gzip; "
        f"gunicorn {options.workers} workers",
        flush=True,
    )
    print(f"static {built.static_path}: {check_answer(server_url, built.static_path, None)}")
    for target in built.targets:
        cookie = built.session if target.member else None
        print(f"{target.label} {target.path}: {check_answer(server_url, target.path, cookie)}")
    results = []
    for label, path, cookie in [("static file (ceiling)", built.static_path, None)] + [
        (target.label, target.path, built.session if target.member else None)
        for target in built.targets
    ]:
        url = server_url + urllib.parse.quote(path, safe="/?=&%")
        ab(url, options, cookie, requests=options.warmup)
        results.append((label, ab(url, options, cookie)))
        print(f"  {pad(label, 30)} {results[-1][1]['rps']:9.1f} req/s", flush=True)
    return report(built, results)


def report(built: Built, results: list[tuple[str, dict]]) -> bool:
    ceiling = results[0][1]["rps"]
    wanted = {target.label: target.target for target in built.targets}
    met = True
    print()
    print(f"{pad('page', 30)} {'req/s':>9} {'% ceiling':>10} {'target':>8}  non-2xx")
    for label, figures in results:
        share = 100 * figures["rps"] / ceiling
        target = wanted.get(label)
        verdict = ""
        if target is not None:
            ok = share >= target and not figures["non_2xx"]
            met = met and ok
            verdict = f"≥{target:g} % {'met' if ok else 'MISSED'}"
        print(
            f"{pad(label, 30)} {figures['rps']:9.1f} {share:9.1f}% {verdict:>14}  "
            f"{int(figures['non_2xx'])}"
        )
    print(f"\nTargets {'met' if met else 'NOT met'} (the ceiling: {ceiling:.0f} req/s).")
    return met


# ========================================= main ==========================================


def parse_args(argv: list[str] | None = None) -> tuple[Options, argparse.Namespace]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    defaults = Options()
    parser.add_argument("--seconds", type=int, default=defaults.seconds, help="per URL, whole")
    parser.add_argument("--warmup", type=int, default=defaults.warmup, help="requests per URL")
    parser.add_argument("--concurrency", type=int, default=defaults.concurrency)
    parser.add_argument("--workers", type=int, default=defaults.workers, help="gunicorn workers")
    parser.add_argument(
        "--postgres", nargs="?", const=DEFAULT_POSTGRES, metavar="URL", help="PostgreSQL server"
    )
    parser.add_argument("--both", action="store_true", help="SQLite, then PostgreSQL")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.concurrency < 1 or args.warmup < 1:
        parser.error("--seconds, --concurrency and --warmup must be positive")
    options = Options(args.seconds, args.warmup, args.concurrency, args.workers)
    return options, args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    options, args = parse_args(argv)
    if args.both:  # one process per database: Django is set up once per process
        common = [
            *("--seconds", str(options.seconds), "--warmup", str(options.warmup)),
            *("--concurrency", str(options.concurrency), "--workers", str(options.workers)),
            *(["--keep"] if args.keep else []),
        ]
        statuses = [
            subprocess.call([sys.executable, __file__, *common, *extra])
            for extra in ([], ["--postgres", args.postgres or DEFAULT_POSTGRES])
        ]
        return max(statuses)
    if args.postgres:
        os.environ["DATABASE_URL"] = args.postgres
    else:
        os.environ.pop("DATABASE_URL", None)
    print(f"pages bench: Python {platform.python_version()}, {os.cpu_count()} cores", flush=True)
    return run_benchmark(BENCH_DB_NAME, build, lambda built: measure(built, options), args.keep)


if __name__ == "__main__":
    sys.exit(main())
