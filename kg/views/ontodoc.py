"""Documentation of the ontology and the shapes, generated from the files in ``ontology/``.

Every class and property of the project's namespace with its labels, comments, super-terms,
domains and ranges, and the SHACL shapes that constrain it; every concept scheme with its
concepts; every node shape with its property shapes (field, severity, message). Where each term
comes from: the vocabulary of every term the ontology and the authoring fields use, and the one
definition each of the figures every page, query and statistic share (:data:`DEFINITIONS`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from kg.authoring.ontology import OntologyFiles
from kg.namespaces import OWL, RDF_TYPE, RDFS, SH, SKOS

_KINDS = {
    OWL + "Class": "class",
    OWL + "ObjectProperty": "property",
    OWL + "DatatypeProperty": "property",
    OWL + "AnnotationProperty": "property",
}
_SECTIONS = ("class", "property")


@dataclass(frozen=True)
class Vocab:
    """A vocabulary the model takes terms from."""

    prefix: str
    namespace: str
    name: str
    url: str


#: The vocabularies of origin, most specific namespace first where one contains another.
VOCABULARIES: tuple[Vocab, ...] = (
    Vocab(
        "dcat", "http://www.w3.org/ns/dcat#", "DCAT 3 (W3C)", "https://www.w3.org/TR/vocab-dcat-3/"
    ),
    Vocab(
        "dcterms",
        "http://purl.org/dc/terms/",
        "DCMI Metadata Terms",
        "https://www.dublincore.org/specifications/dublin-core/dcmi-terms/",
    ),
    Vocab(
        "skos",
        "http://www.w3.org/2004/02/skos/core#",
        "SKOS (W3C)",
        "https://www.w3.org/TR/skos-reference/",
    ),
    Vocab("prov", "http://www.w3.org/ns/prov#", "PROV-O (W3C)", "https://www.w3.org/TR/prov-o/"),
    Vocab(
        "org",
        "http://www.w3.org/ns/org#",
        "Organization Ontology (W3C ORG)",
        "https://www.w3.org/TR/vocab-org/",
    ),
    Vocab("adms", "http://www.w3.org/ns/adms#", "ADMS (W3C)", "https://www.w3.org/TR/vocab-adms/"),
    Vocab("foaf", "http://xmlns.com/foaf/0.1/", "FOAF", "http://xmlns.com/foaf/spec/"),
    Vocab("schema", "https://schema.org/", "schema.org", "https://schema.org/"),
    Vocab(
        "vcard",
        "http://www.w3.org/2006/vcard/ns#",
        "vCard Ontology (W3C)",
        "https://www.w3.org/TR/vcard-rdf/",
    ),
    Vocab(
        "fiware",
        "https://smartdatamodels.org/",
        "FIWARE Smart Data Models",
        "https://smartdatamodels.org/",
    ),
    Vocab(
        "doap",
        "http://usefulinc.com/ns/doap#",
        "DOAP (Description of a Project)",
        "https://github.com/ewilderj/doap",
    ),
    Vocab(
        "geo",
        "http://www.w3.org/2003/01/geo/wgs84_pos#",
        "WGS84 Geo Positioning (W3C)",
        "https://www.w3.org/2003/01/geo/",
    ),
    Vocab(
        "geosparql",
        "http://www.opengis.net/ont/geosparql#",
        "GeoSPARQL (OGC)",
        "https://www.ogc.org/standard/geosparql/",
    ),
    Vocab("spdx", "http://spdx.org/licenses/", "SPDX License List", "https://spdx.org/licenses/"),
    Vocab(
        "euauth",
        "http://publications.europa.eu/resource/authority/",
        "EU authority tables (Publications Office)",
        "https://op.europa.eu/en/web/eu-vocabularies/authority-tables",
    ),
    Vocab(
        "nuts",
        "http://data.europa.eu/nuts/",
        "NUTS (Eurostat)",
        "https://ec.europa.eu/eurostat/web/nuts",
    ),
    Vocab(
        "dcatde",
        "http://dcat-ap.de/def/",
        "DCAT-AP.de (political geocoding)",
        "https://www.dcat-ap.de/def/",
    ),
    Vocab("vann", "http://purl.org/vocab/vann/", "VANN", "https://vocab.org/vann/"),
    Vocab("void", "http://rdfs.org/ns/void#", "VoID (W3C)", "https://www.w3.org/TR/void/"),
    Vocab("sh", "http://www.w3.org/ns/shacl#", "SHACL (W3C)", "https://www.w3.org/TR/shacl/"),
    Vocab(
        "owl",
        "http://www.w3.org/2002/07/owl#",
        "OWL 2 (W3C)",
        "https://www.w3.org/TR/owl2-overview/",
    ),
    Vocab(
        "rdfs",
        "http://www.w3.org/2000/01/rdf-schema#",
        "RDF Schema (W3C)",
        "https://www.w3.org/TR/rdf-schema/",
    ),
    Vocab(
        "rdf",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "RDF (W3C)",
        "https://www.w3.org/TR/rdf11-concepts/",
    ),
    Vocab(
        "xsd",
        "http://www.w3.org/2001/XMLSchema#",
        "XML Schema datatypes (W3C)",
        "https://www.w3.org/TR/xmlschema11-2/",
    ),
)

#: The definitions every page, query, statistic and export share, as docs/model.md ("One
#: definition each") states them (a test holds the English texts to that table), with the term
#: that carries each in the graph. The build's rules implement them; these are their words.
DEFINITIONS: dict[str, tuple[str, dict[str, str]]] = {
    "cross-sector use case": (
        "CrossSectorUseCase",
        {
            "en": "a real use case with two or more different sectors "
            "(`sckg:CrossSectorUseCase`, inferred)",
            "de": "ein realer Anwendungsfall mit zwei oder mehr verschiedenen Sektoren "
            "(`sckg:CrossSectorUseCase`, abgeleitet)",
        },
    ),
    "cross-sector data flow": (
        "crossSectorDataFlowCount",
        {
            "en": "a data flow whose consumer `b` serves a sector its producer `a` does not: the "
            'data reach a sector their producer does not serve. ("No sector in common" is '
            'almost never true with several sectors per use case, "the sector sets differ" '
            "almost always.)",
            "de": "ein Datenfluss, dessen Nutzer `b` einem Sektor dient, dem sein Erzeuger `a` "
            "nicht dient: Die Daten erreichen einen Sektor, dem ihr Erzeuger nicht dient. "
            "(„Kein gemeinsamer Sektor“ trifft bei mehreren Sektoren je Anwendungsfall fast nie "
            "zu, „die Sektoren unterscheiden sich“ fast immer.)",
        },
    ),
    "shared dataset": (
        "sharedDataset",
        {
            "en": "a dataset used or produced by at least two different real use cases",
            "de": "ein Datensatz, den mindestens zwei verschiedene reale Anwendungsfälle nutzen "
            "oder erzeugen",
        },
    ),
    "sector-link weight": (
        "weight",
        {
            "en": "shared use cases + data flows + shared datasets of the pair",
            "de": "gemeinsame Anwendungsfälle + Datenflüsse + gemeinsam genutzte Datensätze des "
            "Sektorpaars",
        },
    ),
}
#: The terms the definitions use, as docs/model.md defines them (shown beside them).
TERMS_DEFINED: dict[str, dict[str, str]] = {
    "real use case": {
        "en": "an instance of `sckg:UseCase` (never a `sckg:UseCasePattern`)",
        "de": "eine Instanz von `sckg:UseCase` (nie ein `sckg:UseCasePattern`)",
    },
    "data flow (sourced)": {
        "en": "`(a, d, b)`: real use case `a` produces dataset `d`, a different real use case "
        "`b` uses it (`a sckg:feeds b`); each distinct triple counts once",
        "de": "`(a, d, b)`: der reale Anwendungsfall `a` erzeugt den Datensatz `d`, ein anderer "
        "realer Anwendungsfall `b` nutzt ihn (`a sckg:feeds b`); jedes Tripel zählt einmal",
    },
}


def origin(iri: str, own: str) -> Vocab | None:
    """The vocabulary ``iri`` comes from (the project's own for terms under ``own``)."""
    if iri.startswith(own):
        return Vocab("sckg", own, "Smart-City Use-Case Knowledge Graph", own)
    return next((v for v in VOCABULARIES if iri.startswith(v.namespace)), None)


@dataclass
class FieldDoc:
    """A key of the authoring format and the term it stands for."""

    key: str
    iri: str
    curie: str
    vocab: Vocab | None


@dataclass
class Definition:
    """One of the shared definitions: its name, the term that carries it, and its text."""

    name: str
    iri: str
    local: str
    texts: dict[str, str]


@dataclass
class TermDoc:
    """One term: its IRI, local name, labels and comments by language, and its relations."""

    iri: str
    local: str
    kind: str
    types: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    parents: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    ranges: list[str] = field(default_factory=list)
    inverse: list[str] = field(default_factory=list)
    shapes: list[str] = field(default_factory=list)


@dataclass
class ShapeDoc:
    """A SHACL shape: what it targets, its properties, its severity and messages."""

    iri: str
    local: str
    labels: dict[str, str] = field(default_factory=dict)
    targets: list[str] = field(default_factory=list)
    path: str | None = None
    field_name: str | None = None
    severity: str | None = None
    messages: dict[str, str] = field(default_factory=dict)
    properties: list[str] = field(default_factory=list)


@dataclass
class SchemeDoc:
    iri: str
    labels: dict[str, str]
    concepts: list[tuple[str, dict[str, str]]]


@dataclass
class OntologyDoc:
    """Everything the ontology and shapes pages show."""

    iri: str
    labels: dict[str, str]
    comments: dict[str, str]
    terms: dict[str, list[TermDoc]]
    schemes: list[SchemeDoc]
    shapes: list[ShapeDoc]
    shapes_by_iri: dict[str, ShapeDoc]
    #: the vocabularies the model takes terms from, with the terms it uses of each
    vocabularies: list[tuple[Vocab, list[str]]] = field(default_factory=list)
    #: the keys of the authoring format (context.jsonld) and their terms
    fields: list[FieldDoc] = field(default_factory=list)
    definitions: list[Definition] = field(default_factory=list)
    #: the terms the definitions build on (real use case, data flow)
    basics: list[Definition] = field(default_factory=list)
    own: str = ""

    def origin(self, iri: str) -> Vocab | None:
        return origin(iri, self.own)


def document(files: OntologyFiles) -> OntologyDoc:
    """The documentation of the ontology files (parsed once by the caller's cache)."""
    tbox, shapes_graph = files.tbox, files.shapes
    ns = files.vocab.ns
    shapes = _shapes(shapes_graph, files.vocab.shapes)
    terms: dict[str, list[TermDoc]] = {s: [] for s in _SECTIONS}
    for s, _, o in tbox.triples((None, _ref(RDF_TYPE), None)):
        iri = str(s)
        if not iri.startswith(ns) or str(o) not in _KINDS:
            continue
        kind = _KINDS[str(o)]
        if any(t.iri == iri for t in terms[kind]):
            continue
        terms[kind].append(_term(tbox, iri, iri[len(ns) :], kind, shapes))
    for docs in terms.values():
        docs.sort(key=lambda t: t.local.casefold())
    ontology = files.vocab.ontology
    return OntologyDoc(
        iri=ontology,
        labels=_texts(tbox, ontology, "http://purl.org/dc/terms/title"),
        comments=_texts(tbox, ontology, "http://purl.org/dc/terms/description"),
        terms=terms,
        schemes=_schemes(tbox),
        shapes=sorted(shapes, key=lambda s: (not s.targets, s.local.casefold())),
        shapes_by_iri={s.iri: s for s in shapes},
        vocabularies=_vocabularies(tbox, ns),
        fields=_fields(files),
        definitions=_definitions(tbox, ns),
        basics=[Definition(name, "", "", texts) for name, texts in TERMS_DEFINED.items()],
        own=ns,
    )


def _vocabularies(graph, own: str) -> list[tuple[Vocab, list[str]]]:
    """Every reused vocabulary with the terms of it the ontology names (in any position)."""
    import rdflib

    used: dict[str, set[str]] = {}
    for triple in graph:
        for term in triple:
            if isinstance(term, rdflib.URIRef):
                vocab = origin(str(term), own)
                if vocab is not None and vocab.prefix != "sckg":
                    used.setdefault(vocab.prefix, set()).add(str(term))
    return [(v, sorted(used[v.prefix])) for v in VOCABULARIES if v.prefix in used]


def _fields(files: OntologyFiles) -> list[FieldDoc]:
    """The keys of ``context.jsonld`` that stand for a class or property, with their origin."""
    path = files.folder / "context.jsonld"
    context = json.loads(files.vocab.rebase(path.read_text(encoding="utf-8")))["@context"]
    prefixes = {k: v for k, v in context.items() if isinstance(v, str) and v.endswith(("#", "/"))}
    found = []
    for key, value in context.items():
        target = value.get("@id") if isinstance(value, dict) else value
        if key.startswith("@") or key in prefixes or not isinstance(target, str):
            continue
        prefix, sep, local = target.partition(":")
        if target.startswith("@") or not sep or prefix not in prefixes:
            continue
        iri = prefixes[prefix] + local
        found.append(FieldDoc(key, iri, target, origin(iri, files.vocab.ns)))
    return found


def _definitions(graph, own: str) -> list[Definition]:
    """The shared definitions (:data:`DEFINITIONS`), each with the term that carries it."""
    return [
        Definition(name, own + local, local, texts) for name, (local, texts) in DEFINITIONS.items()
    ]


def _ref(iri: str):
    import rdflib

    return rdflib.URIRef(iri)


def _texts(graph, subject: str, predicate: str) -> dict[str, str]:
    return {(o.language or ""): str(o) for o in graph.objects(_ref(subject), _ref(predicate))}


def _iris(graph, subject: str, predicate: str) -> list[str]:
    import rdflib

    found = graph.objects(_ref(subject), _ref(predicate))
    return sorted(str(o) for o in found if isinstance(o, rdflib.URIRef))


def _term(graph, iri: str, local: str, kind: str, shapes: list[ShapeDoc]) -> TermDoc:
    parent = RDFS + ("subClassOf" if kind == "class" else "subPropertyOf")
    return TermDoc(
        iri=iri,
        local=local,
        kind=kind,
        types=_iris(graph, iri, RDF_TYPE),
        labels=_texts(graph, iri, RDFS + "label"),
        comments=_texts(graph, iri, RDFS + "comment"),
        parents=_iris(graph, iri, parent),
        domains=_iris(graph, iri, RDFS + "domain"),
        ranges=_iris(graph, iri, RDFS + "range"),
        inverse=_iris(graph, iri, OWL + "inverseOf"),
        shapes=[s.iri for s in shapes if iri in s.targets or s.path == iri],
    )


def _schemes(graph) -> list[SchemeDoc]:
    schemes = []
    for s in graph.subjects(_ref(RDF_TYPE), _ref(SKOS + "ConceptScheme")):
        concepts = [
            (str(c), _texts(graph, str(c), SKOS + "prefLabel"))
            for c in graph.subjects(_ref(SKOS + "inScheme"), s)
        ]
        concepts.sort(key=lambda c: c[0])
        schemes.append(SchemeDoc(str(s), _texts(graph, str(s), SKOS + "prefLabel"), concepts))
    return sorted(schemes, key=lambda s: s.iri)


def _shapes(graph, prefix: str) -> list[ShapeDoc]:
    found: dict[str, ShapeDoc] = {}
    for kind in (SH + "NodeShape", SH + "PropertyShape"):
        for s in graph.subjects(_ref(RDF_TYPE), _ref(kind)):
            iri = str(s)
            if iri.startswith(prefix) and iri not in found:
                found[iri] = _shape(graph, iri, prefix)
    return list(found.values())


def _shape(graph, iri: str, prefix: str) -> ShapeDoc:
    paths = _iris(graph, iri, SH + "path")
    fields = [
        str(o) for o in graph.objects(_ref(iri), _ref(prefix[: -len("shapes#")] + "ontology#field"))
    ]
    severity = _iris(graph, iri, SH + "severity")
    return ShapeDoc(
        iri=iri,
        local=iri[len(prefix) :],
        labels=_texts(graph, iri, RDFS + "label") or _texts(graph, iri, SH + "name"),
        targets=_iris(graph, iri, SH + "targetClass"),
        path=paths[0] if paths else None,
        field_name=fields[0] if fields else None,
        severity=severity[0].rsplit("#", 1)[-1] if severity else None,
        messages=_texts(graph, iri, SH + "message"),
        properties=_iris(graph, iri, SH + "property"),
    )
