"""The VoID description of ``kg/build/rules/70-void.ru``, adjusted for what an incremental build
changed instead of counted again (issue 17).

The rule counts, over the distinct triples of every named graph but ``{base}graph/void``: the
triples, the distinct subjects and objects, per class with an IRI its distinct members, per
property its triples, and then how many class and property partitions there are. Every figure
is a count of distinct things, so each moves only with the triples whose existence anywhere
changed, and only by one each:

- a changed triple counts if it holds in some graph now and held in none before (+1), or the
  reverse (-1); a quad moved from one graph to another, or added where another graph already
  states it, changes nothing. Its property's partition moves alike, and, for ``rdf:type`` with
  an IRI object, its class's partition (the members of a class are the subjects of the distinct
  ``?x a ?c`` triples);
- a subject (object) is counted if some triple has it: only the subjects (objects) of the
  triples that came or went can change, and one indexed lookup before and after tells;
- a partition whose count reaches zero is removed, one for a class or property that had none is
  added (a new blank node, as the rule makes), and ``void:classes``/``void:properties`` move by
  the partitions added minus those removed.

So :func:`adjust` reads the changes and a few index lookups per changed triple, never the whole
store, and every figure it can be asked for can be adjusted: there is no recount fallback.
The statements the rule writes as they are (title, licence, vocabulary) are left alone.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.namespaces import RDF_TYPE, VOID, XSD, Vocabulary
from kg.store.changes import Changes, View

_TYPE = ox.NamedNode(RDF_TYPE)
_INTEGER = ox.NamedNode(XSD + "integer")
_TRIPLES = ox.NamedNode(VOID + "triples")
_SUBJECTS = ox.NamedNode(VOID + "distinctSubjects")
_OBJECTS = ox.NamedNode(VOID + "distinctObjects")
_CLASSES = ox.NamedNode(VOID + "classes")
_PROPERTIES = ox.NamedNode(VOID + "properties")


@dataclass(frozen=True)
class _Partitions:
    """One kind of partition: how the dataset links it, what it is about, what it counts."""

    link: ox.NamedNode
    key: ox.NamedNode
    count: ox.NamedNode
    total: ox.NamedNode  #: the dataset's number of such partitions


_CLASS = _Partitions(
    ox.NamedNode(VOID + "classPartition"),
    ox.NamedNode(VOID + "class"),
    ox.NamedNode(VOID + "entities"),
    _CLASSES,
)
_PROPERTY = _Partitions(
    ox.NamedNode(VOID + "propertyPartition"),
    ox.NamedNode(VOID + "property"),
    _TRIPLES,
    _PROPERTIES,
)


@dataclass
class Difference:
    """How much each figure of the VoID description moves."""

    triples: int = 0
    subjects: int = 0
    objects: int = 0
    classes: Counter = field(default_factory=Counter)  #: class -> members
    properties: Counter = field(default_factory=Counter)  #: property -> triples


def adjust(store: ox.Store, changes: Changes, vocab: Vocabulary) -> None:
    """Bring the graph ``{base}graph/void`` of ``store`` to what dropping it and running
    ``70-void.ru`` again would write (up to the partitions' blank node labels), and record the
    writes in ``changes``.

    Preconditions: the VoID graph was the rule's for the store as it was before ``changes``;
    every other named graph is up to date (run it last, after the aggregates); ``changes``
    records every quad changed in them since, and none was written behind its back. Quads of the
    VoID graph in ``changes`` (an earlier adjustment's) are not counted, but a second call with
    the same record would count its other changes twice. A VoID graph that lacks a figure to
    adjust (never computed, or not the rule's) raises :class:`ValueError`; counting it again with
    the rule is the way out, as it is when ``70-void.ru`` itself changed since (the statements
    it writes as they are, a title say, are never rewritten here).
    """
    graph = ox.NamedNode(vocab.graph("void"))
    difference = measure(store, changes, graph)
    dataset = ox.NamedNode(vocab.base)
    write = _Writer(store, changes, graph, dataset)
    write.shift(dataset, _TRIPLES, difference.triples)
    write.shift(dataset, _SUBJECTS, difference.subjects)
    write.shift(dataset, _OBJECTS, difference.objects)
    write.partitions(_CLASS, difference.classes)
    write.partitions(_PROPERTY, difference.properties)


def measure(store: ox.Store, changes: Changes, graph: ox.NamedNode) -> Difference:
    """How the figures of the VoID graph ``graph`` move with ``changes``."""
    before = View(store, changes, before=True, skip=[graph])
    after = View(store, changes, skip=[graph])
    found = Difference()
    moved: list[ox.Triple] = []
    for triple in _triples(changes, graph):
        s, p, o = triple.subject, triple.predicate, triple.object
        step = after.has(s, p, o) - before.has(s, p, o)
        if not step:
            continue
        moved.append(triple)
        found.triples += step
        found.properties[p] += step
        if p == _TYPE and isinstance(o, ox.NamedNode):
            found.classes[o] += step
    # a term can only come or go with a triple that came or went
    for s in {t.subject for t in moved}:
        found.subjects += after.has(s) - before.has(s)
    for o in {t.object for t in moved}:
        found.objects += after.has(None, None, o) - before.has(None, None, o)
    return found


def _triples(changes: Changes, graph: ox.NamedNode) -> set[ox.Triple]:
    """The distinct triples of the changed quads the rule counts (named graphs but ``graph``)."""
    return {
        q.triple
        for q in (*changes.removed, *changes.added)
        if not isinstance(q.graph_name, ox.DefaultGraph) and q.graph_name != graph
    }


class _Writer:
    """Writes to the VoID graph, each recorded in the changes."""

    def __init__(
        self, store: ox.Store, changes: Changes, graph: ox.NamedNode, dataset: ox.NamedNode
    ) -> None:
        self.store = store
        self.changes = changes
        self.graph = graph
        self.dataset = dataset

    def shift(self, subject, predicate: ox.NamedNode, by: int) -> None:
        """Add ``by`` to the figure ``predicate`` of ``subject``."""
        old = self._figure(subject, predicate)
        value = int(old.object.value) + by
        if value < 0:
            raise ValueError(f"the VoID graph's {predicate.value} of {subject} would be {value}")
        if by:
            self.changes.remove(self.store, [old])
            self.changes.add(self.store, [self._quad(subject, predicate, _integer(value))])

    def partitions(self, kind: _Partitions, moves: Counter) -> None:
        """Move the partitions of ``kind`` by ``moves``, and the number of them."""
        net = 0
        for key, by in moves.items():
            if by:
                net += self._partition(kind, key, by)
        self.shift(self.dataset, kind.total, net)

    def _partition(self, kind: _Partitions, key, by: int) -> int:
        """Move one partition; +1 if it was added, -1 if it was removed, else 0."""
        found = [q.subject for q in self.store.quads_for_pattern(None, kind.key, key, self.graph)]
        if len(found) > 1:
            raise ValueError(f"the VoID graph has {len(found)} partitions for {key}")
        if not found:
            if by < 0:
                raise ValueError(f"the VoID graph has no partition for {key} to lower")
            part = ox.BlankNode()
            self.changes.add(
                self.store,
                [
                    self._quad(self.dataset, kind.link, part),
                    self._quad(part, kind.key, key),
                    self._quad(part, kind.count, _integer(by)),
                ],
            )
            return 1
        part = found[0]
        if int(self._figure(part, kind.count).object.value) + by:
            self.shift(part, kind.count, by)
            return 0
        self.changes.remove(
            self.store,
            [
                self._quad(self.dataset, kind.link, part),
                *self.store.quads_for_pattern(part, None, None, self.graph),
            ],
        )
        return -1

    def _figure(self, subject, predicate: ox.NamedNode) -> ox.Quad:
        found = list(self.store.quads_for_pattern(subject, predicate, None, self.graph))
        if len(found) != 1:
            raise ValueError(
                f"the VoID graph has {len(found)} values of {predicate.value} for {subject}, "
                "not one: it was not computed by 70-void.ru for the store before the changes"
            )
        return found[0]

    def _quad(self, s, p: ox.NamedNode, o) -> ox.Quad:
        return ox.Quad(s, p, o, self.graph)


def _integer(value: int) -> ox.Literal:
    """A count as SPARQL's ``COUNT`` gives it."""
    return ox.Literal(str(value), datatype=_INTEGER)
