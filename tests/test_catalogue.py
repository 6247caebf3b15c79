"""The open-data catalogue: DCAT-AP 3 and DCAT-AP.de 3.0 conformance with the official shapes
(vendored under tests/vendor/), the curated catalogue fields, paging, and the web documents."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import rdflib
from pyshacl import validate as shacl_validate

from kg import config
from kg.build.pipeline import build
from kg.cli import main
from kg.config import Settings
from kg.exports.catalogue import (
    Site,
    catalogue_page,
    concepts,
    entries,
    graph_dataset_iri,
    incomplete,
)
from kg.store import open_store
from kg.views.describe import serialize

VENDOR = Path(__file__).parent / "vendor"
SEMIC = ("dcat-ap-3.0.0/shapes.ttl", "dcat-ap-3.0.0/range.ttl")
GERMAN = (
    "dcat-ap-3.0.0/shapes.ttl",
    "dcat-ap-de-3.0/dcat-ap-SHACL-DE.ttl",
    "dcat-ap-de-3.0/dcat-ap-spec-german-additions.ttl",
    "dcat-ap-de-3.0/dcat-ap-de-deprecated.ttl",
    "dcat-ap-de-3.0/dcat-ap-de-controlledvocabularies.ttl",
)
SH = "http://www.w3.org/ns/shacl#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
HYDRA = "http://www.w3.org/ns/hydra/core#"

SITE = Site(
    url="https://kg.example.org/",
    publisher_name={"de": "Redaktion", "en": "Editors"},
    publisher_url="https://kg.example.org/about",
    dumps=(("https://kg.example.org/downloads/sckg.nq", "application/n-quads", "ab" * 32),),
    modified="2026-12-03T08:00:00Z",
)


def shapes(files: tuple[str, ...]) -> rdflib.Graph:
    graph = rdflib.Graph()
    for name in files:
        path = VENDOR / name
        assert path.is_file(), f"vendored shapes missing: {path}"
        graph.parse(path)
    return graph


def results(data: rdflib.Graph, files: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """(severity, focus node, message) of every result of the official shapes."""
    _, report, _ = shacl_validate(data, shacl_graph=shapes(files), inference="none")
    query = f"""SELECT ?sev ?focus ?msg WHERE {{ ?r a <{SH}ValidationResult> ;
        <{SH}resultSeverity> ?sev ; <{SH}focusNode> ?focus ; <{SH}resultMessage> ?msg }}"""
    return [(str(r.sev).split("#")[1], str(r.focus), str(r.msg)) for r in report.query(query)]


def violations(data: rdflib.Graph, files: tuple[str, ...]) -> list[tuple[str, str, str]]:
    return [r for r in results(data, files) if r[0] == "Violation"]


def page_graph(settings: Settings, page: int = 1, size: int = 500) -> rdflib.Graph:
    store = open_store(settings)
    found = catalogue_page(store, settings.vocab, concepts(settings.ontology_dir), SITE, page, size)
    graph = rdflib.Graph()
    graph.parse(data=serialize(found.triples, "ttl", settings.vocab.prefixes), format="turtle")
    return graph


# -- the shipped catalogue ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped(built_settings: Settings) -> rdflib.Graph:
    return page_graph(built_settings)


def test_the_shipped_catalogue_conforms_to_dcat_ap_3(shipped: rdflib.Graph) -> None:
    assert violations(shipped, SEMIC) == []


def test_the_shipped_catalogue_conforms_to_dcat_ap_de(shipped: rdflib.Graph) -> None:
    assert violations(shipped, GERMAN) == []


def test_the_catalogue_lists_the_graph_itself_with_checksummed_dumps(
    shipped: rdflib.Graph, built_settings: Settings
) -> None:
    graph = rdflib.URIRef(graph_dataset_iri(built_settings.vocab))
    catalogue = next(shipped.subjects(rdflib.RDF.type, rdflib.URIRef(DCAT + "Catalog")))
    assert (catalogue, rdflib.URIRef(DCAT + "dataset"), graph) in shipped
    dists = list(shipped.objects(graph, rdflib.URIRef(DCAT + "distribution")))
    assert len(dists) == 1
    checksum = shipped.value(dists[0], rdflib.URIRef("http://spdx.org/rdf/terms#checksum"))
    value = shipped.value(checksum, rdflib.URIRef("http://spdx.org/rdf/terms#checksumValue"))
    assert str(value) == "ab" * 32


def test_a_broken_catalogue_shows_the_official_messages(shipped: rdflib.Graph) -> None:
    broken = rdflib.Graph()
    for triple in shipped:
        broken.add(triple)
    dataset = rdflib.URIRef("https://w3id.org/sckg/dataset/hamburg-traffic-light-states")
    assert (dataset, None, None) in shipped
    broken.remove((dataset, rdflib.URIRef(DCT + "title"), None))
    broken.remove((dataset, rdflib.URIRef(DCT + "publisher"), None))
    found = violations(broken, GERMAN)
    messages = {msg for _, focus, msg in found if focus == str(dataset)}
    # GovData's own message (its text names dcat:DataService for datasets too, as published)
    assert "DE: dcat:Dataset: MUSS einen dcterms:publisher haben." in messages or (
        "DE: dcat:DataService: MUSS einen dcterms:publisher haben." in messages
    )
    assert any("dcterms:title" in msg for msg in messages)
    semic = {msg for _, focus, msg in violations(broken, SEMIC) if focus == str(dataset)}
    assert any("title" in msg for msg in semic)


def test_themes_come_from_the_sectors_of_the_use_cases(shipped: rdflib.Graph) -> None:
    dataset = rdflib.URIRef("https://w3id.org/sckg/dataset/hamburg-traffic-light-states")
    found = shipped.objects(dataset, rdflib.URIRef(DCAT + "theme"))
    themes = {str(t).rsplit("/", 1)[-1] for t in found}
    assert "TRAN" in themes


def test_german_places_are_given_by_their_geocoding_iri(shipped: rdflib.Graph) -> None:
    dataset = rdflib.URIRef("https://w3id.org/sckg/dataset/hamburg-traffic-light-states")
    spatial = {str(s) for s in shipped.objects(dataset, rdflib.URIRef(DCT + "spatial"))}
    assert "http://dcat-ap.de/def/politicalGeocoding/municipalityKey/02000000" in spatial
    assert "https://w3id.org/sckg/place/hamburg" in spatial


def test_what_is_left_out_is_listed_with_its_missing_fields(built_settings: Settings) -> None:
    store = open_store(built_settings)
    left = {i.iri.rsplit("/", 1)[-1]: i for i in incomplete(store, built_settings.vocab)}
    found = catalogue_page(store, built_settings.vocab, concepts(built_settings.ontology_dir), SITE)
    members = {m.rsplit("/", 1)[-1] for m in found.members}
    assert left and not members & set(left)
    assert left["air-quality-measurements"].missing == ("publisher",)
    # the shipped corpus has no data service under dataset/ any more (its platforms are under
    # platform/, which the catalogue does not list): a sourced data set of batch A instead
    assert left["bad-belzig-climate-data"].missing == ("publisher",)


# -- the shapes' code lists are the shipped vocabularies ---------------------------------------


@pytest.mark.parametrize(
    ("shape", "scheme"),
    [
        ("format-known", "file-type"),
        ("accrualPeriodicity-known", "frequency"),
        ("themes-known", "data-theme"),
        ("accessRights-known", "access-right"),
        ("status-known", "distribution-status"),
    ],
)
def test_the_code_lists_of_the_shapes_are_the_shipped_concepts(shape: str, scheme: str) -> None:
    root = Path(__file__).parent.parent / "ontology"
    shapes_graph = rdflib.Graph().parse(root / "shapes.ttl")
    pattern = str(
        shapes_graph.value(
            rdflib.URIRef(f"https://w3id.org/sckg/shapes#{shape}"), rdflib.URIRef(SH + "pattern")
        )
    )
    listed = set(re.search(r"\(([^)]*)\)\$$", pattern).group(1).split("|"))
    vocab = concepts(root)
    base = f"http://publications.europa.eu/resource/authority/{scheme}"
    shipped = {c.rsplit("/", 1)[-1] for c, s in vocab.scheme_of.items() if s == base}
    assert listed == shipped


# -- curated catalogue fields ---------------------------------------------------------------------

COMPLETE = """
    license: https://creativecommons.org/licenses/by/4.0/
    accrualPeriodicity: CONT
    themes: [TRAN]
    accessRights: PUBLIC
    landingPage: https://iot.example.org/
    modified: 2026-11-30
    contactPoint:
      email: mailto:opendata@example.org
    distributions:
      - title: {de: "SensorThings-Schnittstelle", en: "SensorThings API"}
        accessURL: https://iot.example.org/v1.1
        downloadURL: https://iot.example.org/v1.1/Datastreams
        format: JSON
        mediaType: application/json
        status: COMPLETED
"""


def add_fields(project: Path, dataset: str, fields: str) -> Path:
    path = project / "usecases" / "shared" / "datasets.yaml"
    text = path.read_text(encoding="utf-8")
    anchor = f"  - id: dataset/{dataset}\n"
    start = text.index(anchor)
    end = text.index("\n  - id:", start + len(anchor))
    path.write_text(text[:end] + fields.rstrip() + text[end:], encoding="utf-8")
    return path


def test_curated_fields_reach_the_catalogue(project_copy: Path, project_settings) -> None:
    add_fields(project_copy, "hamburg-traffic-light-states", COMPLETE)
    build(project_settings)
    graph = page_graph(project_settings)
    assert violations(graph, GERMAN) == [] and violations(graph, SEMIC) == []
    dataset = rdflib.URIRef("https://w3id.org/sckg/dataset/hamburg-traffic-light-states")
    dist = graph.value(dataset, rdflib.URIRef(DCAT + "distribution"))
    assert (
        str(graph.value(dist, rdflib.URIRef(DCAT + "accessURL"))) == "https://iot.example.org/v1.1"
    )
    assert str(graph.value(dist, rdflib.URIRef(DCT + "format"))).endswith("/file-type/JSON")
    # a Creative Commons URL becomes the entry of the DCAT-AP.de licence list
    assert str(graph.value(dist, rdflib.URIRef(DCT + "license"))) == (
        "http://dcat-ap.de/def/licenses/cc-by/4.0"
    )
    assert str(graph.value(dataset, rdflib.URIRef(DCT + "accrualPeriodicity"))).endswith("/CONT")
    point = graph.value(dataset, rdflib.URIRef(DCAT + "contactPoint"))
    assert str(graph.value(point, rdflib.URIRef("http://www.w3.org/2006/vcard/ns#hasEmail"))) == (
        "mailto:opendata@example.org"
    )
    store = open_store(project_settings)
    found = catalogue_page(
        store, project_settings.vocab, concepts(project_settings.ontology_dir), SITE
    )
    entry = next(e for e in entries(found) if e.iri == str(dataset))
    assert entry.formats == ("JSON",) and entry.distributions == 1
    assert entry.score == 100


@pytest.mark.parametrize("lang", ["de", "en"])
def test_an_unknown_format_is_a_violation_naming_file_line_and_field(
    project_copy: Path, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    broken = COMPLETE.replace("format: JSON", "format: JSONX")
    path = add_fields(project_copy, "hamburg-traffic-light-states", broken)
    line = next(
        n for n, text in enumerate(path.read_text().splitlines(), 1) if "format: JSONX" in text
    )
    code = main(["--project", str(project_copy), "validate", "--lang", lang])
    out = capsys.readouterr().out
    assert code == 1
    field = "Feld" if lang == "de" else "field"
    assert f"usecases/shared/datasets.yaml:{line}" in out and f"{field} 'format'" in out
    assert ("Unbekannter Dateityp" if lang == "de" else "Unknown file type") in out


def test_codes_with_underscores_and_media_types_are_accepted(
    project_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fields = (
        COMPLETE.replace("accrualPeriodicity: CONT", "accrualPeriodicity: UPDATE_CONT")
        .replace("accessRights: PUBLIC", "accessRights: NON_PUBLIC")
        .replace("        mediaType: application/json\n", "")
        .replace("format: JSON", "format: RDF_TURTLE\n        mediaType: text/turtle")
    )
    add_fields(project_copy, "hamburg-traffic-light-states", fields)
    code = main(["--project", str(project_copy), "validate"])
    out = capsys.readouterr().out
    assert code == 0, out
    broken = fields.replace("text/turtle", "text/../turtle")
    add_fields(project_copy, "hamburg-bus-priority-requests", broken)
    assert main(["--project", str(project_copy), "validate"]) == 1
    assert "text/../turtle" in capsys.readouterr().out


def test_missing_catalogue_fields_are_warnings_with_the_fix(
    project_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--project", str(project_copy), "validate", "--lang", "de"])
    out = capsys.readouterr().out
    assert code == 0
    warnings = [line for line in out.splitlines() if "Warnung" in line]
    assert any("Feld 'distributions'" in w and "distributions" in w for w in warnings)
    assert any("Feld 'license'" in w and "dl-by-de/2.0" in w for w in warnings)


# -- paging ---------------------------------------------------------------------------------------


def test_pages_split_the_catalogue_and_link_each_other(built_settings: Settings) -> None:
    store = open_store(built_settings)
    vocab, found = built_settings.vocab, concepts(built_settings.ontology_dir)
    first = catalogue_page(store, vocab, found, SITE, 1, size=10)
    assert first.pages == -(-first.total // 10) and first.pages > 2
    seen: Counter[str] = Counter()
    for number in range(1, first.pages + 1):
        page = catalogue_page(store, vocab, found, SITE, number, size=10)
        seen.update(page.members)
        graph = rdflib.Graph().parse(
            data=serialize(page.triples, "ttl", vocab.prefixes), format="turtle"
        )
        here = rdflib.URIRef(f"https://kg.example.org/catalogue.ttl?page={number}")
        assert (here, rdflib.RDF.type, rdflib.URIRef(HYDRA + "PagedCollection")) in graph
        assert int(graph.value(here, rdflib.URIRef(HYDRA + "totalItems"))) == first.total
        has_next = graph.value(here, rdflib.URIRef(HYDRA + "next"))
        assert (has_next is not None) == (number < first.pages)
        if has_next is not None:
            assert str(graph.value(here, rdflib.URIRef(HYDRA + "nextPage"))) == str(has_next)
    assert sum(seen.values()) == first.total and max(seen.values()) == 1
    with pytest.raises(ValueError):
        catalogue_page(store, vocab, found, SITE, first.pages + 1, size=10)


# -- the web documents -----------------------------------------------------------------------------


def test_catalogue_negotiates_and_pages_over_http(client) -> None:
    response = client.get("/catalogue", headers={"Accept": "application/rdf+xml"})
    assert response.status_code == 303 and response.headers["Location"] == "/catalogue.rdf"
    for extension, media in (
        ("ttl", "text/turtle"),
        ("rdf", "application/rdf+xml"),
        ("jsonld", "application/ld+json"),
    ):
        response = client.get(f"/catalogue.{extension}")
        assert response.status_code == 200 and response.mimetype == media
        graph = rdflib.Graph().parse(
            data=response.data,
            format={"ttl": "turtle", "rdf": "xml", "jsonld": "json-ld"}[extension],
        )
        assert (None, rdflib.RDF.type, rdflib.URIRef(DCAT + "Catalog")) in graph
        assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert client.get("/catalogue.ttl?page=999").status_code == 404
    assert client.get("/catalogue.ttl?page=x").status_code == 404


def test_catalogue_page_in_german_and_english(client) -> None:
    german = client.get("/catalogue.html?lang=de").get_data(as_text=True)
    assert "Offener Datenkatalog" in german and "Noch nicht im Katalog" in german
    english = client.get("/catalogue.html?lang=en").get_data(as_text=True)
    assert "Open-data catalogue" in english and "Not yet in the catalogue" in english


def test_the_host_header_never_reaches_the_catalogue(client) -> None:
    for path in ("/catalogue.ttl", "/catalogue.html"):
        body = client.get(path, headers={"Host": "evil.example"}).get_data(as_text=True)
        assert "evil.example" not in body


def test_settings_name_the_catalogue_publisher(tmp_path: Path) -> None:
    settings = config.load({"KG_PUBLISHER_NAME": "Stadt Beispiel"}, project=tmp_path)
    assert settings.publisher_name == "Stadt Beispiel"


# -- a harvester's view --------------------------------------------------------------------------


def harvest(base: str, first: str, public: str) -> tuple[rdflib.Graph, int]:
    """What a DCAT harvester does: read RDF/XML pages, following ``hydra:nextPage``."""
    import urllib.request

    merged, url, pages = rdflib.Graph(), base + first, 0
    while url:
        with urllib.request.urlopen(url, timeout=30) as answer:  # loopback only
            assert answer.headers.get_content_type() == "application/rdf+xml"
            page = rdflib.Graph().parse(data=answer.read(), format="xml")
        pages += 1
        merged += page
        view = next(page.subjects(rdflib.RDF.type, rdflib.URIRef(HYDRA + "PagedCollection")))
        following = page.value(view, rdflib.URIRef(HYDRA + "nextPage"))
        # the page links carry the configured public address; here it is served on loopback
        url = str(following).replace(public, base + "/") if following else ""
        assert pages < 100
    return merged, pages


def test_a_harvester_reads_every_page_and_finds_what_the_profile_requires(
    built_settings: Settings, store
) -> None:
    from tests.servers import serve_app
    from web import create_app
    from web.catalogue import site_url

    app = create_app(
        {"TESTING": True, "CATALOGUE_PAGE_SIZE": 7}, settings=built_settings, store=store
    )
    with serve_app(app) as base:
        merged, pages = harvest(base, "/catalogue.rdf", site_url(built_settings))
    datasets = set(merged.subjects(rdflib.RDF.type, rdflib.URIRef(DCAT + "Dataset")))
    services = set(merged.subjects(rdflib.RDF.type, rdflib.URIRef(DCAT + "DataService")))
    total = len(datasets | services)
    assert pages == -(-(total - 1) // 7) > 1  # the graph itself rides on the first page
    foaf_name = rdflib.URIRef("http://xmlns.com/foaf/0.1/name")
    for resource in datasets | services:
        assert merged.value(resource, rdflib.URIRef(DCT + "title")) is not None
        assert merged.value(resource, rdflib.URIRef(DCT + "description")) is not None
        publisher = merged.value(resource, rdflib.URIRef(DCT + "publisher"))
        assert merged.value(publisher, foaf_name) is not None, resource
        for dist in merged.objects(resource, rdflib.URIRef(DCAT + "distribution")):
            assert merged.value(dist, rdflib.URIRef(DCAT + "accessURL")) is not None
            assert merged.value(dist, rdflib.URIRef(DCT + "license")) is not None
    for service in services:
        assert merged.value(service, rdflib.URIRef(DCAT + "endpointURL")) is not None
