"""Every named query runs and answers on the shipped corpus; each has its page, JSON and CSV
twin; parameters are bound as terms, never pasted into the query text."""

from __future__ import annotations

import csv
import io
import json

import pytest

from kg.cli import main
from kg.config import Settings
from kg.errors import QueryError
from kg.rdf import Literal
from kg.sparql.queries import QueryCatalogue
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
    query = CATALOGUE.get(name)
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
