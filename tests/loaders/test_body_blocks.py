"""An import line's body may be a list of headings, paragraphs and quotes; every piece of
text is plain text, escaped by the one rule that makes paragraphs."""

from __future__ import annotations

import pytest

from lectures.models import MicroLecturePage
from tests.loaders.test_content_import import LECTURE, run_import, write_jsonl

pytestmark = pytest.mark.django_db


def test_blocks_become_headings_paragraphs_and_quotes_with_text_escaped(home, tmp_path, client):
    body = [
        {"heading": "<b>小标题</b>"},
        {"paragraph": "第一段 <script>alert(1)</script>\n换行。\n\n第二段 & 更多。"},
        {"quote": "为中国人民谋幸福。", "source": "<i>出处</i>"},
    ]
    path = write_jsonl(tmp_path / "content.jsonl", [dict(LECTURE, body=body)])

    _out, err, error = run_import(path)

    assert error is None, err
    page = MicroLecturePage.objects.get(slug=LECTURE["slug"])
    blocks = [(block.block_type, block.value) for block in page.body]
    assert blocks[0] == ("heading", "<b>小标题</b>")  # the heading template escapes it
    assert [value.source for kind, value in blocks if kind == "paragraph"] == [
        "<p>第一段 &lt;script&gt;alert(1)&lt;/script&gt;<br/>换行。</p>",
        "<p>第二段 &amp; 更多。</p>",
    ]
    quote = blocks[-1][1]
    assert (quote["text"], quote["source"]) == ("为中国人民谋幸福。", "<i>出处</i>")
    html = client.get(page.url).content.decode()
    assert "小标题" in html and "为中国人民谋幸福" in html
    assert "<script>alert(1)" not in html and "<b>小标题" not in html and "<i>出处" not in html


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ([], "line 1: body: 不能为空"),
        ([{"heading": "标题", "paragraph": "两种"}], "line 1: body[0]: 每一项必须是"),
        (["一段"], "line 1: body[0]: 每一项必须是"),
        ([{"paragraph": "好"}, {"heading": "  "}], "line 1: body[1].heading: 不能为空"),
        ([{"heading": "长" * 121}], "line 1: body[0].heading: 不能超过 120 个字符"),
        ([{"quote": "引文", "source": 3}], "line 1: body[0].source: 必须是字符串"),
        ([{"quote": "引文", "by": "某人"}], "line 1: body[0]: quote 不能有这些键：by"),
        ([{"paragraph": "好\x1b"}], "line 1: body[0].paragraph: 不能包含控制字符"),
    ],
)
def test_wrong_blocks_name_the_block_and_import_nothing(home, tmp_path, body, expected):
    path = write_jsonl(tmp_path / "content.jsonl", [dict(LECTURE, body=body)])

    _out, err, error = run_import(path)

    assert error is not None
    assert any(line.startswith(expected) for line in err.splitlines()), err
    assert not MicroLecturePage.objects.exists()
