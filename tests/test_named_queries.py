"""Every named query runs and answers on the shipped corpus; each has its page, JSON and CSV
twin; parameters are bound as terms, never pasted into the query text."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from urllib.parse import unquote

import pytest

from kg.cli import main
from kg.config import Settings
from kg.errors import QueryError
from kg.rdf import IRI, Literal
from kg.sparql.queries import QueryCatalogue, inline
from kg.store import QueryKind, Store
from tests.conftest import ROOT
from tests.test_v2_queries import V2_QUERIES

CATALOGUE = QueryCatalogue(ROOT / "queries", Settings().vocab)
NAMES = [query.name for query in CATALOGUE]
INJECTION = "x> } ; DROP ALL ; SELECT * { ?s ?p ?o"


def test_there_are_at_least_ten_documented_queries() -> None:
    assert len(NAMES) >= 10
    for query in CATALOGUE:
        for attribute in ("title", "description"):
            texts = getattr(query, attribute)
            assert texts.get("de") and texts.get("en"), f"{query.name}: {attribute} in de and en"
        assert "PREFIX" in query.text, f"{query.name} declares its prefixes"


#: Queries about the decision model of issue 11 (platforms, populations, transfers, GAIA-X use)
#: answer on the v2 fixture project, where their answers are known (tests/test_v2_queries.py),
#: whatever the shipped corpus says about those yet.
ON_FIXTURE = frozenset({*V2_QUERIES, "sector-pair-patterns"})


@pytest.mark.parametrize("name", NAMES)
def test_named_query_answers_on_the_shipped_corpus(name: str, request) -> None:
    store: Store = request.getfixturevalue("v2_store" if name in ON_FIXTURE else "store")
    query = CATALOGUE.get(name).specialised({}, CATALOGUE.vocab)  # list parameters written in
    bindings = query.bindings({}, CATALOGUE.vocab)
    if query.kind is QueryKind.SELECT:
        assert store.select(query.text, bindings), f"{name} returned no rows"
    elif query.kind is QueryKind.ASK:
        assert store.ask(query.text, bindings) in (True, False)
    else:
        assert store.construct(query.text, bindings), f"{name} returned no triples"


def test_kg_query_prints_a_named_query(built_settings: Settings, capsys) -> None:
    store = str(built_settings.store_path)
    code = main(["query", "sectors-overview", "--store", store, "--format", "csv"])
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows and {"sector", "useCases"} <= set(rows[0])


def test_a_parameter_is_a_term_not_text() -> None:
    query = CATALOGUE.get("usecases-by-sector")
    with pytest.raises(QueryError, match="not an http"):
        query.bindings({"sector": INJECTION}, CATALOGUE.vocab)
    bound = query.bindings({"sector": "energy"}, CATALOGUE.vocab)
    assert str(bound["sector"]) == CATALOGUE.vocab.entity("sector", "energy")
    assert INJECTION not in query.text


# -- on the web ----------------------------------------------------------------------------


def test_the_list_links_every_query(client) -> None:
    page = client.get("/queries").get_data(as_text=True)
    for name in NAMES:
        assert f'href="/queries/{name}?lang=en"' in page
        assert f'href="/queries/{name}.json"' in page
    listing = client.get("/queries.json").get_json()
    assert [q["name"] for q in listing["queries"]] == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_each_query_has_a_page_and_twins(name: str, request) -> None:
    client = request.getfixturevalue("v2_client" if name in ON_FIXTURE else "client")
    page = client.get(f"/queries/{name}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<table" in html and f"/queries/{name}.json" in html and "Permalink" in html
    assert 'rel="alternate"' in page.headers["Link"]
    twin = client.get(f"/queries/{name}.json")
    assert twin.status_code == 200
    document = json.loads(twin.get_data())
    if CATALOGUE.get(name).kind.is_graph:
        assert twin.mimetype == "application/ld+json" and document
    else:
        assert twin.mimetype == "application/sparql-results+json"
        assert document["results"]["bindings"]
    table = client.get(f"/queries/{name}.csv")
    assert table.status_code == 200 and table.mimetype == "text/csv"
    assert len(list(csv.reader(io.StringIO(table.get_data(as_text=True))))) > 1


def test_the_page_is_bilingual(client) -> None:
    query = CATALOGUE.get("usecases-by-sector")
    assert query.title["de"] in client.get("/queries/usecases-by-sector?lang=de").text
    german = client.get("/queries/usecases-by-sector", headers={"Accept-Language": "de"})
    assert query.title["de"] in german.text
    assert query.title["en"] in client.get("/queries/usecases-by-sector?lang=en").text


def test_parameters_make_permalinks(client) -> None:
    energy = client.get("/queries/usecases-by-sector.json?sector=energy").get_json()
    sectors = {row["sector"]["value"] for row in energy["results"]["bindings"]}
    assert sectors == {CATALOGUE.vocab.entity("sector", "energy")}
    page = client.get("/queries/usecases-by-sector?sector=energy&lang=de").text
    assert "/queries/usecases-by-sector?sector=energy" in page
    assert '<option value="energy" selected>' in page


@pytest.mark.parametrize("suffix", ["", ".json", ".csv"])
def test_injection_is_refused_or_inert(client, suffix: str) -> None:
    response = client.get(
        f"/queries/usecases-by-sector{suffix}", query_string={"sector": INJECTION}
    )
    assert response.status_code == 400
    assert "not an http" in response.get_data(as_text=True)


def test_a_string_parameter_stays_an_inert_literal(store: Store) -> None:
    text = "PREFIX ex: <http://ex/> SELECT ?text WHERE { BIND(STRLEN(?text) AS ?n) }"
    rows = store.select(text, {"text": Literal(INJECTION)})
    assert rows == [{"text": Literal(INJECTION)}]


def test_unknown_query_and_twin_are_404(client) -> None:
    assert client.get("/queries/no-such-query").status_code == 404
    assert client.get("/queries/sectors-overview.xlsx").status_code == 404


# -- parameters written into the text, for the editor and other endpoints ----------------------
def _with_defaults(bound: bool = True) -> list[str]:
    """Queries with parameters whose defaults bind something (or, ``bound=False``, nothing)."""
    catalogue = QueryCatalogue(ROOT / "queries", Settings().vocab)
    return [
        q.name for q in catalogue if q.params and bool(q.bindings({}, catalogue.vocab)) == bound
    ]


@pytest.mark.parametrize("name", _with_defaults(bound=False))
def test_optional_parameters_left_open_leave_the_text_alone(name: str) -> None:
    query = QueryCatalogue(ROOT / "queries", Settings().vocab).get(name)
    assert inline(query.text, {}) == query.text


@pytest.mark.parametrize("name", _with_defaults())
def test_inlined_parameters_give_the_rows_the_site_shows(store, name: str) -> None:
    """The text the editor receives (defaults written in as VALUES) answers exactly what the
    site answers with the same parameters passed as terms."""
    catalogue = QueryCatalogue(ROOT / "queries", Settings().vocab)
    query = catalogue.get(name)
    bindings = query.bindings({}, catalogue.vocab)
    written = inline(query.text, bindings)
    assert "VALUES" in written and all(term.n3() in written for term in bindings.values())
    if query.kind.is_graph:
        assert set(store.construct(written)) == set(store.construct(query.text, bindings))
    else:
        site = store.select(query.text, bindings)
        assert site, f"{name}: the default parameters find nothing, so this proves nothing"
        assert sorted(map(repr, store.select(written))) == sorted(map(repr, site))


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("SELECT ?s WHERE { ?s ?p ?o }", "WHERE { VALUES"),
        ("SELECT ?s { ?s ?p ?o }", "?s { VALUES"),
        ("SELECT (COUNT(*) AS ?n) WHERE { { SELECT ?s { ?s ?p ?o } } }", "WHERE { VALUES"),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "WHERE { VALUES"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "WHERE { VALUES"),
        ("ASK { ?s ?p ?o }", "ASK { VALUES"),
        (
            "PREFIX x: <http://x/> # SELECT { in a comment\nDESCRIBE ?s WHERE { ?s ?p ?o }",
            "WHERE { VALUES",
        ),
    ],
)
def test_values_open_the_where_pattern(text: str, where: str) -> None:
    written = inline(text, {"s": IRI("http://example.org/a")})
    assert where in written
    assert "VALUES (?s) { (<http://example.org/a>) }" in written
    assert written.count("VALUES") == 1


def test_the_editor_examples_carry_their_parameters(client, store) -> None:
    """An example of the editor, run at the endpoint, gives the named query page's rows
    (it used to drop the sector and return every use case)."""
    page = client.get("/sparql?lang=en", headers={"Accept": "text/html"})
    config = json.loads(
        re.search(r'id="sckg-editor-config">(.*?)</script>', page.text, re.S).group(1)
    )
    text = config["examples"]["usecases-by-sector"]["text"]
    assert "VALUES (?sector) { (<https://w3id.org/sckg/sector/mobility>) }" in text
    ran = client.post(
        "/sparql",
        data={"query": text},
        headers={"Accept": "application/sparql-results+json"},
    ).get_json()
    named = client.get("/queries/usecases-by-sector.json").get_json()
    assert len(ran["results"]["bindings"]) == len(named["results"]["bindings"]) > 0


def test_open_in_editor_keeps_the_chosen_parameters(client) -> None:
    page = client.get("/queries/usecases-by-sector?sector=energy")
    link = re.search(r'href="(/sparql#query=[^"]+)"', page.text)
    assert link, "the named query page links to the editor"
    text = unquote(html.unescape(link.group(1)).split("#query=", 1)[1])
    assert "VALUES (?sector) { (<https://w3id.org/sckg/sector/energy>) }" in text


# -- column headings ------------------------------------------------------------------------------
def test_every_column_of_every_select_query_has_a_heading_in_both_languages() -> None:
    from rdflib.plugins.sparql import prepareQuery

    catalogue = QueryCatalogue(ROOT / "queries", Settings().vocab)
    missing = [
        f"{query.name}: ?{variable} ({lang})"
        for query in catalogue
        if query.kind is QueryKind.SELECT
        for variable in map(str, prepareQuery(query.text).algebra["PV"])
        for lang in ("de", "en")
        if not (query.columns.get(variable) or catalogue.columns.get(variable, {})).get(lang)
    ]
    assert missing == [], "add them to queries/columns.yaml"


def test_a_query_page_heads_its_columns_in_the_page_language(client) -> None:
    german = client.get("/queries/usecases-per-land?lang=de").text
    english = client.get("/queries/usecases-per-land?lang=en").text
    assert '<th scope="col" title="?landName">Name des Landes</th>' in german
    assert '<th scope="col" title="?landName">Name of the Land</th>' in english
    assert client.get("/queries/usecases-per-land.csv").text.startswith("land,landName,")


def test_a_query_may_head_its_own_columns(tmp_path) -> None:
    (tmp_path / "q.rq").write_text(
        "#+ columns:\n#+   title: {de: Bezeichnung, en: Label}\n"
        "SELECT ?title ?x WHERE { ?s ?p ?title }\n",
        encoding="utf-8",
    )
    (tmp_path / "columns.yaml").write_text("title: {de: Titel, en: Title}\n", encoding="utf-8")
    catalogue = QueryCatalogue(tmp_path, Settings().vocab)
    query = catalogue.get("q")
    assert catalogue.heading(query, "title", "de") == "Bezeichnung"
    assert catalogue.heading(query, "x", "de") is None


def test_malformed_headings_are_refused(tmp_path) -> None:
    (tmp_path / "q.rq").write_text("#+ columns: [title]\nSELECT ?title {}\n", encoding="utf-8")
    with pytest.raises(QueryError, match="columns must map"):
        QueryCatalogue(tmp_path, Settings().vocab)
