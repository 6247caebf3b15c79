"""The SPARQL 1.1 Protocol endpoint in-process: methods, formats, errors, dataset, CORS."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from rdflib import Graph

from kg.config import Settings

SELECT = "SELECT ?s WHERE { ?s a <https://w3id.org/sckg/ontology#UseCase> } LIMIT 3"
CONSTRUCT = "CONSTRUCT { ?s a ?t } WHERE { ?s a ?t } LIMIT 5"
SPARQL_JSON = "application/sparql-results+json"


def test_get_post_form_and_post_direct_agree(client) -> None:
    got = client.get("/sparql", query_string={"query": SELECT})
    form = client.post("/sparql", data={"query": SELECT})
    direct = client.post("/sparql", data=SELECT, content_type="application/sparql-query")
    for response in (got, form, direct):
        assert response.status_code == 200
        assert response.mimetype == SPARQL_JSON
        assert len(response.get_json()["results"]["bindings"]) == 3
    assert got.headers["Access-Control-Allow-Origin"] == "*"
    assert "Accept" in got.headers["Vary"]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, SPARQL_JSON),
        ("*/*", SPARQL_JSON),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("text/html;q=0.1, text/tab-separated-values;q=0.4", "text/tab-separated-values"),
        ("application/json", SPARQL_JSON),
    ],
)
def test_select_formats_by_accept(client, accept: str | None, expected: str) -> None:
    headers = {"Accept": accept} if accept else {}
    response = client.get("/sparql", query_string={"query": SELECT}, headers=headers)
    assert response.status_code == 200 and response.mimetype == expected
    body = response.get_data(as_text=True)
    if expected.endswith("json"):
        json.loads(body)
    elif expected.endswith("xml"):
        ET.fromstring(body)
    else:
        delimiter = "," if expected == "text/csv" else "\t"
        rows = list(csv.reader(io.StringIO(body), delimiter=delimiter))
        assert len(rows) == 4


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [("json", SPARQL_JSON), ("xml", "application/sparql-results+xml"), ("csv", "text/csv"),
     ("tsv", "text/tab-separated-values")],
)  # fmt: skip
def test_format_parameter_wins_over_accept(client, fmt: str, expected: str) -> None:
    response = client.get(
        "/sparql", query_string={"query": "ASK {}", "format": fmt}, headers={"Accept": "text/csv"}
    )
    assert response.status_code == 200 and response.mimetype == expected
    assert "true" in response.get_data(as_text=True).lower()


@pytest.mark.parametrize(
    ("accept", "expected", "rdflib_format"),
    [
        (None, "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("text/n3", "text/turtle", "turtle"),
        ("application/json", "application/ld+json", "json-ld"),
    ],
)
def test_graph_formats(client, accept: str | None, expected: str, rdflib_format: str) -> None:
    headers = {"Accept": accept} if accept else {}
    for query in (CONSTRUCT, "DESCRIBE <https://w3id.org/sckg/sector/energy>"):
        response = client.get("/sparql", query_string={"query": query}, headers=headers)
        assert response.status_code == 200 and response.mimetype == expected
        assert len(Graph().parse(data=response.get_data(), format=rdflib_format)) > 0


def test_406_when_nothing_fits(client) -> None:
    assert (
        client.get(
            "/sparql", query_string={"query": "ASK {}"}, headers={"Accept": "text/turtle"}
        ).status_code
        == 406
    )
    response = client.get(
        "/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": "text/csv"}
    )
    assert response.status_code == 406
    assert (
        client.get("/sparql", query_string={"query": "ASK {}", "format": "pdf"}).status_code == 406
    )


def test_syntax_error_is_400_with_message_and_position(client) -> None:
    response = client.get("/sparql", query_string={"query": "SELECT * WHERE {\n  ?s ?p \n}"})
    assert response.status_code == 400
    detail = response.get_json()["detail"]
    assert "syntax error at line 2, column 3" in detail and "\n  ^" in detail
    assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"data": "DROP ALL", "content_type": "application/sparql-update"},
        {"data": {"update": "DROP ALL"}},
        {"data": "DROP ALL", "content_type": "application/sparql-query"},
    ],
)
def test_update_is_refused(client, request_kwargs: dict) -> None:
    response = client.post("/sparql", **request_kwargs)
    assert response.status_code == 400
    assert "read-only" in response.get_json()["detail"]
    assert client.get("/sparql", query_string={"update": "DROP ALL"}).status_code == 400


def test_protocol_errors(client, built_settings: Settings) -> None:
    assert client.put("/sparql", query_string={"query": "ASK {}"}).status_code == 405
    assert client.get("/sparql?query=ASK%20%7B%7D&query=ASK%20%7B%7D").status_code == 400
    assert client.post("/sparql", data="ASK {}", content_type="text/plain").status_code == 415
    utf16 = "ASK {}".encode("utf-16")
    assert client.post(
        "/sparql", data=utf16, content_type="application/sparql-query; charset=UTF-16"
    ).status_code == 400  # fmt: skip
    big = "ASK {}" + " " * built_settings.max_body
    assert (
        client.post("/sparql", data=big, content_type="application/sparql-query").status_code == 413
    )
    long = "ASK {}" + " " * built_settings.max_query_length
    assert client.post("/sparql", data={"query": long}).status_code == 400
    bad_graph = client.get("/sparql", query_string={"query": "ASK {}", "default-graph-uri": "x y"})
    assert bad_graph.status_code == 400


def test_dataset_from_protocol_and_from_clause(client, built_settings: Settings) -> None:
    ontology = built_settings.vocab.graph("ontology")
    ask = "ASK { <https://w3id.org/sckg/ontology#UseCase> a ?t }"
    union = client.get("/sparql", query_string={"query": ask}).get_json()
    assert union["boolean"] is True
    elsewhere = client.get("/sparql", query_string={"query": ask, "default-graph-uri": "http://x/"})
    assert elsewhere.get_json()["boolean"] is False
    chosen = client.get("/sparql", query_string={"query": ask, "default-graph-uri": ontology})
    assert chosen.get_json()["boolean"] is True
    from_clause = f"ASK FROM <{ontology}> {{ <https://w3id.org/sckg/ontology#UseCase> a ?t }}"
    assert client.get("/sparql", query_string={"query": from_clause}).get_json()["boolean"]
    named = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    rows = client.get(
        "/sparql", query_string={"query": named, "named-graph-uri": ontology}
    ).get_json()["results"]["bindings"]  # fmt: skip
    assert [row["g"]["value"] for row in rows] == [ontology]


def test_relative_iris_resolve_against_the_endpoint(client, built_settings) -> None:
    response = client.get(
        "/sparql",
        query_string={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}"},
        headers={"Accept": "application/n-triples"},
    )
    assert response.get_data(as_text=True).startswith(f"<{built_settings.site_url}s>")


DESCRIPTION_FORMATS = [
    (None, "turtle"),
    ("application/ld+json", "json-ld"),
    ("application/rdf+xml", "xml"),
    ("application/n-triples", "nt"),
]


def test_without_query_rdf_clients_get_the_service_description(client, built_settings) -> None:
    for accept, fmt in DESCRIPTION_FORMATS:
        response = client.get("/sparql", headers={"Accept": accept} if accept else {})
        assert response.status_code == 200
        graph = Graph().parse(data=response.get_data(), format=fmt)
        result = graph.query(
            """PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
            ASK { ?s a sd:Service ; sd:endpoint <"""
            + built_settings.site_url
            + """sparql> ;
                    sd:supportedLanguage sd:SPARQL11Query ; sd:defaultDataset ?d ;
                    sd:resultFormat <http://www.w3.org/ns/formats/SPARQL_Results_CSV> }"""
        )
        assert result.askAnswer


def test_browsers_get_the_editor(client) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    page = client.get("/sparql", headers={"Accept": browser})
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert 'id="yasgui"' in page.text
    shared = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Accept": browser})
    assert shared.mimetype == "text/html" and "ASK {}" in shared.text


def test_cors_preflight(client) -> None:
    response = client.options(
        "/sparql",
        headers={"Origin": "https://tools.example", "Access-Control-Request-Method": "POST"},
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]


def test_server_timing_names_the_stages_only_when_asked(
    client, built_settings: Settings, store
) -> None:
    from web import create_app

    query = {"query": "SELECT ?x WHERE { BIND(1 AS ?x) }"}
    assert "Server-Timing" not in client.get("/sparql", query_string=query).headers
    timed = create_app(
        {"TESTING": True}, settings=built_settings.replace(server_timing=True), store=store
    ).test_client()
    response = timed.get("/sparql", query_string=query)
    assert response.status_code == 200
    stages = dict(part.split(";dur=") for part in response.headers["Server-Timing"].split(", "))
    assert set(stages) == {"screen", "wait", "check", "run", "handoff"}
    assert all(float(ms) >= 0 for ms in stages.values())
