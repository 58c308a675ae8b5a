"""The demo's pages are built by the importer editors use: its one rule for text to HTML,
tags and images; and loading the demo again creates nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from taggit.models import Tag, TaggedItem
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Revision

from demo import content
from demo.builder import build_demo
from stories.models import ExemplarStoryPage

pytestmark = pytest.mark.django_db


def test_demo_text_that_looks_like_html_is_escaped_as_in_an_import(monkeypatch, client):
    story = dict(
        content.STORIES[0],
        slug="demo-html-text",
        title="看起来像 HTML 的正文",
        body=[
            ("heading", "<i>小标题</i>"),
            ("paragraph", "<b>粗体</b>"),
            ("paragraph", "前文 <script>alert(1)</script> & 后文"),
            ("quote", {"text": "<u>引文</u>", "source": "出处"}),
        ],
    )
    monkeypatch.setitem(content.ITEMS_BY_KIND, "story", [*content.STORIES, story])

    report = build_demo(media=False)

    assert report.pages_created == 1
    page = ExemplarStoryPage.objects.get(slug="demo-html-text")
    paragraphs = [block.value.source for block in page.body if block.block_type == "paragraph"]
    assert paragraphs == [
        "<p>&lt;b&gt;粗体&lt;/b&gt;</p>",
        "<p>前文 &lt;script&gt;alert(1)&lt;/script&gt; &amp; 后文</p>",
    ]
    html = client.get(page.url).content.decode()
    assert "&lt;b&gt;粗体" in html
    assert "<b>粗体" not in html and "<script>alert(1)" not in html
    assert "<i>小标题" not in html and "<u>引文" not in html
    # Tags and the cover follow the importer's rules too: topic among the tags, the cover
    # stored under its file's name.
    assert set(page.tags.names()) == set(story["tags"])
    assert page.cover_image.title == "demo-demo-html-text-cover"


def counts() -> dict[str, int]:
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "images": get_image_model().objects.count(),
        "documents": get_document_model().objects.count(),
        "tags": Tag.objects.count(),
        "tagged": TaggedItem.objects.count(),
    }


def test_loading_the_demo_again_creates_nothing():
    before = counts()
    out = StringIO()

    # The shared test database holds the demo without its people (tests/conftest.py);
    # loading the people twice is test_demo_people's.
    call_command("load_demo", "--no-people", stdout=out)

    assert counts() == before
    assert "演示内容：新建 0 个页面" in out.getvalue()
    assert "新建图片 0 张，文档 0 个。" in out.getvalue()
