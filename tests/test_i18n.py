"""German and English: ``?lang=``, then the cookie it sets, then ``Accept-Language``; data labels
in the chosen language with a fallback; every template string translated."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po
from pages_support import parse_html

from kg.views.describe import pick
from web.i18n import compile_catalogues

WEB = Path(__file__).resolve().parent.parent / "web"


def test_accept_language_picks_german(client):
    page = client.get("/", headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    assert parse_html(page.text).lang == "de"
    assert "Was der Graph enthält" in page.text
    assert "Accept-Language" in page.headers["Vary"]


def test_default_is_english(client):
    page = client.get("/", headers={"Accept-Language": "fr-FR"})
    assert parse_html(page.text).lang == "en"
    assert "What the graph holds" in page.text


def test_lang_parameter_wins_and_is_remembered(app):
    client = app.test_client()
    first = client.get("/?lang=de", headers={"Accept-Language": "en"})
    assert parse_html(first.text).lang == "de"
    assert "lang=de" in first.headers["Set-Cookie"]
    later = client.get("/usecases", headers={"Accept-Language": "en"})
    assert parse_html(later.text).lang == "de"
    back = client.get("/usecases?lang=en")
    assert parse_html(back.text).lang == "en"
    assert parse_html(client.get("/").text).lang == "en"


def test_unknown_lang_parameter_is_ignored(client):
    page = client.get("/?lang=xx", headers={"Accept-Language": "de"})
    assert parse_html(page.text).lang == "de"


def test_data_labels_follow_the_language(client):
    de = client.get("/sector/mobility.html?lang=de").text
    en = client.get("/sector/mobility.html?lang=en").text
    assert "<h1>Mobilität und Verkehr</h1>" in de
    assert "<h1>Mobility and transport</h1>" in en


def test_label_fallback_order():
    assert pick({"de": "Hallo", "en": "Hello"}, "de") == "Hallo"
    assert pick({"en": "Hello"}, "de") == "Hello"
    assert pick({"de": "Hallo"}, "en") == "Hallo"
    assert pick({"": "plain"}, "en") == "plain"
    assert pick({"fr": "Bonjour"}, "en") == "Bonjour"


def test_language_switch_keeps_the_page(client):
    page = parse_html(client.get("/usecases?sector=mobility&lang=en").text)
    assert "/usecases?lang=de&sector=mobility" in page.links


def test_every_template_string_is_translated():
    with (WEB / "translations/de/LC_MESSAGES/messages.po").open("rb") as handle:
        catalogue = read_po(handle)
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.string}
    wanted = set()
    for path in (WEB / "templates").rglob("*.html"):
        if {"sparql", "queries"} & set(path.parts):
            continue
        text = path.read_text(encoding="utf-8")
        wanted |= set(re.findall(r"_\('((?:[^'\\]|\\.)*)'", text))
        wanted |= set(re.findall(r'_\("((?:[^"\\]|\\.)*)"', text))
        wanted |= set(re.findall(r"ngettext\('((?:[^'\\]|\\.)*)'", text))
    assert wanted - translated == set()


def test_catalogue_compiles_from_the_po_file():
    folder = compile_catalogues(WEB / "translations")
    assert (folder / "de/LC_MESSAGES/messages.mo").stat().st_size > 1000


def test_every_python_string_of_the_web_is_translated():
    with (WEB / "translations/de/LC_MESSAGES/messages.po").open("rb") as handle:
        catalogue = read_po(handle)
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.string}
    call = r'(?<![\w.])(?:gettext|ngettext|lazy_gettext|_)\(\s*"((?:[^"\\]|\\.)*)"'
    wanted = set()
    for path in WEB.glob("*.py"):
        wanted |= set(re.findall(call, path.read_text(encoding="utf-8")))
    assert wanted, "no call found: the pattern no longer matches the code"
    assert wanted - translated == set()


def test_no_message_is_in_the_catalogue_twice():
    text = (WEB / "translations/de/LC_MESSAGES/messages.po").read_text(encoding="utf-8")
    entries = re.findall(r'(?:^msgctxt "(.*)"\n)?^msgid "(.*)"$', text, flags=re.M)
    twice = {e for e in entries if entries.count(e) > 1 and e[1]}
    assert twice == set()
