"""The Chinese translation is complete and compiled: every message of the .po
file has a translation, and the committed .mo says the same (no database)."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

from django.conf import settings

CATALOG = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES"


def po_entries() -> dict[str, str]:
    text = (CATALOG / "django.po").read_text(encoding="utf-8")
    entries = {}
    for block in text.split("\n\n"):
        if "#, fuzzy" in block:
            raise AssertionError(f"a fuzzy translation: {block}")
        found = re.search(r'^msgid ((?:".*"\n?)+)msgstr ((?:".*"\n?)+)', block, re.M)
        if found:
            msgid, msgstr = ("".join(re.findall(r'"(.*)"', part)) for part in found.groups())
            entries[msgid.replace('\\"', '"')] = msgstr.replace('\\"', '"')
    return entries


def test_every_message_is_translated() -> None:
    untranslated = [msgid for msgid, msgstr in po_entries().items() if msgid and not msgstr]
    assert untranslated == []


def test_the_compiled_catalog_matches_the_po_file() -> None:
    with (CATALOG / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = {
        msgid: msgstr
        for msgid, msgstr in po_entries().items()
        if msgid and compiled.gettext(msgid) != msgstr
    }
    assert stale == {}, "run `make messages` to recompile django.mo"


def test_placeholders_survive_translation() -> None:
    for msgid, msgstr in po_entries().items():
        assert sorted(re.findall(r"%\(\w+\)s", msgid)) == sorted(re.findall(r"%\(\w+\)s", msgstr))
