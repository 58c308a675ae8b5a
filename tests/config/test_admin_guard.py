"""Malformed requests to Wagtail's admin get a plain 400, never a 500 (config.admin_guard)."""

import pytest
from django.test import Client

from home.models import ContentPage
from tests.factories import MicroLecturePageFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss():
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(username="boss", is_superuser=True, is_staff=True))
    return client


def test_a_form_missing_a_field_wagtail_always_sends_is_a_400(boss):
    page = MicroLecturePageFactory()
    response = boss.post(f"/admin/pages/{page.pk}/copy/", {"new_title": "副本"})
    assert response.status_code == 400
    assert "请求无效" in response.content.decode()
    assert ContentPage.objects.filter(title="副本").count() == 0


def test_a_next_that_is_no_path_is_a_400(boss):
    page = MicroLecturePageFactory()
    response = boss.post(f"/admin/pages/{page.pk}/lock/", {"next": "1e999999"})
    assert response.status_code == 400


def test_a_twenty_digit_id_is_a_400_or_404(boss):
    response = boss.get("/admin/bulk/wagtailcore/page/publish/", {"id": "9" * 20})
    assert response.status_code in (400, 404)


def test_the_refusal_reflects_nothing_of_the_request(boss):
    response = boss.post("/admin/pages/999999999999999999999/copy/?x=<script>", {"a": "<b>"})
    assert response.status_code in (400, 404)
    assert "<script>" not in response.content.decode() and "<b>" not in response.content.decode()


def test_front_end_views_are_not_covered():
    """The site's own views handle their input themselves: the guard only watches /admin/."""
    from config.admin_guard import MalformedAdminRequestMiddleware

    guard = MalformedAdminRequestMiddleware(lambda request: None)

    class Request:
        path = "/search/"
        method = "GET"

    assert guard.process_exception(Request(), ValueError("x")) is None
