"""The figures of ``kg/build/rules/60-aggregates.ru``, adjusted by a change instead of counted
again (issue 17).

The rule counts over the whole graph: 1 to 3 s at 10,000 use cases (``bench/aggregates.py``,
in memory and on disk), more than an incremental build's budget for one edit. Each of its
figures is a count of a set of things (use cases of a sector, data flows, shared datasets, …),
and a changed statement can only move the things it names in or out of their set. So
:func:`adjust` takes the changed statements from a :class:`~kg.store.changes.Changes`, finds
the things they touch with index lookups, asks whether each was counted before the change and
is counted now (through a before and an after :class:`~kg.store.changes.View`), and adds the
difference to the figure as it was before. A subject that only now gets a figure (a new sector
or link) is counted in full; one that no longer qualifies loses its figure.

What the rule reads: the types ``sckg:Sector``, ``sckg:UseCase`` and ``sckg:UseCasePattern``,
``sckg:sector``, ``sckg:usesDataset``, ``sckg:producesDataset`` and
``sckg:assessedUsesDataset`` in every named graph (its ``GRAPH ?g``); the sector links' type,
``sckg:viaUseCase`` and ``sckg:viaDataset`` in ``{base}graph/inferred``; and
``sckg:sharedDataModel`` in ``{base}graph/aggregates`` (the sector links' statements, which
:mod:`kg.store.interconnections` writes). What it writes, into ``{base}graph/aggregates``: the
figures of each sector, link and data-model pair (:data:`FIGURES`) and those of the dataset
``{base}`` (:data:`DATASET_FIGURES`); :func:`statements` names them.

Preconditions: the aggregates graph held the rule's figures for the store as it was before
``changes``, and ``changes`` records every quad changed since, the sector links' included. No
node is both a sector and a sector link (they would share ``sckg:useCaseCount``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import pyoxigraph as ox

from kg.namespaces import RDF_TYPE, XSD, Vocabulary
from kg.store.changes import Changes, View

#: What the rule states about sectors, sector links and data-model pairs.
FIGURES = ("useCaseCount", "patternCount", "datasetCount", "sharedDataModelCount")
#: What it states about the dataset ``{base}`` (all of its statements in the aggregates graph).
DATASET_FIGURES = (
    "crossSectorUseCaseCount",
    "dataFlowCount",
    "crossSectorDataFlowCount",
    "assessedDataFlowCount",
    "sharedDatasetTotal",
)
_INTEGER = ox.NamedNode(XSD + "integer")
_TYPE = ox.NamedNode(RDF_TYPE)

#: (subject, figure) -> its value, or None where the rule states none
Figures = dict[tuple, int | None]


class _Terms:
    """The rule's IRIs under the vocabulary's base."""

    def __init__(self, vocab: Vocabulary) -> None:
        for name in (
            *("Sector", "UseCase", "UseCasePattern", "SectorLink", "sector", "usesDataset"),
            *("producesDataset", "assessedUsesDataset", "viaUseCase", "viaDataset"),
            *("sharedDataModel", *FIGURES, *DATASET_FIGURES),
        ):
            setattr(self, name, ox.NamedNode(vocab.term(name)))
        self.inferred = ox.NamedNode(vocab.graph("inferred"))
        self.aggregates = ox.NamedNode(vocab.graph("aggregates"))
        self.dataset = ox.NamedNode(vocab.base)


def statements(store: ox.Store, vocab: Vocabulary) -> set[ox.Quad]:
    """The quads of ``store`` that 60-aggregates.ru owns (what a rerun deletes first)."""
    t = _Terms(vocab)
    owned = {
        q
        for name in FIGURES
        for q in store.quads_for_pattern(None, getattr(t, name), None, t.aggregates)
    }
    return owned | set(store.quads_for_pattern(t.dataset, None, None, t.aggregates))


def adjust(store: ox.Store, changes: Changes, vocab: Vocabulary) -> None:
    """Bring the quads 60-aggregates.ru writes up to date with ``changes`` (see the module's
    preconditions), writing only the figures that differ and recording them in ``changes``.

    Idempotent: the figures are adjusted from their value before ``changes``, so a second call
    with the same record (which now holds the first call's writes) writes nothing. Raises
    :class:`ValueError` when the dataset's figures are missing (never computed: run the rule).
    """
    t = _Terms(vocab)
    changed = _Changed(changes, t)
    before = _Reader(View(store, changes, before=True), t)
    after = _Reader(View(store, changes), t)
    figures: Figures = {}
    figures.update(_sector_figures(changed, before, after, t))
    figures.update(_link_figures(changed, before, after, t))
    figures.update(_dataset_figures(changed, before, after, t))
    for (subject, predicate), value in figures.items():
        old = set(store.quads_for_pattern(subject, predicate, None, t.aggregates))
        new = (
            set() if value is None else {ox.Quad(subject, predicate, _number(value), t.aggregates)}
        )
        changes.remove(store, old - new)
        changes.add(store, new - old)


def _number(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=_INTEGER)


# -- reading the changes and the store --------------------------------------------------------
class _Changed:
    """The changed quads the rule reads (named graphs only), by predicate, and for rdf:type by
    class; removed and added apart."""

    def __init__(self, changes: Changes, t: _Terms) -> None:
        read = {
            t.sector,
            t.usesDataset,
            t.producesDataset,
            t.assessedUsesDataset,
            t.viaUseCase,
            t.viaDataset,
            t.sharedDataModel,
        }
        classes = {t.Sector, t.UseCase, t.UseCasePattern, t.SectorLink}
        self.removed: dict[ox.NamedNode, list[ox.Quad]] = defaultdict(list)
        self.added: dict[ox.NamedNode, list[ox.Quad]] = defaultdict(list)
        for quads, into in ((changes.removed, self.removed), (changes.added, self.added)):
            for q in quads:
                if isinstance(q.graph_name, ox.DefaultGraph):
                    continue
                if q.predicate in read:
                    into[q.predicate].append(q)
                elif q.predicate == _TYPE and q.object in classes:
                    into[q.object].append(q)

    def quads(self, *keys: ox.NamedNode) -> Iterator[ox.Quad]:
        """The changed quads with these predicates (or, for a class, typing a member)."""
        for key in keys:
            yield from self.removed.get(key, ())
            yield from self.added.get(key, ())

    def net(self, subject, predicate: ox.NamedNode, graph: ox.NamedNode) -> int:
        """Quads of ``subject`` with ``predicate`` in ``graph`` added minus those removed."""

        def count(quads: dict) -> int:
            return sum(
                1
                for q in quads.get(predicate, ())
                if q.subject == subject and q.graph_name == graph
            )

        return count(self.added) - count(self.removed)


class _Reader:
    """What the rule asks of the store, in one view (before or after the changes); what each
    resource is and its sectors are asked many times, so they are kept."""

    def __init__(self, view: View, t: _Terms) -> None:
        self.view = view
        self.t = t
        self._types: dict[tuple, bool] = {}
        self._sectors: dict[object, frozenset] = {}

    def is_a(self, node, cls: ox.NamedNode, graph: ox.NamedNode | None = None) -> bool:
        """Whether ``node`` has type ``cls`` (in ``graph``, or in any named graph)."""
        if isinstance(node, ox.Literal):
            return False
        key = (node, cls, graph)
        if key not in self._types:
            self._types[key] = self.has(node, _TYPE, cls, graph)
        return self._types[key]

    def has(self, s, p: ox.NamedNode, o=None, graph: ox.NamedNode | None = None) -> bool:
        if graph is None:
            return self.view.has(s, p, o)
        return any(q.graph_name == graph for q in self.view.quads(s, p, o))

    def count(self, s, p: ox.NamedNode, graph: ox.NamedNode) -> int:
        """Quads of one graph (distinct objects of ``s`` and ``p`` in it)."""
        return sum(1 for q in self.view.quads(s, p, None) if q.graph_name == graph)

    def sectors(self, node) -> frozenset:
        if isinstance(node, ox.Literal):
            return frozenset()
        if node not in self._sectors:
            self._sectors[node] = frozenset(self.view.objects(node, self.t.sector))
        return self._sectors[node]

    def objects(self, s, p: ox.NamedNode) -> set:
        return set() if isinstance(s, ox.Literal) else self.view.objects(s, p)

    def subjects(self, p: ox.NamedNode, o) -> set:
        return self.view.subjects(p, o)

    def figure(self, subject, predicate: ox.NamedNode) -> int | None:
        """The rule's figure as the aggregates graph holds it in this view, if any."""
        for q in self.view.quads(subject, predicate, None):
            if q.graph_name == self.t.aggregates and isinstance(q.object, ox.Literal):
                return int(q.object.value)
        return None


def _objects(before: _Reader, after: _Reader, s, p: ox.NamedNode) -> set:
    """The objects of ``s`` and ``p`` before the changes or after them."""
    return before.objects(s, p) | after.objects(s, p)


def _subjects(before: _Reader, after: _Reader, p: ox.NamedNode, o) -> set:
    return before.subjects(p, o) | after.subjects(p, o)


# -- 2. use cases and patterns per sector -----------------------------------------------------
def _sector_figures(changed: _Changed, before: _Reader, after: _Reader, t: _Terms) -> Figures:
    touched: dict = defaultdict(set)  # sector -> use cases whose membership may have changed
    for q in changed.quads(t.sector):
        touched[q.object].add(q.subject)
    for q in changed.quads(t.UseCase, t.UseCasePattern):
        for s in before.sectors(q.subject) | after.sectors(q.subject):
            touched[s].add(q.subject)
    for q in changed.quads(t.Sector):
        touched.setdefault(q.subject, set())  # a new or former sector
    figures: Figures = {}
    for s, cases in touched.items():
        was, now = before.is_a(s, t.Sector), after.is_a(s, t.Sector)
        for cls, figure in ((t.UseCase, t.useCaseCount), (t.UseCasePattern, t.patternCount)):
            old = before.figure(s, figure) if was else None
            if not now:
                value = None
            elif old is None:  # a new sector: counted in full
                value = sum(1 for u in after.subjects(t.sector, s) if after.is_a(u, cls))
            else:
                value = old + sum(
                    _member(after, u, s, cls) - _member(before, u, s, cls) for u in cases
                )
            if was or now:
                figures[(s, figure)] = value
    return figures


def _member(r: _Reader, u, sector, cls: ox.NamedNode) -> int:
    return int(r.is_a(u, cls) and sector in r.sectors(u))


# -- 1. and 4. use cases and datasets per link, shared data models per pair -------------------
def _link_figures(changed: _Changed, before: _Reader, after: _Reader, t: _Terms) -> Figures:
    figures: Figures = {}
    links = {
        q.subject
        for q in changed.quads(t.SectorLink, t.viaUseCase, t.viaDataset)
        if q.graph_name == t.inferred
    }
    for link in links:
        was = before.is_a(link, t.SectorLink, t.inferred)
        now = after.is_a(link, t.SectorLink, t.inferred)
        for via, figure in ((t.viaUseCase, t.useCaseCount), (t.viaDataset, t.datasetCount)):
            if was or now:
                figures[(link, figure)] = _count(
                    changed, before, after, (link, via, t.inferred), figure, was, now
                )
    pairs = {q.subject for q in changed.quads(t.sharedDataModel) if q.graph_name == t.aggregates}
    for pair in pairs:
        was = before.has(pair, t.sharedDataModel, graph=t.aggregates)
        now = after.has(pair, t.sharedDataModel, graph=t.aggregates)
        statement = (pair, t.sharedDataModel, t.aggregates)
        figures[(pair, t.sharedDataModelCount)] = _count(
            changed, before, after, statement, t.sharedDataModelCount, was, now
        )
    return figures


def _count(
    changed: _Changed,
    before: _Reader,
    after: _Reader,
    statement: tuple,
    figure: ox.NamedNode,
    was: bool,
    now: bool,
) -> int | None:
    """The number of ``statement``s (node, predicate, graph) there are now: the figure before
    the changes plus the difference, counted in full where the node qualifies only now, none
    where it no longer does."""
    if not now:
        return None
    old = before.figure(statement[0], figure) if was else None
    if old is None:
        return after.count(*statement)
    return old + changed.net(*statement)


# -- 3. the dataset's figures -----------------------------------------------------------------
def _dataset_figures(changed: _Changed, before: _Reader, after: _Reader, t: _Terms) -> Figures:
    old = {name: before.figure(t.dataset, getattr(t, name)) for name in DATASET_FIGURES}
    missing = [name for name, value in old.items() if value is None]
    if missing:
        raise ValueError(
            f"the aggregates graph has no {', '.join(missing)} of {t.dataset.value}: the figures "
            "were never computed, so there is nothing to adjust (run 60-aggregates.ru)"
        )
    # use cases whose type or sectors changed
    cases = {q.subject for q in changed.quads(t.UseCase, t.sector)}
    difference = dict.fromkeys(DATASET_FIGURES, 0)
    for u in cases:
        difference["crossSectorUseCaseCount"] += _crosses(after, u) - _crosses(before, u)
    for flow in _flows(changed, before, after, t.usesDataset, cases):
        was, now = _flow(before, flow, t.usesDataset), _flow(after, flow, t.usesDataset)
        difference["dataFlowCount"] += now - was
        difference["crossSectorDataFlowCount"] += (now and _crossing(after, flow)) - (
            was and _crossing(before, flow)
        )
    typed = {q.subject for q in changed.quads(t.UseCase)}
    for flow in _flows(changed, before, after, t.assessedUsesDataset, typed):
        was = _flow(before, flow, t.assessedUsesDataset)
        difference["assessedDataFlowCount"] += _flow(after, flow, t.assessedUsesDataset) - was
    for d in _datasets(changed, before, after, typed):
        difference["sharedDatasetTotal"] += _shared(after, d) - _shared(before, d)
    return {(t.dataset, getattr(t, name)): old[name] + difference[name] for name in old}


def _crosses(r: _Reader, u) -> int:
    """Whether ``u`` counts as a cross-sector use case: a use case of two sectors or more."""
    return int(r.is_a(u, r.t.UseCase) and len(r.sectors(u)) >= 2)


def _flows(
    changed: _Changed, before: _Reader, after: _Reader, uses: ox.NamedNode, cases: set
) -> set[tuple]:
    """The (a, d, b) whose standing as a flow (a produces d, b ``uses`` it) may have changed:
    those through a changed statement of producing or using, and those of ``cases``."""
    produces = before.t.producesDataset

    def producers(d) -> set:
        return _subjects(before, after, produces, d)

    def users(d) -> set:
        return _subjects(before, after, uses, d)

    found: set[tuple] = set()
    for q in changed.quads(produces):
        found |= {(q.subject, q.object, b) for b in users(q.object)}
    for q in changed.quads(uses):
        found |= {(a, q.object, q.subject) for a in producers(q.object)}
    for u in cases:
        for d in _objects(before, after, u, produces):
            found |= {(u, d, b) for b in users(d)}
        for d in _objects(before, after, u, uses):
            found |= {(a, d, u) for a in producers(d)}
    return found


def _flow(r: _Reader, flow: tuple, uses: ox.NamedNode) -> int:
    a, d, b = flow
    return int(
        a != b
        and r.is_a(a, r.t.UseCase)
        and r.is_a(b, r.t.UseCase)
        and r.has(a, r.t.producesDataset, d)
        and r.has(b, uses, d)
    )


def _crossing(r: _Reader, flow: tuple) -> int:
    """Whether the data reach a sector their producer does not serve."""
    a, _, b = flow
    return int(bool(r.sectors(b) - r.sectors(a)))


def _datasets(changed: _Changed, before: _Reader, after: _Reader, typed: set) -> set:
    """The datasets whose standing as shared may have changed."""
    t = before.t
    found = {q.object for q in changed.quads(t.usesDataset, t.producesDataset)}
    for u in typed:
        for p in (t.usesDataset, t.producesDataset):
            found |= _objects(before, after, u, p)
    return found


def _shared(r: _Reader, d) -> int:
    """Whether two different use cases or more use or produce ``d`` (stops at two)."""
    seen: set = set()
    for u in _users(r, d):
        if r.is_a(u, r.t.UseCase):
            seen.add(u)
            if len(seen) >= 2:
                return 1
    return 0


def _users(r: _Reader, d) -> Iterator:
    for p in (r.t.usesDataset, r.t.producesDataset):
        for q in r.view.quads(None, p, d):
            yield q.subject
