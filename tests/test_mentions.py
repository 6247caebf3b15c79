"""What the consistency check after an incremental build reads about the entities a change
mentions (kg.store.oxigraph.mentions): every statement about them, and of the statements
pointing at them one per predicate (every one for a predicate that can give a functional
property's value), without walking every statement that points at a much-used entity."""

from __future__ import annotations

import pyoxigraph as ox

from kg.store.oxigraph import mentions

SECTOR = ox.NamedNode("urn:sector")
IN_SECTOR = ox.NamedNode("urn:inSector")  # one statement tells what any other tells
OPERATES = ox.NamedNode("urn:operates")  # an inverse of a functional property: all count
LABEL = ox.NamedNode("urn:label")


def _graph(n: int) -> ox.NamedNode:
    return ox.NamedNode(f"urn:source/{n}")


class Walked:
    """A store that counts the statements its pattern lookups hand out."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.walked = 0

    def quads_for_pattern(self, *pattern):
        for quad in self.store.quads_for_pattern(*pattern):
            self.walked += 1
            yield quad

    def query(self, *args, **kwargs):
        return self.store.query(*args, **kwargs)


def _store() -> ox.Store:
    store = ox.Store()
    store.add(ox.Quad(SECTOR, LABEL, ox.Literal("Mobility"), _graph(0)))
    store.add(ox.Quad(SECTOR, LABEL, ox.Literal("ontology"), ox.NamedNode("urn:ontology")))
    for n in range(1, 501):
        use_case = ox.NamedNode(f"urn:usecase/{n}")
        store.add(ox.Quad(use_case, IN_SECTOR, SECTOR, _graph(n)))
    store.add(ox.Quad(ox.NamedNode("urn:operator"), OPERATES, SECTOR, _graph(1)))
    store.add(ox.Quad(ox.NamedNode("urn:other"), OPERATES, SECTOR, _graph(2)))
    store.add(ox.Quad(ox.NamedNode("urn:own"), OPERATES, SECTOR, _graph(0)))
    store.add(ox.Quad(ox.NamedNode("urn:default"), OPERATES, SECTOR))
    return store


def test_every_statement_about_it_and_one_pointing_at_it_per_predicate() -> None:
    store = Walked(_store())
    kept = {_graph(n).value for n in range(501)} - {_graph(0).value}
    found = list(
        mentions(store, [SECTOR.value], lambda g: g in kept,
                 lambda p: p == OPERATES.value)
    )  # fmt: skip
    about = [r for r in found if r[1].value == SECTOR.value]
    pointing = [r for r in found if r[3].value == SECTOR.value]
    assert about == []  # its only statements are in graphs not kept (the ontology, its own)
    by_predicate: dict[str, list[str]] = {}
    for _, s, p, _ in pointing:
        by_predicate.setdefault(p.value, []).append(s.value)
    assert len(by_predicate[IN_SECTOR.value]) == 1
    assert sorted(by_predicate[OPERATES.value]) == ["urn:operator", "urn:other"]
    assert store.walked < 50, f"walked {store.walked} statements for 500 pointing at the sector"


def test_statements_about_it_in_kept_graphs() -> None:
    found = list(
        mentions(_store(), [SECTOR.value], lambda g: g == _graph(0).value, lambda p: False)
    )
    assert [(g, s.value, p.value) for g, s, p, _ in found] == [
        (_graph(0).value, SECTOR.value, LABEL.value),
        (_graph(0).value, "urn:own", OPERATES.value),
    ]
