"""Content negotiation on dereferenceable IRIs: real Accept headers, ``?format=``, 303 with
``Vary: Accept``, 406, and every RDF twin parsed with rdflib."""

from __future__ import annotations

import dataclasses
import json

import pytest
import rdflib
from pages_support import fetch
from werkzeug.exceptions import NotAcceptable

from web.conneg import negotiate
from web.entities import FORMATS, HTML

USECASE = "/usecase/hamburg-traffic-signal-data"

#: (client, Accept header sent by it, expected document extension)
ACCEPT_TABLE = [
    ("Firefox", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html"),
    (
        "Chrome",
        "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
        "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7",
        "html",
    ),
    ("Safari", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html"),
    ("curl", "*/*", "html"),
    ("no Accept", None, "html"),
    ("rdflib", "application/rdf+xml, */*;q=0.1", "rdf"),
    (
        "rapper/raptor",
        "application/rdf+xml, text/turtle;q=0.9, application/n-triples;q=0.8, */*;q=0.1",
        "rdf",
    ),
    (
        "Apache Jena riot",
        "text/turtle,application/n-triples;q=0.9,application/ld+json;q=0.8,"
        "application/rdf+xml;q=0.7,*/*;q=0.5",
        "ttl",
    ),
    # equal q-values: the server's order decides (HTML, Turtle, JSON-LD, N-Triples, RDF/XML)
    ("LDSpider", "application/rdf+xml, text/rdf+n3, text/turtle, application/n-triples", "ttl"),
    ("jsonld.js", "application/ld+json, application/json;q=0.5", "jsonld"),
    ("plain JSON client (fetch, requests)", "application/json", "jsonld"),
    ("JSON, else anything", "application/json, */*;q=0.1", "jsonld"),
    ("N-Triples only", "application/n-triples", "nt"),
    ("Turtle preferred by q", "application/rdf+xml;q=0.5, text/turtle", "ttl"),
    ("wildcard text", "text/*", "html"),
    ("Turtle, then HTML", "text/turtle;q=1.0, text/html;q=0.9", "ttl"),
]


@pytest.mark.parametrize(
    ("client", "accept", "extension"), ACCEPT_TABLE, ids=[row[0] for row in ACCEPT_TABLE]
)
def test_real_accept_headers(live_server, client, accept, extension):
    headers = {"Accept": accept} if accept is not None else {}
    answer = fetch(live_server + USECASE, headers, follow=False)
    assert answer.status == 303, client
    assert answer.headers["location"].endswith(f"{USECASE}.{extension}")
    assert "Accept" in answer.headers["vary"]


@pytest.mark.parametrize("name", ["ttl", "turtle", "text/turtle", "jsonld", "nt", "rdf", "html"])
def test_format_parameter_overrides_accept(live_server, name):
    answer = fetch(f"{live_server}{USECASE}?format={name}", {"Accept": "text/html"}, follow=False)
    assert answer.status == 303
    wanted = {"turtle": "ttl", "text/turtle": "ttl"}.get(name, name)
    assert answer.headers["location"].endswith(f".{wanted}")


def test_other_query_parameters_survive_the_redirect(live_server):
    answer = fetch(f"{live_server}{USECASE}?lang=de&format=ttl", follow=False)
    assert answer.headers["location"].endswith(f"{USECASE}.ttl?lang=de")


@pytest.mark.parametrize("accept", ["image/png", "application/pdf", "text/csv"])
def test_nothing_acceptable_is_406(live_server, accept):
    assert fetch(live_server + USECASE, {"Accept": accept}, follow=False).status == 406


def test_unknown_format_parameter_is_406(live_server):
    assert fetch(f"{live_server}{USECASE}?format=docx", follow=False).status == 406


RDF_FORMATS = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt", "rdf": "xml"}
KINDS = [
    "usecase/hamburg-traffic-signal-data",
    "sector/mobility",
    "place/hamburg",
    "org/lgv-hamburg",
    "standard/ogc-sensorthings-api",
    "maturity/pilot",
]


@pytest.mark.parametrize("extension", sorted(RDF_FORMATS))
@pytest.mark.parametrize("path", KINDS)
def test_every_rdf_twin_parses(live_server, path, extension):
    """The twin holds the resource's own triples, labels of what it links to, and links into
    it."""
    followed = fetch(f"{live_server}/{path}", {"Accept": FORMATS_BY_EXT[extension]})
    assert followed.status == 200
    assert followed.url.endswith(f"/{path}.{extension}")
    assert followed.headers["content-type"].split(";")[0] == FORMATS_BY_EXT[extension]
    graph = rdflib.Graph().parse(data=followed.body, format=RDF_FORMATS[extension])
    subject = rdflib.URIRef("https://w3id.org/sckg/" + path)
    assert (subject, None, None) in graph
    assert (None, None, subject) in graph
    linked = {o for o in graph.objects(subject) if isinstance(o, rdflib.URIRef)}
    linking = {s for s in graph.subjects(None, subject) if isinstance(s, rdflib.URIRef)}
    labelled = set(graph.subjects(rdflib.SKOS.prefLabel)) | set(
        graph.subjects(rdflib.DCTERMS.title)
    )
    assert (linked | linking) - {subject} & labelled, "the twin labels its neighbours"


FORMATS_BY_EXT = {f.extension: f.media_type for f in FORMATS}


def test_jsonld_twin_is_compact_with_prefixes(live_server):
    data = json.loads(fetch(f"{live_server}{USECASE}.jsonld").body)
    assert "@context" in data


@pytest.mark.parametrize("path", ["/ontology", "/shapes"])
@pytest.mark.parametrize("extension", sorted(RDF_FORMATS))
def test_ontology_and_shapes_dereference(live_server, path, extension):
    answer = fetch(live_server + path, {"Accept": FORMATS_BY_EXT[extension]})
    assert answer.status == 200 and answer.url.endswith(f"{path}.{extension}")
    graph = rdflib.Graph().parse(data=answer.body, format=RDF_FORMATS[extension])
    assert len(graph) > 100


def test_ontology_term_iri_lands_on_its_anchor(live_server):
    answer = fetch(f"{live_server}/ontology", {"Accept": "text/html"})
    assert answer.url.endswith("/ontology.html")
    assert 'id="UseCase"' in answer.text and 'id="feeds"' in answer.text
    shapes = fetch(f"{live_server}/shapes.html").text
    assert 'id="UseCaseShape"' in shapes


def test_negotiate_is_pure():
    html, ttl = FORMATS[0], FORMATS[1]
    assert negotiate("text/turtle;q=0.2, text/html;q=0.1", None, FORMATS, html) is ttl
    assert negotiate(None, None, FORMATS, html) is html


@pytest.mark.parametrize(
    ("client", "accept", "extension"), ACCEPT_TABLE, ids=[row[0] for row in ACCEPT_TABLE]
)
def test_negotiate_answers_the_accept_table(client, accept, extension):
    """The same table as the live server's, on the pure function (what the routes call)."""
    assert negotiate(accept, None, FORMATS, HTML).extension == extension, client


@pytest.mark.parametrize(
    ("name", "extension"),
    [("ttl", "ttl"), ("Turtle", "ttl"), (" text/turtle ", "ttl"), ("json-ld", "jsonld")],
)
def test_negotiate_format_parameter_wins_and_is_matched_loosely(name, extension):
    assert negotiate("text/html", name, FORMATS, HTML).extension == extension


@pytest.mark.parametrize(("accept", "param"), [("image/png", None), (None, "docx"), ("", "pdf")])
def test_negotiate_refuses_what_is_not_offered(accept, param):
    with pytest.raises(NotAcceptable):
        negotiate(accept, param, FORMATS, HTML)


def test_negotiate_without_a_default_prefers_the_first_offered_format():
    turtle, jsonld = FORMATS[1], FORMATS[2]
    assert negotiate(None, None, [turtle, jsonld]) is turtle
    assert negotiate("   ", None, [jsonld, turtle]) is jsonld
    assert negotiate("*/*", None, [jsonld, turtle]) is jsonld


def test_an_alias_media_type_ranks_after_the_formats_own():
    """``application/json`` names JSON-LD only as an alias: a format whose own media type is
    equally acceptable wins, and the alias alone still finds JSON-LD."""
    turtle, jsonld = FORMATS[1], FORMATS[2]
    assert negotiate("application/json, text/turtle", None, [jsonld, turtle], jsonld) is turtle
    assert negotiate("application/json", None, [turtle, jsonld], turtle) is jsonld


def test_formats_are_immutable_values():
    """The formats are module-level constants shared by every request: none may be changed
    in place, and each can be a key or a set member."""
    html = FORMATS[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        html.extension = "txt"
    assert len({*FORMATS, *FORMATS}) == len(FORMATS)
