"""The W3C SPARQL 1.1 Service Description tests, read from their vendored manifest.

``tests/vendor/w3c-sparql11/service-description/manifest.ttl`` (or ``$W3C_SPARQL11``) lists the
tests by name only; what each one checks is written in the Recommendation, and coded here once
per test. An entry of the manifest without a check here fails, so a newer manifest cannot drop
a test silently.
"""

from __future__ import annotations

import os
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF

ROOT = Path(__file__).resolve().parent.parent
SUITE = Path(os.environ.get("W3C_SPARQL11") or ROOT / "tests" / "vendor" / "w3c-sparql11")
MANIFEST = SUITE / "service-description" / "manifest.ttl"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
LANGUAGES = {SD.SPARQL10Query, SD.SPARQL11Query, SD.SPARQL11Update}


def _entries() -> list[str]:
    """The local names of the manifest's entries, in order (none when it is missing)."""
    if not MANIFEST.is_file():
        return []  # test_the_manifest_is_there fails
    g = Graph().parse(MANIFEST, format="turtle", publicID=MANIFEST.as_uri())
    manifest = next(g.subjects(RDF.type, MF.Manifest))
    return [str(e).rsplit("#", 1)[-1] for e in Collection(g, g.value(manifest, MF.entries))]


ENTRIES = _entries()


def _description(live_server: str) -> tuple[str, str, bytes]:
    """GET on the endpoint without a query, as an RDF client asks: (endpoint, type, body)."""
    endpoint = live_server + "/sparql"
    request = urllib.request.Request(endpoint, headers={"Accept": "text/turtle"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return endpoint, response.headers.get_content_type(), response.read()


def _returns_rdf(live_server: str) -> None:
    _, media_type, body = _description(live_server)
    assert media_type == "text/turtle"
    assert len(Graph().parse(data=body, format="turtle")) > 0


def _has_endpoint_triple(live_server: str) -> None:
    endpoint, _, body = _description(live_server)
    graph = Graph().parse(data=body, format="turtle")
    assert (None, SD.endpoint, URIRef(endpoint)) in graph


def _conforms_to_schema(live_server: str) -> None:
    """Every sd:Service names its endpoint and the languages it supports, from the SD vocabulary;
    the resources the vocabulary types are typed so."""
    _, _, body = _description(live_server)
    graph = Graph().parse(data=body, format="turtle")
    services = set(graph.subjects(RDF.type, SD.Service))
    assert services
    for service in services:
        assert set(graph.objects(service, SD.endpoint)), service
        languages = set(graph.objects(service, SD.supportedLanguage))
        assert languages and languages <= LANGUAGES, languages
        for name in ("resultFormat", "feature", "inputFormat"):
            assert all(isinstance(o, URIRef) for o in graph.objects(service, SD[name])), name
        for dataset in graph.objects(service, SD.defaultDataset):
            assert (dataset, RDF.type, SD.Dataset) in graph
            for default in graph.objects(dataset, SD.defaultGraph):
                assert (default, RDF.type, SD.Graph) in graph


CHECKS: dict[str, Callable[[str], None]] = {
    "returns-rdf": _returns_rdf,
    "has-endpoint-triple": _has_endpoint_triple,
    "conforms-to-schema": _conforms_to_schema,
}


def test_the_manifest_is_there() -> None:
    assert MANIFEST.is_file(), f"W3C service-description manifest not found at {MANIFEST}"
    assert ENTRIES, f"no tests in {MANIFEST}"


@pytest.mark.parametrize("name", ENTRIES)
def test_service_description(name: str, live_server: str) -> None:
    assert name in CHECKS, f"no check for the W3C service-description test {name!r}"
    CHECKS[name](live_server)
