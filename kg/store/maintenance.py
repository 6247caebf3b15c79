"""The derived graphs of an incremental build, maintained in place in the store (issue 17).

:mod:`kg.build.maintain` explains the method and draws up the :class:`Plan` from the
ontology's axioms and the build's rule files; this module carries it out on a pyoxigraph
store, in the order the full build derives:

1. entailments of single resources, for the resources the changed statements touch;
2. Smart Data Models concepts, sector links, sector connections and MIMs, as a difference;
3. the figures and the VoID description.

Every write goes through a :class:`~kg.store.changes.Changes`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from kg.namespaces import RDF_TYPE, Vocabulary
from kg.store import aggregates, interconnections, void
from kg.store.changes import Changes, View
from kg.store.oxigraph import run_updates

_TYPE = ox.NamedNode(RDF_TYPE)


@dataclass(frozen=True)
class Chain:
    """A two-step property chain: the predicates of each step (sub-properties included) and
    those that state the second step from its other end (the inverses)."""

    first: frozenset[str]
    second: frozenset[str]
    second_inverse: frozenset[str]


@dataclass(frozen=True)
class Entailments:
    """What the single-resource rules read and write (drawn from the ontology's axioms)."""

    #: the reasoner's rules but the sector connections, in order (SPARQL Update text)
    rules: tuple[str, ...]
    #: predicates the rules write (rdf:type apart) and the classes they type resources with
    local: frozenset[str]
    local_types: frozenset[str]
    #: connectsTo and its super-properties (step 2 derives them)
    sector: frozenset[str]
    #: predicates whose object's entailments depend on the statement (inverses)
    inverse_sources: frozenset[str]
    chains: tuple[Chain, ...]
    transitive: frozenset[str]

    def is_local(self, quad: ox.Quad) -> bool:
        """Whether the single-resource rules own ``quad`` (an inferred statement)."""
        p = quad.predicate.value
        if p == RDF_TYPE:
            return isinstance(quad.object, ox.NamedNode) and quad.object.value in self.local_types
        return p in self.local


@dataclass(frozen=True)
class Plan:
    """Everything the maintenance runs: the entailments (``None`` for a build without
    reasoning) and the text of the build's updates it runs again on small stores."""

    vocab: Vocabulary
    entailments: Entailments | None
    #: the update writing the concepts of the Smart Data Models with the given IRIs
    data_models: Callable[[set[str]], str]
    mims: str
    aggregates: str
    void: str


def maintain(store: ox.Store, changes: Changes, plan: Plan) -> None:
    """Bring the derived graphs of ``store`` up to date with its curated graphs, whose changes
    since the derived graphs were computed ``changes`` records (and goes on recording)."""
    vocab = plan.vocab
    derived = {ox.NamedNode(vocab.graph(n)) for n in ("inferred", "aggregates", "void")}
    if plan.entailments is not None:
        _entailments(store, changes, plan.entailments, vocab, derived)
    _data_models(store, changes, plan)
    interconnections.adjust(store, changes, vocab)  # the sector links
    if plan.entailments is not None:  # connectsTo between the sectors of the links
        _sector_connections(store, changes, plan.entailments, vocab)
    _mims(store, changes, plan)
    _aggregates(store, changes, plan)
    _void(store, changes, plan)


# -- 1. entailments of single resources ---------------------------------------------------------
def _entailments(
    store: ox.Store, changes: Changes, e: Entailments, vocab: Vocabulary, derived: set
) -> None:
    asserted = Changes(
        {q for q in changes.removed if q.graph_name not in derived},
        {q for q in changes.added if q.graph_name not in derived},
    )
    affected = _affected(store, asserted, e)
    if not affected:
        return
    inferred = ox.NamedNode(vocab.graph("inferred"))
    scratch = ox.Store()
    scratch.extend(_neighbourhood(store, affected, e, derived))
    run_updates(scratch, list(e.rules))
    new = {
        q
        for s in affected
        for q in scratch.quads_for_pattern(s, None, None, inferred)
        if e.is_local(q)
    }
    old = {
        q
        for s in affected
        for q in store.quads_for_pattern(s, None, None, inferred)
        if e.is_local(q)
    }
    changes.remove(store, old - new)
    changes.add(store, new - old)


def _affected(store: ox.Store, asserted: Changes, e: Entailments) -> set:
    """The resources whose single-resource entailments a change of ``asserted`` can alter."""
    found: set = set()
    for quad in (*asserted.removed, *asserted.added):
        s, p, o = quad.subject, quad.predicate.value, quad.object
        found.add(s)
        resource = not isinstance(o, ox.Literal)
        if p in e.inverse_sources and resource:
            found.add(o)
        for chain in e.chains:
            if p in chain.first and resource:
                found |= _chain_ends(store, o, chain)
            if p in chain.second:
                found |= _subjects(store, chain.first, s)
            if p in chain.second_inverse and resource:
                found |= _subjects(store, chain.first, o)
        if p in e.transitive:
            found |= _subjects(store, e.transitive, s)  # below it, via the closure too
    return {t for t in found if not isinstance(t, ox.Literal)}


def _chain_ends(store: ox.Store, middle, chain: Chain) -> set:
    """The last resources of the two-step chains through ``middle``: its values of the second
    step, asserted or stated from the other end."""
    ends = {
        q.object for p in chain.second for q in store.quads_for_pattern(middle, _n(p), None, None)
    }
    ends |= {
        q.subject
        for p in chain.second_inverse
        for q in store.quads_for_pattern(None, _n(p), middle, None)
    }
    return {e for e in ends if not isinstance(e, ox.Literal)}


def _subjects(store: ox.Store, predicates: Iterable[str], o) -> set:
    return {q.subject for p in predicates for q in store.quads_for_pattern(None, _n(p), o, None)}


def _neighbourhood(store: ox.Store, affected: set, e: Entailments, derived: set):
    """Every asserted statement the single-resource rules read to derive what they derive about
    the ``affected`` resources (see the module documentation)."""
    seen: set = set()
    middle: set = set()
    # the middle of a chain: what an affected resource's first step leads to (for what it
    # feeds), and what its inverse of the second step does (for what feeds it)
    first = {p for chain in e.chains for p in (*chain.first, *chain.second_inverse)}
    for s in affected:
        for quad in _asserted(store.quads_for_pattern(s, None, None, None), derived):
            yield quad
            if quad.predicate.value in first:
                middle.add(quad.object)
        for p in e.inverse_sources:
            yield from _asserted(store.quads_for_pattern(None, _n(p), s, None), derived)
    for m in middle - affected:
        if isinstance(m, ox.Literal):
            continue
        yield from _asserted(store.quads_for_pattern(m, None, None, None), derived)
        for p in e.inverse_sources:
            yield from _asserted(store.quads_for_pattern(None, _n(p), m, None), derived)
    # the places above each affected resource, for the closure of ``within``
    frontier = list(affected)
    while frontier:
        node = frontier.pop()
        for p in e.transitive:
            for quad in _asserted(store.quads_for_pattern(node, _n(p), None, None), derived):
                yield quad
                if quad.object not in seen and not isinstance(quad.object, ox.Literal):
                    seen.add(quad.object)
                    frontier.append(quad.object)


def _asserted(quads, derived: set):
    for quad in quads:
        if not isinstance(quad.graph_name, ox.DefaultGraph) and quad.graph_name not in derived:
            yield quad


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


# -- 2. sector connections, data models, sector links, MIMs -------------------------------------
def _owned(store: ox.Store, graph: ox.NamedNode, predicates: Iterable[str]) -> set[ox.Quad]:
    return {q for p in predicates for q in store.quads_for_pattern(None, _n(p), None, graph)}


def _sector_connections(
    store: ox.Store, changes: Changes, e: Entailments, vocab: Vocabulary
) -> None:
    """``connectsTo`` as the full build derives it: both ways between the sectors of every link
    (the Python version of connects-to.ru), the mirror of what a file states (the symmetric
    rule), every super-property of both (the RDFS rule), minus what a file states (clean-up)."""
    inferred = ox.NamedNode(vocab.graph("inferred"))
    connects = _n(vocab.ns + "connectsTo")
    stated = [
        (q.subject, q.object)
        for q in store.quads_for_pattern(None, connects, None, None)
        if q.graph_name != inferred and not isinstance(q.graph_name, ox.DefaultGraph)
    ]
    pairs = {
        (s, o) for a, b in interconnections.stored_pairs(store, vocab) for s, o in ((a, b), (b, a))
    }
    pairs |= {(o, s) for s, o in stated if _iri(s) and _iri(o)}
    new = {ox.Quad(s, connects, o, inferred) for s, o in pairs}
    for q in e.sector - {connects.value}:
        new |= {ox.Quad(s, _n(q), o, inferred) for s, o in (*pairs, *stated)}
    new = {q for q in new if not _stated_elsewhere(store, q, inferred)}
    old = _owned(store, inferred, e.sector)
    changes.remove(store, old - new)
    changes.add(store, new - old)


def _iri(term) -> bool:
    return isinstance(term, ox.NamedNode)


def _stated_elsewhere(store: ox.Store, quad: ox.Quad, inferred: ox.NamedNode) -> bool:
    return any(
        q.graph_name != inferred and not isinstance(q.graph_name, ox.DefaultGraph)
        for q in store.quads_for_pattern(quad.subject, quad.predicate, quad.object, None)
    )


def _data_models(store: ox.Store, changes: Changes, plan: Plan) -> None:
    """The concepts of the Smart Data Models some dataset names, for the models named or no
    longer named by a changed statement: the build's update, run on one statement per model."""
    vocab = plan.vocab
    inferred = ox.NamedNode(vocab.graph("inferred"))
    named = _n(vocab.ns + "dataModel")
    models = {
        q.object
        for q in (*changes.removed, *changes.added)
        if q.predicate == named and isinstance(q.object, ox.NamedNode)
    }
    if not models:
        return
    now = View(store, changes)

    def concepts(of: set) -> set[ox.Quad]:
        scratch = ox.Store()
        graph = _n(vocab.graph("data-models"))
        scratch.extend(ox.Quad(m, named, m, graph) for m in of)  # one naming statement each
        scratch.update(plan.data_models({m.value for m in of}))
        return set(scratch.quads_for_pattern(None, None, None, inferred))

    possible = concepts(models)  # what the update would write were they all named
    new = {q for q in possible if now.has(None, named, q.subject)}
    old = {q for q in possible if q in store}
    changes.remove(store, old - new)
    changes.add(store, new - old)


_CLOSE_MATCH = "http://www.w3.org/2004/02/skos/core#closeMatch"
_CONFORMS_TO = "http://purl.org/dc/terms/conformsTo"


def _mims(store: ox.Store, changes: Changes, plan: Plan) -> None:
    """``55-mims.ru``: for the platforms whose standards or type changed, looked up through the
    indexes; when a MIM or what it is realised by changed, the rule again on the statements it
    reads."""
    ns = plan.vocab.ns
    mim, platform = ns + "InteroperabilityMechanism", ns + "DataPlatform"
    platforms = set()
    for quad in (*changes.removed, *changes.added):
        p, o = quad.predicate.value, quad.object
        if p in (ns + "realisedBy", _CLOSE_MATCH) or (p == RDF_TYPE and o.value == mim):
            _all_mims(store, changes, plan)
            return
        if p == _CONFORMS_TO or (p == RDF_TYPE and o.value == platform):
            platforms.add(quad.subject)
    if not platforms:
        return
    now = View(store, changes)
    inferred = ox.NamedNode(plan.vocab.graph("inferred"))
    implements = _n(ns + "implementsMim")
    realised = (_n(ns + "realisedBy"), _n(_CLOSE_MATCH))
    for p in platforms:
        new = set()
        if now.has(p, _TYPE, _n(platform)):
            for standard in now.objects(p, _n(_CONFORMS_TO)):
                for m in {m for r in realised for m in now.subjects(r, standard)}:
                    if now.has(m, _TYPE, _n(mim)):
                        new.add(ox.Quad(p, implements, m, inferred))
        old = set(store.quads_for_pattern(p, implements, None, inferred))
        changes.remove(store, old - new)
        changes.add(store, new - old)


def _all_mims(store: ox.Store, changes: Changes, plan: Plan) -> None:
    """``55-mims.ru``, run on the statements it reads (MIMs, their standards, the platforms'
    standards and types)."""
    vocab = plan.vocab
    inferred = ox.NamedNode(vocab.graph("inferred"))
    ns = vocab.ns
    scratch = ox.Store()
    wanted = [
        (_TYPE, _n(ns + "InteroperabilityMechanism")),
        (_n(ns + "realisedBy"), None),
        (_n(_CLOSE_MATCH), None),
        (_n(_CONFORMS_TO), None),
        (_TYPE, _n(ns + "DataPlatform")),
    ]
    for p, o in wanted:
        scratch.extend(
            q
            for q in store.quads_for_pattern(None, p, o, None)
            if not isinstance(q.graph_name, ox.DefaultGraph)
        )
    scratch.update(plan.mims)
    implements = _n(ns + "implementsMim")
    new = set(scratch.quads_for_pattern(None, implements, None, inferred))
    old = set(store.quads_for_pattern(None, implements, None, inferred))
    changes.remove(store, old - new)
    changes.add(store, new - old)


# -- 3. figures and VoID ------------------------------------------------------------------------
def _aggregates(store: ox.Store, changes: Changes, plan: Plan) -> None:
    """The figures of ``60-aggregates.ru`` adjusted by the changes recorded above
    (:mod:`kg.store.aggregates`); where the stored ones are missing, the rule again."""
    try:
        aggregates.adjust(store, changes, plan.vocab)
    except ValueError:
        old = aggregates.statements(store, plan.vocab)
        for quad in old:
            store.remove(quad)
        store.update(plan.aggregates)
        new = aggregates.statements(store, plan.vocab)
        for quad in old - new:
            changes.note_removed(quad)
        for quad in new - old:
            changes.note_added(quad)


def _void(store: ox.Store, changes: Changes, plan: Plan) -> None:
    """The VoID description adjusted by every change recorded above (:mod:`kg.store.void`);
    where the stored one is not what the rule wrote (a figure missing), the rule again."""
    try:
        void.adjust(store, changes, plan.vocab)
    except ValueError:
        graph = ox.NamedNode(plan.vocab.graph("void"))
        before = set(store.quads_for_pattern(None, None, None, graph))
        store.remove_graph(graph)
        store.update(plan.void)
        after = set(store.quads_for_pattern(None, None, None, graph))
        for quad in before - after:
            changes.note_removed(quad)
        for quad in after - before:
            changes.note_added(quad)
