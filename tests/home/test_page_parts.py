"""The content page and base.html gather the upper apps' parts through ``home.page_parts``:
each part where it always was, in the same order, for a member and for a visitor; and
site/templates (the base layer) names no template or tag library of an app above ``home``."""

import configparser
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from django.test import Client

from home.page_parts import PagePart, part_templates
from tests.factories import (
    ForumEventPageFactory,
    MicroLecturePageFactory,
    login,
    make_member,
)
from tests.selfcheck.helpers import Quiz, give_questions

ROOT = Path(settings.BASE_DIR)
BASE_LAYER_TEMPLATES = ROOT / "site" / "templates"
BASE_APP = "home"

# What marks each section in the HTML, in the order the page shows them.
SECTIONS = {
    "学习自测": 'id="self-check"',
    "我的学习": 'class="study"',
    "下载离线": "data-offline-download",
    "学习心得": 'id="reflection"',
    "对你有帮助吗？": 'id="feedback"',
    "分享": 'class="share',
    "标签": 'class="article__footer"',
}


def shown_sections(html: str) -> list[str]:
    found = [(html.find(marker), name) for name, marker in SECTIONS.items() if marker in html]
    return [name for _position, name in sorted(found)]


@pytest.fixture
def lecture(db):
    return give_questions(MicroLecturePageFactory(title="分段测试微党课"), Quiz())


@pytest.mark.django_db
def test_a_member_sees_every_section_in_the_same_order(lecture):
    html = login(make_member("duanluo")).get(lecture.url).content.decode()
    assert shown_sections(html) == [
        "学习自测",
        "我的学习",
        "下载离线",
        "学习心得",
        "对你有帮助吗？",
        "分享",
        "标签",
    ]
    assert html.count('id="self-check"') == html.count('class="study"') == 1
    assert "学完标准" in html


@pytest.mark.django_db
def test_a_visitor_sees_the_questions_and_the_vote_but_nothing_of_a_member(lecture):
    html = Client().get(lecture.url).content.decode()
    assert shown_sections(html) == ["学习自测", "对你有帮助吗？", "分享", "标签"]
    assert "js/learning.js" not in html


@pytest.mark.django_db
def test_an_event_says_attendance_counts_in_its_study_section():
    event = ForumEventPageFactory(title="分段测试活动")
    html = login(make_member("huodong")).get(event.url).content.decode()
    assert shown_sections(html) == ["我的学习", "对你有帮助吗？", "分享", "标签"]
    assert "活动以现场签到为准" in html
    assert "学完了" not in html


@pytest.mark.django_db
def test_the_learning_script_joins_a_members_content_page_head(lecture):
    html = login(make_member("jiaoben")).get(lecture.url).content.decode()
    head = html.split("</head>")[0]
    assert head.count("js/learning.js") == 1
    assert head.index("js/offline.js") < head.index("js/learning.js")


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/search/?q=党"])
def test_every_page_has_the_offline_script_in_its_head_and_its_notice_before_main(client, url):
    html = client.get(url).content.decode()
    head, body = html.split("</head>")
    assert head.count("js/offline.js") == 1 and 'data-sw="' in head
    assert body.index('<template id="offline-ui">') < body.index('<main id="main"')
    assert body.index('class="site-header"') < body.index('<template id="offline-ui">')


def test_parts_come_in_order_and_a_misspelt_slot_is_refused():
    assert part_templates("content-sections") == [
        "selfcheck/self_check.html",
        "learning/study.html",
        "offline/download.html",
        "reflections/page_reflection.html",
        "feedback/page_vote.html",
    ]
    with pytest.raises(ValueError):
        PagePart("content-section", 1, "x.html")
    with pytest.raises(ValueError):
        part_templates("footer")


# --- site/templates names no upper app ---------------------------------------------------


def apps_above_base() -> list[str]:
    """The apps in the layers above ``home`` (.importlinter, top layer first)."""
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    layers = config["importlinter:contract:layers"]["layers"].split()
    layers = [line for line in layers if line != "|"]
    return layers[: layers.index(BASE_APP)]


def templates_of(app: str) -> set[str]:
    folder = ROOT / app / "templates"
    return {str(path.relative_to(folder)) for path in folder.rglob("*.html")}


def tag_libraries_of(apps: list[str]) -> set[str]:
    libraries = engines["django"].engine.libraries  # name: dotted path of its module
    return {name for name, module in libraries.items() if module.split(".")[0] in apps}


TEMPLATE_NAMED = re.compile(r"""{%\s*(?:include|extends)\s+["']([^"']+)["']""")
LIBRARIES_LOADED = re.compile(r"{%\s*load\s+([^%]+?)\s*%}")


def upper_names(source: str, upper_templates: set[str], upper_libraries: set[str]) -> list[str]:
    named = [name for name in TEMPLATE_NAMED.findall(source) if name in upper_templates]
    for libraries in LIBRARIES_LOADED.findall(source):
        named += [name for name in libraries.split() if name in upper_libraries]
    return named


def test_the_layers_above_home_are_read_from_the_import_contract():
    upper = apps_above_base()
    assert {"selfcheck", "offline", "reflections", "feedback", "learning"} <= set(upper)
    assert BASE_APP not in upper and "members" not in upper and "core" not in upper


def test_the_scan_finds_an_upper_apps_template_or_tag_library():
    upper = apps_above_base()
    source = '{% load i18n offline_tags %}{% include "feedback/page_vote.html" %}'
    found = upper_names(source, templates_of("feedback"), tag_libraries_of(upper))
    assert found == ["feedback/page_vote.html", "offline_tags"]


def test_the_base_layers_templates_name_no_upper_app():
    upper = apps_above_base()
    upper_templates = set().union(*(templates_of(app) for app in upper))
    upper_libraries = tag_libraries_of(upper)
    named = {
        str(path.relative_to(BASE_LAYER_TEMPLATES)): found
        for path in BASE_LAYER_TEMPLATES.rglob("*.html")
        if (found := upper_names(path.read_text(), upper_templates, upper_libraries))
    }
    assert named == {}
