"""The guard refuses what must never reach an engine, before any engine parses the query."""

from __future__ import annotations

import sys

import pytest

from kg.errors import QueryError, QueryRefused
from kg.guard import check
from kg.store import QueryKind

STORE_GRAPH = "https://w3id.org/sckg/graph/ontology"


def allowed(iri: str) -> bool:
    return iri.startswith("https://w3id.org/sckg/graph/")


@pytest.mark.parametrize(
    ("query", "kind"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", QueryKind.SELECT),
        ("ask {}", QueryKind.ASK),
        (
            "PREFIX ex: <http://ex/> CONSTRUCT { ?s ex:p ?o } WHERE { ?s ?p ?o }",
            QueryKind.CONSTRUCT,
        ),
        ("DESCRIBE <http://example.org/>", QueryKind.DESCRIBE),
        ('SELECT ?x { BIND("SERVICE <http://x/> {}" AS ?x) }', QueryKind.SELECT),
        ("SELECT * { ?s ?p ?o } # SERVICE <http://x/> and DROP ALL", QueryKind.SELECT),
        ("PREFIX service: <http://ex/> SELECT * { ?s service:drop ?o }", QueryKind.SELECT),
        ("SELECT ?service ?insert { ?service ?insert ?o }", QueryKind.SELECT),
        ('SELECT * { ?s ?p """a "quoted" SERVICE""" }', QueryKind.SELECT),
        ("SELECT * WHERE { FILTER(?x<?y&&?y>?z) }", QueryKind.SELECT),
        (f"SELECT * FROM <{STORE_GRAPH}> {{ ?s ?p ?o }}", QueryKind.SELECT),
        ("SELECT * FROM <https://w3id.org/sckg/graph/source/x.yaml> { }", QueryKind.SELECT),
    ],
)
def test_accepted_queries_and_their_kind(query: str, kind: QueryKind) -> None:
    assert check(query, allowed_graph=allowed).kind is kind


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "select * { service silent <http://x/> {} }",
        "SELECT * { SERVICE?endpoint{ ?s ?p ?o } }",
        r"SELECT * { \u0053ERVICE <http://127.0.0.1:9/> { } }",
    ],
)
def test_service_is_refused_anywhere(query: str) -> None:
    with pytest.raises(QueryRefused, match="SERVICE"):
        check(query, allowed_graph=allowed)


@pytest.mark.parametrize(
    "query",
    [
        "CLEAR ALL",
        "DROP GRAPH <http://x/>",
        "INSERT DATA { <a:b> <a:c> <a:d> }",
        "PREFIX ex: <http://ex/> DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/data.ttl>",
        "SELECT * {} ; DROP ALL",
        "WITH <http://x/> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    ],
)
def test_update_is_refused(query: str) -> None:
    with pytest.raises(QueryRefused, match="read-only"):
        check(query, allowed_graph=allowed)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM <http://127.0.0.1:9/data.ttl> { ?s ?p ?o }",
        "SELECT * FROM NAMED <file:///etc/passwd> { GRAPH ?g { ?s ?p ?o } }",
        "PREFIX ex: <http://evil.example/> SELECT * FROM ex:g { }",
        "BASE <http://evil.example/> SELECT * FROM <g> { }",
        "SELECT * FROM <relative> { }",
    ],
)
def test_foreign_datasets_are_refused(query: str) -> None:
    with pytest.raises(QueryRefused, match="FROM"):
        check(query, allowed_graph=allowed)


def test_dataset_clauses_are_resolved_and_protocol_graphs_win() -> None:
    checked = check(
        f"PREFIX g: <{STORE_GRAPH[:-8]}> SELECT * FROM g:ontology FROM NAMED <{STORE_GRAPH}> {{}}",
        allowed_graph=allowed,
    )
    assert checked.default_graphs == (STORE_GRAPH,)
    assert checked.named_graphs == (STORE_GRAPH,)
    protocol = checked.dataset(["http://other/"], [])
    assert protocol is not None and list(protocol.default_graphs) == ["http://other/"]
    assert check("ASK {}").dataset() is None


def test_length_is_capped() -> None:
    with pytest.raises(QueryRefused, match="characters"):
        check("ASK {}" + " " * 100, max_length=50)


@pytest.mark.parametrize("opening", ["{", "(", "[", "<< "])
def test_5000_levels_of_nesting_are_refused_without_recursion(opening: str) -> None:
    closing = {"{": "}", "(": ")", "[": "]", "<< ": " >>"}[opening]
    query = "SELECT * WHERE { " + opening * 5000 + closing * 5000 + " }"
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(100)  # a recursive checker would fail here
    try:
        with pytest.raises(QueryRefused, match="nested deeper than 64"):
            check(query, max_length=100_000, max_depth=64)
    finally:
        sys.setrecursionlimit(limit)


def test_depth_within_the_limit_is_accepted() -> None:
    query = "SELECT * WHERE " + "{ " * 10 + "}" * 10
    assert check(query, max_depth=10).depth == 10


@pytest.mark.parametrize("query", ["", "PREFIX ex: <http://ex/>", 'SELECT * { ?s ?p "open }'])
def test_not_a_query(query: str) -> None:
    with pytest.raises(QueryError):
        check(query)
