"""The Simplified Chinese catalog (locale/zh_Hans, made by scripts/update_messages): every UI
string of ours translated as itself, so Django finds each at the first lookup instead of
searching every installed app's catalogs first."""

import ast
import gettext
import re
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import trans_real

LOCALE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
TRANSLATE_TAG = re.compile(r"""{%\s*translate\s+(["'])(.+?)\1""")


def po_entries() -> dict[str, str]:
    """msgid → msgstr[0] (or msgstr) of django.po: its quoted strings, joined."""
    entries: dict[str, str] = {}
    current: dict[str, str] = {}
    field = None
    for line in (LOCALE / "django.po").read_text(encoding="utf-8").splitlines():
        if line.startswith(("msgid ", "msgid_plural ", "msgstr ", "msgstr[0] ", "msgstr[")):
            field, _, quoted = line.partition(" ")
            if field == "msgid" and "msgid" in current:
                entries[current["msgid"]] = current.get("msgstr", current.get("msgstr[0]", ""))
                current = {}
            current[field] = ast.literal_eval(quoted)
        elif line.startswith('"') and field:
            current[field] += ast.literal_eval(line)
    if "msgid" in current:
        entries[current["msgid"]] = current.get("msgstr", current.get("msgstr[0]", ""))
    entries.pop("", None)  # the header
    return entries


def test_every_string_is_its_own_translation():
    entries = po_entries()
    assert len(entries) > 300
    assert {msgid: msgid for msgid in entries} == entries


def test_the_compiled_catalog_is_the_source_catalog():
    with (LOCALE / "django.mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)._catalog
    singular = {key: value for key, value in catalog.items() if isinstance(key, str) and key}
    plural = {key[0]: value for key, value in catalog.items() if isinstance(key, tuple)}
    assert {**singular, **plural} == po_entries()


def test_every_translate_tag_in_our_templates_is_in_the_catalog():
    entries = po_entries()
    missing = set()
    templates = sorted(Path(settings.BASE_DIR).glob("*/templates/**/*.html"))
    assert len(templates) > 30
    for template in templates:
        for _quote, text in TRANSLATE_TAG.findall(template.read_text(encoding="utf-8")):
            if text not in entries:
                missing.add(f"{template.relative_to(settings.BASE_DIR)}: {text}")
    assert not missing, "run scripts/update_messages:\n" + "\n".join(sorted(missing))


def test_django_finds_our_strings_in_the_first_catalog():
    with translation.override("zh-hans"):
        active = trans_real.translation("zh-hans")
        assert "跳到正文" in active._catalog._catalogs[0]
        assert translation.gettext("跳到正文") == "跳到正文"
