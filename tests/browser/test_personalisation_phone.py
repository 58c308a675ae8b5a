"""为你推荐 on a 375 px phone: a member dismisses an item, undoes it, and turns
personalisation off and on again; each screen fits the phone and is usable by touch."""

import pytest

from tests.browser.support import Phone, branch_with_people

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def branch(server_url, tmp_path_factory):
    return branch_with_people(tmp_path_factory, "历史学院党支部")


def test_member_controls_personalisation_on_a_phone(browser, server_url, branch):
    phone = Phone(browser, server_url, "for-you")
    try:
        page = phone.page
        phone.login(branch["member"])
        phone.goto("/learning/for-you/")
        phone.check("1-list")

        # 不感兴趣 on the first card: it leaves the list and appears under 已标记.
        dismiss = page.get_by_role("button", name="不感兴趣").first
        label = dismiss.get_attribute("aria-label")
        title = label.split("《", 1)[1].rstrip("》")
        phone.submit(dismiss)
        restore = page.get_by_role("button", name=f"恢复推荐：《{title}》")
        assert restore.is_visible()
        assert page.get_by_role("button", name=f"不感兴趣：《{title}》").count() == 0
        phone.check("2-dismissed")

        # 恢复: it may be recommended again, and is no longer listed as dismissed.
        phone.submit(restore)
        assert page.get_by_role("button", name=f"恢复推荐：《{title}》").count() == 0
        phone.check("3-restored")

        # Personalisation off: the list says why it shows what it shows; then on again.
        phone.submit(page.get_by_role("button", name="关闭个性化推荐"))
        assert page.get_by_text("个性化推荐已关闭").is_visible()
        phone.check("4-off")
        phone.submit(page.get_by_role("button", name="开启个性化推荐"))
        assert page.get_by_role("button", name="关闭个性化推荐").is_visible()
        phone.check("5-on")
    finally:
        phone.close()
