"""The 意见箱: Wagtail's form builder, submissions in the admin, anonymous posts limited."""

import pytest
from wagtail.contrib.forms.models import FormSubmission

from feedback.models import SUGGESTION_LIMIT, SuggestionBoxPage
from tests.factories import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def box():
    return SuggestionBoxPage.objects.live().get()


def form_data(box) -> dict:
    names = [field.clean_name for field in box.get_form_fields()]
    values = ["内容建议", "希望多一些讲座。", ""]
    return dict(zip(names, values, strict=True))


def test_the_demo_box_shows_its_form(client, box):
    response = client.get(box.url)
    assert response.status_code == 200
    text = response.content.decode()
    for label in ("意见类别", "内容", "联系方式"):
        assert f">{label}" in text
    assert "<select" in text and "<textarea" in text


def test_a_submission_is_stored(client, box):
    response = client.post(box.url, form_data(box))
    assert response.status_code == 200
    assert "你的意见已经收到" in response.content.decode()
    submission = FormSubmission.objects.get(page=box)
    assert "希望多一些讲座" in str(submission.get_data())


def test_a_missing_required_field_stores_nothing(client, box):
    data = form_data(box)
    data[next(iter(data))] = ""
    response = client.post(box.url, data)
    assert response.status_code == 200
    assert not FormSubmission.objects.exists()


def test_anonymous_submissions_are_limited_per_address(client, box):
    for _ in range(SUGGESTION_LIMIT):
        assert client.post(box.url, form_data(box)).status_code == 200
    response = client.post(box.url, form_data(box))
    assert response.status_code == 429
    assert "提交得太频繁了" in response.content.decode()
    assert FormSubmission.objects.filter(page=box).count() == SUGGESTION_LIMIT
    # another address is not affected
    other = client.post(box.url, form_data(box), REMOTE_ADDR="10.9.8.7")
    assert other.status_code == 200


def test_an_ipv6_sender_cannot_hop_addresses_within_its_network(client, box):
    """Whoever is given an IPv6 /64 has 2**64 addresses: the allowance is the network's."""
    for number in range(SUGGESTION_LIMIT):
        sent = client.post(box.url, form_data(box), REMOTE_ADDR=f"2001:db8:5:7::{number + 1:x}")
        assert sent.status_code == 200
    response = client.post(box.url, form_data(box), REMOTE_ADDR="2001:db8:5:7:ffff::99")
    assert response.status_code == 429
    assert FormSubmission.objects.filter(page=box).count() == SUGGESTION_LIMIT
    other = client.post(box.url, form_data(box), REMOTE_ADDR="2001:db8:5:8::1")
    assert other.status_code == 200


def test_editors_see_and_export_submissions(client, editor, box):
    client.post(box.url, form_data(box))
    admin = login(editor)
    listing = admin.get(f"/admin/forms/submissions/{box.pk}/")
    assert listing.status_code == 200
    assert "希望多一些讲座" in listing.content.decode()
    export = admin.get(f"/admin/forms/submissions/{box.pk}/?export=csv")
    assert export.status_code == 200
    body = b"".join(export.streaming_content) if export.streaming else export.content
    assert "希望多一些讲座" in body.decode("utf-8-sig")
    assert admin.get("/admin/forms/").status_code == 200


def test_the_box_may_only_sit_under_the_home_page():
    assert SuggestionBoxPage.parent_page_types == ["home.HomePage"]
