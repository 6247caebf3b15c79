"""Metadata quality of datasets and data services (kg/exports/quality.py): the assessment, its
documented points, one figure on the catalogue page and the entity page, and the data
platforms of model v2 as data services of the catalogue."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib

from kg import config
from kg.config import Settings
from kg.exports.catalogue import (
    Site,
    assessment,
    catalogue_page,
    concepts,
    entries,
    incomplete,
)
from kg.exports.quality import DIMENSION_LABELS, ITEMS, assess
from kg.namespaces import DCAT, DCTERMS
from kg.rdf import IRI, Literal
from kg.store import Store, open_store
from kg.views.describe import serialize

ROOT = Path(__file__).resolve().parent.parent
EU = "http://publications.europa.eu/resource/authority/"
BASE = "https://w3id.org/sckg/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
SITE = Site(
    url="https://kg.example.org/",
    publisher_name={"de": "R", "en": "E"},
    publisher_url="https://kg.example.org/",
)


@pytest.fixture(scope="module")
def vocabularies():
    return concepts(ROOT / "ontology")


def complete_dataset() -> dict[str, list]:
    dist = {
        DCAT + "accessURL": [IRI("https://data.example.org/api")],
        DCAT + "downloadURL": [IRI("https://data.example.org/all.json")],
        DCTERMS + "format": [IRI(EU + "file-type/JSON")],
        DCAT + "mediaType": [IRI("https://www.iana.org/assignments/media-types/application/json")],
    }
    return {
        DCAT + "theme": [IRI(EU + "data-theme/TRAN")],
        DCTERMS + "spatial": [IRI(BASE + "place/hamburg")],
        DCAT + "distribution": [dist],
        DCTERMS + "conformsTo": [IRI(BASE + "standard/gtfs")],
        DCTERMS + "license": [IRI("https://creativecommons.org/licenses/by/4.0/")],
        DCTERMS + "accessRights": [IRI(EU + "access-right/PUBLIC")],
        DCAT + "contactPoint": [{VCARD + "hasEmail": [IRI("mailto:a@b.de")]}],
        DCTERMS + "publisher": [IRI(BASE + "org/lgv-hamburg")],
        DCTERMS + "accrualPeriodicity": [IRI(EU + "frequency/DAILY")],
        DCTERMS + "modified": [Literal("2026-11-30", datatype="http://www.w3.org/2001/XMLSchema#date")],
        DCAT + "landingPage": [IRI("https://data.example.org/")],
    }  # fmt: skip


# -- the assessment --------------------------------------------------------------------------------


def test_a_complete_dataset_has_full_marks_in_every_dimension(vocabularies) -> None:
    quality = assess(BASE + "dataset/x", "dataset", complete_dataset(), vocabularies)
    assert quality.percent == 100 and quality.missing == ()
    assert [d.key for d in quality.dimensions] == list(DIMENSION_LABELS)
    assert all(d.points == d.maximum > 0 for d in quality.dimensions)


def test_an_empty_dataset_misses_every_item_with_field_and_fix(vocabularies) -> None:
    quality = assess(BASE + "dataset/x", "dataset", {}, vocabularies)
    assert quality.points == 0 and quality.percent == 0
    fields = {item.field for item in quality.missing}
    assert {"themes", "places", "distributions[].accessURL", "distributions[].format"} <= fields
    assert {"license", "publisher", "contactPoint", "accrualPeriodicity"} <= fields
    assert "endpointURL" not in fields  # a dataset is reached through its distributions
    for item in quality.missing:
        assert item.fix["de"] and item.fix["en"] and item.fix["de"] != item.fix["en"]


def test_a_service_is_rated_on_its_endpoint(vocabularies) -> None:
    props = {DCAT + "endpointURL": [IRI("https://api.example.org/v1")]}
    quality = assess(BASE + "platform/x", "service", props, vocabularies)
    keys = {c.item.key for d in quality.dimensions for c in d.checks}
    assert "endpoint-url" in keys and "access-url" not in keys and "format" not in keys
    assert quality.present("endpoint-url") and not quality.present("endpoint-description")


def test_removing_any_item_costs_exactly_its_points(vocabularies) -> None:
    full = assess(BASE + "dataset/x", "dataset", complete_dataset(), vocabularies)
    props = complete_dataset()
    del props[DCTERMS + "accrualPeriodicity"]
    quality = assess(BASE + "dataset/x", "dataset", props, vocabularies)
    by_key = {item.key: item for item in ITEMS}
    assert quality.points == full.points - by_key["update-frequency"].points
    assert [i.key for i in quality.missing] == ["update-frequency"]


def test_a_licence_outside_the_list_is_given_but_not_from_the_list(vocabularies) -> None:
    props = complete_dataset()
    props[DCTERMS + "license"] = [IRI("https://example.org/our-own-licence")]
    quality = assess(BASE + "dataset/x", "dataset", props, vocabularies)
    assert quality.present("licence") and not quality.present("licence-vocabulary")


def test_a_distribution_without_access_url_counts_for_nothing(vocabularies) -> None:
    props = complete_dataset()
    del props[DCAT + "distribution"][0][DCAT + "accessURL"]
    del props[DCAT + "distribution"][0][DCAT + "downloadURL"]
    quality = assess(BASE + "dataset/x", "dataset", props, vocabularies)
    assert not quality.present("access-url") and not quality.present("format")


def test_the_points_table_in_the_docs_is_the_one_computed() -> None:
    text = (ROOT / "docs" / "catalogue.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\w+) \| `([^`]+)` \| (\d+) \| ([a-z, ]+) \|", text, re.MULTILINE)
    documented = {(dim.lower(), field, int(points), kinds) for dim, field, points, kinds in rows}
    computed = {
        (item.dimension, item.field, item.points, ", ".join(sorted(item.kinds))) for item in ITEMS
    }
    assert documented == computed


# -- one figure on the catalogue page and the entity page ----------------------------------------


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_dataset_page_shows_the_catalogue_figure_and_the_fixes(
    client, store: Store, built_settings: Settings, lang: str
) -> None:
    vocab, found = built_settings.vocab, concepts(built_settings.ontology_dir)
    page = catalogue_page(store, vocab, found, SITE, 1, size=1000)
    iri = BASE + "dataset/hamburg-traffic-light-states"
    entry = next(e for e in entries(page) if e.iri == iri)
    quality = assessment(store, vocab, found, iri, "dataset")
    assert entry.score == quality.percent == page.quality[iri].percent
    html = client.get(f"/dataset/hamburg-traffic-light-states.html?lang={lang}").get_data(
        as_text=True
    )
    assert f'<span class="count">{quality.percent} %</span>' in html
    for dimension in quality.dimensions:
        assert dimension.label[lang] in html
    for item in quality.missing:
        assert f"<code>{item.field}</code>" in html
    assert ("Metadatenqualität" if lang == "de" else "Metadata quality") in html
    catalogue = client.get(f"/catalogue.html?lang={lang}").get_data(as_text=True)
    row = catalogue.split('href="/dataset/hamburg-traffic-light-states"', 1)[1].split("</tr>")[0]
    assert f"<td>{quality.percent} %</td>" in row


def test_a_use_case_page_has_no_quality_figure(client) -> None:
    html = client.get("/usecase/hamburg-traffic-signal-data.html").get_data(as_text=True)
    assert 'id="quality-h"' not in html


# -- data platforms as data services --------------------------------------------------------------


def test_a_platform_without_endpoint_is_listed_as_not_yet_in_the_catalogue(
    store: Store, built_settings: Settings, client
) -> None:
    iri = BASE + "platform/hamburg-urban-data-platform"
    left_out = {i.iri: i for i in incomplete(store, built_settings.vocab)}
    assert left_out[iri].kind == "service" and left_out[iri].missing == ("endpointURL",)
    html = client.get("/platform/hamburg-urban-data-platform.html?lang=en").get_data(as_text=True)
    assert 'id="quality-h"' in html and "<code>endpointURL</code>" in html


def published(tmp_path: Path, triples: list[tuple]) -> tuple[Settings, Store]:
    settings = config.load({}, project=ROOT, store=str(tmp_path / "store"))
    nquads = tmp_path / "data.nq"
    graph = IRI(BASE + "graph/test")
    nquads.write_text(
        "".join(f"{s.n3()} {p.n3()} {o.n3()} {graph.n3()} .\n" for s, p, o in triples)
    )
    store = open_store(settings)
    store.publish(nquads, {})
    return settings, store


def test_a_platform_with_endpoint_is_a_data_service_published_by_its_operator(
    tmp_path: Path,
) -> None:
    ns = BASE + "ontology#"
    platform, org = IRI(BASE + "platform/p"), IRI(BASE + "org/stadtwerke-x")
    rdf_type = IRI("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    triples = [
        (platform, rdf_type, IRI(ns + "DataPlatform")),
        (platform, IRI(DCTERMS + "title"), Literal("Plattform", "de")),
        (platform, IRI(DCTERMS + "description"), Literal("Eine Datenplattform.", "de")),
        (platform, IRI(ns + "operatedBy"), org),
        (platform, IRI(DCAT + "endpointURL"), IRI("https://api.example.org/v1")),
        (org, IRI("http://www.w3.org/2004/02/skos/core#prefLabel"), Literal("Stadtwerke X", "de")),
        (IRI(BASE + "platform/q"), rdf_type, IRI(ns + "DataPlatform")),
    ]  # fmt: skip
    settings, store = published(tmp_path, triples)
    found = concepts(settings.ontology_dir)
    page = catalogue_page(store, settings.vocab, found, SITE)
    assert page.members == [platform.value]
    graph = rdflib.Graph().parse(
        data=serialize(page.triples, "ttl", settings.vocab.prefixes), format="turtle"
    )
    subject = rdflib.URIRef(platform.value)
    assert (None, rdflib.URIRef(DCAT + "service"), subject) in graph
    assert (subject, rdflib.RDF.type, rdflib.URIRef(DCAT + "DataService")) in graph
    assert graph.value(subject, rdflib.URIRef(DCTERMS + "publisher")) == rdflib.URIRef(org.value)
    quality = page.quality[platform.value]
    assert quality.kind == "service" and quality.present("publisher")
    assert quality.present("endpoint-url")
    missing = {i.iri: i.missing for i in incomplete(store, settings.vocab)}
    assert missing == {BASE + "platform/q": ("title", "description", "publisher", "endpointURL")}


def test_validate_warns_only_platforms_without_operator_of_the_publisher(
    project_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kg.cli import main

    path = project_copy / "usecases" / "shared" / "platforms-a.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - id: platform/hamburg-urban-data-platform\n")
    operator = text.index("    operator: lgv-hamburg\n", start)
    assert main(["--project", str(project_copy), "validate", "--lang", "en"]) == 0
    before = capsys.readouterr().out
    path.write_text(text[:operator] + text[operator + len("    operator: lgv-hamburg\n") :])
    assert main(["--project", str(project_copy), "validate", "--lang", "en"]) == 0
    after = capsys.readouterr().out

    def warned(out: str) -> bool:
        return any(
            line.startswith("usecases/shared/platforms-a.yaml:4:") and "field 'publisher'" in line
            for line in out.splitlines()
        )

    assert not warned(before) and warned(after)
    assert "operator will do" in after
