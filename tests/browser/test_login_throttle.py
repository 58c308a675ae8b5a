"""Password guessing against a real gunicorn with three workers: the throttle's counters
live in a store they all share, and the admin login is throttled like the members' one."""

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.browser.support import PASSWORD, branch_with_people, in_server, server_env

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


class Visitor:
    """A client with its own cookies, posting forms with their CSRF token, never following
    redirects (a 302 to /admin/ is the sign of a successful login)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        no_redirects = type(
            "NoRedirects", (urllib.request.HTTPRedirectHandler,), {"redirect_request": _none}
        )
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), no_redirects
        )

    def open(self, path: str, data: dict | None = None) -> tuple[int, str, dict]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        request.add_header("Referer", self.base + path)
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)

    def log_in(self, path: str, username: str, password: str) -> tuple[int, str, dict]:
        _status, page, _headers = self.open(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        fields = {"csrfmiddlewaretoken": token, "username": username, "password": password}
        return self.open(path, fields)


def _none(*args, **kwargs):
    return None


@pytest.fixture(scope="module")
def people(server_url, tmp_path_factory):
    """A branch; its organiser is also an editor, so the admin would let them in."""
    people = branch_with_people(tmp_path_factory, "防猜密码支部")
    in_server(
        server_env(tmp_path_factory),
        "from django.contrib.auth.models import Group, User\n"
        f"User.objects.get(username={people['organiser']!r})"
        '.groups.add(Group.objects.get(name="编辑"))\n'
        "print('{}')",
    )
    return people


def test_the_sixth_login_is_refused_by_whichever_worker_answers(server_url, people):
    visitor = Visitor(server_url)
    for _attempt in range(5):
        status, page, _headers = visitor.log_in("/login/", people["member"], "guess")
        assert status == 200 and "用户名或密码不正确" in page
    status, page, headers = visitor.log_in("/login/", people["member"], PASSWORD)
    assert status == 429
    assert "登录失败的次数太多" in page and int(headers["Retry-After"]) > 0


def test_ten_wrong_admin_passwords_then_the_right_one_does_not_log_in(server_url, people):
    status, _page, headers = Visitor(server_url).log_in(
        "/admin/login/", people["organiser"], PASSWORD
    )
    assert status == 302 and headers["Location"] == "/admin/"  # the right password works
    visitor = Visitor(server_url)
    for _attempt in range(10):
        status, _page, _headers = visitor.log_in("/admin/login/", people["organiser"], "guess")
        assert status == 200
    status, _page, headers = visitor.log_in("/admin/login/", people["organiser"], PASSWORD)
    assert status == 200 and "Location" not in headers  # the form again, not /admin/
    status, _page, headers = visitor.open("/learning/")
    assert status == 302 and "/login/" in headers["Location"]  # no session was made
