"""The hostile-input walk's machinery: every URL pattern, hostile payloads, and a walker that
collects server errors instead of stopping at the first (``tests/test_hostile_input.py``).

A pattern's parameters are filled twice: with real ids from the test's world (so the view
really runs) and with hostile ones (huge ints, NUL-laden strings). Each URL is then asked
with GET and POST, form and JSON bodies, wrong content types and hostile query strings.
"""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from django.db import transaction
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import URLPattern, URLResolver, get_resolver

# --- hostile values -------------------------------------------------------------------------

HUGE_INT = "99999999999999999999"  # 20 digits: past a 64-bit id column
HUGE_NUMBER = "1" + "0" * 5000  # past Python's 4,300-digit int() limit
LONG_TEXT = "x" * 100_000
NUL_TEXT = "a\x00b"

HOSTILE_VALUES = {
    "controls": NUL_TEXT + "\x1b[2J\x07\x08\r\n\t\x7f",
    "huge-int": HUGE_INT,
    "huge-number": HUGE_NUMBER,
    "overflow": "1e999999",
    "nan": "NaN",
    "minus-zero": "-0",
    "empty": "",
    "unicode": "１２３\u200b\u202e\ufeff\U000e0001",  # full-width digits, invisible marks
    "markup": "../../etc/passwd'\"<script>%00%ff",
}

# Names the project reads (``grep 'GET.get(\|POST.get('``), Wagtail's admin and API read,
# and a generic handful: every one gets the same hostile value.
PARAM_NAMES = [
    # ours
    "page", "tag", "q", "next", "type", "all", "code", "registration", "action", "p",
    # Wagtail admin and API
    "id", "ordering", "order", "fields", "limit", "offset", "search", "child_of",
    "descendant_of", "html_path", "site", "locale", "collection_id", "parent", "slug",
    "format", "return_url", "multiple", "exclude", "for_user", "ids",
    # generic
    "username", "password", "title", "name", "email", "value", "token", "url", "sort", "filter",
]  # fmt: skip
# The 100 KB value goes only to the names views really read (30 copies would be 3 MB).
LONG_NAMES = ["page", "tag", "q", "next", "type", "p", "code", "registration", "id"]


def mixed_values() -> dict[str, str]:
    """Every name a different hostile value, round the set: one request carries them all."""
    values = list(HOSTILE_VALUES.values())
    return {name: values[i % len(values)] for i, name in enumerate(PARAM_NAMES)}


# (kind, query string): the same hostile value for every name, then the odd ones.
QUERIES = [
    *((f"query-{kind}", urlencode(dict.fromkeys(PARAM_NAMES, value)))
      for kind, value in HOSTILE_VALUES.items()),
    ("query-long", urlencode(dict.fromkeys(LONG_NAMES, LONG_TEXT))),
    ("query-repeated", "q=a&q=b&page=1&page=x&tag=&tag=%00&next=/&next=//evil"),
    ("query-many", "&".join(f"q{i}=%00" for i in range(2000))),  # past Django's 1,000 fields
]  # fmt: skip
MIXED_QUERY = ("query-mixed", urlencode(mixed_values()))


@dataclass(frozen=True)
class Body:
    """A POST body: ``data`` and ``content_type`` as the test client takes them."""

    kind: str
    data: object
    content_type: str | None = None  # None: the client's multipart form


def json_text(value: str) -> str:
    return f'{{"page": {value}, "items": [{value}], "q": {value}, "events": [{{"page": {value}}}]}}'


FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
GARBAGE_MULTIPART = Body("multipart-garbage", b"--xyz\r\ngarbage\x00\r\n--", "multipart/form-data; boundary=xyz")  # fmt: skip
# Bodies a form view reads (request.POST).
FORM_BODIES = [
    Body("form-mixed", urlencode(mixed_values()), FORM),
    Body("form-nul", urlencode(dict.fromkeys(PARAM_NAMES, NUL_TEXT)), FORM),
    Body("form-long", urlencode(dict.fromkeys(LONG_NAMES, LONG_TEXT)), FORM),
    Body("form-repeated", "q=a&q=b&page=1&page=x&registration=1&registration=x", FORM),
    Body("form-many", "&".join(f"q{i}=%00" for i in range(2000)), FORM),
    Body("multipart-fields", mixed_values()),
    GARBAGE_MULTIPART,
    Body("multipart-no-boundary", b"garbage", "multipart/form-data"),
]
# Bodies a JSON endpoint reads (request.body).
JSON_BODIES = [
    Body("json-deep", "[" * 200_000, JSON),
    Body("json-huge-number", json_text(HUGE_NUMBER), JSON),
    Body("json-overflow", json_text("1e999999"), JSON),
    Body("json-nan", json_text("NaN"), JSON),
    Body("json-minus-zero", json_text("-0"), JSON),
    Body("json-huge-int", json_text(HUGE_INT), JSON),
    Body("json-strings", '{"page": "\\u0000", "q": "\\u001b", "events": [{"verb": "\\u0000", "page": "\\u0000"}]}', JSON),
    Body("json-scalar", "null", JSON),
    Body("json-bad-utf8", b'{"q": "\xff\xfe"}', JSON),
    Body("json-as-text", '{"page": 1, "events": []}', "text/plain"),
    Body("form-as-json", urlencode(mixed_values()), JSON),
]  # fmt: skip
SHORT_BODIES = [FORM_BODIES[0], GARBAGE_MULTIPART]


def read_query(request) -> bool:
    return "GET" in request.__dict__  # WSGIRequest.GET is parsed on first use


def read_form(request) -> bool:
    return "_post" in request.__dict__


def read_body(request) -> bool:
    return "_body" in request.__dict__ or getattr(request, "_read_started", False)


# --- URL patterns ---------------------------------------------------------------------------

CONVERTER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
REGEX_CHARS = re.compile(r"[()\[\]\\*+?|{}]")


@dataclass(frozen=True)
class Pattern:
    route: str  # the whole route, prefixes joined: "admin/pages/<int:page_id>/edit/"
    name: str

    @property
    def params(self) -> list[tuple[str, str]]:
        """(name, converter) of each ``<…>`` in the route."""
        return [(m["name"], m["converter"] or "str") for m in CONVERTER.finditer(self.route)]


def all_patterns() -> list[Pattern]:
    def walk(resolver: URLResolver, prefix: str) -> Iterator[Pattern]:
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry, route)
            elif isinstance(entry, URLPattern):
                yield Pattern(route, entry.name or "")

    return list(walk(get_resolver(), ""))


def plain_route(route: str) -> str | None:
    """The route without regex anchors, or None when it still holds regex syntax."""
    plain = route.replace("^", "").replace("$", "")
    return None if REGEX_CHARS.search(CONVERTER.sub("", plain)) else plain


def fill(route: str, value_for: Callable[[str, str], str]) -> str:
    """``/``-rooted path with each ``<converter:name>`` replaced by ``value_for(name, conv)``."""
    path = CONVERTER.sub(
        lambda m: quote(value_for(m["name"], m["converter"] or "str"), safe=""), route
    )
    return "/" + path  # fmt: skip


def hostile_value(converter: str) -> str:
    return {"int": HUGE_INT, "id": HUGE_INT, "slug": "x" * 2000}.get(
        converter, NUL_TEXT + "\x1b" + "长" * 50
    )


@dataclass(frozen=True)
class Target:
    """One URL to walk: the pattern it covers and whether its parameters are real."""

    pattern: Pattern
    url: str
    fill: str  # "real", "hostile" or "hostile:<param>"


def targets_for(pattern: Pattern, real: Callable[[Pattern, str], str]) -> list[Target]:
    """The real fill, everything hostile, and each str parameter hostile on its own."""
    params, route = pattern.params, plain_route(pattern.route)
    real_url = fill(route, lambda name, conv: real(pattern, name))
    found = [Target(pattern, real_url, "real")]
    if not params:
        return found
    found.append(Target(pattern, fill(route, lambda n, conv: hostile_value(conv)), "hostile"))
    for name, conv in params:
        if conv != "int" and len(params) > 1:
            url = fill(route, lambda n, c, name=name: hostile_value(c) if n == name else real(pattern, n))  # fmt: skip
            found.append(Target(pattern, url, f"hostile:{name}"))
    return found


# --- walking --------------------------------------------------------------------------------


@dataclass
class Failure:
    method: str
    url: str
    kind: str
    user: str
    status: int
    error: str

    def __str__(self) -> str:
        url = self.url if len(self.url) < 140 else self.url[:137] + "…"
        return f"{self.status} {self.method} {url} [{self.kind}] as {self.user}: {self.error}"


class _ServerError(Exception):
    """Raised inside the per-request savepoint so a failed request leaves no trace (on
    PostgreSQL a failed query would otherwise abort the whole test transaction)."""

    def __init__(self, response) -> None:
        self.response = response


@dataclass
class Walker:
    """Sends requests as one user, re-logging in whenever a request logged the user out
    (logout, a password change), and keeps every answer of 500 or more."""

    label: str
    user: object | None = None
    failures: list[Failure] = field(default_factory=list)
    requests: int = 0
    seconds: Counter = field(default_factory=Counter)  # time spent per path

    def __post_init__(self) -> None:
        self.client = Client(raise_request_exception=False)
        self.login()

    def login(self) -> None:
        if self.user is not None:
            self.client.force_login(self.user)

    def send(self, method: str, url: str, kind: str, **extra):
        """The request the view saw (to tell what it read); a 500 is kept, then undone."""
        self.requests += 1
        started = time.perf_counter()
        try:
            with transaction.atomic():
                response = self.client.generic(method, url, **extra)
                if response.status_code >= 500:
                    raise _ServerError(response)
        except _ServerError as error:
            response = error.response
            self.failures.append(Failure(method, url, kind, self.label, response.status_code,
                                         describe(response)))  # fmt: skip
        if self.user is not None and not response.wsgi_request.user.is_authenticated:
            self.login()
        self.seconds[url.partition("?")[0][:100]] += time.perf_counter() - started
        return response.wsgi_request

    def get(self, url: str, kind: str, query: str = ""):
        return self.send("GET", f"{url}?{query}" if query else url, kind)

    def post(self, url: str, body: Body):
        if body.content_type is None:  # a real multipart form, as a browser sends it
            data = encode_multipart(BOUNDARY, body.data)
            return self.send("POST", url, body.kind, data=data, content_type=MULTIPART_CONTENT)
        data = body.data.encode() if isinstance(body.data, str) else body.data
        return self.send("POST", url, body.kind, data=data, content_type=body.content_type)

    def full(self, url: str) -> None:
        """A plain GET, then every hostile query string and body. Each family after its
        first payload goes only where the view read that input (a view that never looks at
        the query string cannot tell one hostile value from another)."""
        self.get(url, "plain")
        if read_query(self.get(url, *QUERIES[0])):
            for kind, query in QUERIES[1:]:
                self.get(url, kind, query)
        if read_form(self.post(url, FORM_BODIES[0])):
            for body in FORM_BODIES[1:]:
                self.post(url, body)
        if read_body(self.post(url, JSON_BODIES[0])):
            for body in JSON_BODIES[1:]:
                self.post(url, body)

    def short(self, url: str) -> None:
        """One hostile GET and the short list of POST bodies (Wagtail's admin)."""
        self.get(url, *MIXED_QUERY)
        for body in SHORT_BODIES:
            self.post(url, body)


@contextmanager
def quiet_logs() -> Iterator[None]:
    """Django logs every 4xx with its traceback: thousands of them, some 100 KB long."""
    loggers = [logging.getLogger(name) for name in ["django.request", "django.security", "wagtail"]]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def describe(response) -> str:
    if response.exc_info:
        _, error, _ = response.exc_info
        return f"{error.__class__.__name__}: {str(error)[:200]}"
    return "(no exception recorded)"


def report(failures: Iterable[Failure]) -> str:
    lines = [str(failure) for failure in failures]
    return f"{len(lines)} server errors:\n" + "\n".join(lines)
