"""Clean audits on every page type.

axe-core runs in Chromium on every page type, anonymous and logged in (a member with a
lecture's self-check, reflection and vote forms, 我的学习, 为你推荐; an organiser's 支部 and
an assignment page), and the Nu HTML Checker reads the HTML each page was served with:
any axe violation or Nu error fails, listed by page. Lighthouse (mobile) scores every
indexable page type 100 in all four categories. The tools come from npm (pinned, installed
into .tools/ by scripts/audit_tools.sh and scripts/lighthouse.sh).

Marked `audit`: scripts/test runs these alone after the rest, since Lighthouse's simulated
slow phone scores a busy machine, not the page; performance counts the best of five runs,
other categories run again only when they are below 100.
"""

import urllib.request
import uuid
from urllib.parse import urlparse

import pytest

from tests.browser.audits import CATEGORIES, axe_source, axe_violations, nu_errors, scores
from tests.browser.support import PASSWORD, branch_with_people, in_server

pytestmark = [pytest.mark.browser, pytest.mark.audit, pytest.mark.xdist_group("browser")]

# Pages anyone may open and search engines may index: Lighthouse scores these too.
INDEXABLE = {
    "首页": "/",
    "微党课列表": "/lectures/",
    "红色场馆列表": "/sites/",
    "先进典型列表": "/stories/",
    "论坛活动列表": "/events/",
    "微党课（音频、章节）": "/lectures/ruijin-soviet-style/",
    "红色场馆（虚拟参观）": "/sites/first-congress-site/",
    "先进典型": "/stories/tu-youyou/",
    "论坛活动": "/events/innovation-forum/",
    "标签索引": "/tags/",
    "标签页": "/tags/%E5%85%9A%E5%8F%B2%E5%AD%A6%E4%B9%A0/",  # 党史学习
}
# Anonymous pages that are not indexed (noindex) or are forms.
ANONYMOUS = {
    "搜索（有结果）": "/search/?q=长征",
    "搜索（无结果）": "/search/?q=没有这样的内容zq",
    "登录": "/login/",
    "意见箱": "/yijianxiang/",
    "404": "/no-such-page-at-all/",
    "离线页面": "/offline/",
}
# A lecture with a self-check and 学完标准 心得, held by an assignment that asks for a reflection.
LECTURE = "from-poverty-to-revitalisation"

ASSIGNMENT = """
import json
from datetime import timedelta
from django.utils import timezone
from assignments.models import Assignment, AssignmentItem
from lectures.models import MicroLecturePage
page = MicroLecturePage.objects.get(slug={slug!r})
assignment = Assignment.objects.create(
    branch_id={branch_id}, title="审计任务{suffix}",
    due_on=timezone.localdate() + timedelta(days=7), require_reflection=True,
)
AssignmentItem.objects.create(assignment=assignment, page=page)
print(json.dumps({{"assignment": assignment.pk, "lecture": page.url}}))
"""


@pytest.fixture
def people(server_url, tmp_path_factory):
    branch = branch_with_people(tmp_path_factory, "审计学院党支部")
    made = in_server(
        branch["env"],
        ASSIGNMENT.format(slug=LECTURE, branch_id=branch["id"], suffix=uuid.uuid4().hex[:6]),
    )
    return {**branch, **made}


class Auditor:
    """A 375 px phone whose context may inject axe-core (our CSP forbids inline script)."""

    def __init__(self, browser, server_url, source: str):
        self.server_url = server_url
        self.source = source
        self.context = browser.new_context(
            viewport={"width": 375, "height": 740},
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            locale="zh-CN",
            bypass_csp=True,
        )
        self.page = self.context.new_page()
        self.html: dict[str, str] = {}
        self.violations: dict[str, list[str]] = {}

    def audit(self, name: str, path: str, status: int = 200):
        response = self.page.goto(self.server_url + path, wait_until="load")
        assert response.status == status, f"{name} {path}: {response.status}"
        self.page.wait_for_load_state("networkidle")
        self.html[f"{name} {path}"] = response.text()
        found = axe_violations(self.page, self.source)
        if found:
            self.violations[f"{name} {path}"] = found

    def login(self, username: str):
        page = self.page
        page.goto(self.server_url + "/login/", wait_until="load")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(PASSWORD)
        with page.expect_navigation(wait_until="load"):
            page.locator("form.account-form").get_by_role("button", name="登录").click()
        assert urlparse(page.url).path == "/learning/", page.url

    def close(self):
        self.context.close()


def report(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{page}:\n  " + "\n  ".join(items) for page, items in found.items())


def test_every_page_type_has_no_axe_violations_and_no_nu_errors(
    browser, server_url, people, tmp_path
):
    source = axe_source()
    auditors = [Auditor(browser, server_url, source) for _ in range(3)]
    anonymous, member, organiser = auditors
    try:
        for name, path in {**INDEXABLE, **ANONYMOUS}.items():
            anonymous.audit(name, path, status=404 if name == "404" else 200)
        member.login(people["member"])
        member.audit("我的学习", "/learning/")
        member.audit("首页（登录）", "/")
        member.audit("为你推荐", "/learning/for-you/")
        member.audit("微党课（登录：自测、心得、评价）", people["lecture"])
        organiser.login(people["organiser"])
        organiser.audit("支部", "/branch/")
        organiser.audit("任务", f"/branch/assignments/{people['assignment']}/")
        html = {name: text for auditor in auditors for name, text in auditor.html.items()}
        violations = {
            name: found for auditor in auditors for name, found in auditor.violations.items()
        }
    finally:
        for auditor in auditors:
            auditor.close()
    assert len(html) == len(INDEXABLE) + len(ANONYMOUS) + 6
    errors = nu_errors(html, tmp_path)
    assert not violations and not errors, (
        f"axe-core violations:\n{report(violations)}\n\nNu HTML Checker errors:\n{report(errors)}"
    )


def test_indexable_pages_score_100_in_lighthouse_on_a_phone(server_url, tmp_path):
    below = {}
    for number, (name, path) in enumerate(INDEXABLE.items()):
        url = server_url + path
        urllib.request.urlopen(url, timeout=60).read()  # the first visit makes the renditions
        folder = tmp_path / f"page-{number}"
        folder.mkdir()
        found = scores(url, list(CATEGORIES), folder)
        print(name, path, {category: score for category, (score, _) in found.items()})
        failing = [
            f"{category} {score:.2f}: {'; '.join(audits)}"
            for category, (score, audits) in found.items()
            if score < 1
        ]
        if failing:
            below[f"{name} {path}"] = failing
    assert not below, f"Lighthouse mobile below 100:\n{report(below)}"
