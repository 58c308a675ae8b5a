"""The anonymous page cache across gunicorn's workers (3 here, each with its own memory):
after an editor publishes or makes a page private in another process, no worker serves the
old page, because every worker reads the generation from the shared database."""

import urllib.error
import urllib.request
import uuid

import pytest

from tests.browser.support import in_server, server_env

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

VISITS = 12  # enough for every worker to answer several times

CHANGE = """
import json
from wagtail.models import PageViewRestriction
from stories.models import ExemplarStoryPage
pages = ExemplarStoryPage.objects.live().order_by("-path")
page = pages.get(pk={page_id}) if {page_id} else pages.public().first()
action = {action!r}
if action == "title":
    page.title = {title!r}
    page.save_revision().publish()
elif action == "private":
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
elif action == "public":
    PageViewRestriction.objects.filter(page=page).delete()
print(json.dumps({{"id": page.pk, "url": page.url, "title": page.title}}))
"""


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def visits(url: str) -> list[tuple[int, str, str]]:
    opener = urllib.request.build_opener(NoRedirect)
    answers = []
    for _ in range(VISITS):
        try:
            with opener.open(url, timeout=30) as response:
                body = response.read().decode()
                answers.append((response.status, response.headers.get("X-Page-Cache", ""), body))
        except urllib.error.HTTPError as error:
            answers.append((error.code, "", ""))
    return answers


def change(env: dict, action: str, page_id: int = 0, title: str = "") -> dict:
    return in_server(env, CHANGE.format(action=action, page_id=page_id, title=title))


def test_no_worker_serves_a_page_an_editor_changed(server_url, tmp_path_factory):
    env = server_env(tmp_path_factory)
    page = change(env, "none")
    url = server_url + page["url"]
    before = visits(url)
    assert all(status == 200 for status, _, _ in before)
    assert any(hit == "hit" for _, hit, _ in before)  # kept after the first visits
    new_title = f"{page['title']}·{uuid.uuid4().hex[:4]}"
    try:
        change(env, "title", page["id"], new_title)
        assert all(new_title in body for _, _, body in visits(url))
        change(env, "private", page["id"])
        assert all(status == 302 for status, _, _ in visits(url))
        change(env, "public", page["id"])
        assert all(status == 200 for status, _, _ in visits(url))
    finally:
        change(env, "public", page["id"])
        change(env, "title", page["id"], page["title"])
