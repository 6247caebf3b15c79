"""The pages of model v2 on the v2 fixture project (tests/fixtures/v2): platforms, components,
programmes, patterns, places with their chain and the use cases of the places inside them,
organisations with their type; evidence on use-case pages (sources, assessments marked, GAIA-X
use with its source); patterns apart from real use cases in search, facets and figures; regions
holding their towns; /ontology saying where terms come from; the W3C ORG prefix."""

from __future__ import annotations

import json
import re

import pytest
from pages_support import parse_html

from kg.views.describe import describe
from kg.views.search import Query, SearchIndex

ORG = "http://www.w3.org/ns/org#"
JSON = "application/sparql-results+json"
ASSESSMENT = {"en": "Curator's assessment", "de": "Einschätzung der Redaktion"}


def main(html: str) -> str:
    """The page's main element (no navigation, no footer)."""
    return html[html.index("<main") : html.index("</main>")]


def section(html: str, heading_id: str) -> str:
    """The section whose heading has ``heading_id``, up to the next section."""
    start = html.index(f'id="{heading_id}"')
    end = html.find("<section", start)
    return html[start : end if end != -1 else len(html)]


# -- use cases: evidence ---------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "de"])
def test_a_use_case_page_shows_sources_and_marks_assessments(v2_client, lang: str) -> None:
    html = main(v2_client.get(f"/usecase/herrenberg-parking-guidance.html?lang={lang}").text)
    assert 'href="https://www.herrenberg.de/parken"' in section(html, "sources-h")
    gaiax = section(html, "gaiax-h")
    # evidenced use with its kind, name and source; the relevance marked as an assessment
    assert "Mobility Data Space" in gaiax
    assert 'href="https://mobility-dataspace.eu/herrenberg"' in gaiax
    assert 'href="/gaiax-use/data-space"' in gaiax
    relevance = gaiax[gaiax.index("GAIA-X-Relevanz" if lang == "de" else "GAIA-X relevance") :]
    assert ASSESSMENT[lang] in relevance and 'href="/gaiax/sovereign-data-exchange"' in relevance
    assert ASSESSMENT[lang] not in gaiax[: gaiax.index('class="links assessed"') - 400]


def test_assessed_data_use_and_flows_are_marked_and_counted_apart(v2_client) -> None:
    stuttgart = main(v2_client.get("/usecase/stuttgart-air-quality.html?lang=en").text)
    data = section(stuttgart, "data-h")
    could = data[data.index("Could use") :]
    assert ASSESSMENT["en"] in could and 'href="/dataset/herrenberg-parking-occupancy"' in could
    herrenberg = main(v2_client.get("/usecase/herrenberg-parking-guidance.html?lang=en").text)
    flows = section(herrenberg, "flows-h")
    sourced, assessed = flows.split("Assessed data flows")
    # sourced: Sindelfingen uses the occupancy; the pattern that uses it is not counted
    assert re.search(r'Feeds <span class="count">1</span>', sourced)
    assert "/usecase/sindelfingen-parking-guidance" in sourced
    assert "/pattern/smart-parking" not in sourced
    # assessed: Stuttgart only judged to use it, marked and counted on its own
    assert re.search(r'Potentially feeds <span class="count">1</span>', assessed)
    assert ASSESSMENT["en"] in assessed and "/usecase/stuttgart-air-quality" in assessed
    assert "/usecase/stuttgart-air-quality" not in sourced


def test_a_use_case_page_links_its_platform_funding_pattern_and_transfer(v2_client) -> None:
    html = main(v2_client.get("/usecase/sindelfingen-parking-guidance.html?lang=en").text)
    glance = section(html, "glance-h")
    for link in (
        "/platform/sindelfingen-data-platform",
        "/usecase/herrenberg-parking-guidance",  # reuses its solution
        "/lifecycle/running",
        "/solution-type/sensor-network",
    ):
        assert f'href="{link}"' in glance
    assert "2023-04" in glance


def test_a_use_case_page_names_who_reused_its_solution(v2_client) -> None:
    html = main(v2_client.get("/usecase/herrenberg-parking-guidance.html?lang=en").text)
    glance = section(html, "glance-h")
    reused = glance[glance.index("Its solution was reused by") :]
    assert 'href="/usecase/sindelfingen-parking-guidance"' in reused
    assert 'href="/usecase/herrenberg-ev-charging"' in reused
    # the super-properties stored for standard clients stay in the twins, not in the page
    assert "wasInformedBy" not in html and ">theme<" not in html


def test_a_pattern_page_says_it_is_a_generic_pattern(v2_client) -> None:
    for lang, words in (("en", "Generic pattern"), ("de", "Allgemeines Muster")):
        html = main(v2_client.get(f"/pattern/smart-parking.html?lang={lang}").text)
        assert words in html and 'class="notice pattern-notice"' in html
        followers = section(html, "instances-h")
        assert 'href="/usecase/herrenberg-parking-guidance"' in followers
        assert "Places" not in section(html, "glance-h")


# -- the new kinds ---------------------------------------------------------------------------------
def test_platform_page(v2_client) -> None:
    html = main(v2_client.get("/platform/herrenberg-urban-platform.html?lang=en").text)
    glance = section(html, "glance-h")
    assert 'href="/org/stadt-herrenberg"' in glance and 'href="/hosting/in-house"' in glance
    assert 'href="https://herrenberg.example.org/openapi.json"' in glance
    assert "<dd>yes</dd>" in glance  # open data export
    components = section(html, "components-h")
    assert 'href="/component/frost-server"' in components
    assert 'href="/component/masterportal"' in components
    users = section(html, "uc-h")
    assert '<span class="count">2</span>' in users
    assert 'href="/usecase/herrenberg-ev-charging"' in users


def test_component_page_with_licence_and_places(v2_client) -> None:
    html = main(v2_client.get("/component/frost-server.html?lang=en").text)
    glance = section(html, "glance-h")
    assert '<a href="http://spdx.org/licenses/Apache-2.0" class="external">Apache-2.0</a>' in glance
    assert 'href="https://github.com/FraunhoferIOSB/FROST-Server"' in glance
    assert "Open source" in html
    used = section(html, "places-h")
    assert '<span class="count">3</span>' in used
    for town in ("herrenberg", "sindelfingen", "stuttgart"):
        assert f'href="/place/{town}"' in used
    closed = main(v2_client.get("/component/vendor-iot-suite.html?lang=de").text)
    assert "Nicht quelloffen" in closed


def test_programme_page(v2_client) -> None:
    html = main(v2_client.get("/programme/mpsc.html?lang=de").text)
    assert "Förderprogramm" in html and 'href="/org/bmwsb"' in html
    assert 'href="/usecase/herrenberg-parking-guidance"' in section(html, "uc-h")


def test_organisation_page_shows_its_type(v2_client) -> None:
    html = main(v2_client.get("/org/kreis-ploen.html?lang=de").text)
    assert 'href="/org-type/landkreis"' in section(html, "glance-h")
    assert '<span class="badge orgtype">' in html


# -- places ----------------------------------------------------------------------------------------
def test_municipality_page(v2_client) -> None:
    html = main(v2_client.get("/place/sindelfingen.html?lang=de").text)
    glance = section(html, "glance-h")
    assert "64.900 (2023)" in glance  # population with its year, German digits
    assert 'href="https://www.statistik-bw.de/"' in glance  # and its source
    assert 'href="/size-class/mittelstadt"' in glance
    assert "48.713, 9.003" in glance
    chain = glance[glance.index('<ol class="chain">') :]
    # the chain up to the Land, though Sindelfingen names only its Kreis
    assert chain.index("/place/landkreis-boeblingen") < chain.index("/place/baden-wuerttemberg")
    assert ">08115045</a>" in glance and "DE:08115045" in glance
    english = main(v2_client.get("/place/sindelfingen.html?lang=en").text)
    assert "64,900 (2023)" in english


def test_a_land_holds_the_use_cases_of_its_towns(v2_client) -> None:
    html = main(v2_client.get("/place/baden-wuerttemberg.html?lang=en").text)
    here = section(html, "uc-h")
    assert '<span class="count">4</span>' in here
    for slug in (
        "herrenberg-parking-guidance",
        "herrenberg-ev-charging",
        "sindelfingen-parking-guidance",  # through Landkreis Böblingen
        "stuttgart-air-quality",
    ):
        assert f'href="/usecase/{slug}"' in here
    assert "munich" not in here and "kalubbe" not in here
    inside = section(html, "contains-h")
    assert 'href="/place/landkreis-boeblingen"' in inside


def test_a_district_page_counts_its_towns(v2_client, v2_store, v2_settings) -> None:
    html = main(v2_client.get("/place/kreis-ploen.html?lang=en").text)
    here = section(html, "uc-h")
    assert '<span class="count">2</span>' in here  # Kalübbe's and the Kreis's own
    assert 'href="/usecase/kalubbe-fire-water-ponds"' in here
    desc = describe(v2_store, v2_settings.vocab, "place", "kreis-ploen")
    assert [n.iri.rsplit("/", 1)[-1] for n in desc.extra["within"]] == ["schleswig-holstein"]
    assert [n.iri.rsplit("/", 1)[-1] for n in desc.extra["contains"]] == ["kalubbe"]


# -- search, facets, figures -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def v2_index(v2_store, v2_settings, tmp_path_factory) -> SearchIndex:
    return SearchIndex.load(v2_store, v2_settings.vocab, tmp_path_factory.mktemp("v2-index"))


def test_patterns_are_searched_and_counted_apart(v2_index: SearchIndex) -> None:
    real = v2_index.search(Query())
    assert real.total == v2_index.usecase_count == 8
    assert all(not e.pattern for e in real.items)
    patterns = v2_index.search(Query(patterns=True))
    assert patterns.total == v2_index.pattern_count == 1
    assert [e.iri.rsplit("/", 1)[-1] for e in patterns.items] == ["smart-parking"]
    # the same word finds the pattern only among patterns (and four real ones: two parking
    # guidance systems, the EV map that shows free parking spaces, and by the stem "park" the
    # Munich traffic data that take in the "Parkhäuser")
    assert v2_index.search(Query(text="parking")).total == 4
    assert v2_index.search(Query(text="parking", patterns=True)).total == 1
    # facet counts never mix: mobility has 5 real use cases and 1 pattern
    mobility = {v.slug: v.count for v in real.facets["sector"]}["mobility"]
    assert mobility == 5
    assert {v.slug: v.count for v in patterns.facets["sector"]}["mobility"] == 1
    assert [e.iri for e in v2_index.recent(20) if "/pattern/" in e.iri] == []


def test_a_region_facet_includes_its_towns(v2_index: SearchIndex) -> None:
    land = v2_index.search(Query(selected={"place": ("baden-wuerttemberg",)}))
    assert sorted(e.iri.rsplit("/", 1)[-1] for e in land.items) == [
        "herrenberg-ev-charging",
        "herrenberg-parking-guidance",
        "sindelfingen-parking-guidance",
        "stuttgart-air-quality",
    ]
    kreis = v2_index.search(Query(selected={"place": ("kreis-ploen",)}))
    assert kreis.total == 2
    counts = {v.slug: v.count for v in v2_index.search(Query()).facets["place"]}
    assert counts["baden-wuerttemberg"] == 4 and counts["landkreis-boeblingen"] == 3


def test_the_search_page_has_a_patterns_toggle(v2_client) -> None:
    page = v2_client.get("/usecases?lang=de").text
    toggle = page[page.index('class="kind-toggle"') :]
    assert 'aria-current="page">Reale Anwendungsfälle <span class="count">8</span>' in toggle
    assert 'href="/usecases?kind=pattern&amp;lang=de"' in toggle
    patterns = v2_client.get("/usecases?kind=pattern&lang=en").text
    assert "<h1>Patterns</h1>" in patterns and "1 pattern" in patterns
    assert 'name="kind" value="pattern"' in patterns
    twin = v2_client.get("/usecases.json?kind=pattern").get_json()
    assert twin["total"] == 1 and twin["query"]["kind"] == "pattern"
    assert twin["items"][0]["pattern"] is True
    region = v2_client.get("/usecases.json?place=baden-wuerttemberg").get_json()
    assert region["total"] == 4


def test_home_counts_patterns_apart(v2_client) -> None:
    html = v2_client.get("/?lang=en").text
    assert "describes 1 generic pattern; patterns are counted apart" in html
    assert 'href="/usecases?kind=pattern"' in html
    figures = re.findall(
        r'<span class="figure">(\d+)</span> <span class="figure-label">([^<]+)', html
    )
    assert ("8", "use cases") in figures


# -- ontology --------------------------------------------------------------------------------------
def test_the_ontology_says_where_terms_come_from(v2_client) -> None:
    html = main(v2_client.get("/ontology.html?lang=en").text)
    origins = section(html, "origins")
    for name in ("DCAT 3 (W3C)", "Organization Ontology (W3C ORG)", "schema.org", "DOAP"):
        assert name in origins
    assert "org:Organization" in origins and "schema:SoftwareSourceCode" in origins
    fields = section(html, "fields")
    assert "<code>orgType</code></td><td><code>org:classification</code>" in fields
    assert "<code>places</code></td><td><code>dcterms:spatial</code>" in fields
    assert "DCMI Metadata Terms" in fields and "own term" in fields
    use_case = html[html.index('id="UseCase-h"') :]
    assert "own term of this knowledge graph" in use_case[:3000]


def test_the_ontology_states_the_shared_definitions(v2_client) -> None:
    html = main(v2_client.get("/ontology.html?lang=de").text)
    definitions = section(html, "definitions")
    for name in (
        "Sektorübergreifender Anwendungsfall",
        "Sektorübergreifender Datenfluss",
        "Gemeinsam genutzter Datensatz",
        "Gewicht einer Sektorverbindung",
    ):
        assert name in definitions
    assert definitions.count("<dd>") == 6  # and the two terms they build on
    assert "<code>sckg:CrossSectorUseCase</code>" in definitions
    assert "einem Sektor dient, dem sein Erzeuger" in definitions


def test_the_definitions_are_those_of_docs_model_md() -> None:
    """One definition each: the words on /ontology are the table in docs/model.md."""
    from kg.views.ontodoc import DEFINITIONS, TERMS_DEFINED
    from tests.conftest import ROOT

    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| ([^|]+?) \| (.+?) \|$", text, flags=re.M))
    stated = {name: texts["en"] for name, (_, texts) in DEFINITIONS.items()}
    stated |= {name: texts["en"] for name, texts in TERMS_DEFINED.items()}
    for name, english in stated.items():
        assert table.get(name) == english, name


# -- the W3C ORG prefix ----------------------------------------------------------------------------
def test_org_prefix_is_w3c_org_in_the_editor_and_the_twins(v2_client) -> None:
    editor = parse_html(v2_client.get("/sparql", headers={"Accept": "text/html"}).text)
    configs = [
        json.loads(text)
        for attrs, text in editor.scripts
        if attrs.get("type") == "application/json" and "prefixes" in text
    ]
    assert configs and all(c["prefixes"]["org"] == ORG for c in configs)
    turtle = v2_client.get("/org/kreis-ploen.ttl").text
    assert re.search(r"@prefix org: <http://www\.w3\.org/ns/org#> \.", turtle)
    assert "a org:Organization" in turtle or "org:Organization" in turtle
    assert "<https://w3id.org/sckg/org/>" not in re.findall(r"@prefix org: (<[^>]+>)", turtle)


def test_every_organisation_is_found_with_the_editors_org_prefix(v2_client) -> None:
    query = "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o a org:Organization }"
    editor = parse_html(v2_client.get("/sparql", headers={"Accept": "text/html"}).text)
    config = next(
        json.loads(text)
        for attrs, text in editor.scripts
        if attrs.get("type") == "application/json" and "prefixes" in text
    )
    text = f"PREFIX org: <{config['prefixes']['org']}>\n{query}"
    answer = v2_client.get("/sparql", query_string={"query": text}, headers={"Accept": JSON})
    assert answer.get_json()["results"]["bindings"][0]["n"]["value"] == "8"


# -- the interconnection matrix: real use cases and patterns apart ---------------------------------
def test_the_matrix_has_a_patterns_toggle(v2_client) -> None:
    html = main(v2_client.get("/interconnections?kind=pattern&lang=en").text)
    assert 'href="/interconnections?lang=en"' in html  # back to the real use cases
    # the one pattern serves mobility and environment: one cell, one pattern in each sector
    cell = "/queries/sector-pair-patterns?a=environment&amp;b=mobility"
    assert f'href="{cell}"' in html
    assert html.count('class="heat"') == 1  # the cell, once: above the diagonal
    twin = v2_client.get("/interconnections.json?kind=pattern").get_json()
    assert twin["kind"] == "pattern"
    assert [(link["weight"], link["usecases"]) for link in twin["links"]] == [(1, 1)]
    figures = {s["id"].rsplit("/", 1)[-1]: s["usecases"] for s in twin["sectors"]}
    assert figures["mobility"] == figures["environment"] == 1 and figures["energy"] == 0
    rows = v2_client.get("/queries/sector-pair-patterns.json?a=environment&b=mobility").get_json()
    assert [r["pattern"]["value"].rsplit("/", 1)[-1] for r in rows["results"]["bindings"]] == [
        "smart-parking"
    ]


def test_the_matrix_of_real_use_cases_counts_no_pattern(v2_client) -> None:
    # mobility: Herrenberg's parking guidance and EV map, Sindelfingen, München, Kreis Plön (5);
    # the pattern smart-parking would make it 6
    twin = v2_client.get("/interconnections.json").get_json()
    assert twin["kind"] == "usecase"
    figures = {s["id"].rsplit("/", 1)[-1]: s["usecases"] for s in twin["sectors"]}
    assert figures["mobility"] == 5 and figures["environment"] == 3


@pytest.mark.parametrize(
    ("path", "count"), [("/platforms", 6), ("/components", 6), ("/programmes", 1)]
)
def test_lists_of_the_new_kinds(v2_client, path: str, count: int) -> None:
    html = main(v2_client.get(f"{path}?lang=de").text)
    kind = {"/platforms": "platform", "/components": "component", "/programmes": "programme"}
    assert html.count(f'href="/{kind[path]}/') == count
