"""A member logs in and out on a phone; password guessing is stopped early."""

import pytest
from django.test import Client

from tests.factories import MicroLecturePageFactory, UserFactory

pytestmark = pytest.mark.django_db
LOGIN = "/login/"
LOGOUT = "/logout/"
PASSWORD = "长征精神-1935"


@pytest.fixture
def member(db):
    return UserFactory(username="zhangsan", password=PASSWORD)


@pytest.fixture
def other_member(db):
    return UserFactory(username="lisi", password=PASSWORD)


def log_in(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def logged_in_as(client):
    return client.session.get("_auth_user_id")


def test_login_page_renders_for_phones(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_username">用户名</label>' in html
    assert '<label for="id_password">密码</label>' in html
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html
    assert 'autocapitalize="none"' in html
    assert 'name="viewport"' in html  # from base.html
    assert response["Cache-Control"].startswith("max-age=0")  # never cached


def test_correct_login_goes_to_next(client, member):
    lecture = MicroLecturePageFactory()
    response = log_in(client, "zhangsan", PASSWORD, next=lecture.url)
    assert response.status_code == 302
    assert response["Location"] == lecture.url
    assert logged_in_as(client) == str(member.pk)


def test_login_without_next_goes_to_my_learning(client, member):
    assert log_in(client, "zhangsan", PASSWORD)["Location"] == "/learning/"


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]
)
def test_next_to_another_site_is_ignored(client, member, next_url):
    response = log_in(client, "zhangsan", PASSWORD, next=next_url)
    assert response["Location"] == "/learning/"


def test_login_link_in_header_carries_the_current_page(client):
    lecture = MicroLecturePageFactory()
    html = client.get(lecture.url).content.decode()
    assert f'href="/login/?next={lecture.url}"' in html
    assert 'href="/learning/"' not in html


def test_protected_action_sends_anonymous_members_to_our_login(client):
    lecture = MicroLecturePageFactory()
    response = client.post(f"/learning/pages/{lecture.pk}/studied/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_wrong_password_shows_an_error(client, member):
    response = log_in(client, "zhangsan", "wrong")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert logged_in_as(client) is None


def test_unknown_username_gets_the_same_answer(client, member):
    wrong_password = log_in(client, "zhangsan", "wrong")
    no_such_user = log_in(client, "nobody", "wrong")
    assert no_such_user.status_code == wrong_password.status_code == 200
    assert "用户名或密码不正确" in no_such_user.content.decode()


def test_sixth_attempt_is_refused_even_with_the_right_password(client, member):
    for _attempt in range(5):
        assert log_in(client, "zhangsan", "guess").status_code == 200
    response = log_in(client, "zhangsan", PASSWORD)
    assert response.status_code == 429
    assert "登录失败的次数太多" in response.content.decode()
    assert "15 分钟后再试" in response.content.decode()
    assert 0 < int(response["Retry-After"]) <= 900
    assert logged_in_as(client) is None
    # The counter ignores case, as people type it either way.
    assert log_in(client, "ZhangSan", PASSWORD).status_code == 429


def test_a_correct_login_clears_the_username_counter(client, member):
    for _attempt in range(4):
        log_in(client, "zhangsan", "guess")
    assert log_in(client, "zhangsan", PASSWORD).status_code == 302
    client.logout()
    for _attempt in range(4):
        log_in(client, "zhangsan", "guess")
    assert log_in(client, "zhangsan", PASSWORD).status_code == 302


def test_incomplete_forms_do_not_count_as_failures(client, member):
    for _attempt in range(10):
        assert log_in(client, "zhangsan", "").status_code == 200
    assert log_in(client, "zhangsan", PASSWORD).status_code == 302


def test_address_limit_stops_guessing_across_usernames(client, member, other_member):
    for _attempt in range(5):
        log_in(client, "zhangsan", "guess")
    # Another member on the same network can still log in...
    assert log_in(client, "lisi", PASSWORD).status_code == 302
    client.logout()
    # ...until twenty failures have come from this address.
    for number in range(15):
        assert log_in(client, f"guess{number}", "guess").status_code == 200
    assert log_in(client, "lisi", PASSWORD).status_code == 429
    # Someone elsewhere is not affected.
    elsewhere = Client(REMOTE_ADDR="10.20.30.40")
    assert log_in(elsewhere, "lisi", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "data",
    [
        {"username": "x" * 10_000, "password": "p"},
        {"username": "zhang\x00san", "password": PASSWORD},
        {"username": "zhangsan\x00", "password": "p" * 10_000},
        {"username": "", "password": ""},
        {"username": ["a", "b"], "password": ["c", "d"]},
        {},
    ],
)
def test_junk_input_gets_a_form_error_not_a_crash(client, member, data):
    response = client.post(LOGIN, data)
    assert response.status_code == 200
    assert logged_in_as(client) is None


@pytest.mark.parametrize("body", ["username=%ED%A0%80&password=p", "username=%FF%FE&password=%00"])
def test_undecodable_bytes_are_not_a_crash(client, body):
    response = client.post(LOGIN, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200


@pytest.mark.parametrize("query", ["?next=/login/", "?next=%00", "?next=" + "a" * 5000])
def test_login_page_with_odd_next_still_renders(client, member, query):
    assert client.get(LOGIN + query).status_code == 200
    client.force_login(member)
    assert client.get(LOGIN + query).status_code == 200


def test_logout_needs_a_post(client, member):
    client.force_login(member)
    response = client.get(LOGOUT)
    assert response.status_code == 200
    assert "您当前登录为 zhangsan" in response.content.decode()
    assert logged_in_as(client) == str(member.pk)  # a GET never logs anyone out

    response = client.post(LOGOUT)
    assert response.status_code == 200
    assert "已退出登录" in response.content.decode()
    assert logged_in_as(client) is None
    assert client.get(LOGOUT).status_code == 200


def test_header_logout_form_posts_with_csrf(member):
    phone = Client(enforce_csrf_checks=True)
    phone.force_login(member)
    html = phone.get("/").content.decode()
    assert 'href="/learning/">我的学习</a>' in html
    assert 'action="/logout/" method="post"' in html
    assert phone.post(LOGOUT).status_code == 403  # no token: refused, still logged in
    assert logged_in_as(phone) == str(member.pk)
    token = phone.cookies["csrftoken"].value
    assert phone.post(LOGOUT, HTTP_X_CSRFTOKEN=token).status_code == 200
    assert logged_in_as(phone) is None


def test_a_stranger_cannot_lock_the_member_out(member):
    guesser = Client(REMOTE_ADDR="198.51.100.66")
    for _attempt in range(5):
        log_in(guesser, "zhangsan", "guess")
    assert log_in(guesser, "zhangsan", PASSWORD).status_code == 429  # the guesser is stopped
    at_home = Client(REMOTE_ADDR="203.0.113.20")
    assert log_in(at_home, "zhangsan", PASSWORD).status_code == 302  # the member is not


def test_guessing_one_account_from_many_addresses_slows_the_guessers_not_the_member(member):
    for number in range(50):
        log_in(Client(REMOTE_ADDR=f"198.51.100.{number + 1}"), "zhangsan", "guess")
    # The guessing addresses share one turn at a time (members.throttle)...
    assert log_in(Client(REMOTE_ADDR="198.51.100.1"), "zhangsan", "guess").status_code == 200
    assert log_in(Client(REMOTE_ADDR="198.51.100.2"), "zhangsan", PASSWORD).status_code == 429
    # ...while the member, from an address that has not failed, logs in.
    assert log_in(Client(REMOTE_ADDR="203.0.113.20"), "zhangsan", PASSWORD).status_code == 302


def test_the_admin_login_is_throttled_too(member):
    member.is_superuser = member.is_staff = True
    member.save()
    client = Client()
    for _attempt in range(10):
        client.post("/admin/login/", {"username": "zhangsan", "password": "guess"})
    response = client.post("/admin/login/", {"username": "zhangsan", "password": PASSWORD})
    assert response.status_code == 200  # the form again, not a redirect into the admin
    assert logged_in_as(client) is None


def test_behind_a_trusted_proxy_each_client_has_its_own_counter(member, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]

    def via_proxy(forwarded: str) -> Client:
        return Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)

    for number in range(20):
        log_in(via_proxy(f"198.51.100.{number % 5}"), f"guess{number}", "guess")
    # Twenty failures came through the proxy, from five clients: nobody else is locked out,
    # and a forged first hop does not move the counter to another address.
    assert log_in(via_proxy("203.0.113.20"), "zhangsan", PASSWORD).status_code == 302
    assert log_in(via_proxy("6.6.6.6, 198.51.100.1"), "x", "guess").status_code == 200


def test_without_trusted_proxies_forwarded_headers_are_ignored(member):
    for number in range(20):
        forged = Client(REMOTE_ADDR="192.0.2.9", HTTP_X_FORWARDED_FOR=f"198.51.100.{number}")
        log_in(forged, f"guess{number}", "guess")
    locked = Client(REMOTE_ADDR="192.0.2.9", HTTP_X_FORWARDED_FOR="203.0.113.20")
    assert log_in(locked, "zhangsan", PASSWORD).status_code == 429
