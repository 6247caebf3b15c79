"""Researchers' client: SPARQLWrapper against the app served over HTTP on a loopback port,
SELECT, ASK, CONSTRUCT and DESCRIBE in every format the endpoint offers, GET and POST."""

from __future__ import annotations

import csv
import io
from xml.dom.minidom import Document

import pytest
from rdflib import Graph
from SPARQLWrapper import (
    CSV,
    GET,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

SELECT = """PREFIX sckg: <https://w3id.org/sckg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?useCase ?title WHERE { ?useCase a sckg:UseCase ; dcterms:title ?title } LIMIT 5"""
ASK = "PREFIX sckg: <https://w3id.org/sckg/ontology#> ASK { ?u a sckg:UseCase }"
CONSTRUCT = """PREFIX sckg: <https://w3id.org/sckg/ontology#>
CONSTRUCT { ?u sckg:sector ?s } WHERE { ?u sckg:sector ?s } LIMIT 10"""
DESCRIBE = "DESCRIBE <https://w3id.org/sckg/usecase/hamburg-traffic-signal-data>"
METHODS = [(GET, URLENCODED), (POST, URLENCODED), (POST, POSTDIRECTLY)]


def wrapper(base: str, query: str, fmt: str, method: tuple[str, str]) -> SPARQLWrapper:
    client = SPARQLWrapper(f"{base}/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method[0])
    client.setRequestMethod(method[1])
    return client


@pytest.mark.parametrize("method", METHODS, ids=["get", "post-form", "post-direct"])
@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_select(live_server: str, fmt: str, method: tuple[str, str]) -> None:
    result = wrapper(live_server, SELECT, fmt, method).query().convert()
    if fmt == JSON:
        assert len(result["results"]["bindings"]) == 5
    elif fmt == XML:
        assert isinstance(result, Document)
        assert len(result.getElementsByTagName("result")) == 5
    else:
        rows = list(csv.reader(io.StringIO(result.decode()), delimiter="," if fmt == CSV else "\t"))
        assert rows[0] == (["useCase", "title"] if fmt == CSV else ["?useCase", "?title"])
        assert len(rows) == 6


@pytest.mark.parametrize("method", METHODS, ids=["get", "post-form", "post-direct"])
@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_ask(live_server: str, fmt: str, method: tuple[str, str]) -> None:
    result = wrapper(live_server, ASK, fmt, method).query().convert()
    if fmt == JSON:
        assert result["boolean"] is True
    elif fmt == XML:
        assert result.getElementsByTagName("boolean")[0].firstChild.data == "true"
    else:
        assert result.decode().strip() == "true"


# SPARQLWrapper 2.0 parses JSON-LD and RDF/XML into an rdflib ConjunctiveGraph (deprecated).
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize("method", METHODS, ids=["get", "post-form", "post-direct"])
@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE], ids=["construct", "describe"])
@pytest.mark.parametrize("fmt", [TURTLE, N3, JSONLD, RDFXML])
def test_graph_queries(live_server: str, query: str, fmt: str, method: tuple[str, str]) -> None:
    result = wrapper(live_server, query, fmt, method).query().convert()
    # SPARQLWrapper returns Turtle and N3 as bytes, JSON-LD and RDF/XML parsed by rdflib.
    graph = Graph().parse(data=result, format="turtle") if fmt in (TURTLE, N3) else result
    assert len(graph) > 0


def test_syntax_error_reaches_the_client(live_server: str) -> None:
    client = wrapper(live_server, "SELECT * WHERE { ?s ?p", JSON, (GET, URLENCODED))
    with pytest.raises(QueryBadFormed, match="syntax error at line 1"):
        client.query()
