"""HermiT through owlready2: classify the TBox, or reason over a whole graph (slow, exact).

owlready2 runs HermiT (Java) on a temporary file. Each call uses a fresh
:class:`owlready2.World`, so nothing leaks between builds; output is quiet (``debug=0``), the
Java heap is sized for the input, and ``ignore_unsupported_datatypes=True`` lets HermiT accept
``xsd:date`` literals.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterable, Iterator
from typing import Any

from kg.build.reasoning.axioms import THING, Axioms
from kg.errors import InconsistentGraph
from kg.namespaces import OWL, RDF_TYPE
from kg.rdf import IRI, Triple, nquad
from kg.report import Finding, Report

#: Heap for HermiT: a floor, plus room per triple of input, capped.
JAVA_MEMORY_MIN_MB = 512
JAVA_MEMORY_MAX_MB = 4000


def java_memory(triples: int) -> int:
    """Megabytes of Java heap for a HermiT run over ``triples`` triples."""
    return max(JAVA_MEMORY_MIN_MB, min(JAVA_MEMORY_MAX_MB, JAVA_MEMORY_MIN_MB + triples // 50))


@contextlib.contextmanager
def _java_memory(megabytes: int) -> Iterator[None]:
    import owlready2.reasoning

    before = owlready2.reasoning.JAVA_MEMORY
    owlready2.reasoning.JAVA_MEMORY = megabytes
    try:
        yield
    finally:
        owlready2.reasoning.JAVA_MEMORY = before


def _run_hermit(ntriples: bytes, count: int, *, properties: bool) -> Any:
    """Load N-Triples into a fresh world and run HermiT on it; return the world.

    Raises :class:`~kg.errors.InconsistentGraph` (without findings) when HermiT finds the
    input inconsistent.
    """
    import owlready2

    world = owlready2.World()
    ontology = world.get_ontology("urn:sckg:reasoning/")
    ontology.load(fileobj=io.BytesIO(ntriples), format="ntriples")
    try:
        with _java_memory(java_memory(count)), ontology:
            owlready2.sync_reasoner_hermit(
                world,
                infer_property_values=properties,
                debug=0,
                ignore_unsupported_datatypes=True,
            )
    except owlready2.OwlReadyInconsistentOntologyError as exc:
        world.close()
        raise _inconsistent() from exc
    return world


def _inconsistent() -> InconsistentGraph:
    message = {
        "de": "HermiT hat einen Widerspruch zwischen den Daten und der Ontologie gefunden. "
        "Prüfen Sie Typen (type) und Verweise auf Einträge anderer Art.",
        "en": "HermiT found a contradiction between the data and the ontology. Check the "
        "types and the references to entries of another kind.",
    }
    finding = Finding("Violation", "ontology/", 1, message, code="owl-inconsistent")
    return InconsistentGraph(Report([finding], files=1))


def _unsatisfiable(classes: list[str]) -> InconsistentGraph:
    names = ", ".join(classes)
    message = {
        "de": f"Die Ontologie ist widersprüchlich: diese Klassen können keine Mitglieder haben: "
        f"{names}.",
        "en": f"The ontology contradicts itself: these classes cannot have members: {names}.",
    }
    finding = Finding("Violation", "ontology/", 1, message, code="owl-unsatisfiable")
    return InconsistentGraph(Report([finding], files=1))


def tbox_ntriples(tbox: Any) -> bytes:
    return tbox.serialize(format="nt", encoding="utf-8")


def classify(tbox: Any, axioms: Axioms) -> Axioms:
    """Check the TBox (ontology and schemes) with HermiT and take over its class hierarchy.

    ``axioms`` (read from the same graph) gets the entailed super-classes of every named class
    and the entailed classes of every named individual of the TBox.
    """
    world = _run_hermit(tbox_ntriples(tbox), len(tbox), properties=False)
    try:
        unsatisfiable = sorted(c.iri for c in world.inconsistent_classes() if hasattr(c, "iri"))
        if unsatisfiable:
            raise _unsatisfiable(unsatisfiable)
        for name in list(axioms.superclasses):
            cls = world[name]
            if cls is not None and hasattr(cls, "ancestors"):
                axioms.superclasses[name] = _iris(cls.ancestors())
        for name in list(axioms.individuals):
            individual = world[name]
            if individual is not None:
                classes = {
                    a
                    for c in individual.is_a
                    if hasattr(c, "ancestors")
                    for a in _iris(c.ancestors())
                }
                axioms.individuals[name] = sorted(classes)
    finally:
        world.close()
    return axioms


def _iris(entities: Iterable[Any]) -> list[str]:
    return sorted({e.iri for e in entities if hasattr(e, "iri") and e.iri != THING})


def whole_graph(tbox: Any, triples: Iterable[Triple], axioms: Axioms) -> set[Triple]:
    """What HermiT infers over the TBox and ``triples`` together, limited to the kinds the
    scalable rules materialise: inverse and chain properties, and defined classes.

    Asserted triples (of the data or the TBox) are not returned. This is the exact (and
    superlinear) reference the rules are tested against, and the fallback when the TBox or
    the data use axioms the rules do not apply.
    """
    data = list(triples)
    text = tbox_ntriples(tbox) + "".join(nquad(s, p, o) for s, p, o in data).encode("utf-8")
    world = _run_hermit(text, len(tbox) + len(data), properties=True)
    try:
        entailed = _entailed(world, axioms)
    finally:
        world.close()
    return entailed - set(data) - _plain(tbox)


def _plain(graph: Any) -> set[Triple]:
    from kg.bridge import from_rdflib

    return {(from_rdflib(s), from_rdflib(p), from_rdflib(o)) for s, p, o in graph}  # type: ignore[misc]


def _entailed(world: Any, axioms: Axioms) -> set[Triple]:
    """Property values of the rule kinds and members of defined classes, asserted or not.

    owlready2 stores an inferred value only once for a pair of inverse properties; reading
    each property together with its inverse gives HermiT's full answer.
    """
    found: set[Triple] = set()
    kinds = {p for pair in axioms.inverses for p in pair}
    kinds |= {p for p, _ in axioms.chains} | set(axioms.symmetric)
    for name in sorted(kinds):
        prop = world[name]
        if prop is None:
            continue
        for a, b in prop.get_relations():
            if hasattr(a, "iri") and hasattr(b, "iri"):
                found.add((IRI(a.iri), IRI(name), IRI(b.iri)))
                for inverse in axioms.inverse_of(name):
                    found.add((IRI(b.iri), IRI(inverse), IRI(a.iri)))
                if name in axioms.symmetric:
                    found.add((IRI(b.iri), IRI(name), IRI(a.iri)))
    for defined in axioms.defined:
        cls = world[defined.cls]
        for individual in cls.instances() if cls is not None else ():
            if hasattr(individual, "iri"):
                found.add((IRI(individual.iri), IRI(RDF_TYPE), IRI(defined.cls)))
    return {t for t in found if not t[2].value.startswith(OWL)}
