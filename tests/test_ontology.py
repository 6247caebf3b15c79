"""Tests of the ontology layer: OWL ontology, SKOS schemes, SHACL shapes (ontology/*.ttl)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import owlready2
import pyshacl
import pytest
from environment import require_program
from rdflib import OWL, RDF, RDFS, SH, SKOS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"

SCKG = Namespace("https://w3id.org/sckg/ontology#")
SHAPES = Namespace("https://w3id.org/sckg/shapes#")
DATA_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
ONTOLOGY_IRI = URIRef("https://w3id.org/sckg/ontology")
SECTOR_CODES = {
    "mobility", "energy", "environment", "water", "waste", "urban-development", "administration",
    "health", "education", "safety", "economy", "society", "digital-infrastructure", "agriculture",
}  # fmt: skip
DECLARATION_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)

PREFIXES = """
@prefix sckg: <https://w3id.org/sckg/ontology#> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix usecase: <https://w3id.org/sckg/usecase/> .
@prefix dataset: <https://w3id.org/sckg/dataset/> .
@prefix platform: <https://w3id.org/sckg/platform/> .
@prefix place: <https://w3id.org/sckg/place/> .
@prefix o: <https://w3id.org/sckg/org/> .
@prefix standard: <https://w3id.org/sckg/standard/> .
@prefix sector: <https://w3id.org/sckg/sector/> .
@prefix maturity: <https://w3id.org/sckg/maturity/> .
@prefix curation: <https://w3id.org/sckg/curation/> .
@prefix gaiax: <https://w3id.org/sckg/gaiax/> .
@prefix role: <https://w3id.org/sckg/role/> .
@prefix orgtype: <https://w3id.org/sckg/org-type/> .
@prefix country: <http://publications.europa.eu/resource/authority/country/> .
"""

#: 60 words: the shortest description that draws no warning.
LONG = " ".join(["Wort"] * 60)

VALID_EXAMPLE = """
usecase:hamburg-traffic-signals a sckg:UseCase ;
    dcterms:title "Ampeldaten in Echtzeit"@de , "Real-time traffic-signal data"@en ;
    dcterms:description "Ampelzustände werden live veröffentlicht. LONG"@de ,
        "Traffic-light states are published live. LONG"@en ;
    sckg:sector sector:mobility , sector:digital-infrastructure ;
    dcterms:spatial place:hamburg ;
    sckg:maturity maturity:in-operation ;
    sckg:curationStatus curation:reviewed ;
    sckg:assessedFederationService gaiax:federated-catalogue , gaiax:sovereign-data-exchange ;
    sckg:usesDataset dataset:hamburg-signal-programmes ;
    sckg:producesDataset dataset:hamburg-traffic-light-states ;
    dcterms:conformsTo standard:ogc-sensorthings-api ;
    prov:qualifiedAttribution [ prov:agent o:lgv-hamburg ; dcat:hadRole role:operator ] ;
    dcterms:source <https://www.urbandataplatform.hamburg> ;
    dcterms:modified "2026-11-27"^^xsd:date .

dataset:hamburg-signal-programmes a dcat:Dataset ;
    dcterms:title "Signalprogramme"@de , "Signal programmes"@en ;
    dcterms:description "Signalprogramme der Ampeln."@de , "Signal programmes of the lights."@en ;
    dcterms:publisher o:lgv-hamburg ;
    dcterms:license <https://www.govdata.de/dl-de/by-2-0> ;
    dcterms:accrualPeriodicity <http://publications.europa.eu/resource/authority/frequency/IRREG> ;
    dcat:distribution [ dcat:accessURL <https://api.hamburg.de/signals> ;
        dcterms:format <http://publications.europa.eu/resource/authority/file-type/JSON> ] .

dataset:hamburg-traffic-light-states a dcat:Dataset ;
    dcterms:title "Ampelzustände"@de , "Traffic-light states"@en ;
    dcterms:description "Zustände der Ampeln."@de , "States of the traffic lights."@en ;
    dcterms:publisher o:lgv-hamburg ;
    dcterms:conformsTo standard:ogc-sensorthings-api ;
    dcterms:spatial place:hamburg ;
    dcat:landingPage <https://www.urbandataplatform.hamburg> ;
    dcterms:license <https://www.govdata.de/dl-de/by-2-0> ;
    dcterms:accrualPeriodicity <http://publications.europa.eu/resource/authority/frequency/CONT> ;
    dcat:distribution [ dcat:accessURL <https://iot.hamburg.de/v1.1> ;
        dcterms:format <http://publications.europa.eu/resource/authority/file-type/JSON> ] ;
    dcat:accessService platform:hamburg-urban-data-platform .

platform:hamburg-urban-data-platform a sckg:DataPlatform ;
    dcterms:title "Urbane Datenplattform Hamburg"@de , "Hamburg Urban Data Platform"@en ;
    dcterms:description "Plattform."@de , "Platform."@en ;
    dcterms:publisher o:lgv-hamburg ;
    dcat:endpointURL <https://iot.hamburg.de/v1.1> .

place:hamburg a sckg:Municipality ;
    skos:prefLabel "Hamburg"@de , "Hamburg"@en ;
    sckg:municipalityKey <http://dcat-ap.de/def/politicalGeocoding/municipalityKey/02000000> ;
    sckg:nutsRegion <http://data.europa.eu/nuts/code/DE600> ;
    sckg:country country:DEU ;
    sckg:partOf place:hamburg-land , place:metropolregion-hamburg .

place:hamburg-land a sckg:State ;
    skos:prefLabel "Hamburg (Land)"@de , "Hamburg (state)"@en ;
    sckg:country country:DEU ;
    sckg:nutsRegion <http://data.europa.eu/nuts/code/DE6> .

place:metropolregion-hamburg a sckg:Region ;
    skos:prefLabel "Metropolregion Hamburg"@de , "Hamburg Metropolitan Region"@en .

o:lgv-hamburg a org:Organization ;
    skos:prefLabel "Landesbetrieb Geoinformation und Vermessung"@de ,
        "Agency for Geoinformation and Surveying"@en ;
    org:classification orgtype:land ;
    foaf:homepage <https://www.hamburg.de/bsw/landesbetrieb-geoinformation-und-vermessung/> ;
    dcterms:spatial place:hamburg .

standard:ogc-sensorthings-api a dcterms:Standard ;
    dcterms:title "OGC SensorThings API"@de , "OGC SensorThings API"@en ;
    dcterms:description "Schnittstelle für Sensordaten."@de , "Interface for sensor data."@en ;
    foaf:homepage <https://www.ogc.org/standards/sensorthings> .
"""


# --- loading ----------------------------------------------------------------------------------


VALID_EXAMPLE = VALID_EXAMPLE.replace("LONG", LONG)


def _parse(*names: str) -> Graph:
    graph = Graph()
    for name in names:
        graph.parse(ONTOLOGY_DIR / name, format="turtle")
    return graph


@cache
def ontology() -> Graph:
    return _parse("sckg.ttl")


@cache
def schemes() -> Graph:
    return _parse("schemes.ttl")


@cache
def shapes() -> Graph:
    return _parse("shapes.ttl")


@cache
def vocabulary() -> Graph:
    """Ontology and concept schemes together: what the validator passes as ``ont_graph``."""
    return _parse("sckg.ttl", "schemes.ttl")


def _languages(graph: Graph, subject: URIRef | BNode, predicate: URIRef) -> set[str]:
    return {
        o.language
        for o in graph.objects(subject, predicate)
        if isinstance(o, Literal) and o.language is not None
    }


def _own_terms() -> set[URIRef]:
    graph = ontology()
    return {
        s
        for kind in DECLARATION_TYPES
        for s in graph.subjects(RDF.type, kind)
        if isinstance(s, URIRef) and s.startswith(str(SCKG))
    }


def _property_shapes() -> set[URIRef | BNode]:
    graph = shapes()
    found: set[URIRef | BNode] = set(graph.subjects(RDF.type, SH.PropertyShape))
    found.update(graph.objects(None, SH.property))
    return found


# --- the ontology -----------------------------------------------------------------------------


def test_ontology_header() -> None:
    graph = ontology()
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in graph
    assert graph.value(ONTOLOGY_IRI, OWL.versionIRI) == URIRef(
        "https://w3id.org/sckg/ontology/0.2.0"
    )
    assert graph.value(ONTOLOGY_IRI, OWL.versionInfo) == Literal("0.2.0")
    assert graph.value(ONTOLOGY_IRI, OWL.priorVersion) == URIRef(
        "https://w3id.org/sckg/ontology/0.1.0"
    )
    dcterms = Namespace("http://purl.org/dc/terms/")
    assert _languages(graph, ONTOLOGY_IRI, dcterms.title) == {"de", "en"}
    assert _languages(graph, ONTOLOGY_IRI, dcterms.description) == {"de", "en"}
    assert graph.value(ONTOLOGY_IRI, dcterms.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )


def test_own_terms_have_bilingual_label_and_comment() -> None:
    graph = ontology()
    terms = _own_terms()
    assert len(terms) >= 25
    for term in sorted(terms):
        assert _languages(graph, term, RDFS.label) >= {"de", "en"}, term
        assert _languages(graph, term, RDFS.comment) >= {"de", "en"}, term
        assert (term, RDFS.isDefinedBy, ONTOLOGY_IRI) in graph, term


def test_no_undeclared_own_terms() -> None:
    """Every sckg: IRI used anywhere in the three files is declared in sckg.ttl."""
    declared = _own_terms()
    for graph in (ontology(), schemes(), shapes()):
        used = {
            term
            for triple in graph
            for term in triple
            if isinstance(term, URIRef) and term.startswith(str(SCKG))
        }
        assert used <= declared, used - declared


def test_feeds_is_a_property_chain() -> None:
    graph = ontology()
    chain = graph.value(SCKG.feeds, OWL.propertyChainAxiom)
    assert chain is not None
    assert list(Collection(graph, chain)) == [SCKG.producesDataset, SCKG.usedBy]
    assert (SCKG.usedBy, OWL.inverseOf, SCKG.usesDataset) in graph
    assert (SCKG.isFedBy, OWL.inverseOf, SCKG.feeds) in graph


def test_cross_sector_use_case_is_a_defined_class() -> None:
    graph = ontology()
    definition = graph.value(SCKG.CrossSectorUseCase, OWL.equivalentClass)
    assert definition is not None
    parts = list(Collection(graph, graph.value(definition, OWL.intersectionOf)))
    assert SCKG.UseCase in parts
    restrictions = [p for p in parts if (p, RDF.type, OWL.Restriction) in graph]
    assert len(restrictions) == 1
    restriction = restrictions[0]
    assert graph.value(restriction, OWL.onProperty) == SCKG.sector
    assert graph.value(restriction, OWL.onClass) == SCKG.Sector
    assert graph.value(restriction, OWL.minQualifiedCardinality).toPython() == 2


def _expand(value: str, prefixes: dict[str, str]) -> str:
    prefix, sep, local = value.partition(":")
    if sep and prefix in prefixes and not local.startswith("//"):
        return prefixes[prefix] + local
    return value


def test_context_terms_are_declared() -> None:
    """Every term of ontology/context.jsonld is declared in sckg.ttl, its own terms above all."""
    context = json.loads((ONTOLOGY_DIR / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    prefixes = {
        key: value
        for key, value in context.items()
        if isinstance(value, str) and value.endswith(("#", "/")) and ":" in value
    }
    iris: set[str] = set()
    for key, value in context.items():
        if key.startswith("@") or key in prefixes:
            continue
        ref = value if isinstance(value, str) else value.get("@id", "")
        if ref.startswith("@"):
            continue
        iris.add(_expand(ref, prefixes))
    assert iris, "no terms found in the context"
    declared = {str(s) for kind in DECLARATION_TYPES for s in ontology().subjects(RDF.type, kind)}
    own = {iri for iri in iris if iri.startswith(str(SCKG))}
    assert own >= {str(SCKG.UseCase), str(SCKG.sector), str(SCKG.municipalityKey)}
    assert own <= declared, own - declared
    assert iris <= declared, iris - declared


# --- the concept schemes ----------------------------------------------------------------------


def test_fourteen_sectors() -> None:
    graph = schemes()
    sectors = set(graph.subjects(RDF.type, SCKG.Sector))
    assert len(sectors) == 14
    assert {str(s).rsplit("/", 1)[1] for s in sectors} == SECTOR_CODES
    scheme = URIRef("https://w3id.org/sckg/scheme/sectors")
    for sector in sectors:
        assert _languages(graph, sector, SKOS.prefLabel) == {"de", "en"}, sector
        assert (sector, RDF.type, SKOS.Concept) in graph
        assert (sector, SKOS.inScheme, scheme) in graph
        themes = [m for m in graph.objects(sector, SKOS.closeMatch) if m.startswith(DATA_THEME)]
        assert len(themes) == 1, sector


def test_sectors_are_pairwise_different() -> None:
    graph = schemes()
    sectors = set(graph.subjects(RDF.type, SCKG.Sector))
    for node in graph.subjects(RDF.type, OWL.AllDifferent):
        members = set(Collection(graph, graph.value(node, OWL.distinctMembers)))
        if members == sectors:
            return
    pytest.fail("no owl:AllDifferent over exactly the 14 sectors")


def test_every_concept_is_complete() -> None:
    graph = schemes()
    every = set(graph.subjects(RDF.type, SKOS.Concept))
    concepts = {c for c in every if str(c).startswith("https://w3id.org/sckg/")}
    # Entries of external authority tables (the EU countries) carry their names, not definitions.
    for external in every - concepts:
        assert _languages(graph, external, SKOS.prefLabel) == {"de", "en"}, external
        assert str(external).startswith("http://publications.europa.eu/resource/authority/")
    # sectors, FIWARE domains, maturity, GAIA-X services, roles, curation status, and model v2's
    # solution types, spatial scales, lifecycle, hosting, organisation types, size classes,
    # capabilities, kinds of GAIA-X use and municipality types, and the OASC MIMs
    assert len(concepts) == 14 + 8 + 4 + 5 + 4 + 2 + 11 + 7 + 4 + 7 + 11 + 4 + 7 + 4 + 6 + 7
    for concept in concepts:
        assert _languages(graph, concept, SKOS.prefLabel) == {"de", "en"}, concept
        assert _languages(graph, concept, SKOS.definition) == {"de", "en"}, concept
        scheme = graph.value(concept, SKOS.inScheme)
        assert (scheme, RDF.type, SKOS.ConceptScheme) in graph, concept
        assert graph.value(concept, SKOS.topConceptOf) == scheme, concept
        assert str(graph.value(concept, SKOS.notation)) == str(concept).rsplit("/", 1)[1]
    orders = sorted(
        (int(graph.value(m, SCKG.order)), str(m).rsplit("/", 1)[1])
        for m in graph.subjects(RDF.type, SCKG.MaturityLevel)
    )
    assert orders == [(1, "idea"), (2, "pilot"), (3, "in-operation"), (4, "scaled")]


# --- the shapes -------------------------------------------------------------------------------


def test_property_shapes_are_documented() -> None:
    graph = shapes()
    property_shapes = _property_shapes()
    assert len(property_shapes) >= 40
    for shape in property_shapes:
        assert isinstance(shape, URIRef) and shape.startswith(str(SHAPES)), shape
        assert _languages(graph, shape, SH.name) == {"de", "en"}, shape
        assert _languages(graph, shape, SH.message) == {"de", "en"}, shape
        assert graph.value(shape, SCKG.field) is not None, shape
        assert graph.value(shape, SH.severity) in {SH.Violation, SH.Warning}, shape
        for message in graph.objects(shape, SH.message):
            assert "{" not in message, shape


def test_shapes_use_sparql_free_core() -> None:
    graph = shapes()
    assert not list(graph.subjects(SH.sparql, None))
    assert graph.value(URIRef("https://w3id.org/sckg/shapes"), OWL.versionInfo) is not None
    assert _languages(graph, URIRef("https://w3id.org/sckg/shapes"), RDFS.label) == {"de", "en"}


def _validate(turtle: str) -> tuple[bool, list[tuple[URIRef, URIRef, object]]]:
    data = Graph()
    data.parse(data=PREFIXES + turtle, format="turtle")
    conforms, report, _ = pyshacl.validate(
        data, shacl_graph=shapes(), ont_graph=vocabulary(), inference="none"
    )
    results = [
        (
            report.value(r, SH.resultSeverity),
            report.value(r, SH.sourceShape),
            report.value(r, SH.value),
        )
        for r in report.objects(None, SH.result)
    ]
    return bool(conforms), results


def test_valid_example_conforms() -> None:
    conforms, results = _validate(VALID_EXAMPLE)
    assert conforms, results
    assert results == []


def test_unknown_sector_is_a_violation() -> None:
    turtle = VALID_EXAMPLE.replace("sector:digital-infrastructure", "sector:space-travel")
    conforms, results = _validate(turtle)
    assert not conforms
    assert results == [
        (SH.Violation, SHAPES["sectors-known"], URIRef("https://w3id.org/sckg/sector/space-travel"))
    ]


def test_missing_english_title_is_only_a_warning() -> None:
    turtle = VALID_EXAMPLE.replace(' , "Real-time traffic-signal data"@en', "")
    conforms, results = _validate(turtle)
    assert not conforms  # pyshacl counts warnings unless allow_warnings=True
    assert results == [(SH.Warning, SHAPES["title-en"], None)]


@pytest.mark.parametrize(
    ("old", "new", "shape"),
    [
        ("maturity:in-operation", "maturity:in-operation , maturity:pilot", "maturity-single"),
        ('"2026-11-27"^^xsd:date', '"2026-11-27"', "modified-date"),
        ("<https://www.urbandataplatform.hamburg> ;\n    dcterms:modified", '"hamburg.de" ;\n'
         "    dcterms:modified", "sources-url"),
        ("02000000>", "2000000>", "ags-format"),
        ("code/DE6>", "code/de6>", "nuts-format"),
        ('"Ampeldaten in Echtzeit"@de', '"Ampeldaten in Echtzeit"', "title-language-tagged"),
    ],
)  # fmt: skip
def test_violations(old: str, new: str, shape: str) -> None:
    assert old in VALID_EXAMPLE
    conforms, results = _validate(VALID_EXAMPLE.replace(old, new, 1))
    assert not conforms
    assert (SH.Violation, SHAPES[shape]) in {(sev, src) for sev, src, _ in results}, results


def test_bad_stakeholder_is_reported_with_details() -> None:
    """A bad stakeholder entry fails sh:node: one top-level result, the cause under sh:detail."""
    data = Graph()
    data.parse(data=PREFIXES + VALID_EXAMPLE.replace("role:operator", "role:sponsor"))
    conforms, report, _ = pyshacl.validate(
        data, shacl_graph=shapes(), ont_graph=vocabulary(), inference="none"
    )
    assert not conforms
    (top,) = report.objects(None, SH.result)
    assert report.value(top, SH.sourceShape) == SHAPES["stakeholders-valid"]
    (detail,) = report.objects(top, SH.detail)
    assert report.value(detail, SH.sourceShape) == SHAPES["role-known"]
    assert report.value(detail, SH.value) == URIRef("https://w3id.org/sckg/role/sponsor")


def test_unused_dataset_is_a_warning() -> None:
    turtle = VALID_EXAMPLE.replace("sckg:usesDataset dataset:hamburg-signal-programmes ;", "")
    conforms, results = _validate(turtle)
    assert not conforms  # pyshacl counts warnings unless allow_warnings=True
    assert results == [(SH.Warning, SHAPES["usedOrProduced"], None)]


# --- OWL reasoning ----------------------------------------------------------------------------

ABOX = """
usecase:a a sckg:UseCase ;
    sckg:sector sector:mobility , sector:energy ;
    sckg:producesDataset dataset:d ;
    sckg:maturity maturity:pilot ;
    dcterms:modified "2026-01-31"^^xsd:date .
usecase:b a sckg:UseCase ;
    sckg:sector sector:energy ;
    sckg:usesDataset dataset:d .
dataset:d a dcat:Dataset .
"""


@pytest.mark.slow
def test_hermit_consistency_and_inference(tmp_path: Path) -> None:
    require_program("java")  # HermiT runs on a Java runtime
    graph = Graph()
    graph += vocabulary()
    graph.parse(data=PREFIXES + ABOX, format="turtle")
    path = tmp_path / "tbox-abox.nt"
    graph.serialize(path, format="nt", encoding="utf-8")

    world = owlready2.World()
    onto = world.get_ontology(path.as_uri()).load()
    with onto:
        owlready2.sync_reasoner_hermit(
            world, infer_property_values=True, debug=0, ignore_unsupported_datatypes=True
        )
    assert list(world.inconsistent_classes()) == []

    cross = world[str(SCKG.CrossSectorUseCase)]
    a = world["https://w3id.org/sckg/usecase/a"]
    b = world["https://w3id.org/sckg/usecase/b"]
    assert cross in a.is_a
    assert cross not in b.is_a
    feeds = world[str(SCKG.feeds)]
    assert {(s.iri, o.iri) for s, o in feeds.get_relations()} == {(a.iri, b.iri)}
    is_fed_by = world[str(SCKG.isFedBy)]
    assert {(s.iri, o.iri) for s, o in is_fed_by.get_relations()} == {(b.iri, a.iri)}
