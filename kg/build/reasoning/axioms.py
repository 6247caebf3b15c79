"""The axioms of the TBox that decide what the data entail, read from the ontology's triples.

:func:`read_axioms` walks the Turtle of ``ontology/`` (through rdflib) and keeps the axiom kinds
the scalable reasoner applies to the data: sub-classes and disjointness, sub-properties,
domains and ranges, inverse, symmetric, transitive and functional properties, property chains,
defined classes of the form ``C ≡ B ⊓ ≥n p.F``, and ``owl:AllDifferent`` groups. Anything else
that could change what the data entail is listed in :attr:`Axioms.unsupported`; the reasoner
then falls back to whole-graph HermiT (see :mod:`kg.build.reason`). HermiT's classification later
replaces the asserted class hierarchy by the entailed one (:mod:`kg.build.reasoning.hermit`).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from kg.namespaces import OWL, RDF, RDF_TYPE, RDFS

SUBCLASS = RDFS + "subClassOf"
SUBPROPERTY = RDFS + "subPropertyOf"
DOMAIN = RDFS + "domain"
RANGE = RDFS + "range"
THING = OWL + "Thing"

#: rdf:type objects that declare something and add no entailment about the data.
_DECLARATIONS = {
    OWL + name
    for name in (
        "Class",
        "ObjectProperty",
        "DatatypeProperty",
        "AnnotationProperty",
        "NamedIndividual",
        "Ontology",
        "Restriction",
        "AllDisjointClasses",
        "AllDifferent",
        "FunctionalProperty",
        "SymmetricProperty",
        "TransitiveProperty",
    )
} | {RDFS + "Class", RDF + "Property", RDF + "List"}

#: Predicates of the OWL and RDFS vocabularies the reasoner understands (the rest are flagged).
_UNDERSTOOD = {
    RDF_TYPE,
    RDF + "first",
    RDF + "rest",
    SUBCLASS,
    SUBPROPERTY,
    DOMAIN,
    RANGE,
    RDFS + "label",
    RDFS + "comment",
    RDFS + "isDefinedBy",
    RDFS + "seeAlso",
    OWL + "equivalentClass",
    OWL + "disjointWith",
    OWL + "members",
    OWL + "distinctMembers",
    OWL + "inverseOf",
    OWL + "propertyChainAxiom",
    OWL + "intersectionOf",
    OWL + "onProperty",
    OWL + "minQualifiedCardinality",
    OWL + "onClass",
    OWL + "versionIRI",
    OWL + "versionInfo",
    OWL + "priorVersion",
    OWL + "imports",
}


@dataclass(frozen=True)
class MinCardinality:
    """A defined class ``cls ≡ base₁ ⊓ … ⊓ ≥n prop.filler``."""

    cls: str
    base: tuple[str, ...]
    prop: str
    n: int
    filler: str


@dataclass
class Axioms:
    """What the TBox says about classes, properties and named individuals."""

    #: every named class → its named super-classes, itself included (transitively closed)
    superclasses: dict[str, list[str]] = field(default_factory=dict)
    #: groups of pairwise disjoint classes, as written (``disjointWith`` gives groups of two)
    disjoint: list[list[str]] = field(default_factory=list)
    #: every property → its super-properties, itself included (transitively closed)
    superproperties: dict[str, list[str]] = field(default_factory=dict)
    domains: dict[str, list[str]] = field(default_factory=dict)
    ranges: dict[str, list[str]] = field(default_factory=dict)
    inverses: list[tuple[str, str]] = field(default_factory=list)
    chains: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    symmetric: list[str] = field(default_factory=list)
    transitive: list[str] = field(default_factory=list)
    functional: list[str] = field(default_factory=list)
    defined: list[MinCardinality] = field(default_factory=list)
    #: ``owl:AllDifferent`` groups of named individuals
    distinct: list[list[str]] = field(default_factory=list)
    #: named individuals of the TBox (sectors, maturity levels, …) → their classes
    individuals: dict[str, list[str]] = field(default_factory=dict)
    #: axioms that could change what the data entail and that the rules do not apply
    unsupported: list[str] = field(default_factory=list)

    # -- derived views ------------------------------------------------------------------------
    def ancestors(self, cls: str) -> list[str]:
        return self.superclasses.get(cls, [cls])

    def subproperties(self, prop: str) -> list[str]:
        """``prop`` and every property below it, sorted."""
        return sorted(p for p, sup in self.superproperties.items() if prop in sup) or [prop]

    def inverse_of(self, prop: str) -> list[str]:
        return sorted(
            {b for a, b in self.inverses if a == prop} | {a for a, b in self.inverses if b == prop}
        )

    def disjoint_pairs(self) -> dict[frozenset[str], list[str]]:
        """Every pair of disjoint named classes → the group (axiom) that says so."""
        pairs: dict[frozenset[str], list[str]] = {}
        for group in self.disjoint:
            for i, a in enumerate(group):
                for b in group[i + 1 :]:
                    pairs.setdefault(frozenset((a, b)), group)
        return pairs

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, indent=1)

    @classmethod
    def from_json(cls, text: str) -> Axioms:
        data: dict[str, Any] = json.loads(text)
        data["inverses"] = [tuple(pair) for pair in data["inverses"]]
        data["chains"] = [(p, tuple(chain)) for p, chain in data["chains"]]
        data["defined"] = [
            MinCardinality(**{**d, "base": tuple(d["base"])}) for d in data["defined"]
        ]
        return cls(**data)


def read_axioms(graph: Any) -> Axioms:
    """The axioms of an rdflib graph holding the ontology and the schemes."""
    reader = _Reader(graph)
    return reader.read()


class _Reader:
    def __init__(self, graph: Any) -> None:
        import rdflib

        self.graph = graph
        self.rdflib = rdflib
        self.axioms = Axioms()

    def uri(self, value: str) -> Any:
        return self.rdflib.URIRef(value)

    def objects(self, subject: Any, predicate: str) -> list[Any]:
        return sorted(self.graph.objects(subject, self.uri(predicate)))

    def items(self, node: Any) -> list[Any]:
        return list(self.rdflib.collection.Collection(self.graph, node))

    def named(self, nodes: list[Any]) -> list[str]:
        return [str(n) for n in nodes if isinstance(n, self.rdflib.URIRef)]

    def read(self) -> Axioms:
        self._hierarchy(SUBCLASS, self.axioms.superclasses, _classes(self))
        self._hierarchy(SUBPROPERTY, self.axioms.superproperties, _properties(self))
        self._property_axioms()
        self._class_axioms()
        self._individuals()
        self._unsupported()
        return self.axioms

    def _hierarchy(self, predicate: str, out: dict[str, list[str]], names: set[str]) -> None:
        direct: dict[str, set[str]] = {name: set() for name in names}
        for s, o in self.graph.subject_objects(self.uri(predicate)):
            if isinstance(s, self.rdflib.URIRef) and isinstance(o, self.rdflib.URIRef):
                direct.setdefault(str(s), set()).add(str(o))
                direct.setdefault(str(o), set())
        for name in direct:
            out[name] = sorted(_closure(name, direct))

    def _property_axioms(self) -> None:
        ax = self.axioms
        for prop in sorted(ax.superproperties):
            node = self.uri(prop)
            ax.domains[prop] = self.named(self.objects(node, DOMAIN))
            ax.ranges[prop] = self.named(self.objects(node, RANGE))
            for inverse in self.named(self.objects(node, OWL + "inverseOf")):
                ax.inverses.append((prop, inverse))
            for chain in self.objects(node, OWL + "propertyChainAxiom"):
                ax.chains.append((prop, tuple(self.named(self.items(chain)))))
            types = set(self.named(self.objects(node, RDF_TYPE)))
            if OWL + "SymmetricProperty" in types:
                ax.symmetric.append(prop)
            if OWL + "TransitiveProperty" in types:
                ax.transitive.append(prop)
            if OWL + "FunctionalProperty" in types:
                ax.functional.append(prop)
        ax.domains = {p: c for p, c in ax.domains.items() if c}
        ax.ranges = {p: c for p, c in ax.ranges.items() if c}

    def _class_axioms(self) -> None:
        ax = self.axioms
        for s, o in sorted(self.graph.subject_objects(self.uri(OWL + "disjointWith"))):
            ax.disjoint.append(sorted((str(s), str(o))))
        for kind, member_key, out in (
            ("AllDisjointClasses", "members", ax.disjoint),
            ("AllDifferent", "distinctMembers", ax.distinct),
        ):
            for node in sorted(self.graph.subjects(self.uri(RDF_TYPE), self.uri(OWL + kind))):
                for members in self.objects(node, OWL + member_key):
                    out.append(self.named(self.items(members)))
        for s, o in sorted(self.graph.subject_objects(self.uri(OWL + "equivalentClass"))):
            defined = self._min_cardinality(str(s), o)
            if defined is None:
                ax.unsupported.append(f"owl:equivalentClass of <{s}>")
            else:
                ax.defined.append(defined)

    def _min_cardinality(self, cls: str, node: Any) -> MinCardinality | None:
        """``C ≡ B ⊓ ≥n p.F`` (the one kind of class definition the rules apply)."""
        parts = [i for o in self.objects(node, OWL + "intersectionOf") for i in self.items(o)]
        base = self.named(parts)
        restrictions = [p for p in parts if not isinstance(p, self.rdflib.URIRef)]
        if len(restrictions) != 1:
            return None
        r = restrictions[0]
        prop = self.named(self.objects(r, OWL + "onProperty"))
        filler = self.named(self.objects(r, OWL + "onClass"))
        n = self.objects(r, OWL + "minQualifiedCardinality")
        if len(prop) != 1 or len(filler) != 1 or len(n) != 1:
            return None
        return MinCardinality(cls, tuple(base), prop[0], int(n[0]), filler[0])

    def _individuals(self) -> None:
        named = self.uri(OWL + "NamedIndividual")
        for ind in sorted(self.graph.subjects(self.uri(RDF_TYPE), named)):
            types = self.named(self.objects(ind, RDF_TYPE))
            self.axioms.individuals[str(ind)] = sorted(set(types) - {OWL + "NamedIndividual"})

    def _unsupported(self) -> None:
        ax = self.axioms
        for s, p, o in self.graph:
            predicate = str(p)
            if predicate.startswith((OWL, RDFS)) and predicate not in _UNDERSTOOD:
                ax.unsupported.append(f"<{s}> <{p}> {o.n3()}")
            elif predicate == RDF_TYPE and str(o).startswith(OWL) and str(o) not in _DECLARATIONS:
                ax.unsupported.append(f"<{s}> a <{o}>")
            elif predicate in (SUBCLASS, DOMAIN, RANGE) and not isinstance(o, self.rdflib.URIRef):
                ax.unsupported.append(f"<{s}> <{p}> (class expression)")
        ax.unsupported.sort()


def _classes(reader: _Reader) -> set[str]:
    rdflib = reader.rdflib
    found = reader.graph.subjects(rdflib.RDF.type, rdflib.OWL.Class)
    return {str(c) for c in found if isinstance(c, rdflib.URIRef)}


def _properties(reader: _Reader) -> set[str]:
    rdflib = reader.rdflib
    kinds = (rdflib.OWL.ObjectProperty, rdflib.OWL.DatatypeProperty)
    return {
        str(p)
        for kind in kinds
        for p in reader.graph.subjects(rdflib.RDF.type, kind)
        if isinstance(p, rdflib.URIRef)
    }


def _closure(start: str, direct: dict[str, set[str]]) -> set[str]:
    seen = {start}
    todo = [start]
    while todo:
        for parent in direct.get(todo.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen
