"""A page or a collection of documents kept behind a shared password is guessed no faster
than a login: counted per address and per restriction in the login throttle's table."""

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from members.throttle import ADDRESS_FAILURE_LIMIT, PAIR_FAILURE_LIMIT
from tests.factories import MicroLecturePageFactory

pytestmark = pytest.mark.django_db
SECRET = "延安-窑洞-1937"


@pytest.fixture
def page_restriction():
    page = MicroLecturePageFactory(title="支部内部学习材料", slug="shared-secret")
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password=SECRET
    )
    return f"/_util/authenticate_with_password/{restriction.pk}/{page.pk}/", page


@pytest.fixture
def document_restriction():
    private = Collection.get_first_root_node().add_child(name="支部材料")
    restriction = CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.PASSWORD, password=SECRET
    )
    document = get_document_model().objects.create(
        title="会议记录", collection=private, file=ContentFile(b"minutes", name="minutes.txt")
    )
    return f"/documents/authenticate_with_password/{restriction.pk}/", document


def submit(client: Client, url: str, password: str, back: str = "/"):
    return client.post(url, {"password": password, "return_url": back})


@pytest.mark.parametrize("which", ["page_restriction", "document_restriction"])
def test_the_sixth_guess_is_refused_even_when_right(which, request):
    url, _target = request.getfixturevalue(which)
    guesser = Client(REMOTE_ADDR="198.51.100.66")
    for _attempt in range(PAIR_FAILURE_LIMIT):
        assert submit(guesser, url, "guess").status_code == 200  # the form again
    refused = submit(guesser, url, SECRET)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 900
    assert "分钟后再试" in refused.content.decode()
    # Someone else, elsewhere, who knows the password is let in.
    assert submit(Client(REMOTE_ADDR="203.0.113.20"), url, SECRET).status_code == 302


def test_the_right_password_still_opens_the_page(page_restriction):
    url, page = page_restriction
    reader = Client(REMOTE_ADDR="203.0.113.20")
    assert submit(reader, url, "typo").status_code == 200
    assert submit(reader, url, SECRET, page.url).status_code == 302
    assert reader.get(page.url).status_code == 200


def test_guessing_across_restrictions_counts_on_the_address(page_restriction, document_restriction):
    guesser = Client(REMOTE_ADDR="198.51.100.77")
    urls = [page_restriction[0], document_restriction[0]]
    for number in range(ADDRESS_FAILURE_LIMIT):
        submit(guesser, urls[number % 2], "guess")
    assert submit(guesser, urls[0], SECRET).status_code == 429
    assert submit(guesser, urls[1], SECRET).status_code == 429


def test_an_empty_or_unknown_submission_is_not_a_guess(page_restriction):
    url, _page = page_restriction
    client = Client(REMOTE_ADDR="198.51.100.88")
    for _attempt in range(10):
        assert client.post(url, {"return_url": "/"}).status_code == 200
    assert client.post("/_util/authenticate_with_password/999999/999999/", {}).status_code == 404
    assert submit(client, url, SECRET).status_code == 302
