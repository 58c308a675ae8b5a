"""The admin's other password paths are throttled like logging in: changing one's password
(the old one is checked) and asking for a password-reset e-mail."""

import re

import pytest
from django.core import mail
from django.test import Client

from members.throttle import PAIR_FAILURE_LIMIT, RESET_ADDRESS_LIMIT, RESET_EMAIL_LIMIT
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ACCOUNT = "/admin/account/"
RESET = "/admin/password_reset/"
PASSWORD = "井冈山-1927-星火"
NEW_PASSWORD = "延安窑洞-1935-灯火"


@pytest.fixture
def editor_client(db):
    UserFactory(
        username="bianji", password=PASSWORD, groups=["编辑"], email="bianji@example.edu.cn"
    )
    client = Client()
    assert client.login(username="bianji", password=PASSWORD)
    return client


def account_form(client) -> dict:
    """Every field the account page posts, as the page fills them in."""
    html = client.get(ACCOUNT).content.decode()
    data = {}
    for tag in re.findall(r"<(?:input|select)[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or name.group(1) == "csrfmiddlewaretoken" or 'type="file"' in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        if ('type="checkbox"' in tag or 'type="radio"' in tag) and "checked" not in tag:
            continue
        data[name.group(1)] = value.group(1) if value else ""
    for select in re.finditer(r'<select name="([^"]+)"(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(2))
        data[select.group(1)] = chosen.group(1) if chosen else ""
    return data


def change_password(client, old_password):
    data = account_form(client)
    data.update(
        {
            "name_email-first_name": "编",
            "name_email-last_name": "辑",
            "password-old_password": old_password,
            "password-new_password1": NEW_PASSWORD,
            "password-new_password2": NEW_PASSWORD,
        }
    )
    return client.post(ACCOUNT, data)


def password_is(username, password) -> bool:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username).check_password(password)


def test_changing_the_password_with_the_old_one_works(editor_client):
    response = change_password(editor_client, PASSWORD)
    assert response.status_code == 302
    assert password_is("bianji", NEW_PASSWORD)


def test_guessing_the_old_password_is_throttled(editor_client):
    for _attempt in range(PAIR_FAILURE_LIMIT):
        response = change_password(editor_client, "not-it")
        assert response.status_code == 200
        assert "旧密码不正确" in response.content.decode()
        assert "登录失败的次数太多" not in response.content.decode()
    response = change_password(editor_client, PASSWORD)  # right, but too late
    assert "登录失败的次数太多" in response.content.decode()
    assert password_is("bianji", PASSWORD)
    # The same counters as logging in: the login is locked too.
    login = Client().post("/login/", {"username": "bianji", "password": PASSWORD})
    assert login.status_code == 429


def test_the_account_page_still_needs_admin_access(db):
    UserFactory(username="xuesheng", password=PASSWORD)
    client = Client()
    client.login(username="xuesheng", password=PASSWORD)
    response = client.get(ACCOUNT)
    assert response.status_code in (302, 403)
    assert Client().get(ACCOUNT).status_code == 302  # anonymous: to the admin login


def test_reset_emails_to_one_address_are_limited(db):
    UserFactory(username="bianji", password=PASSWORD, email="bianji@example.edu.cn")
    for _request in range(RESET_EMAIL_LIMIT):
        response = Client(REMOTE_ADDR="10.0.0.1").post(RESET, {"email": "bianji@example.edu.cn"})
        assert response.status_code == 302
    assert len(mail.outbox) == RESET_EMAIL_LIMIT
    # From another address, and written differently: still the same mailbox.
    response = Client(REMOTE_ADDR="10.0.0.2").post(RESET, {"email": "BianJi@example.edu.cn"})
    assert response.status_code == 429
    assert "重置密码的请求太多" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert len(mail.outbox) == RESET_EMAIL_LIMIT


def test_reset_requests_from_one_address_are_limited(db):
    client = Client(REMOTE_ADDR="10.0.0.3")
    for number in range(RESET_ADDRESS_LIMIT):
        response = client.post(RESET, {"email": f"nobody{number}@example.edu.cn"})
        assert response.status_code == 302
    response = client.post(RESET, {"email": "someone-else@example.edu.cn"})
    assert response.status_code == 429
    # Another address is not affected.
    other = Client(REMOTE_ADDR="10.0.0.4").post(RESET, {"email": "someone-else@example.edu.cn"})
    assert other.status_code == 302


def test_a_malformed_reset_request_is_a_form_error(db):
    response = Client().post(RESET, {"email": "not an address\x00" * 20})
    assert response.status_code == 200
    assert "<form" in response.content.decode()


def change_email(client, email, current_password=None):
    data = account_form(client)
    data.update({"name_email-first_name": "编", "name_email-last_name": "辑"})
    data["name_email-email"] = email
    if current_password is not None:
        data["name_email-current_password"] = current_password
    return client.post(ACCOUNT, data)


def email_of(username) -> str:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username).email


def test_a_borrowed_session_cannot_change_the_email_without_the_password(editor_client):
    response = change_email(editor_client, "thief@example.com")
    assert response.status_code == 200
    assert "修改邮箱须输入当前密码" in response.content.decode()
    assert email_of("bianji") == "bianji@example.edu.cn"
    # So the password-reset link still goes to the owner's mailbox only.
    Client(REMOTE_ADDR="10.0.0.9").post(RESET, {"email": "thief@example.com"})
    assert mail.outbox == []


def test_the_email_changes_with_the_current_password(editor_client):
    response = change_email(editor_client, "bianji.new@example.edu.cn", PASSWORD)
    assert response.status_code == 302
    assert email_of("bianji") == "bianji.new@example.edu.cn"


def test_the_name_alone_changes_without_a_password(editor_client):
    data = account_form(editor_client)
    data.update({"name_email-first_name": "新名字", "name_email-last_name": "辑"})
    assert editor_client.post(ACCOUNT, data).status_code == 302
    assert email_of("bianji") == "bianji@example.edu.cn"


def test_guessing_the_password_through_the_email_is_throttled(editor_client):
    for _attempt in range(PAIR_FAILURE_LIMIT):
        response = change_email(editor_client, "thief@example.com", "not-it")
        assert response.status_code == 200
        assert "当前密码不正确" in response.content.decode()
    response = change_email(editor_client, "thief@example.com", PASSWORD)  # right, too late
    assert "登录失败的次数太多" in response.content.decode()
    assert email_of("bianji") == "bianji@example.edu.cn"
    # The same counters as logging in and changing the password.
    login = Client().post("/login/", {"username": "bianji", "password": PASSWORD})
    assert login.status_code == 429
