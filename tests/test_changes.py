"""The record of an incremental build's writes, and the before/after view through it."""

from __future__ import annotations

import pyoxigraph as ox

from kg.store.changes import Changes, View

EX = "https://example.org/"
G = ox.NamedNode(EX + "g")
H = ox.NamedNode(EX + "h")


def _q(s: str, o: str, graph=G) -> ox.Quad:
    return ox.Quad(ox.NamedNode(EX + s), ox.NamedNode(EX + "p"), ox.NamedNode(EX + o), graph)


def test_the_record_is_net() -> None:
    store, changes = ox.Store(), Changes()
    changes.add(store, [_q("a", "b")])
    changes.remove(store, [_q("a", "b")])
    assert not changes and len(store) == 0
    store.add(_q("c", "d"))
    changes.remove(store, [_q("c", "d"), _q("x", "y")])  # the second is not there: no record
    changes.add(store, [_q("c", "d")])
    assert not changes and _q("c", "d") in store


def test_only_what_changes_is_written_and_recorded() -> None:
    store, changes = ox.Store(), Changes()
    store.extend([_q("a", "b"), _q("a", "c")])
    changes.replace_graph(store, G, [_q("a", "c"), _q("a", "d")])
    assert changes.removed == {_q("a", "b")}
    assert changes.added == {_q("a", "d")}
    assert set(store) == {_q("a", "c"), _q("a", "d")}
    assert changes.graphs() == {G}
    assert not changes.without(G)


def test_the_view_before_shows_what_was_removed_and_hides_what_was_added() -> None:
    store, changes = ox.Store(), Changes()
    default = _q("z", "z", ox.DefaultGraph())
    store.extend([_q("a", "b"), _q("a", "c", H), default])
    changes.remove(store, [_q("a", "b"), default])
    changes.add(store, [_q("a", "e")])
    a, p = ox.NamedNode(EX + "a"), ox.NamedNode(EX + "p")
    before, after = View(store, changes, before=True), View(store, changes)
    assert before.objects(a, p) == {ox.NamedNode(EX + "b"), ox.NamedNode(EX + "c")}
    assert after.objects(a, p) == {ox.NamedNode(EX + "c"), ox.NamedNode(EX + "e")}
    # the default graph is never part of a view, before or after
    assert not before.has(ox.NamedNode(EX + "z"))
    assert View(store, changes, before=True, skip=[H]).objects(a, None) == {ox.NamedNode(EX + "b")}
    assert before.subjects(p, ox.NamedNode(EX + "b")) == {a}
    assert not after.has(None, None, ox.NamedNode(EX + "b"))


def test_the_view_answers_only_what_matches_on_disk_too(tmp_path) -> None:
    """pyoxigraph 0.5.13's on-disk store answers the object "255"^^xsd:integer (its encoding
    ends in 0xFF) with every quad after it in the object index; the view must not."""
    integer = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    store, changes = ox.Store(str(tmp_path / "store")), Changes()
    p = ox.NamedNode(EX + "p")
    quads = [
        ox.Quad(ox.NamedNode(f"{EX}s{i}"), p, ox.Literal(str(i), datatype=integer), G)
        for i in range(250, 260)
    ]
    store.extend(quads)
    changes.remove(store, [quads[5]])  # "255"
    value = ox.Literal("255", datatype=integer)
    assert not View(store, changes).has(None, None, value)
    assert View(store, changes, before=True).triples(None, p, value) == {quads[5].triple}
