"""Gaia-X readiness: a data platform, data service or dataset as a draft Gaia-X 25.11 description,
checked with the official Gaia-X Trust Framework shapes.

The draft states only what the graph states. A platform or data service becomes a
``gx:ServiceOffering``, a dataset a ``gx:DataProduct`` (Gaia-X 25.11 has no ``gx:DataResource``
any more: the data product is the class its shapes describe for a packaged dataset), and the
operator or publisher a ``gx:LegalPerson``. What the mapping reads, property by property, is in
docs/gaiax.md; nothing is filled in that the graph does not hold (no hash of a document nobody
checked, no address guessed from a town).

pyshacl then applies ``gx.shacl.ttl`` (vendored in ``ontology/gaia-x-25.11/``, unchanged) to
the draft. Every ``sh:minCount`` the shapes report is a *missing* required attribute; every
required attribute of a node in the draft that is not reported is *present*; any other result
(a wrong datatype, a value outside a list) is a *problem*. The result is an automatic
assessment of a draft, not a Gaia-X credential: nothing is signed, and no Gaia-X compliance
service has seen it.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import rdflib
from pyshacl import validate
from rdflib import RDF, URIRef
from rdflib import Literal as RLiteral

from kg.bridge import graph_of, to_rdflib
from kg.errors import NotFound
from kg.namespaces import DCAT, DCTERMS, FOAF, ORG, RDFS, SCHEMA, SH, SKOS, XSD, Vocabulary
from kg.rdf import IRI, Term
from kg.store import Store
from kg.store.oxigraph import parse_turtle
from kg.views.describe import pick

GX = "https://w3id.org/gaia-x/development#"
VCARD = "http://www.w3.org/2006/vcard/ns#"
SPDX = "http://spdx.org/rdf/terms#"
SHA256 = SPDX + "checksumAlgorithm_sha256"
#: The folder under ``ontology/`` that holds the vendored Gaia-X files.
FOLDER = "gaia-x-25.11"
SHAPES_FILE = "gx.shacl.ttl"
CONTEXT_FILE = "gx.context.jsonld"

#: What each kind of page is drafted as.
SERVICE_OFFERING = GX + "ServiceOffering"
DATA_PRODUCT = GX + "DataProduct"
LEGAL_PERSON = GX + "LegalPerson"

#: Prefixes for the property names shown to people (the shapes' own paths, shortened).
CURIES = {
    "gx": GX,
    "schema": SCHEMA,
    "dcterms": DCTERMS,
    "dcat": DCAT,
    "vcard": VCARD,
}

_LABELS = (DCTERMS + "title", SKOS + "prefLabel", FOAF + "name", RDFS + "label")
#: An ISO 3166-1 code as ``gx:countryCode`` takes it (alpha-2, alpha-3 or numeric).
_COUNTRY_CODE = re.compile(r"[A-Z]{2,3}|[0-9]{1,3}")


def curie(iri: str) -> str:
    """``gx:providedBy`` for ``https://w3id.org/gaia-x/development#providedBy``."""
    for prefix, ns in CURIES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


# -- the shapes ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Requirement:
    """A property a Gaia-X class requires (``sh:minCount`` ≥ 1 in its shape)."""

    path: str
    name: str
    description: str
    order: int

    @property
    def curie(self) -> str:
        return curie(self.path)


class GaiaxShapes:
    """The vendored Gaia-X 25.11 shapes and JSON-LD context.

    The shapes file holds about 165,000 triples (long ``sh:in`` lists of countries and media
    types); rdflib takes seconds to hold them all. pyoxigraph parses the file in a fraction of
    a second, and a draft is validated with the shapes that target its classes and everything
    those shapes reference (their property shapes, lists and nested shapes): the other shapes
    have no focus node in the draft, so they could not report anything.
    """

    def __init__(self, folder: Path) -> None:
        shapes_file = folder / SHAPES_FILE
        if not shapes_file.is_file():
            raise NotFound(f"The Gaia-X shapes are not at {shapes_file}.")
        self.folder = folder
        self._about: dict[Term, list[tuple[Term, Term]]] = defaultdict(list)
        self._targets: dict[str, list[Term]] = defaultdict(list)
        for s, p, o in parse_turtle(shapes_file):
            self._about[s].append((p, o))
            if p.value == SH + "targetClass":
                self._targets[o.value].append(s)
        document = json.loads((folder / CONTEXT_FILE).read_text(encoding="utf-8"))
        self.context: dict = document["@context"]
        self.version = (folder / "VERSION").read_text(encoding="utf-8").strip()
        self._required: dict[str, tuple[Requirement, ...]] = {}
        self._graphs: dict[frozenset[str], rdflib.Graph] = {}

    @classmethod
    def of_project(cls, ontology_dir: Path) -> GaiaxShapes:
        return cls(ontology_dir / FOLDER)

    def graph_for(self, classes: Iterable[str]) -> rdflib.Graph:
        """The shapes that target ``classes``, with everything they reference."""
        key = frozenset(classes)
        if key not in self._graphs:
            graph = rdflib.Graph()
            seen: set[Term] = set()
            todo = [shape for cls in key for shape in self._targets.get(cls, ())]
            while todo:
                node = todo.pop()
                if node in seen:
                    continue
                seen.add(node)
                for p, o in self._about.get(node, ()):
                    graph.add((to_rdflib(node), to_rdflib(p), to_rdflib(o)))
                    if o in self._about:
                        todo.append(o)
            self._graphs[key] = graph
        return self._graphs[key]

    def required(self, gx_class: str) -> tuple[Requirement, ...]:
        """The required properties of ``gx_class``, in the shapes' order."""
        if gx_class not in self._required:
            self._required[gx_class] = tuple(self._read_required(gx_class))
        return self._required[gx_class]

    def _value(self, node: Term, predicate: str) -> str | None:
        for p, o in self._about.get(node, ()):
            if p.value == predicate:
                return o.value
        return None

    def _read_required(self, cls: str) -> list[Requirement]:
        found: dict[str, Requirement] = {}
        for shape in self._targets.get(cls, ()):
            for p, prop in self._about[shape]:
                if p.value != SH + "property":
                    continue
                minimum = self._value(prop, SH + "minCount")
                path = next((o for q, o in self._about[prop] if q.value == SH + "path"), None)
                if minimum is None or int(minimum) < 1 or not isinstance(path, IRI):
                    continue
                found[path.value] = Requirement(
                    path=path.value,
                    name=self._value(prop, SH + "name") or "",
                    description=self._value(prop, SH + "description") or "",
                    order=int(self._value(prop, SH + "order") or 0),
                )
        return sorted(found.values(), key=lambda r: (r.order, r.path))


# -- what the graph says about a resource --------------------------------------------------------
#: One hop from the resource to what the draft describes with it: its provider, its terms, its
#: standards, its distributions; then the provider's sites and their addresses, a document's
#: checksum. The resource's IRI is bound as a typed term, never pasted into the query; each
#: branch binds ?x before it asks for ?x's statements (after the UNION, the engine scanned the
#: whole store for them).
_SOURCE = """PREFIX sckg: <{ns}>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX spdx: <http://spdx.org/rdf/terms#>
CONSTRUCT {{ ?x ?p ?o }} WHERE {{
  {{ ?s ?p ?o BIND(?s AS ?x) }}
  UNION {{
    ?s sckg:operatedBy|dcterms:publisher|dcterms:rights|dcterms:conformsTo|dcat:distribution ?x .
    ?x ?p ?o
  }}
  UNION {{
    ?s sckg:operatedBy|dcterms:publisher|dcterms:rights ?y .
    ?y (org:hasRegisteredSite|org:hasPrimarySite|org:siteAddress|spdx:checksum)+ ?x .
    ?x ?p ?o
  }}
}}"""


def source_graph(store: Store, vocab: Vocabulary, iri: str) -> rdflib.Graph:
    """What the graph states about ``iri`` and the resources its draft describes."""
    triples = store.construct(_SOURCE.format(ns=vocab.ns), {"s": IRI(iri)})
    if not triples:
        raise NotFound(f"The knowledge graph has no description of <{iri}>.")
    return graph_of(triples)


# -- the draft -----------------------------------------------------------------------------------
@dataclass
class Draft:
    """A draft Gaia-X description: its graph, the resource it describes and its class."""

    subject: str
    gx_class: str
    graph: rdflib.Graph
    lang: str


def draft(source: rdflib.Graph, subject: str, vocab: Vocabulary, lang: str = "en") -> Draft:
    """The draft Gaia-X description of ``subject`` from what ``source`` states.

    >>> g = rdflib.Graph()
    >>> s = URIRef("https://w3id.org/sckg/platform/p")
    >>> _ = g.add((s, RDF.type, URIRef("https://w3id.org/sckg/ontology#DataPlatform")))
    >>> draft(g, str(s), Vocabulary()).gx_class == SERVICE_OFFERING
    True
    """
    types = {str(t) for t in source.objects(URIRef(subject), RDF.type)}
    mapper = _Mapper(source, URIRef(subject), vocab, lang)
    if types & {vocab.term("DataPlatform"), DCAT + "DataService"}:
        return Draft(subject, SERVICE_OFFERING, mapper.service_offering(), lang)
    if DCAT + "Dataset" in types:
        return Draft(subject, DATA_PRODUCT, mapper.data_product(), lang)
    raise NotFound(f"<{subject}> is neither a data platform, a data service nor a dataset.")


def _gx(local: str) -> URIRef:
    return URIRef(GX + local)


def _any_uri(value: object) -> RLiteral:
    return RLiteral(str(value), datatype=URIRef(XSD + "anyURI"))


class _Mapper:
    """Writes the draft graph from the source graph (one method per Gaia-X class)."""

    def __init__(self, source: rdflib.Graph, subject: URIRef, vocab: Vocabulary, lang: str):
        self.src = source
        self.subject = subject
        self.vocab = vocab
        self.lang = lang
        self.out = rdflib.Graph()
        self.out.bind("gx", GX)
        self.out.bind("schema", SCHEMA)
        self.out.bind("vcard", VCARD)

    # values of the source
    def _text(self, node: URIRef, predicates: Iterable[str]) -> str | None:
        """One text of ``node`` in the chosen language (with the usual fallback)."""
        for predicate in predicates:
            labels = {
                (o.language or ""): str(o)
                for o in self.src.objects(node, URIRef(predicate))
                if isinstance(o, RLiteral)
            }
            if labels:
                return pick(labels, self.lang)
        return None

    def _objects(self, node: URIRef, predicate: str) -> list:
        return sorted(self.src.objects(node, URIRef(predicate)), key=str)

    def _add(self, s: URIRef, local_or_iri: str, o) -> None:
        p = URIRef(local_or_iri) if ":" in local_or_iri else _gx(local_or_iri)
        self.out.add((s, p, o))

    def _typed(self, node: URIRef, *classes: str) -> URIRef:
        for cls in classes:
            self.out.add((node, RDF.type, _gx(cls)))
        return node

    def _names(self, node: URIRef, name_path: str = SCHEMA + "name") -> str | None:
        name = self._text(node, _LABELS)
        if name is not None:
            self._add(node, name_path, RLiteral(name))
        return name

    # Gaia-X classes
    def service_offering(self) -> rdflib.Graph:
        s = self._typed(self.subject, "ServiceOffering")
        self._names(s)
        description = self._text(s, (DCTERMS + "description",))
        if description is not None:
            self._add(s, SCHEMA + "description", RLiteral(description))
        for provider in self._providers(s):
            self._add(s, "providedBy", self.legal_person(provider))
        for i, rights in enumerate(self._objects(s, DCTERMS + "rights")):
            node = self._terms(rights, f"{s}#gx-terms-and-conditions-{i + 1}")
            self._add(s, "serviceOfferingTermsAndConditions", node)
        for i, licence in enumerate(self._objects(s, DCTERMS + "license")):
            self._add(s, "legalDocuments", self._legal_document(licence, s, i))
        for url in self._objects(s, DCAT + "endpointURL")[:1]:
            self._add(s, "endpoint", self._endpoint(s, url))
        return self.out

    def data_product(self) -> rdflib.Graph:
        s = self._typed(self.subject, "DataProduct")
        name = self._names(s)
        if name is not None:
            self._add(s, "digitalServiceOfferingName", RLiteral(name))
        description = self._text(s, (DCTERMS + "description",))
        if description is not None:
            self._add(s, SCHEMA + "description", RLiteral(description))
            self._add(s, "digitalServiceOfferingShortDescription", RLiteral(description))
        for provider in self._objects(s, DCTERMS + "publisher"):
            self._add(s, "digitalServiceOfferingProvider", self.legal_person(provider))
        licences = self._licences(s)
        for i, licence in enumerate(licences):
            self._add(s, "digitalServiceLegalDocuments", self._legal_document(licence, s, i))
        self._add(s, "dataProductDescription", self._product_description(s, licences))
        return self.out

    def legal_person(self, org: URIRef) -> URIRef:
        node = self._typed(org, "LegalPerson")
        self._names(node)
        for number in self._registration_numbers(org):
            self._add(node, "registrationNumber", number)
        for site, path in ((ORG + "hasRegisteredSite", "legalAddress"),
                           (ORG + "hasPrimarySite", "headquartersAddress")):  # fmt: skip
            for address in self._site_addresses(org, site):
                self._add(node, path, self._address(address, f"{org}#gx-{path}"))
        return node

    # parts
    def _providers(self, s: URIRef) -> list:
        operators = self._objects(s, self.vocab.term("operatedBy"))
        return operators or self._objects(s, DCTERMS + "publisher")

    def _terms(self, document, node_iri: str) -> URIRef:
        node = self._typed(URIRef(node_iri), "TermsAndConditions")
        self._add(node, "url", _any_uri(document))
        for digest in self._sha256(document):
            self._add(node, "hash", RLiteral(digest))
        return node

    def _sha256(self, document) -> Iterator[str]:
        for checksum in self._objects(document, SPDX + "checksum"):
            if str(self.src.value(checksum, URIRef(SPDX + "algorithm"))) == SHA256:
                value = self.src.value(checksum, URIRef(SPDX + "checksumValue"))
                if value is not None:
                    yield str(value)

    def _legal_document(self, licence, s: URIRef, i: int) -> URIRef:
        node = self._typed(URIRef(f"{s}#gx-licence-{i + 1}"), "LegalDocument")
        self._add(node, "url", _any_uri(licence))
        return node

    def _licences(self, s: URIRef) -> list:
        found = set(self._objects(s, DCTERMS + "license"))
        for distribution in self._objects(s, DCAT + "distribution"):
            found.update(self.src.objects(distribution, URIRef(DCTERMS + "license")))
        return sorted(found, key=str)

    def _product_description(self, s: URIRef, licences: list) -> URIRef:
        node = self._typed(URIRef(f"{s}#gx-data-product-description"), "DataProductDescription")
        self._add(node, DCAT + "Dataset", RLiteral(str(s)))  # the DCAT description of the data
        if licences:
            licence = self._typed(URIRef(f"{s}#gx-data-licence"), "DataLicense")
            for iri in licences:
                self._add(licence, "genericLicense", _any_uri(iri))
            self._add(node, "dataLicense", licence)
        return node

    def _endpoint(self, s: URIRef, url) -> URIRef:
        node = self._typed(URIRef(f"{s}#gx-endpoint"), "Endpoint")
        self._add(node, "endpointURL", _any_uri(url))
        for standard in self._objects(s, DCTERMS + "conformsTo"):
            title = self._text(standard, (DCTERMS + "title", SKOS + "prefLabel"))
            if title is None:
                continue
            conformity = self._typed(URIRef(f"{standard}#gx-standard-conformity"),
                                     "StandardConformity")  # fmt: skip
            self._add(conformity, DCTERMS + "title", RLiteral(title))
            for page in self._objects(standard, FOAF + "homepage")[:1]:
                self._add(conformity, "standardReference", _any_uri(page))
            self._add(node, "standardConformity", conformity)
        return node

    def _registration_numbers(self, org: URIRef) -> Iterator[URIRef]:
        kinds = (
            (SCHEMA + "leiCode", "LeiCode", SCHEMA + "leiCode"),
            (SCHEMA + "vatID", "VatID", GX + "vatID"),
            (ORG + "identifier", "LocalRegistrationNumber", GX + "local"),
        )
        for source, cls, target in kinds:
            for value in self._objects(org, source):
                node = self._typed(URIRef(f"{org}#gx-{cls}"), "RegistrationNumber", cls)
                self._add(node, target, RLiteral(str(value)))
                yield node

    def _site_addresses(self, org: URIRef, site_property: str) -> list:
        return [
            address
            for site in self._objects(org, site_property)
            for address in self._objects(site, ORG + "siteAddress")
        ]

    def _address(self, address, node_iri: str) -> URIRef:
        node = self._typed(URIRef(node_iri), "Address")
        for part in ("street-address", "postal-code", "locality"):
            for value in self._objects(address, VCARD + part)[:1]:
                self._add(node, VCARD + part, RLiteral(str(value)))
        for value in self._objects(address, VCARD + "country-name")[:1]:
            # a code goes where the shapes take a code, a name where they take a name
            code = _COUNTRY_CODE.fullmatch(str(value)) is not None
            self._add(node, "countryCode" if code else "countryName", RLiteral(str(value)))
        return node


# -- the assessment ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Attribute:
    """A required attribute of one node of the draft, present or missing."""

    requirement: Requirement
    present: bool


@dataclass(frozen=True)
class NodeReport:
    """One node of the draft (the offering, its provider, an address …) and its required
    attributes."""

    node: str
    gx_class: str
    label: str
    attributes: tuple[Attribute, ...]

    @property
    def missing(self) -> tuple[Attribute, ...]:
        return tuple(a for a in self.attributes if not a.present)


@dataclass(frozen=True)
class Problem:
    """A result of the shapes other than a missing attribute."""

    node: str
    path: str
    message: str
    component: str


@dataclass(frozen=True)
class Readiness:
    """The automatic assessment of a draft against the Gaia-X shapes."""

    draft: Draft
    conforms: bool
    nodes: tuple[NodeReport, ...]
    problems: tuple[Problem, ...]
    shapes_version: str

    @property
    def missing(self) -> frozenset[tuple[str, str]]:
        """(node, path) of every missing required attribute."""
        return frozenset(
            (n.node, a.requirement.path) for n in self.nodes for a in n.attributes if not a.present
        )

    @property
    def required_count(self) -> int:
        return sum(len(n.attributes) for n in self.nodes)

    @property
    def present_count(self) -> int:
        return self.required_count - len(self.missing)


_MIN_COUNT = SH + "MinCountConstraintComponent"


def assess(found: Draft, shapes: GaiaxShapes) -> Readiness:
    """Apply the Gaia-X shapes to the draft and sort the results into present, missing and
    problems."""
    classes = {str(c) for c in found.graph.objects(None, RDF.type)}
    conforms, results, _ = validate(
        found.graph, shacl_graph=shapes.graph_for(classes), inference="none", advanced=False
    )
    sh = rdflib.Namespace(SH)
    missing: set[tuple[str, str]] = set()
    problems: list[Problem] = []
    for result in results.subjects(RDF.type, sh.ValidationResult):
        node = str(results.value(result, sh.focusNode))
        path = str(results.value(result, sh.resultPath) or "")
        component = str(results.value(result, sh.sourceConstraintComponent))
        if component == _MIN_COUNT:
            missing.add((node, path))
        else:
            message = str(results.value(result, sh.resultMessage) or "")
            problems.append(Problem(node, path, message, component.rsplit("#", 1)[-1]))
    nodes = tuple(_node_reports(found, shapes, missing))
    return Readiness(
        draft=found,
        conforms=bool(conforms),
        nodes=nodes,
        problems=tuple(sorted(problems, key=lambda p: (p.node, p.path, p.message))),
        shapes_version=shapes.version,
    )


#: The order in which the nodes of a draft are listed: the offering first, its parts after.
_NODE_ORDER = (
    "ServiceOffering",
    "DataProduct",
    "DataProductDescription",
    "LegalPerson",
    "LocalRegistrationNumber",
    "VatID",
    "LeiCode",
    "Address",
    "TermsAndConditions",
    "LegalDocument",
    "DataLicense",
    "Endpoint",
    "StandardConformity",
)


def _node_reports(
    found: Draft, shapes: GaiaxShapes, missing: set[tuple[str, str]]
) -> Iterator[NodeReport]:
    graph = found.graph
    rows = []
    for node in set(graph.subjects(RDF.type, None)):
        classes = sorted(str(c) for c in graph.objects(node, RDF.type) if str(c).startswith(GX))
        requirements: dict[str, Requirement] = {}
        for cls in classes:
            requirements.update({r.path: r for r in shapes.required(cls)})
        main = _main_class(classes)
        label = str(graph.value(node, URIRef(SCHEMA + "name")) or "")
        attributes = tuple(
            Attribute(r, (str(node), r.path) not in missing) for r in requirements.values()
        )
        rows.append(NodeReport(str(node), main, label, attributes))
    rank = {GX + c: i for i, c in enumerate(_NODE_ORDER)}
    subject_first = found.subject
    rows.sort(key=lambda n: (n.node != subject_first, rank.get(n.gx_class, 99), n.node))
    yield from rows


def _main_class(classes: list[str]) -> str:
    """The most specific of a node's Gaia-X classes (a ``gx:LeiCode`` rather than the
    ``gx:RegistrationNumber`` it also is)."""
    specific = [c for c in classes if c != GX + "RegistrationNumber"]
    return (specific or classes or [""])[0]


# -- the export ----------------------------------------------------------------------------------
def to_jsonld(found: Draft, shapes: GaiaxShapes) -> str:
    """The draft as JSON-LD compacted with the official Gaia-X context, inline, so that no
    processor has to fetch anything. The document holds the draft's statements and nothing
    else: what is exported is what the shapes checked. It is unsigned (no proof, no
    verifiable-credential envelope)."""
    text = found.graph.serialize(format="json-ld", context=shapes.context)
    document = json.loads(text)
    nodes = document.get("@graph")
    if nodes is None:  # a single node is written without @graph
        nodes = [{k: v for k, v in document.items() if k != "@context"}]
    return json.dumps({"@context": shapes.context, "@graph": nodes}, ensure_ascii=False, indent=1)
