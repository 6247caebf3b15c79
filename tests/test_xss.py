"""Curated text is untrusted: a use case carrying ``<script>``, markup in every text field and a
``javascript:`` IRI is built like any other and renders inert on every page that shows it.

The use case is Turtle (accepted beside YAML): the YAML fields that hold IRIs are checked by the
shapes, so the ``javascript:`` IRI rides on ``rdfs:seeAlso``, which they leave open."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pages_support import parse_html

from kg import config
from kg.build.pipeline import build
from web import create_app

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'
EVIL = f"""\
@prefix sckg: <https://w3id.org/sckg/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<https://w3id.org/sckg/usecase/zz-evil> a sckg:UseCase ;
  dcterms:title 'Böse {PAYLOAD}'@de ,
    'Evil {PAYLOAD} </script><script>alert(2)</script>'@en ;
  dcterms:description 'Text mit {PAYLOAD} und "Anführungszeichen".'@de ,
    'Text with {PAYLOAD} and a javascript:alert(3) link.'@en ;
  sckg:sector <https://w3id.org/sckg/sector/mobility> , <https://w3id.org/sckg/sector/energy> ;
  dcterms:spatial <https://w3id.org/sckg/place/hamburg> ;
  sckg:maturity <https://w3id.org/sckg/maturity/pilot> ;
  sckg:curationStatus <https://w3id.org/sckg/curation/draft> ;
  sckg:assessedFederationService <https://w3id.org/sckg/gaiax/federated-catalogue> ;
  sckg:usesDataset <https://w3id.org/sckg/dataset/hamburg-traffic-light-states> ;
  dcterms:source <https://example.org/source> ;
  rdfs:seeAlso <javascript:alert(document.cookie)> ;
  dcterms:modified "2026-01-01"^^xsd:date .
"""


@pytest.fixture(scope="module")
def evil_client(tmp_path_factory):
    import shutil

    from conftest import ROOT  # the project the copy is made from

    root = tmp_path_factory.mktemp("evil")
    for name in ("ontology", "usecases", "queries"):
        shutil.copytree(ROOT / name, root / name)
    (root / "usecases" / "zz-evil.ttl").write_text(EVIL, encoding="utf-8")
    settings = config.load({}, project=root, store=str(root / "var" / "store"))
    build(settings)
    return create_app({"TESTING": True}, settings=settings).test_client()


PAGES = [
    "/usecase/zz-evil.html?lang=en",
    "/usecase/zz-evil.html?lang=de",
    "/usecases?q=evil",
    "/usecases?sector=mobility&sector=energy",
    "/",
    "/dataset/hamburg-traffic-light-states.html",
    "/sector/mobility.html",
    "/place/hamburg.html",
    "/sectorlink/energy--mobility.html",
    "/interconnections",
]


@pytest.mark.slow
@pytest.mark.parametrize("path", PAGES)
def test_payload_renders_inert(evil_client, path):
    answer = evil_client.get(path)
    assert answer.status_code == 200
    html = answer.text
    assert "<script>alert" not in html
    page = parse_html(html)
    assert not [tag for tag, _ in page.elements if tag == "img"]
    handlers = [
        (tag, name)
        for tag, attrs in page.elements
        for name in attrs
        if name.lower().startswith("on")
    ]
    assert handlers == []
    assert not any(
        link.strip().lower().startswith(("javascript:", "data:", "vbscript:"))
        for link in page.links
    )
    for attrs, body in page.scripts:
        assert attrs.get("src") or attrs.get("type") in (
            "application/ld+json",
            "application/json",
        ), attrs
        if not attrs.get("src"):
            json.loads(body)  # data blocks stay valid JSON; "</script>" cannot close them


@pytest.mark.slow
def test_evil_text_is_shown_as_text(evil_client):
    html = evil_client.get("/usecase/zz-evil.html?lang=en").text
    assert "&lt;script&gt;alert(" in html
    assert "javascript:alert(document.cookie)" in html  # visible as text, not a link
    assert 'href="javascript:' not in html


@pytest.mark.slow
def test_json_twins_escape_nothing_unexpected(evil_client):
    data = evil_client.get("/usecases.json?q=evil").get_json()
    assert data["items"] and PAYLOAD in data["items"][0]["title"]
    found = evil_client.get("/usecases/suggest.json?q=evil").get_json()
    assert found[0]["url"].startswith("/usecase/")


def test_only_web_iris_become_links(app):
    from web.view import href

    with app.test_request_context("/"):
        assert href("https://example.org/x") == "https://example.org/x"
        assert href("http://example.org/x") == "http://example.org/x"
        for bad in (
            "javascript:alert(1)",
            "JAVASCRIPT:alert(1)",
            "data:text/html,x",
            "vbscript:x",
            "mailto:a@b",
            "ftp://x/y",
            "//evil.example/x",
            "http:/x",
        ):
            assert href(bad) is None, bad
        assert href(Path("/etc/passwd").as_posix()) is None
