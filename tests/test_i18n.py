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
    for path in WEB.rglob("*.py"):  # web/curation/ too
        wanted |= set(re.findall(call, path.read_text(encoding="utf-8")))
    assert wanted, "no call found: the pattern no longer matches the code"
    assert wanted - translated == set()


def test_no_message_is_in_the_catalogue_twice():
    text = (WEB / "translations/de/LC_MESSAGES/messages.po").read_text(encoding="utf-8")
    entries = re.findall(r'(?:^msgctxt "(.*)"\n)?^msgid "(.*)"$', text, flags=re.M)
    twice = {e for e in entries if entries.count(e) > 1 and e[1]}
    assert twice == set()


def test_values_are_written_the_readers_way(app):
    from kg.rdf import Literal
    from web.i18n import day, literal, number

    xsd = "http://www.w3.org/2001/XMLSchema#"
    cases = [
        (Literal("1234567", datatype=xsd + "integer"), "1.234.567", "1,234,567"),
        (Literal("0.5", datatype=xsd + "decimal"), "0,5", "0.5"),
        (Literal("2026-05-14", datatype=xsd + "date"), "14.05.2026", "May 14, 2026"),
        (Literal("2020-05", datatype=xsd + "gYearMonth"), "Mai 2020", "May 2020"),
        (Literal("true", datatype=xsd + "boolean"), "ja", "yes"),
        (Literal("false", datatype=xsd + "boolean"), "nein", "no"),
        (Literal("2019", datatype=xsd + "gYear"), "2019", "2019"),
        (Literal("not a number", datatype=xsd + "integer"), "not a number", "not a number"),
        (Literal("Hamburg", lang="de"), "Hamburg", "Hamburg"),
    ]
    for lang, column in (("de", 1), ("en", 2)):
        with app.test_request_context(f"/?lang={lang}"):
            app.preprocess_request()
            assert [literal(case[0]) for case in cases] == [case[column] for case in cases]
            assert number(155) == "155"
            assert number(12000) == ("12.000" if lang == "de" else "12,000")
            assert day("2026-12-03T10:00:00Z") == ("03.12.2026" if lang == "de" else "Dec 3, 2026")


def test_home_and_search_write_dates_and_figures_the_readers_way(client):
    html = client.get("/?lang=de").text
    assert re.search(r'<time datetime="(\d{4})-(\d\d)-(\d\d)">\d\d\.\d\d\.\d{4}</time>', html)
