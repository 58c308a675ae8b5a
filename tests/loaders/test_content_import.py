"""An editor bulk-imports content from a JSON Lines file with ``manage.py import_content``.

Each test builds its own bare site (root → 首页, no sections), whatever demo data the
session holds, and writes real files to a temporary folder.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from taggit.models import Tag
from wagtail.models import Page, Revision, Site

from events.models import EventIndexPage, ForumEventPage
from exhibits.models import ExhibitIndexPage, RevolutionarySitePage
from home.models import ContentPage, HomePage
from lectures.models import LectureIndexPage, MicroLecturePage
from loaders.parsers import plain_text_to_paragraphs
from stories.models import ExemplarStoryPage, StoryIndexPage

pytestmark = pytest.mark.django_db

LECTURE = {
    "type": "lecture",
    "slug": "changzheng-jingshen",
    "title": "长征精神的时代价值",
    "summary": "十五分钟读懂长征精神。",
    "body": "红军不怕远征难，<万水千山> & 只等闲。\n第二行。\n\n第二段。",
    "tags": ["长征精神", "党史学习"],
    "speaker": "王老师",
    "duration_seconds": 900,
    "video_url": "https://video.example.com/changzheng",
    "transcript": "同志们好……",
}
SITE = {
    "type": "site",
    "slug": "井冈山革命博物馆",
    "title": "井冈山革命博物馆",
    "body": "中国第一个农村革命根据地的纪念馆。",
    "topic": "井冈山精神",
    "tags": ["革命摇篮"],
    "province": "江西省",
    "city": "吉安市",
    "address": "井冈山市茨坪红军南路",
    "latitude": 26.5729234,
    "longitude": 114.1687,
    "period": "土地革命战争时期",
}
STORY = {
    "type": "story",
    "slug": "huang-wenxiu",
    "title": "黄文秀：把青春献给脱贫攻坚",
    "body": "她放弃大城市的工作，回到家乡百色。",
    "tags": ["扎根基层"],
    "person": "黄文秀",
    "organisation": "百色市乐业县百坭村",
    "category": "扎根基层",
}
EVENT = {
    "type": "event",
    "slug": "jiandang-luntan-2025",
    "title": "建党精神青年论坛",
    "body": "线上线下同步举行。",
    "topic": "伟大建党精神",
    "starts_at": "2025-07-01T09:00:00+08:00",
    "ends_at": "2025-07-01T11:30:00+08:00",
    "venue": "报告厅",
    "online_url": "https://meeting.example.com/jiandang",
    "capacity": 200,
}
ALL_KINDS = [LECTURE, SITE, STORY, EVENT]
INDEX_MODELS = [LectureIndexPage, ExhibitIndexPage, StoryIndexPage, EventIndexPage]


def write_jsonl(path: Path, lines: list[dict | str], *, encoding: str = "utf-8") -> Path:
    """Dicts become JSON lines; strings are written as they are (for broken lines)."""
    text = "\n".join(
        line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in lines
    )
    path.write_text(text + "\n", encoding=encoding)
    return path


def run_import(path: Path, *options: str) -> tuple[str, str, CommandError | None]:
    out, err = StringIO(), StringIO()
    try:
        call_command("import_content", str(path), *options, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


def problem_prefixes(stderr: str) -> list[str]:
    """``line N: field:`` of every reported problem, in order."""
    return [": ".join(line.split(": ")[:2]) + ":" for line in stderr.splitlines() if line]


def tag_names(page) -> set[str]:
    return {tag.name for tag in page.tags.all()}


def test_valid_file_creates_published_pages_and_missing_sections(home, tmp_path):
    path = write_jsonl(tmp_path / "content.jsonl", ALL_KINDS)

    out, err, error = run_import(path)

    assert error is None, err
    assert err == ""
    assert "created 4, updated 0" in out.splitlines()[-1]
    sections = {model: model.objects.get() for model in INDEX_MODELS}
    assert [(p.title, p.slug) for p in sections.values()] == [
        ("微党课", "lectures"),
        ("红色场馆", "sites"),
        ("先进典型", "stories"),
        ("论坛活动", "events"),
    ]
    for section in sections.values():
        assert section.get_parent().pk == home.pk
        assert section.live

    lecture = MicroLecturePage.objects.get(slug="changzheng-jingshen")
    assert lecture.get_parent().pk == sections[LectureIndexPage].pk
    assert lecture.live and lecture.first_published_at is not None
    assert lecture.live_revision_id == lecture.latest_revision_id
    assert not lecture.has_unpublished_changes
    assert lecture.title == "长征精神的时代价值"
    assert lecture.summary == "十五分钟读懂长征精神。"
    assert lecture.speaker == "王老师"
    assert lecture.duration_seconds == 900
    assert lecture.video_url == "https://video.example.com/changzheng"
    assert lecture.transcript == "同志们好……"
    assert lecture.topic == "长征精神"  # no topic given: the first tag
    assert tag_names(lecture) == {"长征精神", "党史学习"}
    assert [(block.block_type, block.value.source) for block in lecture.body] == [
        ("paragraph", "<p>红军不怕远征难，&lt;万水千山&gt; &amp; 只等闲。<br/>第二行。</p>"),
        ("paragraph", "<p>第二段。</p>"),
    ]

    site = RevolutionarySitePage.objects.get(slug="井冈山革命博物馆")
    assert site.get_parent().pk == sections[ExhibitIndexPage].pk
    assert site.live
    assert (site.province, site.city, site.period) == ("江西省", "吉安市", "土地革命战争时期")
    assert site.address == "井冈山市茨坪红军南路"
    assert site.latitude == Decimal("26.572923")  # rounded to the model's 6 places
    assert site.longitude == Decimal("114.168700")
    assert site.topic == "井冈山精神"
    assert tag_names(site) == {"革命摇篮", "井冈山精神"}  # the topic is always a tag

    story = ExemplarStoryPage.objects.get(slug="huang-wenxiu")
    assert story.get_parent().pk == sections[StoryIndexPage].pk
    assert story.live
    assert (story.person, story.organisation, story.category) == (
        "黄文秀",
        "百色市乐业县百坭村",
        "扎根基层",
    )
    assert story.topic == "扎根基层"
    assert tag_names(story) == {"扎根基层"}

    event = ForumEventPage.objects.get(slug="jiandang-luntan-2025")
    assert event.get_parent().pk == sections[EventIndexPage].pk
    assert event.live
    assert timezone.is_aware(event.starts_at)
    assert event.starts_at == datetime(2025, 7, 1, 1, 0, tzinfo=UTC)
    assert event.ends_at == datetime(2025, 7, 1, 3, 30, tzinfo=UTC)
    assert (event.venue, event.online_url, event.capacity) == (
        "报告厅",
        "https://meeting.example.com/jiandang",
        200,
    )
    assert tag_names(event) == {"伟大建党精神"}
    # The lecture section lists the imported page (it is live and public).
    assert [page.pk for page in sections[LectureIndexPage].children()] == [lecture.pk]


def test_existing_section_is_used_instead_of_creating_one(home, tmp_path):
    section = home.add_child(instance=LectureIndexPage(title="党课", slug="dangke"))
    path = write_jsonl(tmp_path / "content.jsonl", [LECTURE])

    out, err, error = run_import(path)

    assert error is None, err
    assert LectureIndexPage.objects.count() == 1
    assert MicroLecturePage.objects.get().get_parent().pk == section.pk
    assert not ExhibitIndexPage.objects.exists()  # only sections that are needed


def test_reimport_updates_pages_with_a_new_revision(home, tmp_path):
    path = write_jsonl(tmp_path / "content.jsonl", ALL_KINDS)
    assert run_import(path)[2] is None
    page_count = Page.objects.count()
    lecture = MicroLecturePage.objects.get()
    revisions_before = lecture.revisions.count()
    all_revisions_before = Revision.objects.count()

    changed = dict(LECTURE, title="长征精神（修订版）", body="全新的第一段。", tags=["长征精神"])
    write_jsonl(path, [changed, SITE, STORY, EVENT])
    out, err, error = run_import(path)

    assert error is None, err
    assert "created 0, updated 4" in out
    assert Page.objects.count() == page_count
    assert MicroLecturePage.objects.count() == 1
    lecture = MicroLecturePage.objects.get()
    assert lecture.revisions.count() == revisions_before + 1
    assert Revision.objects.count() == all_revisions_before + 4
    assert lecture.live and lecture.live_revision_id == lecture.latest_revision_id
    assert lecture.title == "长征精神（修订版）"
    assert [block.value.source for block in lecture.body] == ["<p>全新的第一段。</p>"]
    assert tag_names(lecture) == {"长征精神"}
    # The live page is what visitors get.
    assert "长征精神（修订版）" in Page.objects.get(pk=lecture.pk).specific.title


def test_reimport_empties_fields_the_line_leaves_out(home, tmp_path):
    path = write_jsonl(tmp_path / "content.jsonl", [LECTURE])
    assert run_import(path)[2] is None

    shorter = {key: LECTURE[key] for key in ("type", "slug", "title", "body", "tags")}
    write_jsonl(path, [shorter])
    assert run_import(path)[2] is None

    lecture = MicroLecturePage.objects.get()
    assert (lecture.speaker, lecture.duration_seconds, lecture.video_url) == ("", None, "")


BAD_LINES = [
    LECTURE,  # 1: fine
    '{"type": "lecture", "slug": "broken", ',  # 2: not JSON
    "",  # 3: blank, skipped but counted
    dict(LECTURE, slug="extra-keys", colour="red", latitude=20),  # 4: unknown keys
    {key: value for key, value in LECTURE.items() if key != "title"} | {"slug": "no-title"},  # 5
    dict(SITE, slug="too-far-north", latitude=91),  # 6
    dict(EVENT, slug="naive-time", starts_at="2025-07-01T09:00:00"),  # 7
    dict(EVENT, slug="ends-early", ends_at="2025-07-01T08:00:00+08:00"),  # 8
    {key: value for key, value in STORY.items() if key != "tags"} | {"slug": "no-topic"},  # 9
    dict(LECTURE, type="video", slug="unknown-type"),  # 10
    dict(STORY, slug=LECTURE["slug"]),  # 11: same slug as line 1
    "[1, 2, 3]",  # 12: JSON, but not an object
]


def test_every_problem_on_every_line_is_reported_and_nothing_imported(home, tmp_path):
    path = write_jsonl(tmp_path / "bad.jsonl", BAD_LINES)
    page_count = Page.objects.count()

    out, err, error = run_import(path)

    assert error is not None
    assert "发现 11 个问题，没有导入任何内容" in str(error)
    assert problem_prefixes(err) == [
        "line 2: json:",
        "line 4: colour:",
        "line 4: latitude:",
        "line 5: title:",
        "line 6: latitude:",
        "line 7: starts_at:",
        "line 8: ends_at:",
        "line 9: topic:",
        "line 10: type:",
        "line 11: slug:",
        "line 12: json:",
    ]
    assert "line 6: latitude: 必须在 -90 到 90 之间" in err.splitlines()
    assert "line 11: slug: 与第 1 行的 slug 重复" in err.splitlines()
    assert "属于 site" in err  # latitude on a lecture: it belongs to another kind
    assert "时区" in err
    assert "video" in err
    assert out == ""
    assert Page.objects.count() == page_count
    assert not MicroLecturePage.objects.exists()
    assert not any(model.objects.exists() for model in INDEX_MODELS)


def test_several_problems_on_one_line_are_all_reported(home, tmp_path):
    line = {
        "type": "event",
        "slug": "bad slug/with spaces",
        "title": "",
        "body": 42,
        "tags": ["ok", "", 7],
        "starts_at": "明天上午",
        "online_url": "ftp://example.com/x",
        "capacity": 0,
    }
    path = write_jsonl(tmp_path / "bad.jsonl", [line])

    out, err, error = run_import(path)

    assert error is not None
    assert problem_prefixes(err) == [
        "line 1: slug:",
        "line 1: title:",
        "line 1: body:",
        "line 1: tags:",
        "line 1: tags:",
        "line 1: starts_at:",
        "line 1: online_url:",
        "line 1: capacity:",
    ]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"duration_seconds": 1.5}, "line 1: duration_seconds: 必须是整数，不能有小数"),
        ({"duration_seconds": True}, "line 1: duration_seconds: 必须是整数，不能是布尔值"),
        ({"duration_seconds": "600"}, "line 1: duration_seconds: 必须是整数，不能是字符串"),
        ({"duration_seconds": -1}, "line 1: duration_seconds: 必须在 0 到 86400 之间"),
        ({"duration_seconds": 86401}, "line 1: duration_seconds: 必须在 0 到 86400 之间"),
        ({"title": None}, "line 1: title: 不能为空"),
        ({"title": "   "}, "line 1: title: 不能为空"),
        ({"title": "长" * 256}, "line 1: title: 不能超过 255 个字符（现在是 256 个）"),
        ({"speaker": "名" * 101}, "line 1: speaker: 不能超过 100 个字符（现在是 101 个）"),
        ({"summary": "摘" * 501}, "line 1: summary: 不能超过 500 个字符（现在是 501 个）"),
        ({"tags": "长征精神"}, "line 1: tags: 必须是字符串数组"),
        ({"tags": ["标" * 101]}, "line 1: tags: 第 1 个标签不能超过 100 个字符"),
        ({"topic": ""}, "line 1: topic: 不能为空"),
        ({"slug": "a" * 256}, "line 1: slug: 不能超过 255 个字符"),
        ({"video_url": "not a url"}, "line 1: video_url: 不是有效的网址"),
        ({"body": "  \n\n  "}, "line 1: body: 不能为空"),
        ({"type": None}, "line 1: type: 未知类型 null"),
        ({"capacity": 10}, "line 1: capacity: 未知字段：lecture 没有这个字段（它属于 event）"),
    ],
)
def test_wrong_values_get_a_clear_reason(home, tmp_path, changes, expected):
    path = write_jsonl(tmp_path / "bad.jsonl", [dict(LECTURE, **changes)])

    out, err, error = run_import(path)

    assert error is not None
    assert any(line.startswith(expected) for line in err.splitlines()), err
    assert not MicroLecturePage.objects.exists()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"latitude": "26.5"}, "line 1: latitude: 必须是数字，不能是字符串"),
        ({"latitude": False}, "line 1: latitude: 必须是数字，不能是布尔值"),
        ({"longitude": -180.5}, "line 1: longitude: 必须在 -180 到 180 之间"),
    ],
)
def test_coordinates_must_be_numbers_in_range(home, tmp_path, changes, expected):
    path = write_jsonl(tmp_path / "bad.jsonl", [dict(SITE, **changes)])

    out, err, error = run_import(path)

    assert error is not None
    assert any(line.startswith(expected) for line in err.splitlines()), err


def test_event_rules(home, tmp_path):
    lines = [
        {key: value for key, value in EVENT.items() if key != "starts_at"},
        dict(EVENT, slug="e2", starts_at="2025-07-01"),
        dict(EVENT, slug="e3", capacity=None, ends_at=None, starts_at="2025-07-01T01:00:00Z"),
    ]
    path = write_jsonl(tmp_path / "events.jsonl", lines)

    out, err, error = run_import(path)

    assert error is not None
    assert err.splitlines()[0] == "line 1: starts_at: 缺少必填字段"
    # A date alone has no time and no offset; the third line is fine.
    assert problem_prefixes(err) == ["line 1: starts_at:", "line 2: starts_at:"]


def test_a_key_given_twice_and_an_empty_tag_list_without_topic(home, tmp_path):
    twice = json.dumps(LECTURE, ensure_ascii=False)[:-1] + ', "title": "又一个标题"}'
    path = write_jsonl(tmp_path / "bad.jsonl", [twice, dict(STORY, tags=[])])

    out, err, error = run_import(path)

    assert error is not None
    assert err.splitlines() == [
        "line 1: title: 同一行里出现了两次",
        "line 2: topic: 缺少专题：请填写 topic，或在 tags 里至少写一个标签",
    ]


def test_null_capacity_and_utc_times_are_accepted(home, tmp_path):
    line = dict(EVENT, capacity=None, starts_at="2025-07-01T01:00:00Z", ends_at=None)
    path = write_jsonl(tmp_path / "event.jsonl", [line])

    assert run_import(path)[2] is None

    event = ForumEventPage.objects.get()
    assert event.capacity is None and event.ends_at is None
    assert event.starts_at == datetime(2025, 7, 1, 1, 0, tzinfo=UTC)


def test_blank_lines_are_skipped_but_counted(home, tmp_path):
    path = tmp_path / "spaced.jsonl"
    path.write_text(
        "\n" + json.dumps(LECTURE, ensure_ascii=False) + "\n   \n\n" + '{"type": "story"}\n\n',
        encoding="utf-8",
    )

    out, err, error = run_import(path)

    assert error is not None
    assert set(problem_prefixes(err)) == {
        "line 5: slug:",
        "line 5: title:",
        "line 5: body:",
        "line 5: topic:",
    }


def test_slug_used_by_another_kind_or_outside_the_section_is_refused(home, tmp_path):
    assert run_import(write_jsonl(tmp_path / "first.jsonl", [LECTURE, SITE]))[2] is None
    # A page elsewhere in the tree with the slug the story below asks for.
    home.add_child(instance=HomePage(title="别处", slug="somewhere-else"))
    story_line = dict(STORY, slug="somewhere-else")
    site_as_lecture = dict(LECTURE, slug=SITE["slug"])
    path = write_jsonl(tmp_path / "second.jsonl", [site_as_lecture, story_line])

    out, err, error = run_import(path)

    assert error is not None
    assert problem_prefixes(err) == ["line 1: slug:", "line 2: slug:"]
    assert "红色场馆" in err.splitlines()[0]
    assert MicroLecturePage.objects.count() == 1


def test_dry_run_writes_nothing(home, tmp_path):
    path = write_jsonl(tmp_path / "content.jsonl", ALL_KINDS)
    counts = (Page.objects.count(), Revision.objects.count(), Tag.objects.count())

    out, err, error = run_import(path, "--dry-run")

    assert error is None, err
    assert (Page.objects.count(), Revision.objects.count(), Tag.objects.count()) == counts
    assert "would create 4, would update 0" in out
    assert "line 1: 将新建" in out
    assert "将新建栏目：微党课（/lectures/）" in out


def test_dry_run_of_a_reimport_reports_updates(home, tmp_path):
    path = write_jsonl(tmp_path / "content.jsonl", [LECTURE])
    assert run_import(path)[2] is None
    revisions = Revision.objects.count()

    out, err, error = run_import(path, "--dry-run")

    assert error is None, err
    assert "line 1: 将更新" in out and "would create 0, would update 1" in out
    assert Revision.objects.count() == revisions


def test_dry_run_still_reports_problems(home, tmp_path):
    path = write_jsonl(tmp_path / "bad.jsonl", [dict(SITE, latitude=91)])

    out, err, error = run_import(path, "--dry-run")

    assert error is not None
    assert err.splitlines() == ["line 1: latitude: 必须在 -90 到 90 之间"]


def test_utf8_file_with_byte_order_mark_works(home, tmp_path):
    path = write_jsonl(tmp_path / "bom.jsonl", [LECTURE, STORY], encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")

    out, err, error = run_import(path)

    assert error is None, err
    assert "created 2, updated 0" in out


def test_windows_line_endings_work(home, tmp_path):
    path = tmp_path / "crlf.jsonl"
    path.write_bytes(
        "\r\n".join(json.dumps(line, ensure_ascii=False) for line in [LECTURE, SITE]).encode()
    )

    out, err, error = run_import(path)

    assert error is None, err
    assert "created 2" in out


@pytest.mark.parametrize("content", [b"", b"\n\n  \n", b"\xef\xbb\xbf"])
def test_empty_file_is_a_clear_error(home, tmp_path, content):
    path = tmp_path / "empty.jsonl"
    path.write_bytes(content)

    out, err, error = run_import(path)

    assert error is not None
    assert "文件是空的" in str(error)


def test_file_that_is_not_utf8_is_a_clear_error(home, tmp_path):
    path = tmp_path / "gbk.jsonl"
    path.write_bytes(
        json.dumps(LECTURE, ensure_ascii=False).encode()
        + b"\n"
        + json.dumps(STORY, ensure_ascii=False).encode("gbk")
    )

    out, err, error = run_import(path)

    assert error is not None
    assert "UTF-8" in str(error) and "第 2 行" in str(error)
    assert not MicroLecturePage.objects.exists()


def test_missing_file_is_a_clear_error(home, tmp_path):
    out, err, error = run_import(tmp_path / "nope.jsonl")

    assert error is not None
    assert "找不到文件" in str(error)


def test_site_without_a_home_page_cannot_get_sections(home, tmp_path):
    Site.objects.all().delete()
    path = write_jsonl(tmp_path / "content.jsonl", [LECTURE])

    out, err, error = run_import(path)

    assert error is not None
    assert problem_prefixes(err) == ["line 1: type:"]


def test_command_line_exit_status_is_non_zero_on_problems(tmp_path):
    """From a shell, problems give exit status 1 and no traceback (what scripts check)."""
    path = write_jsonl(tmp_path / "bad.jsonl", ["not json"])
    # A throwaway database: a line that is not JSON is refused before any query.
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        DJANGO_SETTINGS_MODULE="config.settings",
        ALLOW_INSECURE_KEY="1",
    )

    finished = subprocess.run(
        [sys.executable, "manage.py", "import_content", str(path), "--skip-checks"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert finished.returncode == 1
    assert "line 1: json: 不是有效的 JSON" in finished.stderr
    assert "Traceback" not in finished.stderr


def test_plain_text_becomes_escaped_paragraphs():
    text = "第一段\r\n同一段第二行\n\n\n  \n第二段 <b>不是标签</b>\n\n\u3000\n第三段"

    assert plain_text_to_paragraphs(text) == [
        "<p>第一段<br/>同一段第二行</p>",
        "<p>第二段 &lt;b&gt;不是标签&lt;/b&gt;</p>",
        "<p>第三段</p>",
    ]


def test_control_characters_are_refused_with_the_line_and_field(tmp_path):
    """NUL breaks PostgreSQL and a newline breaks a title: refused, named, nothing written."""
    lines = [
        {**LECTURE, "slug": "kongzhi-1", "title": "长征\x00精神"},
        {**LECTURE, "slug": "kongzhi-2", "speaker": "王老师\n李老师"},
        {**LECTURE, "slug": "kongzhi-3", "tags": ["长征精神\x07"]},
        {**LECTURE, "slug": "kongzhi-4", "summary": "摘要\x00"},
        {**LECTURE, "slug": "kongzhi-5", "body": "正文\x1b[31m"},
        # Line breaks and tabs are fine where the text has several lines.
        {**LECTURE, "slug": "kongzhi-6", "summary": "第一行\n第二行", "transcript": "甲\t乙\r\n丙"},
    ]
    before = ContentPage.objects.count()
    _out, err, error = run_import(write_jsonl(tmp_path / "c.jsonl", lines))
    assert error is not None
    assert problem_prefixes(err) == [
        "line 1: title:",
        "line 2: speaker:",
        "line 3: tags:",
        "line 4: summary:",
        "line 5: body:",
    ]
    assert "控制字符" in err
    assert ContentPage.objects.count() == before
