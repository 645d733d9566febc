"""Every Chinese catalogue is complete and compiled: no untranslated or fuzzy message, and the
committed .mo holds every message of its .po (so it was compiled after the last edit)."""

import ast
import gettext
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted(
    path
    for path in ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po")
    if ".venv" not in path.parts
)


def po_entries(path: Path) -> list[dict]:
    """The entries of a .po file: msgctxt, msgid, msgstr(s) and flags; the header left out."""
    entries, entry, key = [], {"flags": ""}, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if "msgid" in entry:
                entries.append(entry)
            entry, key = {"flags": ""}, None
        elif line.startswith("#,"):
            entry["flags"] += line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            entry[key] = ast.literal_eval(value)
    return [e for e in entries if e["msgid"]]


def test_the_project_has_chinese_catalogues():
    assert ROOT / "locale/zh_Hans/LC_MESSAGES/django.po" in CATALOGUES


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_message_is_translated_and_compiled(po):
    entries = po_entries(po)
    assert entries
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert not fuzzy, f"fuzzy in {po}: {fuzzy[:5]}"
    untranslated = [
        e["msgid"] for e in entries if not all(v for k, v in e.items() if k.startswith("msgstr"))
    ]
    assert not untranslated, f"untranslated in {po}: {untranslated[:5]}"
    with po.with_suffix(".mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog
    missing = [
        e["msgid"]
        for e in entries
        if (f"{e['msgctxt']}\x04{e['msgid']}" if "msgctxt" in e else e["msgid"]) not in compiled
        and (e["msgid"], 0) not in compiled
        and (f"{e.get('msgctxt')}\x04{e['msgid']}", 0) not in compiled
    ]
    assert not missing, f"{po.with_suffix('.mo')} is older than its .po: {missing[:5]}"
