"""Everything the user reads goes through Django i18n, Chinese first, English available: the vocabulary
labels and the workflow's moves (gettext_lazy), the browser scripts' texts (the djangojs catalogue at
/jsi18n/<lang>.js, a script of our own under the CSP), and the service worker of the grid app."""

from __future__ import annotations

import gettext as pygettext
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import models
from django.test import Client
from django.utils import translation
from django.utils.functional import Promise

from dangqun.cases.workflow import TRANSITIONS

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = ROOT / "dangqun" / "locale" / "en" / "LC_MESSAGES"
SCRIPTS = sorted((ROOT / "dangqun" / "web" / "static" / "web" / "js").glob("*.js"))
HAN = re.compile(r"[\u3400-\u9fff]")


def _choices(cls: type = models.Choices) -> list[type[models.Choices]]:
    found = []
    for sub in cls.__subclasses__():
        if sub.__module__.startswith("dangqun."):
            found.append(sub)
        found.extend(_choices(sub))
    return found


def _po_entries(path: Path) -> list[dict[str, Any]]:
    """ctx, msgid, [msgstr...] and fuzzy of each entry of a .po file (a small reader: the files are ours)."""
    entries, current, field = [], None, ""
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if current and current["msgid"]:
                entries.append(current)
            current = None
            continue
        if line.startswith("#~"):
            continue
        current = current or {"ctx": None, "msgid": "", "msgstr": [], "fuzzy": False}
        if line.startswith("#,") and "fuzzy" in line:
            current["fuzzy"] = True
        elif line.startswith(("msgctxt ", "msgid ", "msgid_plural ", "msgstr")):
            key, _, value = line.partition(" ")
            field = key
            text = json.loads(value)
            if key == "msgctxt":
                current["ctx"] = text
            elif key == "msgid":
                current["msgid"] = text
            elif key.startswith("msgstr"):
                current["msgstr"].append(text)
        elif line.startswith('"'):
            text = json.loads(line)
            if field == "msgid":
                current["msgid"] += text
            elif field.startswith("msgstr"):
                current["msgstr"][-1] += text
    return entries


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_message_has_an_english_translation_and_the_mo_is_compiled(domain: str) -> None:
    entries = _po_entries(MESSAGES / f"{domain}.po")
    with (MESSAGES / f"{domain}.mo").open("rb") as handle:
        compiled = pygettext.GNUTranslations(handle)

    assert len(entries) > (500 if domain == "django" else 30)
    assert [e["msgid"] for e in entries if e["fuzzy"] or not all(e["msgstr"])] == []
    for entry in entries:
        key = entry["msgid"] if entry["ctx"] is None else f"{entry['ctx']}\x04{entry['msgid']}"
        if len(entry["msgstr"]) == 1:
            assert compiled.gettext(key) == entry["msgstr"][0], f"{domain}.mo is older than the .po: {key}"
        assert not HAN.search("".join(entry["msgstr"])) or entry["msgid"] in {"简体中文"}, entry


def test_vocabulary_labels_and_workflow_moves_are_translated() -> None:
    labels: list[Any] = [label for cls in _choices() for label in cls.labels]
    labels += [t.label for t in TRANSITIONS.values()]
    with translation.override("zh-hans"):
        chinese = [label for label in labels if HAN.search(str(label))]

    assert len(chinese) > 200
    assert [str(label) for label in chinese if not isinstance(label, Promise)] == []
    with translation.override("en"):
        assert [str(label) for label in chinese if HAN.search(str(label))] == []
    with translation.override("zh-hans"):
        assert all(HAN.search(str(label)) for label in chinese)


def _outside_gettext(source: str) -> str:
    source = re.sub(r"/\*.*?\*/", "", source, flags=re.DOTALL)
    source = re.sub(r"^\s*//.*$", "", source, flags=re.MULTILINE)
    return re.sub(r'\b(?:n?gettext)\(\s*"(?:[^"\\]|\\.)*"(?:\s*,\s*"(?:[^"\\]|\\.)*")?', "", source)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_no_chinese_text_in_a_script_outside_gettext(script: Path) -> None:
    assert HAN.findall(_outside_gettext(script.read_text(encoding="utf-8"))) == []


def test_the_catalogue_is_a_script_per_language_with_an_etag(client: Client) -> None:
    english = client.get("/jsi18n/en.js")
    chinese = client.get("/jsi18n/zh-hans.js")
    again = client.get("/jsi18n/en.js", headers={"if-none-match": english["ETag"]})

    assert english.status_code == chinese.status_code == 200
    assert english["Content-Type"].startswith("text/javascript")
    body = english.content.decode()
    assert "No signal: reports are kept on the phone" in body
    assert "Satisfaction %" in body
    assert "No signal" not in chinese.content.decode()
    assert english["ETag"] != chinese["ETag"]
    assert again.status_code == 304
    assert client.get("/jsi18n/fr.js").status_code == 404
    assert client.get("/jsi18n/..%2Fsettings.js").status_code == 404


def test_pages_load_the_catalogue_of_the_chosen_language(client_as) -> None:
    dispatcher = client_as("dispatcher")
    chinese = dispatcher.get("/command/").content.decode()
    dispatcher.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = dispatcher.get("/command/").content.decode()

    assert '<script src="/jsi18n/zh-hans.js" defer></script>' in chinese
    assert '<script src="/jsi18n/en.js" defer></script>' in english
    # the catalogue comes before the scripts that use it (deferred scripts run in document order)
    assert english.index("/jsi18n/en.js") < english.index("command-charts.js")


def test_service_worker_stores_the_catalogue_of_its_language(client: Client) -> None:
    chinese = client.get("/sw.js").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/sw.js").content.decode()

    def shell(body: str) -> list[str]:
        return json.loads(re.search(r"const SHELL = (\[.*?\]);", body).group(1))  # type: ignore[union-attr]

    def version(body: str) -> str:
        return re.search(r'const VERSION = "([^"]+)";', body).group(1)  # type: ignore[union-attr]

    assert "/jsi18n/zh-hans.js" in shell(chinese)
    assert "/jsi18n/en.js" in shell(english)
    assert version(chinese) != version(english)
    assert "离线:此页面尚未缓存" in chinese
    assert "Offline: this page is not stored on the phone yet" in english
    assert not HAN.search(english.split("*/", 1)[1])  # past the header comment
