"""The page "Für meine Kommune / For my municipality" on the site: form and answer on one page
with the inputs in the URL, the JSON twin, the printable view, 400 for bad input, German and
English, and the links to it. The expected orders are those of tests/test_orientation.py."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from pages_support import parse_html

PLANNER_2 = [
    ("land", "baden-wuerttemberg"),
    ("size", "mittelstadt"),
    ("sector", "environment"),
    ("have", "platform"),
    ("component", "fiware-orion"),
]
EXPECTED_2 = [
    "herrenberg-parking-guidance",
    "stuttgart-air-quality",
    "sindelfingen-parking-guidance",
    "herrenberg-ev-charging",
    "barcelona-noise-monitoring",
]


def shown(html: str) -> list[str]:
    return re.findall(r'<li class="match" id="match-[^"]+" data-slug="([^"]+)"', html)


def test_the_empty_page_is_a_form_that_works_without_javascript(v2_client):
    page = v2_client.get("/orientation?lang=en")
    assert page.status_code == 200
    parsed = parse_html(page.text)
    forms = [a for tag, a in parsed.elements if tag == "form"]
    assert forms == [
        {"action": "/orientation", "method": "get", "class": "orientation-form", "novalidate": ""}
    ]
    ids = {a["id"] for tag, a in parsed.elements if tag in ("input", "select") and "id" in a}
    labelled = {a["for"] for tag, a in parsed.elements if tag == "label" and "for" in a}
    assert ids and ids <= labelled
    assert page.text.count("<fieldset") == page.text.count("<legend>") == 4
    assert 'value="rhineland-palatinate"' in page.text  # every Land, with use cases or not
    assert 'value="kreis-ploen"' in page.text and 'value="herrenberg"' in page.text
    assert "How the ranking works" in page.text
    assert shown(page.text) == []


def test_the_answer_is_ranked_and_explained(v2_client):
    page = v2_client.get("/orientation?" + urlencode([*PLANNER_2, ("lang", "en")]))
    assert page.status_code == 200
    assert shown(page.text) == EXPECTED_2
    assert "+4</span> builds on what you have: data platform, FIWARE Orion Context Broker" in (
        page.text
    )
    assert "12 points" in page.text
    # the form keeps the planner's values
    assert '<option value="baden-wuerttemberg" selected>' in page.text
    assert 'id="component-fiware-orion" name="component" value="fiware-orion" checked' in page.text
    assert "open source</span>" in page.text and "/platform/stuttgart-data-platform" in page.text


def test_german(v2_client):
    page = v2_client.get("/orientation?" + urlencode([*PLANNER_2, ("lang", "de")]))
    assert parse_html(page.text).lang == "de"
    assert "<h1>Für meine Kommune</h1>" in page.text
    assert "gleiches Land (Baden-Württemberg)" in page.text
    assert "12 Punkte" in page.text
    assert "Drucken" in page.text


def test_the_json_twin_has_the_same_order_and_every_factor(v2_client):
    query = urlencode([*PLANNER_2, ("lang", "en")])
    page = v2_client.get("/orientation?" + query)
    twin = "/orientation.json?" + urlencode(sorted([*PLANNER_2, ("lang", "en")]))
    assert f'<{twin}>; rel="alternate"; type="application/json"' == page.headers["Link"]
    assert ("application/json", twin) in parse_html(page.text).alternates
    document = v2_client.get(twin).get_json()
    assert [r["id"].rsplit("/", 1)[-1] for r in document["results"]] == EXPECTED_2
    assert [f["factor"] for f in document["factors"]] == [
        "size",
        "land",
        "neighbour",
        "sectors",
        "builds-on",
        "reviewed",
        "flows",
    ]
    first = document["results"][0]
    assert first["score"] == 12
    assert {f["factor"]: f["points"] for f in first["factors"]} == {
        "size": 3,
        "land": 3,
        "sectors": 2,
        "builds-on": 2,
        "reviewed": 1,
        "flows": 1,
    }
    assert all(f["de"] and f["en"] for f in first["factors"])
    assert first["needs"]["platforms"][0]["components"][0]["openSource"] is True


def test_the_json_twin_without_input_explains_itself(v2_client):
    document = v2_client.get("/orientation.json").get_json()
    assert document["results"] == [] and len(document["factors"]) == 7


def test_the_printable_view(v2_client):
    query = urlencode([*PLANNER_2, ("lang", "en")])
    page = v2_client.get("/orientation?" + query)
    prints = [h for h in parse_html(page.text).links if "print=1" in h]
    assert len(prints) == 1
    printed = v2_client.get(prints[0])
    assert printed.status_code == 200
    assert 'class="orientation printing"' in printed.text
    assert shown(printed.text) == EXPECTED_2
    (permalink,) = re.findall(r'<p class="permalink">Permalink: (http[^<]+)</p>', printed.text)
    assert "/orientation?" in permalink and "print=1" not in permalink
    with v2_client.get("/static/css/orientation.css") as response:
        css = response.text
    assert "@media print" in css and ".printing .orientation-form" in css


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("land=atlantis", "Land: “atlantis” is not known to the graph."),
        ("place=gotham", "Municipality or district: “gotham” is not known to the graph."),
        ("land=bavaria&population=lots", "Population: please give a whole number"),
        ("land=bavaria&sector=space", "Sector: “space” is not known to the graph."),
        ("sector=water", "Please choose your municipality or district, or a Land."),
    ],
)
def test_bad_input_is_a_400_with_a_clear_message(v2_client, query, message):
    page = v2_client.get(f"/orientation?{query}&lang=en")
    assert page.status_code == 400
    assert 'role="alert"' in page.text and message in page.text
    assert 'aria-invalid="true"' in page.text
    assert "<form" in page.text  # the form stays, to correct the value
    twin = v2_client.get(f"/orientation.json?{query}")
    assert twin.status_code == 400
    (problem,) = twin.get_json()["problems"]
    assert message in problem["en"] and problem["de"]


def test_a_municipality_of_the_graph(v2_client):
    page = v2_client.get("/orientation?place=herrenberg&sector=mobility&lang=en")
    assert page.status_code == 200
    assert shown(page.text)[0] == "sindelfingen-parking-guidance"
    assert "Taken from the graph for your municipality:" in page.text
    assert "2 use cases of your own municipality are left out." in page.text


def test_linked_from_home_and_navigation(v2_client):
    home = parse_html(v2_client.get("/?lang=en").text)
    assert home.links.count("/orientation") == 2  # navigation and the home page's lead
    other = parse_html(v2_client.get("/usecases?lang=en").text)
    assert "/orientation" in other.links


def test_the_shipped_corpus_answers_a_small_town_in_rhineland_palatinate(client):
    document = client.get(
        "/orientation.json?land=rhineland-palatinate&population=8000&sector=water"
    ).get_json()
    assert document["profile"]["sizeClass"] == "kleinstadt"
    assert document["results"]
    for result in document["results"]:
        assert result["id"].split("/")[-2] == "usecase"  # never a pattern
        assert result["score"] == sum(f["points"] for f in result["factors"]) > 0
        assert all(f["de"] and f["en"] for f in result["factors"])
    assert "sectors" in {f["factor"] for f in document["results"][0]["factors"]}


def test_a_long_list_of_places_becomes_a_text_field(v2_client, monkeypatch):
    from web import orientation as page

    monkeypatch.setattr(page, "PLACE_MENU_LIMIT", 3)
    form = v2_client.get("/orientation?lang=en")
    assert '<input id="place" name="place" type="text"' in form.text
    assert '<option value="kreis-ploen"' not in form.text
    named = v2_client.get("/orientation?place=M%C3%BCnchen&lang=en")
    assert named.status_code == 200
    assert 'value="München"' in named.text  # the field keeps what was typed
    assert '<dt>Municipality</dt><dd><a href="/place/munich">Munich</a>' in named.text
