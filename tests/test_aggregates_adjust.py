"""Issue 17: the figures kg/store/aggregates.py adjusts after a change are exactly what
kg/build/rules/60-aggregates.ru writes when its quads are deleted and it runs again.

Each check brings the sector links up to date first (as an incremental build's step 2 does,
recording it), then adjusts, and compares the whole store with a copy where the rule ran from
scratch. Targeted edits on a small hand-made corpus name each figure's corner; a seeded random
sequence of edits on a generated, reasoned corpus covers their combinations.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import pyoxigraph as ox
import pytest
from test_incremental_random import _generator

from kg.authoring.ontology import OntologyFiles
from kg.authoring.sources import read_corpus
from kg.build.derive import rule_text
from kg.build.pipeline import _updates
from kg.build.reason import reason
from kg.build.validate import dataset_quads
from kg.namespaces import RDF_TYPE, Vocabulary
from kg.store.aggregates import DATASET_FIGURES, FIGURES, adjust, statements
from kg.store.changes import Changes
from kg.store.interconnections import derive, link_quads, owned_quads
from kg.store.oxigraph import memory_store, run_updates

VOCAB = Vocabulary()
BASE, NS = VOCAB.base, VOCAB.ns
ONTOLOGY = ox.NamedNode(VOCAB.graph("ontology"))
INFERRED = ox.NamedNode(VOCAB.graph("inferred"))
AGGREGATES = ox.NamedNode(VOCAB.graph("aggregates"))


# -- the comparison ----------------------------------------------------------------------------
def from_scratch(store: ox.Store) -> set[ox.Quad]:
    """The aggregates graph of a copy of ``store`` where the rule's quads were deleted and the
    rule ran again."""
    copy = ox.Store()
    copy.extend(store)
    for quad in statements(copy, VOCAB):
        copy.remove(quad)
    copy.update(rule_text(VOCAB, "60-aggregates.ru"))
    return set(copy.quads_for_pattern(None, None, None, AGGREGATES))


def refresh_links(store: ox.Store, changes: Changes) -> None:
    """The sector links brought up to date, recorded (step 2 of an incremental build)."""
    new, old = set(link_quads(store, VOCAB)), owned_quads(store, VOCAB)
    changes.remove(store, old - new)
    changes.add(store, new - old)


def assert_adjusted(store: ox.Store, changes: Changes) -> None:
    """Adjusted, the aggregates graph is what the rule writes, and nothing else changed."""
    refresh_links(store, changes)
    removed, added = set(changes.removed), set(changes.added)
    adjust(store, changes, VOCAB)
    written = (changes.removed ^ removed) | (changes.added ^ added)
    assert all(_owned(x) for x in written), written
    want, got = from_scratch(store), set(store.quads_for_pattern(None, None, None, AGGREGATES))
    extra, missing = sorted(map(str, got - want)), sorted(map(str, want - got))
    assert not extra and not missing, f"extra {extra[:4]}, missing {missing[:4]}"


def _owned(quad: ox.Quad) -> bool:
    """Whether the rule owns ``quad`` (as :func:`statements` finds them)."""
    figure = quad.predicate in {n(f) for f in FIGURES} or quad.subject == ox.NamedNode(BASE)
    return quad.graph_name == AGGREGATES and figure


def edit(store: ox.Store, changes: Changes, remove=(), add=()) -> None:
    changes.remove(store, remove)
    changes.add(store, add)


# -- a small corpus ----------------------------------------------------------------------------
def n(text: str) -> ox.NamedNode:
    """``a`` for rdf:type, ``kind/slug`` under the base, anything else in the ontology."""
    if text == "a":
        return ox.NamedNode(RDF_TYPE)
    return ox.NamedNode(BASE + text if "/" in text else NS + text)


def file(u: str) -> ox.NamedNode:
    return ox.NamedNode(VOCAB.graph(f"source/usecases/{u}.yaml"))


def q(u: str, p: str, o: str, graph: ox.NamedNode | None = None) -> ox.Quad:
    """A statement about use case ``u`` (``usecase/u``), in its file's graph by default."""
    return ox.Quad(n(f"usecase/{u}"), n(p), n(o), graph or file(u))


def case(u: str, cls: str, sectors=(), uses=(), produces=(), assessed=()) -> list[ox.Quad]:
    return [
        q(u, "a", cls),
        *(q(u, "sector", f"sector/{s}") for s in sectors),
        *(q(u, "usesDataset", f"dataset/{d}") for d in uses),
        *(q(u, "producesDataset", f"dataset/{d}") for d in produces),
        *(q(u, "assessedUsesDataset", f"dataset/{d}") for d in assessed),
    ]


def model(d: str, m: str = "m") -> ox.Quad:
    return ox.Quad(n(f"dataset/{d}"), n("dataModel"), n(f"model/{m}"), file("shared"))


def sector(s: str) -> ox.Quad:
    return ox.Quad(n(f"sector/{s}"), n("a"), n("Sector"), ONTOLOGY)


SECTORS = ("mobility", "energy", "water", "health", "waste")


@pytest.fixture
def small() -> ox.Store:
    """Four use cases and a pattern over five sectors, a flow, a use case producing what it
    uses, shared datasets and a shared data model; sector links and figures derived."""
    quads = [
        *map(sector, SECTORS),
        *case("a", "UseCase", ["mobility", "energy"], ["d1", "d2"], ["d1"]),
        *case("b", "UseCase", ["water"], ["d3"], ["d2"]),
        *case("c", "UseCase", ["health"], ["d4", "d2"], ["d5"], assessed=["d2"]),
        *case("e", "UseCase", ["waste", "water"], ["d5"]),
        *case("p", "UseCasePattern", ["waste", "energy"], ["d1"]),
        model("d3"),
        model("d4"),
    ]
    store = ox.Store()
    store.extend(quads)
    derive(store, VOCAB)
    store.update(rule_text(VOCAB, "60-aggregates.ru"))
    return store


Edit = tuple[list[ox.Quad], list[ox.Quad]]


def _removed_use_case(store: ox.Store) -> Edit:
    return list(store.quads_for_pattern(n("usecase/a"), None, None, file("a"))), []


#: (removed, added) quads, or a function of the store giving them
EDITS: dict[str, Edit | Callable[[ox.Store], Edit]] = {
    "use case added": ([], case("f", "UseCase", ["water", "health"], ["d1"], ["d6"])),
    "use case removed": _removed_use_case,
    "sector changed": ([q("a", "sector", "sector/energy")], [q("a", "sector", "sector/water")]),
    "second sector": ([], [q("b", "sector", "sector/mobility")]),
    "pattern becomes a use case": ([q("p", "a", "UseCasePattern")], [q("p", "a", "UseCase")]),
    "use case becomes a pattern": ([q("a", "a", "UseCase")], [q("a", "a", "UseCasePattern")]),
    "pattern added": ([], case("r", "UseCasePattern", ["water"], ["d2"])),
    "dataset used (a flow)": ([], [q("c", "usesDataset", "dataset/d1")]),
    "dataset no longer produced": ([q("a", "producesDataset", "dataset/d1")], []),
    "dataset shared": ([], [q("e", "producesDataset", "dataset/d3")]),
    "dataset no longer shared": ([q("c", "usesDataset", "dataset/d2")], []),
    "own dataset used": ([], [q("b", "usesDataset", "dataset/d2")]),
    "assessed use added": ([], [q("b", "assessedUsesDataset", "dataset/d1")]),
    "assessed use removed": ([q("c", "assessedUsesDataset", "dataset/d2")], []),
    "data model shared": ([], [model("d1")]),
    "data model no longer shared": ([model("d4")], []),
    "new sector": ([], [sector("culture"), q("b", "sector", "sector/culture")]),
    "sector loses its type": ([sector("water")], []),
    "untyped sector": ([], [q("c", "sector", "sector/nowhere")]),
    "copy in another graph": ([], [q("a", "sector", "sector/mobility", file("copy"))]),
    "type only inferred": ([q("b", "a", "UseCase")], [q("b", "a", "UseCase", INFERRED)]),
    "nothing": ([], []),
}


def _edit(store: ox.Store, name: str) -> Edit:
    found = EDITS[name]
    return found(store) if callable(found) else found


@pytest.mark.parametrize("name", list(EDITS))
def test_one_edit(small: ox.Store, name: str) -> None:
    removed, added = _edit(small, name)
    assert all(quad in small for quad in removed) and not any(quad in small for quad in added)
    changes = Changes()
    edit(small, changes, removed, added)
    assert_adjusted(small, changes)


def test_each_edit_after_the_last(small: ox.Store) -> None:
    """The figures adjusted last are the before of the next edit (and its reverse)."""
    for name in EDITS:
        removed, added = _edit(small, name)
        for remove, add in ((removed, added), (added, removed), (removed, added)):
            changes = Changes()
            edit(small, changes, remove, add)
            assert_adjusted(small, changes)


def test_every_edit_at_once(small: ox.Store) -> None:
    changes = Changes()
    for name in EDITS:
        removed, added = _edit(small, name)
        edit(small, changes, removed, added)
    assert_adjusted(small, changes)


def test_a_figure_is_written_only_when_it_changes(small: ox.Store) -> None:
    changes = Changes()
    edit(small, changes, add=[q("c", "usesDataset", "dataset/d1")])
    refresh_links(small, changes)
    adjust(small, changes, VOCAB)
    written = {
        (x.subject.value, x.predicate.value) for x in changes.added if x.graph_name == AGGREGATES
    }
    assert (BASE, NS + "dataFlowCount") in written
    assert not any(s.startswith(BASE + "sector/") for s, _ in written)  # no sector's count moved
    settled = Changes(set(changes.removed), set(changes.added))
    adjust(small, changes, VOCAB)  # the same record again: nothing more to write
    assert changes == settled


def test_figures_never_computed_are_refused(small: ox.Store) -> None:
    for quad in list(small.quads_for_pattern(ox.NamedNode(BASE), None, None, AGGREGATES)):
        small.remove(quad)
    with pytest.raises(ValueError, match="never computed"):
        adjust(small, Changes(), VOCAB)


# -- random edits on a generated corpus --------------------------------------------------------
USE_CASES = 40
ROUNDS = 40
SEED = 60


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    """A generated corpus, read, reasoned and derived as a full build does."""
    project = tmp_path_factory.mktemp("aggregates")
    assert _generator().main([str(USE_CASES), "--seed", str(SEED), "--out", str(project)]) == 0
    ontology = OntologyFiles(project / "ontology", VOCAB)
    corpus = read_corpus(project, VOCAB)
    store = memory_store(lines=dataset_quads(corpus, ontology))
    run_updates(store, _updates(reason(corpus, ontology), VOCAB))
    return store


#: the random edits that add or remove one statement of a use case, and its predicate
PREDICATES = {
    "sector": "sector",
    "uses": "usesDataset",
    "produces": "producesDataset",
    "assessed": "assessedUsesDataset",
}


class RandomEdits:
    """Edits of the statements the figures read, in the use cases' own graphs."""

    def __init__(self, store: ox.Store, rng: random.Random) -> None:
        self.store = store
        self.rng = rng
        typed = store.quads_for_pattern(None, n("a"), n("Sector"), None)
        self.sectors = [*sorted({x.subject for x in typed}, key=str), n("sector/untyped")]
        self.datasets = sorted(
            {x.object for p in ("usesDataset", "producesDataset") for x in self._all(p)}, key=str
        )
        self.models = [n(f"model/m{i}") for i in range(4)]
        self.counter = 0

    def _all(self, p: str, s=None) -> list[ox.Quad]:
        return sorted(self.store.quads_for_pattern(s, n(p), None, None), key=str)

    def _case(self) -> tuple[ox.NamedNode, ox.NamedNode]:
        """A use case or pattern and the graph of its type (its file)."""
        typed = [
            x
            for cls in ("UseCase", "UseCasePattern")
            for x in self.store.quads_for_pattern(None, n("a"), n(cls), None)
            if x.graph_name != INFERRED
        ]
        found = self.rng.choice(sorted(typed, key=str))
        return found.subject, found.graph_name

    def toggle(self, u, p: str, choices: list, graph) -> Edit:
        """Remove one of ``u``'s statements of ``p`` or add one."""
        mine = self._all(p, u)
        if mine and self.rng.random() < 0.5:
            return [self.rng.choice(mine)], []
        return [], [ox.Quad(u, n(p), self.rng.choice(choices), graph)]

    def __call__(self) -> Edit:
        u, graph = self._case()
        kind = self.rng.choice(
            [*PREDICATES, "type", "delete", "add", "model", "sector type", "copy"]
        )
        if kind == "sector":
            return self.toggle(u, "sector", self.sectors, graph)
        if kind in PREDICATES:
            return self.toggle(u, PREDICATES[kind], self.datasets, graph)
        if kind == "type":  # another class, the same, or none
            old = list(self.store.quads_for_pattern(u, n("a"), None, graph))
            cls = self.rng.choice(["UseCase", "UseCasePattern", "UseCase", None])
            return old, [ox.Quad(u, n("a"), n(cls), graph)] if cls else []
        if kind == "delete":
            return list(self.store.quads_for_pattern(u, None, None, graph)), []
        if kind == "add":
            self.counter += 1
            new = n(f"usecase/added-{self.counter}")
            into = file(f"added-{self.counter}")
            return [], [ox.Quad(new, x.predicate, x.object, into) for x in self._all_of(u, graph)]
        if kind == "model":
            d = self.rng.choice(self.datasets)
            return self.toggle(d, "dataModel", self.models, file("shared/datasets"))
        if kind == "sector type":
            s = self.rng.choice(self.sectors)
            typed = list(self.store.quads_for_pattern(s, n("a"), n("Sector"), None))
            return (typed, []) if typed else ([], [ox.Quad(s, n("a"), n("Sector"), ONTOLOGY)])
        read = self._all_of(u, graph)  # a statement copied into another graph
        x = self.rng.choice(read)
        return [], [ox.Quad(x.subject, x.predicate, x.object, file("copies"))]

    def _all_of(self, u, graph) -> list[ox.Quad]:
        return sorted(self.store.quads_for_pattern(u, None, None, graph), key=str)


@pytest.mark.slow
def test_random_edits(generated: ox.Store) -> None:
    store = ox.Store()
    store.extend(generated)
    assert set(store.quads_for_pattern(None, None, None, AGGREGATES)) == from_scratch(store)
    rng = random.Random(SEED)
    edits = RandomEdits(store, rng)
    moved = set()
    for round_ in range(ROUNDS):
        changes, done = Changes(), []
        for _ in range(rng.choice([1, 1, 2, 3])):
            removed, added = edits()
            edit(store, changes, removed, added)
            done.append((sorted(map(str, removed))[:3], sorted(map(str, added))[:3]))
        try:
            assert_adjusted(store, changes)
        except AssertionError as exc:  # say which edits broke the equality
            raise AssertionError(f"round {round_}, edits {done}: {exc}") from exc
        moved |= {x.predicate for x in changes.added if x.graph_name == AGGREGATES}
    # the edits moved every figure (else the equality above proves little)
    assert {n(f) for f in (*FIGURES, *DATASET_FIGURES)} <= moved
