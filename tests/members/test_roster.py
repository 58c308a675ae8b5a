"""An organiser imports the branch list from a spreadsheet; members set their own passwords."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client

from members.models import Branch, MemberProfile, Role

pytestmark = pytest.mark.django_db
User = get_user_model()
HEADER = "username,name,branch,role,email"
LINK = re.compile(r"^  ([\w.@+-]+)（.*）：(http://\S+)$", re.MULTILINE)


def write(tmp_path: Path, text: str, *, bom: bool = False, encoding: str = "utf-8") -> Path:
    path = tmp_path / "members.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding))
    return path


def run(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("import_members", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def run_failing(path: Path, *args: str) -> tuple[str, str]:
    """The error lines and the final message of an import that must be refused."""
    err = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_members", str(path), *args, stdout=StringIO(), stderr=err)
    return err.getvalue(), str(failure.value)


def snapshot() -> tuple[int, int, int]:
    return User.objects.count(), MemberProfile.objects.count(), Branch.objects.count()


VALID = (
    f"{HEADER}\r\n"
    "zhangsan,张三,计算机学院学生第一党支部,member,zhangsan@example.edu.cn\r\n"
    "lisi,李四,计算机学院学生第一党支部,组织委员,\r\n"
    '"wangwu","王五（转入）",马克思主义学院教工党支部,成员,WangWu@Example.EDU.CN\r\n'
)


def test_valid_file_with_bom_creates_members_without_passwords(tmp_path):
    Branch.objects.create(name="马克思主义学院教工党支部", organisation="马克思主义学院党委")
    output = run(write(tmp_path, VALID, bom=True))

    assert "已新建党支部：计算机学院学生第一党支部" in output
    assert "已新建党支部：马克思主义学院教工党支部" not in output  # it existed already
    assert "created 3, updated 0, unchanged 0, branches created 1" in output
    assert "第 2 行：已新建成员 zhangsan（张三 · 计算机学院学生第一党支部 · 成员）" in output

    zhang = User.objects.get(username="zhangsan")
    assert not zhang.has_usable_password()
    assert zhang.email == "zhangsan@example.edu.cn"
    profile = zhang.member_profile
    assert (profile.display_name, profile.branch.name, profile.role) == (
        "张三",
        "计算机学院学生第一党支部",
        Role.MEMBER,
    )
    assert User.objects.get(username="lisi").member_profile.role == Role.ORGANISER
    wang = User.objects.get(username="wangwu")
    assert wang.member_profile.display_name == "王五（转入）"
    assert wang.member_profile.branch.organisation == "马克思主义学院党委"
    assert wang.email == "WangWu@example.edu.cn"  # the domain is lower-cased, as Django does

    # One set-password link per new member.
    assert {username for username, _url in LINK.findall(output)} == {"zhangsan", "lisi", "wangwu"}


def test_columns_in_any_order_and_blank_lines_are_fine(tmp_path):
    text = "Email, Role ,name,branch,username\n\nyangliu@example.edu.cn,member,杨柳,青年教师党支部,yangliu\n,,,,\n"
    output = run(write(tmp_path, text))
    assert "created 1" in output
    profile = MemberProfile.objects.get(user__username="yangliu")
    assert profile.branch.name == "青年教师党支部"
    assert profile.user.email == "yangliu@example.edu.cn"


def test_reimport_updates_profiles_and_never_touches_passwords(tmp_path):
    run(write(tmp_path, VALID))
    zhang = User.objects.get(username="zhangsan")
    zhang.set_password("my-own-secret-42")
    zhang.save()
    # Someone who already had an account but no member profile.
    User.objects.create_user("zhaoliu", password="zhaoliu-secret-7", email="old@example.edu.cn")

    changed = (
        f"{HEADER}\n"
        "zhangsan,张三丰,新闻学院学生党支部,organiser,\n"  # empty email keeps the old one
        "lisi,李四,计算机学院学生第一党支部,组织委员,\n"
        # The same address but for case: Django's password reset treats it as one, so unchanged.
        "wangwu,王五（转入）,马克思主义学院教工党支部,成员,wangwu@example.edu.cn\n"
        "zhaoliu,赵六,新闻学院学生党支部,member,\n"
    )
    output = run(write(tmp_path, changed))

    assert "已新建党支部：新闻学院学生党支部" in output
    assert "created 0, updated 2, unchanged 2, branches created 1" in output
    assert User.objects.get(username="wangwu").email == "WangWu@example.edu.cn"
    assert "第 2 行：已更新成员 zhangsan：姓名 张三 → 张三丰、党支部" in output
    assert "第 5 行：已更新成员 zhaoliu：新建成员资料" in output

    zhang.refresh_from_db()
    assert zhang.check_password("my-own-secret-42")
    assert zhang.email == "zhangsan@example.edu.cn"
    assert zhang.member_profile.display_name == "张三丰"
    assert zhang.member_profile.role == Role.ORGANISER
    assert zhang.member_profile.branch.name == "新闻学院学生党支部"
    zhao = User.objects.get(username="zhaoliu")
    assert zhao.check_password("zhaoliu-secret-7")
    assert zhao.email == "old@example.edu.cn"
    assert zhao.member_profile.display_name == "赵六"

    # Links again only for those who still have no password: a way to replace expired links.
    assert {username for username, _url in LINK.findall(output)} == {"lisi", "wangwu"}


def test_bad_rows_are_all_reported_with_their_line_numbers_and_nothing_is_imported(tmp_path):
    User.objects.create_user("Existing")
    text = (
        f"{HEADER}\n"  # 1
        "zhangsan,张三,第一党支部,member,\n"  # 2: fine
        "\n"  # 3: blank, skipped
        "bad user!,坏用户名,第一党支部,member,\n"  # 4
        "lisi,,第一党支部,member,\n"  # 5: no name
        "wangwu,王五,第一党支部,admin,\n"  # 6: unknown role
        "ZhangSan,张三二,第一党支部,member,\n"  # 7: repeats line 2
        "zhaoliu,赵六,第一党支部,member\n"  # 8: four columns
        'sunqi,"孙\n七",第一党支部,member,not-an-email\n'  # 9-10: one row over two lines
        "existing,某人,第一党支部,member,\n"  # 11: differs from Existing only by case
        f"{'x' * 151},长名字,{'支' * 101},member,\n"  # 12
        "zhouba,周\x00八,第一党支部,member,\n"  # 13: NUL byte
    )
    before = snapshot()
    errors, message = run_failing(write(tmp_path, text))

    lines = errors.splitlines()
    assert (
        lines[0]
        == "第 4 行：username：只能包含字母（可以是中文）、数字和 @ . + - _，不能有空格或其他符号"
    )
    assert "第 5 行：name：不能为空" in lines
    assert any(line.startswith("第 6 行：role：未知角色 “admin”") for line in lines)
    assert "第 7 行：username：与第 2 行的用户名重复（不区分大小写）" in lines
    assert any(line.startswith("第 8 行：列数：这一行有 4 列，表头有 5 列") for line in lines)
    assert "第 9 行：name：不能包含换行、制表符等控制字符" in lines
    assert "第 9 行：email：不是有效的电子邮箱地址" in lines
    assert any(line.startswith("第 11 行：username：网站已有用户 Existing") for line in lines)
    assert [line for line in lines if line.startswith("第 12 行：username：")] == [
        "第 12 行：username：不能超过 150 个字符（现在是 151 个）"
    ]
    assert "第 12 行：branch：不能超过 100 个字符（现在是 101 个）" in lines
    assert "第 13 行：name：不能包含换行、制表符等控制字符" in lines
    assert not any(line.startswith(("第 2 行：", "第 3 行：")) for line in lines)
    assert message.startswith(f"发现 {len(lines)} 个问题，没有导入任何成员")
    assert snapshot() == before


def test_bad_header_names_the_columns(tmp_path):
    path = write(tmp_path, "username,name,branch,role,phone\nzhangsan,张三,第一党支部,member,138\n")
    errors, _message = run_failing(path)
    assert errors.strip() == (
        "第 1 行：表头：缺少列 email；多出列 phone。"
        "表头必须正好是 username,name,branch,role,email 这 5 列（顺序不限）"
    )
    assert not User.objects.filter(username="zhangsan").exists()


def test_repeated_header_column(tmp_path):
    errors, _message = run_failing(write(tmp_path, f"{HEADER},name\n"))
    assert "多出列" not in errors
    assert "列 name 出现了不止一次" in errors


def test_file_that_is_not_utf8_is_refused(tmp_path):
    path = write(tmp_path, f"{HEADER}\nzhangsan,张三,第一党支部,member,\n", encoding="gbk")
    errors, message = run_failing(path)
    assert "文件不是 UTF-8 编码（第 2 行" in message
    assert not User.objects.filter(username="zhangsan").exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", "文件是空的"), ("\n \n,,,,\n", "文件是空的"), (f"{HEADER}\n\n", "只有表头")],
)
def test_empty_files_are_refused(tmp_path, text, expected):
    _errors, message = run_failing(write(tmp_path, text))
    assert expected in message


def test_missing_file(tmp_path):
    _errors, message = run_failing(tmp_path / "nope.csv")
    assert "找不到文件" in message


def test_dry_run_writes_nothing(tmp_path):
    before = snapshot()
    output = run(write(tmp_path, VALID), "--dry-run")
    assert "将新建党支部：计算机学院学生第一党支部" in output
    assert "would create 3, would update 0, unchanged 0, would create branches 2" in output
    assert "试运行（--dry-run），没有写入任何内容" in output
    assert "http://" not in output
    assert snapshot() == before


def test_set_password_link_works_end_to_end(tmp_path):
    output = run(write(tmp_path, VALID))
    links = dict(LINK.findall(output))
    link = links["zhangsan"]
    assert link.startswith("http://127.0.0.1:8000/reset/")
    path = link.removeprefix("http://127.0.0.1:8000")

    phone = Client()
    response = phone.get(path)
    assert response.status_code == 302  # the token moves into the session
    form_url = response["Location"]
    assert "set-password" in form_url
    page = phone.get(form_url)
    assert page.status_code == 200
    assert "为账号 zhangsan 设置登录密码" in page.content.decode()
    assert 'autocomplete="new-password"' in page.content.decode()

    response = phone.post(
        form_url, {"new_password1": "红色记忆-2025", "new_password2": "红色记忆-2025"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/reset/done/"
    assert "密码已设置" in phone.get("/reset/done/").content.decode()

    zhang = User.objects.get(username="zhangsan")
    assert zhang.check_password("红色记忆-2025")
    other_phone = Client()
    response = other_phone.post("/login/", {"username": "zhangsan", "password": "红色记忆-2025"})
    assert response.status_code == 302
    assert other_phone.session["_auth_user_id"] == str(zhang.pk)

    # Used once, the link no longer works.
    used = Client().get(path)
    assert used.status_code == 200
    assert "这个链接无效" in used.content.decode()


def test_mismatched_new_passwords_are_refused(tmp_path):
    links = dict(LINK.findall(run(write(tmp_path, VALID))))
    phone = Client()
    form_url = phone.get(links["lisi"].removeprefix("http://127.0.0.1:8000"))["Location"]
    response = phone.post(form_url, {"new_password1": "红色记忆-2025", "new_password2": "x"})
    assert response.status_code == 200
    assert not User.objects.get(username="lisi").has_usable_password()


@pytest.mark.parametrize(
    "path",
    [
        "/reset/junk/junk/",
        "/reset/MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODk/abc-def/",
        "/reset/AA/set-password/",
        "/reset/done/",
    ],
)
def test_set_password_pages_never_fail_on_junk(client, path):
    response = client.get(path)
    assert response.status_code == 200


# --- Wagtail admin -------------------------------------------------------------------


@pytest.fixture
def admin_client(db):
    admin = User.objects.create_superuser("root", password="root-secret-1")
    client = Client()
    client.force_login(admin)
    return client


def test_admin_lists_searches_and_filters_members(admin_client):
    branch = Branch.objects.create(name="化学学院学生党支部", organisation="化学学院党委")
    for username, name, role in [("hua1", "华一", "member"), ("hua2", "华二", "organiser")]:
        user = User.objects.create_user(username)
        MemberProfile.objects.create(user=user, display_name=name, branch=branch, role=role)

    branches = admin_client.get("/admin/snippets/learning/branch/")
    assert branches.status_code == 200
    assert "化学学院学生党支部" in branches.content.decode()

    members = "/admin/snippets/learning/memberprofile/"
    assert "华一" in admin_client.get(members).content.decode()
    by_username = admin_client.get(members, {"q": "hua2"}).content.decode()
    assert "华二" in by_username and "华一" not in by_username
    organisers = admin_client.get(members, {"branch": branch.pk, "role": "organiser"})
    assert "华二" in organisers.content.decode() and "华一" not in organisers.content.decode()
    assert admin_client.get(members, {"branch": "junk", "q": "\x00"}).status_code == 200


def test_only_the_organisation_department_sees_members(
    editor, reviewer, member_officer, django_user_model
):
    member = django_user_model.objects.create_user("kanjian")
    profile = MemberProfile.objects.create(
        user=member, display_name="看得见", student_number="20260001"
    )
    listing = "/admin/snippets/learning/memberprofile/"
    edit = f"/admin/snippets/learning/memberprofile/edit/{profile.pk}/"
    for user in (editor, reviewer):
        client = Client()
        client.force_login(user)
        for url in (listing, edit):
            response = client.get(url)
            assert response.status_code in (302, 403), url
            assert "看得见" not in response.content.decode()
            assert "20260001" not in response.content.decode()
        response = client.post(edit, {"user": member.pk, "display_name": "改名", "role": "member"})
        assert response.status_code in (302, 403)
    profile.refresh_from_db()
    assert profile.display_name == "看得见"

    client = Client()
    client.force_login(member_officer)
    html = client.get(listing).content.decode()
    assert "看得见" in html and "20260001" in html
    # Learning history has no admin view for anyone.
    assert client.get("/admin/snippets/learning/learningevent/").status_code == 404


# --- Privileged accounts and e-mail addresses ---------------------------------------------


def test_a_row_naming_a_privileged_account_refuses_the_whole_file(tmp_path):
    """Whoever prepares the CSV must not be able to take over an admin account: the admin's
    username with their own address, then Wagtail's password reset mails them the link."""
    from django.contrib.auth.models import Permission

    User.objects.create_superuser("admin", "admin@example.edu.cn", "admin-secret-1")
    User.objects.create_user("houtai", "houtai@example.edu.cn", is_staff=True)
    editor = User.objects.create_user("bianji", "bianji@example.edu.cn")
    editor.groups.add(Group.objects.get(name="编辑"))
    granted = User.objects.create_user("shouquan", "")
    granted.user_permissions.add(Permission.objects.get(codename="view_memberprofile"))
    text = (
        f"{HEADER}\n"
        "zhangsan,张三,第一党支部,member,zhangsan@example.edu.cn\n"  # 2: fine
        "admin,管理员,第一党支部,member,thief@example.com\n"  # 3
        "houtai,后台,第一党支部,member,\n"  # 4
        "bianji,编辑,第一党支部,organiser,\n"  # 5
        "shouquan,授权,第一党支部,member,\n"  # 6
    )
    before = snapshot()
    for flags in ((), ("--update-emails",)):
        errors, message = run_failing(write(tmp_path, text), *flags)
        lines = errors.splitlines()
        assert [line.split("：")[0] for line in lines] == [
            "第 3 行",
            "第 4 行",
            "第 5 行",
            "第 6 行",
        ]
        assert "超级用户" in lines[0] and "admin" in lines[0]
        assert "后台工作人员" in lines[1]
        assert "用户组 编辑" in lines[2]
        assert "单独授予的权限" in lines[3]
        assert message.startswith("发现 4 个问题，没有导入任何成员")
        assert snapshot() == before
    assert User.objects.get(username="admin").email == "admin@example.edu.cn"
    assert not MemberProfile.objects.filter(user__username__in=["admin", "bianji"]).exists()


def test_an_existing_email_is_not_replaced_without_update_emails(tmp_path):
    make = User.objects.create_user
    make("zhangsan", "zhangsan@example.edu.cn")
    make("lisi", "")
    make("wangwu", "WangWu@Example.EDU.CN")
    text = (
        f"{HEADER}\n"
        "zhangsan,张三,第一党支部,member,someone.else@example.com\n"  # 2: a different address
        "lisi,李四,第一党支部,member,lisi@example.edu.cn\n"  # 3: had none: fine
        "wangwu,王五,第一党支部,member,wangwu@example.edu.cn\n"  # 4: the same but for case
        "zhaoliu,赵六,第一党支部,member,zhaoliu@example.edu.cn\n"  # 5: new: fine
    )
    before = snapshot()
    errors, _message = run_failing(write(tmp_path, text))
    assert errors.splitlines() == [
        "第 2 行：email：zhangsan 在网站上的邮箱是 zhangsan@example.edu.cn，"
        "与文件中的 someone.else@example.com 不同；导入不改已有的邮箱。"
        "确需修改时加 --update-emails（会先逐行列出每处修改）"
    ]
    assert snapshot() == before
    assert User.objects.get(username="zhangsan").email == "zhangsan@example.edu.cn"

    # Without the row that would replace an address, the rest goes in: an empty address is
    # filled in, one that differs only in case is left as it is.
    output = run(write(tmp_path, text.replace("someone.else@example.com", "")))
    assert "第 3 行：已更新成员 lisi：新建成员资料" in output
    assert User.objects.get(username="lisi").email == "lisi@example.edu.cn"
    assert User.objects.get(username="wangwu").email == "WangWu@example.edu.cn"
    assert User.objects.get(username="zhaoliu").email == "zhaoliu@example.edu.cn"


def test_update_emails_lists_each_change_before_writing(tmp_path):
    make_member_row = f"{HEADER}\nzhangsan,张三,第一党支部,member,zhangsan@example.edu.cn\n"
    run(write(tmp_path, make_member_row))
    User.objects.filter(username="zhangsan").update(email="old@example.edu.cn")
    path = write(tmp_path, make_member_row)

    preview = run(path, "--update-emails", "--dry-run")
    assert (
        "第 2 行：将更新成员 zhangsan：邮箱 old@example.edu.cn → zhangsan@example.edu.cn" in preview
    )
    assert User.objects.get(username="zhangsan").email == "old@example.edu.cn"

    output = run(path, "--update-emails").splitlines()
    change = "  第 2 行：zhangsan 的邮箱 old@example.edu.cn → zhangsan@example.edu.cn"
    assert change in output
    assert output.index(change) < next(
        number for number, line in enumerate(output) if line.startswith("第 2 行：已更新成员")
    )
    assert User.objects.get(username="zhangsan").email == "zhangsan@example.edu.cn"
