"""A lecture's chapters on a phone: with a player, each chapter is a real button (inside its
list item, which axe-core requires) that moves the player to the chapter's start."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LECTURE = "/lectures/ruijin-soviet-style/"  # a demo lecture with audio and four chapters


def test_a_chapter_button_moves_the_player_to_its_start(phone, server_url):
    phone.goto(server_url + LECTURE, wait_until="load")
    chapters = phone.locator(".chapters li.chapter")
    assert chapters.count() >= 2
    assert phone.locator(".chapters ol > :not(li)").count() == 0
    second = chapters.nth(1)
    start = int(second.get_attribute("data-seek"))
    assert start > 0
    button = second.get_by_role("button")
    assert button.get_attribute("type") == "button"
    assert button.inner_text().strip().startswith(second.locator("time").inner_text())
    assert button.bounding_box()["height"] >= 44
    phone.evaluate("HTMLMediaElement.prototype.play = function () {}")  # no sound in tests
    button.tap()
    assert phone.evaluate("document.querySelector('.player__media').currentTime") == start
