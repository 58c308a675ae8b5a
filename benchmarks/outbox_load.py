"""Nothing a member did is lost when the web server goes down: 50,000 learning
events from 500 simulated members, sent to ``POST /api/learning/events/`` while the server
is restarted twice, then compared with what the database holds.

Builds a scratch database (30 content pages, the members with a known password) and serves
it with gunicorn (2 workers, DEBUG off) on a free local port. Each simulated member logs in
through ``/login/`` and behaves like the page script's outbox (``site/static/js/learning.js``):
every event stays queued until the server accepted it or named it a duplicate; batches of
at most 50; one request in flight per member; back-off with jitter on connection errors,
5xx and 429 (honouring Retry-After); a CSRF 403 fetches a fresh token from
``/api/learning/csrf/``, a "please log in" 403 logs in again. Part-way through (at 1/3 and
2/3 of the events accepted) the server is restarted: the first time killed outright
(SIGKILL to its whole process group, so requests in flight fail), the second time stopped
with SIGTERM (gunicorn's graceful shutdown); both times a new server starts on the same
port. Afterwards every event is looked up by member and id: lost (sent, not stored),
duplicated (stored more than once), extra (stored, never sent) and mismatched (stored
with another page, verb, value or time) must all be 0.

Run from the project root::

    python benchmarks/outbox_load.py                                   # 500 members, 50,000 events
    python benchmarks/outbox_load.py --members 20 --events 2000        # quick look
    python benchmarks/outbox_load.py --postgres postgres://postgres@127.0.0.1:5432/postgres

Exit status: 0 when nothing was lost, duplicated, extra or changed and every restart
happened; 2 otherwise; 1 when the build or the server failed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from http.cookiejar import CookieJar
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.learning_world import client_id, rng_for  # noqa: E402
from benchmarks.scratch import (  # noqa: E402
    PROJECT_ROOT,
    build_skeleton,
    bulk_loading,
    migrate_scratch,
    run_benchmark,
)

BENCH_DB_NAME = "hongke_outbox_load"
PASSWORD = "Hongke-load-2024!"
MAX_BATCH = 50  # the page script's batch
PAGE_KINDS = ("lectures", "sites", "stories")
RETRY_BASE_S = 0.2  # the site's defaults (2 s, 5 min) are for phones; the test needs less
RETRY_MAX_S = 5.0
REQUEST_TIMEOUT_S = 30
SERVER_START_TIMEOUT_S = 90
RESTART_KINDS = ("kill", "term")  # the first restart is a hard stop
CHINA = timezone(timedelta(hours=8))


@dataclass(frozen=True)
class LoadSize:
    members: int = 500
    events: int = 50_000
    restarts: int = 2
    clients: int = 16  # client threads; each looks after members[i::clients]
    workers: int = 2  # gunicorn workers
    batch: int = MAX_BATCH
    pages: int = 30
    seed: int = 1921
    timeout: float = 1800.0  # seconds before the clients give up


# ===================================== scratch site ======================================


@dataclass
class Built:
    page_ids: list[int]
    user_ids: list[int]  # member number -> user id
    keys: list[str]  # member number -> the outbox key the page would give the script
    build_seconds: float


def build_pages(size: LoadSize) -> list[int]:
    from django.db import transaction
    from django.utils import timezone as dj_timezone

    from benchmarks.search_bench import generated_page, make_picks

    rng = rng_for(size.seed, "text")
    now = dj_timezone.now()
    indexes = build_skeleton()
    ids = []
    with transaction.atomic():
        for number in range(size.pages):
            key = PAGE_KINDS[number % len(PAGE_KINDS)]
            picks = make_picks(rng)
            published = now - timedelta(days=rng.randint(1, 300))
            page = generated_page(indexes[key].child_model, key, number, picks, published, now)
            indexes[key].add_child(instance=page)
            ids.append(page.pk)
    return ids


def build_members(size: LoadSize) -> list[int]:
    """Members who can log in with PASSWORD (hashed once: the same hash for everyone)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from members.models import Branch, MemberProfile

    branch = Branch.objects.create(name="负载测试党支部", organisation="红课大学")
    hashed = make_password(PASSWORD)
    users = get_user_model().objects.bulk_create(
        [
            get_user_model()(username=username(number), password=hashed)
            for number in range(size.members)
        ]
    )
    MemberProfile.objects.bulk_create(
        [
            MemberProfile(user=user, display_name=f"成员{number:04d}", branch=branch)
            for number, user in enumerate(users)
        ]
    )
    return [user.pk for user in users]


def username(number: int) -> str:
    return f"load{number:04d}"


def build(size: LoadSize) -> Built:
    from django.contrib.auth import get_user_model
    from django.db import connections

    from learning.outbox import member_key

    started = time.perf_counter()
    migrate_scratch()
    with bulk_loading():
        page_ids = build_pages(size)
    user_ids = build_members(size)
    users = get_user_model().objects.in_bulk(user_ids)
    keys = [member_key(users[pk]) for pk in user_ids]
    connections.close_all()  # the server's workers have the database to themselves
    seconds = time.perf_counter() - started
    print(f"built: {len(page_ids)} pages, {len(user_ids)} members in {seconds:.1f} s", flush=True)
    return Built(page_ids, user_ids, keys, seconds)


# ======================================== events =========================================


def plan_events(size: LoadSize, page_ids: list[int]) -> list[list[dict]]:
    """Each member's events as the page script queues them: ``viewed`` with the seconds
    read since the last report, ``progressed`` with a lecture's position; ``at`` in the
    past week, with the phone's +08:00 offset. The events are shared out evenly."""
    now = datetime.now(CHINA).replace(microsecond=0)
    plans = []
    for number in range(size.members):
        rng = rng_for(size.seed, "events", number)
        count = size.events // size.members + (number < size.events % size.members)
        events = []
        for _ in range(count):
            viewed = rng.random() < 0.7
            events.append(
                {
                    "id": str(client_id(rng)),
                    "page": rng.choice(page_ids),
                    "verb": "viewed" if viewed else "progressed",
                    "value": rng.randint(5, 60) if viewed else round(rng.random(), 3),
                    "at": (now - timedelta(seconds=rng.randint(60, 7 * 86400))).isoformat(),
                }
            )
        plans.append(events)
    return plans


# ======================================== server =========================================


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn serving the scratch database (the environment ``prepare_environment`` set)."""

    def __init__(self, port: int, workers: int, log_path: Path) -> None:
        self.port = port
        self.workers = workers
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        self.url = f"http://127.0.0.1:{port}"

    def start(self) -> float:
        """Start and wait until it answers; returns the seconds that took."""
        started = time.perf_counter()
        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "config.wsgi",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    str(self.workers),
                    "--graceful-timeout",
                    "10",
                ],
                cwd=PROJECT_ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so kill() reaches the workers
            )
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("server exited:\n" + self.log_tail())
            try:
                with urllib.request.urlopen(self.url + "/api/learning/csrf/", timeout=2):
                    return time.perf_counter() - started
            except (OSError, http.client.HTTPException):
                time.sleep(0.1)
        raise RuntimeError("server did not answer:\n" + self.log_tail())

    def kill(self) -> None:
        """A crash: master and workers die at once, requests in flight get no answer."""
        with _ignore_missing():
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """gunicorn's graceful shutdown: requests in flight finish, new ones are refused."""
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()
        else:
            # Workers the master could not reap must not keep the port.
            with _ignore_missing():
                os.killpg(self.process.pid, signal.SIGKILL)

    def log_tail(self, lines: int = 30) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


class _ignore_missing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, value, traceback) -> bool:
        return kind is ProcessLookupError


# ======================================== clients ========================================


class ConnectionProblem(Exception):
    """No HTTP answer: refused, reset, timed out."""


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 after login is the answer itself


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    counts: Counter = field(default_factory=Counter)

    def add(self, **amounts: int) -> None:
        with self.lock:
            self.counts.update(amounts)

    def __getitem__(self, name: str) -> int:
        return self.counts[name]


class Phone:
    """One member's browser: cookies, CSRF token, login, and the outbox."""

    def __init__(self, number: int, user_id: int, key: str, events: list[dict]) -> None:
        self.number = number
        self.user_id = user_id
        self.key = key
        self.outbox = events
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )
        self.token = ""
        self.logged_in = False
        self.failures = 0
        self.not_before = 0.0
        self.stopped = False  # a 409 (another member's queue): kept for its owner

    def request(self, url: str, data: bytes | None = None, headers: dict | None = None):
        """(status, headers, body); HTTP errors are answers, no answer is ConnectionProblem."""
        request = urllib.request.Request(url, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=REQUEST_TIMEOUT_S) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            try:
                body = error.read()
            except (OSError, http.client.HTTPException):
                body = b""
            return error.code, error.headers, body
        except (OSError, http.client.HTTPException) as error:
            reason = getattr(error, "reason", error)  # URLError wraps the socket's error
            raise ConnectionProblem(type(reason).__name__) from error

    def refresh_csrf(self, base: str) -> bool:
        status, _headers, body = self.request(base + "/api/learning/csrf/")
        if status == 200:
            self.token = json.loads(body)["token"]
        return status == 200

    def login(self, base: str) -> int:
        """Log in through /login/ as the member would; returns the login's status."""
        if not self.refresh_csrf(base):
            return 503
        form = urllib.parse.urlencode(
            {
                "username": username(self.number),
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.token,
            }
        ).encode()
        status, _headers, _body = self.request(base + "/login/", form)
        if status == 302:
            # Django gives a new CSRF token at login: fetch it as the page would have it.
            self.logged_in = self.refresh_csrf(base)
        return status

    def send(self, base: str, batch_size: int):
        batch = self.outbox[:batch_size]
        body = json.dumps({"events": batch}).encode()
        headers = {
            "Content-Type": "application/json",
            "X-CSRFToken": self.token,
            "X-Learning-Member": self.key,
        }
        status, headers, answer = self.request(base + "/api/learning/events/", body, headers)
        return batch, status, headers, answer

    def retry_later(self, minimum: float = 0.0) -> None:
        """The page script's back-off: doubling, capped, half of it jittered."""
        self.failures += 1
        delay = min(RETRY_MAX_S, RETRY_BASE_S * 2 ** (self.failures - 1))
        delay = max(delay / 2 + random.random() * delay / 2, minimum)
        self.not_before = time.monotonic() + delay


def json_or_none(body: bytes):
    try:
        return json.loads(body)
    except ValueError:
        return None


class Load:
    """The clients, the restarts, and what happened."""

    def __init__(self, size: LoadSize, server: Server, phones: list[Phone]) -> None:
        self.size = size
        self.server = server
        self.phones = phones
        self.stats = Stats()
        self.acknowledged = 0
        self.thresholds = [
            size.events * (n + 1) / (size.restarts + 1) for n in range(size.restarts)
        ]
        self.restart_due = threading.Event()
        self.deadline = time.monotonic() + size.timeout

    # --- one member's next step ----------------------------------------------------------

    def step(self, phone: Phone) -> None:
        base = self.server.url
        try:
            if not phone.logged_in:
                self.log_in(phone, base)
                return
            batch, status, headers, answer = phone.send(base, self.size.batch)
        except ConnectionProblem as problem:
            # Refused while the server is down; reset or disconnected when it died mid-request.
            self.stats.add(connection_errors=1, **{f"error_{problem}": 1})
            phone.retry_later()
            return
        self.stats.add(posts=1, **{f"status_{status}": 1})
        self.settle(phone, batch, status, headers, answer)

    def log_in(self, phone: Phone, base: str) -> None:
        status = phone.login(base)
        self.stats.add(logins=1, **{f"login_{status}": 1})
        if phone.logged_in:
            phone.failures = 0
            return
        if status in (200, 429):  # wrong password re-shown, or the address locked: a bug
            phone.stopped = True
            print(f"member {phone.number}: login refused ({status})", file=sys.stderr)
            return
        phone.retry_later()

    def settle(self, phone: Phone, batch: list[dict], status: int, headers, answer: bytes):
        body = json_or_none(answer)
        if status == 200:
            del phone.outbox[: len(batch)]
            phone.failures = 0
            self.stats.add(accepted=body["accepted"], server_duplicates=body["duplicates"])
            self.acknowledge(len(batch))
        elif status == 400 and body and body.get("problems"):
            # Named as permanently invalid: the outbox drops those (the plan makes none).
            bad = {p["index"] for p in body["problems"] if p.get("index") is not None}
            bad = bad or set(range(len(batch)))
            phone.outbox[: len(batch)] = [e for i, e in enumerate(batch) if i not in bad]
            self.stats.add(invalid=len(bad))
            self.acknowledge(len(bad))
        elif status == 409:
            phone.stopped = True
            print(f"member {phone.number}: 409 {answer[:200]!r}", file=sys.stderr)
        elif status == 403:
            if body is not None:  # the endpoint's own 403: the session is gone
                phone.logged_in = False
                self.stats.add(session_lost=1)
            else:  # Django's CSRF failure page
                try:
                    phone.refresh_csrf(self.server.url)
                except ConnectionProblem:
                    self.stats.add(connection_errors=1)
            phone.retry_later()
        elif status == 429:
            phone.retry_later(float(headers.get("Retry-After") or 0))
        else:  # 5xx, or anything unforeseen: keep the events, try again later
            phone.retry_later()

    def acknowledge(self, count: int) -> None:
        with self.stats.lock:
            self.acknowledged += count
            if self.thresholds and self.acknowledged >= self.thresholds[0]:
                self.thresholds.pop(0)
                self.restart_due.set()

    # --- threads ---------------------------------------------------------------------------

    def client(self, phones: list[Phone]) -> None:
        while time.monotonic() < self.deadline:
            waiting = [p for p in phones if p.outbox and not p.stopped]
            if not waiting:
                return
            now = time.monotonic()
            ready = [p for p in waiting if p.not_before <= now]
            if not ready:
                time.sleep(min(0.05, max(0.0, min(p.not_before for p in waiting) - now)))
                continue
            for phone in ready:
                self.step(phone)

    def run(self) -> list[dict]:
        """Send everything, restarting the server on the way; returns the restarts."""
        threads = [
            # Daemons: if a restart fails, the script reports it and ends without them.
            threading.Thread(
                target=self.client, args=(self.phones[n :: self.size.clients],), daemon=True
            )
            for n in range(min(self.size.clients, len(self.phones)))
        ]
        for thread in threads:
            thread.start()
        restarts = []
        while any(thread.is_alive() for thread in threads):
            if not self.restart_due.wait(timeout=0.05):
                continue
            self.restart_due.clear()
            restarts.append(self.restart(len(restarts)))
        for thread in threads:
            thread.join()
        return restarts

    def restart(self, number: int) -> dict:
        kind = RESTART_KINDS[number % len(RESTART_KINDS)]
        at = self.acknowledged
        started = time.perf_counter()
        if kind == "kill":
            self.server.kill()
        else:
            self.server.stop()
        stopped = time.perf_counter() - started
        boot = self.server.start()
        down = time.perf_counter() - started
        print(
            f"restart {number + 1} ({kind}) after {at} events acknowledged: "
            f"stopped in {stopped:.1f} s, down {down:.1f} s",
            flush=True,
        )
        return {"kind": kind, "at": at, "down": down, "boot": boot}


# ======================================== results ========================================


@dataclass
class Comparison:
    sent: int
    stored: int
    lost: int
    duplicated: int
    extra: int
    mismatched: int
    examples: list[str]


def compare(built: Built, plans: list[list[dict]]) -> Comparison:
    """What the database holds for the members against every event they queued."""
    from learning.models import LearningEvent

    sent = {}
    for user_id, events in zip(built.user_ids, plans, strict=True):
        for event in events:
            sent[(user_id, event["id"])] = event
    rows = LearningEvent.objects.filter(member_id__in=built.user_ids).values_list(
        "member_id", "client_id", "page_id", "verb", "value", "occurred_at"
    )
    stored = Counter()
    mismatched, examples = 0, []
    for member_id, uuid, page_id, verb, value, occurred_at in rows:
        key = (member_id, str(uuid))
        stored[key] += 1
        event = sent.get(key)
        if event is None or stored[key] > 1:
            continue
        expected_at = datetime.fromisoformat(event["at"]).astimezone(UTC)
        same = (page_id, verb, value, occurred_at.astimezone(UTC)) == (
            event["page"],
            event["verb"],
            float(event["value"]),
            expected_at,
        )
        if not same:
            mismatched += 1
            if len(examples) < 3:
                examples.append(f"{key}: sent {event}, stored {page_id} {verb} {value}")
    return Comparison(
        sent=len(sent),
        stored=sum(stored.values()),
        lost=sum(1 for key in sent if key not in stored),
        duplicated=sum(count - 1 for count in stored.values() if count > 1),
        extra=sum(1 for key in stored if key not in sent),
        mismatched=mismatched,
        examples=examples,
    )


def report(size: LoadSize, load: Load, restarts: list[dict], result: Comparison, elapsed: float):
    counts = load.stats.counts
    left = sum(len(phone.outbox) for phone in load.phones)
    statuses = ", ".join(
        f"{name[7:]}: {counts[name]}" for name in sorted(counts) if name.startswith("status_")
    )
    logins = ", ".join(
        f"{name[6:]}: {counts[name]}" for name in sorted(counts) if name.startswith("login_")
    )
    errors = ", ".join(
        f"{name[6:]}: {counts[name]}" for name in sorted(counts) if name.startswith("error_")
    )
    restart_text = ", ".join(
        f"{r['kind']} after {r['at']} (down {r['down']:.1f} s)" for r in restarts
    )
    rows = [
        ("sent", f"{result.sent} events from {size.members} members (batches of ≤ {size.batch})"),
        ("stored", result.stored),
        ("lost", result.lost),
        ("duplicated", result.duplicated),
        ("extra", result.extra),
        ("mismatched", result.mismatched),
        ("left in outboxes", left),
        ("restarts", f"{len(restarts)} of {size.restarts}: {restart_text or '-'}"),
        ("elapsed", f"{elapsed:.1f} s"),
        ("events/s", f"{result.sent / elapsed:.0f}" if elapsed else "-"),
        ("event POSTs", f"{counts['posts']} ({statuses})"),
        ("connection errors", f"{counts['connection_errors']} ({errors or '-'})"),
        ("logins", f"{counts['logins']} ({logins}); sessions lost: {counts['session_lost']}"),
        (
            "server's answer",
            f"accepted {counts['accepted']}, duplicates {counts['server_duplicates']} "
            f"(resent after an answer was lost), invalid {counts['invalid']}",
        ),
    ]
    print()
    for name, value in rows:
        print(f"{name:<18} {value}")
    for example in result.examples:
        print("  mismatch:", example)


def measure(size: LoadSize, built: Built) -> bool:
    plans = plan_events(size, built.page_ids)
    log_path = Path(os.environ["MEDIA_ROOT"]).parent / "server.log"
    server = Server(free_port(), size.workers, log_path)
    print(f"server: gunicorn, {size.workers} workers, {server.url}; log {log_path}", flush=True)
    server.start()
    phones = [
        Phone(number, user_id, key, list(events))
        for number, (user_id, key, events) in enumerate(
            zip(built.user_ids, built.keys, plans, strict=True)
        )
    ]
    load = Load(size, server, phones)
    started = time.perf_counter()
    try:
        restarts = load.run()
    except RuntimeError as error:  # a restart whose server did not come up
        print(error, file=sys.stderr)
        server.stop()
        return False
    elapsed = time.perf_counter() - started
    server.stop()
    result = compare(built, plans)
    report(size, load, restarts, result, elapsed)
    failed = result.lost or result.duplicated or result.extra or result.mismatched
    ok = not failed and len(restarts) == size.restarts
    print("\nRESULT:", "0 lost, 0 duplicated" if ok else "FAILED", flush=True)
    return ok


# ========================================= main ==========================================


def parse_args(argv: list[str] | None = None) -> tuple[LoadSize, argparse.Namespace]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    defaults = LoadSize()
    parser.add_argument("--members", type=int, default=defaults.members)
    parser.add_argument("--events", type=int, default=defaults.events)
    parser.add_argument("--restarts", type=int, default=defaults.restarts)
    parser.add_argument("--clients", type=int, default=defaults.clients, help="client threads")
    parser.add_argument("--workers", type=int, default=defaults.workers, help="gunicorn workers")
    parser.add_argument("--batch", type=int, default=defaults.batch, help="events per request")
    parser.add_argument("--pages", type=int, default=defaults.pages)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--timeout", type=float, default=defaults.timeout)
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server for the scratch db")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args(argv)
    if not 1 <= args.batch <= MAX_BATCH:
        parser.error(f"--batch must be between 1 and {MAX_BATCH}")
    if args.members < 1 or args.events < args.members:
        parser.error("need at least one member and one event per member")
    size = LoadSize(
        members=args.members,
        events=args.events,
        restarts=args.restarts,
        clients=args.clients,
        workers=args.workers,
        batch=args.batch,
        pages=args.pages,
        seed=args.seed,
        timeout=args.timeout,
    )
    return size, args


def main(argv: list[str] | None = None) -> int:
    size, args = parse_args(argv)
    if args.postgres:
        os.environ["DATABASE_URL"] = args.postgres
    print(
        f"outbox load: {size.members} members, {size.events} events, {size.restarts} restarts, "
        f"{size.clients} client threads; Python {platform.python_version()}",
        flush=True,
    )
    return run_benchmark(
        BENCH_DB_NAME,
        lambda: build(size),
        lambda built: measure(size, built),
        args.keep,
    )


if __name__ == "__main__":
    sys.exit(main())
