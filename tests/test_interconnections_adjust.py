"""The sector links maintained in place (interconnections.adjust) equal the links derived from
scratch after any change of the facts they read (issue 17).

The facts are drawn at random over a handful of sectors, use cases, datasets and models, spread
over several graphs (a fact may sit in two graphs, and removing it from one keeps it), so that
every kind of entry appears and disappears: shared use cases, flows, shared datasets, shared data
models, links born and gone.
"""

from __future__ import annotations

import random

import pyoxigraph as ox
import pytest

from kg.namespaces import RDF_TYPE, Vocabulary
from kg.store.changes import Changes
from kg.store.interconnections import (
    adjust,
    derive,
    link_quads,
    owned_quads,
    sector_pairs,
    stored_pairs,
)

VOCAB = Vocabulary()
NS = VOCAB.ns
TYPE = ox.NamedNode(RDF_TYPE)
GRAPHS = [ox.NamedNode(VOCAB.base + f"usecases/f{i}") for i in range(4)]
SECTORS = [ox.NamedNode(VOCAB.base + f"sector/s{i}") for i in range(5)]
CASES = [ox.NamedNode(VOCAB.base + f"usecase/u{i}") for i in range(14)]
DATASETS = [ox.NamedNode(VOCAB.base + f"dataset/d{i}") for i in range(8)]
MODELS = [ox.NamedNode(f"https://smartdatamodels.org/m{i}") for i in range(3)]


def _p(name: str) -> ox.NamedNode:
    return ox.NamedNode(NS + name)


def _fact(rng: random.Random) -> ox.Quad:
    graph = rng.choice(GRAPHS)
    kind = rng.randrange(10)
    if kind < 2:
        subject = rng.choice(CASES)
        return ox.Quad(subject, TYPE, _p("UseCase" if rng.random() < 0.9 else "Pattern"), graph)
    if kind < 5:
        return ox.Quad(rng.choice(CASES), _p("sector"), rng.choice(SECTORS), graph)
    if kind < 9:
        name = rng.choice(["usesDataset", "producesDataset"])
        return ox.Quad(rng.choice(CASES), _p(name), rng.choice(DATASETS), graph)
    return ox.Quad(rng.choice(DATASETS), _p("dataModel"), rng.choice(MODELS), graph)


def _derived(store: ox.Store) -> set[ox.Quad]:
    """Every quad of the graphs the links are written to (here nothing else writes there)."""
    found = set()
    for name in ("inferred", "aggregates"):
        found |= set(store.quads_for_pattern(None, None, None, ox.NamedNode(VOCAB.graph(name))))
    assert owned_quads(store, VOCAB) <= found
    return found


@pytest.mark.parametrize("seed", range(12))
def test_adjusted_links_equal_the_links_from_scratch(seed: int) -> None:
    rng = random.Random(seed)
    store = ox.Store()
    store.extend({_fact(rng) for _ in range(70)})
    derive(store, VOCAB)
    for step in range(25):
        changes = Changes()
        facts = sorted((q for q in store if q.graph_name in GRAPHS), key=str)
        removed = rng.sample(facts, k=min(len(facts), rng.randrange(0, 4)))
        changes.remove(store, removed)
        changes.add(store, {_fact(rng) for _ in range(rng.randrange(0, 4))})
        adjust(store, changes, VOCAB)
        assert _derived(store) == set(link_quads(store, VOCAB)), (seed, step)
        assert stored_pairs(store, VOCAB) == sector_pairs(store, VOCAB)
        # the record holds the links' own writes too
        assert all(q in store for q in changes.added)
        assert not any(q in store for q in changes.removed)


def test_a_change_outside_what_the_links_read_writes_nothing() -> None:
    rng = random.Random(99)
    store = ox.Store()
    store.extend({_fact(rng) for _ in range(60)})
    derive(store, VOCAB)
    changes = Changes()
    title = ox.Quad(CASES[0], ox.NamedNode("http://purl.org/dc/terms/title"), ox.Literal("x"))
    changes.add(store, [ox.Quad(title.subject, title.predicate, title.object, GRAPHS[0])])
    before = set(store)
    adjust(store, changes, VOCAB)
    assert len(changes.added) == 1 and not changes.removed
    assert set(store) == before


def test_a_new_shared_use_case_makes_a_link_and_its_removal_ends_it() -> None:
    store = ox.Store()
    u, g = CASES[0], GRAPHS[0]
    store.add(ox.Quad(u, TYPE, _p("UseCase"), g))
    store.add(ox.Quad(u, _p("sector"), SECTORS[0], g))
    derive(store, VOCAB)
    assert not _derived(store)
    changes = Changes()
    second = ox.Quad(u, _p("sector"), SECTORS[1], g)
    changes.add(store, [second])
    adjust(store, changes, VOCAB)
    link = ox.NamedNode(VOCAB.base + "sectorlink/s0--s1")
    assert ox.Quad(link, _p("viaUseCase"), u, ox.NamedNode(VOCAB.graph("inferred"))) in store
    assert _derived(store) == set(link_quads(store, VOCAB))
    changes = Changes()
    changes.remove(store, [second])
    adjust(store, changes, VOCAB)
    assert not _derived(store)


def test_a_data_model_no_longer_shared_leaves_no_trace_on_the_pair() -> None:
    store, g = ox.Store(), GRAPHS[0]
    for u, sector, d in ((CASES[0], SECTORS[0], DATASETS[0]), (CASES[1], SECTORS[1], DATASETS[1])):
        store.add(ox.Quad(u, TYPE, _p("UseCase"), g))
        store.add(ox.Quad(u, _p("sector"), sector, g))
        store.add(ox.Quad(u, _p("usesDataset"), d, g))
        store.add(ox.Quad(d, _p("dataModel"), MODELS[0], g))
    derive(store, VOCAB)
    link = ox.NamedNode(VOCAB.base + "sectorlink/s0--s1")
    assert set(store.quads_for_pattern(link, _p("dataModelSector"), None, None))
    changes = Changes()
    changes.remove(store, [ox.Quad(DATASETS[1], _p("dataModel"), MODELS[0], g)])
    adjust(store, changes, VOCAB)
    assert not _derived(store)
    assert not set(link_quads(store, VOCAB))
