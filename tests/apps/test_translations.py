"""The Chinese translation is complete and compiled: every message of the .po
file has a translation, and the committed .mo says the same (no database)."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

from django.conf import settings

CATALOG = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES"
CONTEXT = "\x04"  # between a message's context and its msgid


def po_entries() -> dict[str, str]:
    text = (CATALOG / "django.po").read_text(encoding="utf-8")
    entries = {}
    for block in text.split("\n\n"):
        if "#, fuzzy" in block:
            raise AssertionError(f"a fuzzy translation: {block}")
        found = re.search(r'^msgid ((?:".*"\n?)+)msgstr ((?:".*"\n?)+)', block, re.M)
        if found:
            msgid, msgstr = ("".join(re.findall(r'"(.*)"', part)) for part in found.groups())
            context = re.search(r'^msgctxt "(.*)"', block, re.M)
            key = msgid.replace('\\"', '"')
            if context:  # as gettext keys a message with a context
                key = f"{context.group(1)}{CONTEXT}{key}"
            entries[key] = msgstr.replace('\\"', '"')
    return entries


def test_every_message_is_translated() -> None:
    untranslated = [msgid for msgid, msgstr in po_entries().items() if msgid and not msgstr]
    assert untranslated == []


def _compiled(compiled: gettext.GNUTranslations, key: str) -> str:
    if CONTEXT in key:
        context, msgid = key.split(CONTEXT)
        return compiled.pgettext(context, msgid)
    return compiled.gettext(key)


def test_the_compiled_catalog_matches_the_po_file() -> None:
    with (CATALOG / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = {
        msgid: msgstr
        for msgid, msgstr in po_entries().items()
        if msgid and _compiled(compiled, msgid) != msgstr
    }
    assert stale == {}, "run `make messages` to recompile django.mo"


def test_placeholders_survive_translation() -> None:
    for msgid, msgstr in po_entries().items():
        assert sorted(re.findall(r"%\(\w+\)s", msgid)) == sorted(re.findall(r"%\(\w+\)s", msgstr))


ROOT = Path(__file__).resolve().parents[2] / "jixiao"
GETTEXT = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy"}
TRANSLATE_TAG = re.compile(r"""\{%\s*(?:translate|trans)\s+("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""")


def code_messages() -> dict[str, str]:
    """Every literal message of the code: `_("…")` and its kin in the Python files (the
    engine aside: it has its own wording) and `{% translate "…" %}` in the templates;
    message → where it is."""
    import ast

    found: dict[str, str] = {}
    for path in ROOT.rglob("*.py"):
        if "scoring" in path.relative_to(ROOT).parts[:1] or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            first = node.args[0]
            if name in GETTEXT and isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.setdefault(first.value, f"{path.relative_to(ROOT)}:{node.lineno}")
    for path in ROOT.rglob("*.html"):
        for match in TRANSLATE_TAG.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(match.group(1)[1:-1], str(path.relative_to(ROOT)))
    return found


def test_every_message_of_the_code_is_in_the_catalog() -> None:
    """A message added without `make messages` would show in English on a Chinese page."""
    catalog = po_entries()
    missing = {msgid: where for msgid, where in code_messages().items() if msgid not in catalog}
    assert missing == {}, "run `make messages` and translate the new messages"
