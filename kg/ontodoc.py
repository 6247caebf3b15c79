"""Documentation of the ontology and the shapes, generated from the files in ``ontology/``.

Every class and property of the project's namespace with its labels, comments, super-terms,
domains and ranges, and the SHACL shapes that constrain it; every concept scheme with its
concepts; every node shape with its property shapes (field, severity, message).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.namespaces import OWL, RDF_TYPE, RDFS, SH, SKOS
from kg.ontology import OntologyFiles

_KINDS = {
    OWL + "Class": "class",
    OWL + "ObjectProperty": "property",
    OWL + "DatatypeProperty": "property",
    OWL + "AnnotationProperty": "property",
}
_SECTIONS = ("class", "property")


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
    )


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
