"""An incremental build sends a remote store only its change (issue 17): one SPARQL update of
the net quads, with the graphs whose change involves blank nodes sent whole, that holds only
while the server still serves the release the change was computed from. The served graph ends
up equal to a full build's in every case, including the ones that fall back to the whole
release."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import to_canonical_graph
from servers import OxigraphServer

from kg import config
from kg.build.pipeline import build
from kg.store import ResultFormat, Store, open_store
from kg.store.changes import Changes
from kg.store.remote import RemoteStore, change_plan

UC = "usecases/annweiler-water-level-gauges.yaml"
GRAPH = "https://w3id.org/sckg/graph/source/" + UC


@pytest.fixture
def server(tmp_path: Path) -> Iterator[OxigraphServer]:
    srv = OxigraphServer(tmp_path / "data").start()
    try:
        yield srv
    finally:
        srv.stop()


def dataset(store: Store, out: Path) -> dict[str, frozenset]:
    """Each named graph the store serves, canonical (blank node labels do not matter)."""
    store.dump(ResultFormat.N_QUADS, out)
    data = rdflib.Dataset()
    data.parse(out, format="nquads")
    return {
        str(graph.identifier): frozenset(to_canonical_graph(graph))
        for graph in data.graphs()
        if len(graph)
    }


class Recorder:
    """The write requests a remote store sends: (kind, body) with kind ``change`` or ``whole``."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sent: list[tuple[str, str]] = []
        http = RemoteStore._http

        def recording(store: RemoteStore, method: str, url: str, **kwargs) -> bytes:
            if method != "GET":
                body = kwargs.get("body")
                text = body.read().decode() if hasattr(body, "read") else (body or b"").decode()
                body.seek(0) if hasattr(body, "seek") else None
                kind = "whole" if text.startswith("DROP ALL") or method == "PUT" else "change"
                self.sent.append((kind, text))
            return http(store, method, url, **kwargs)

        monkeypatch.setattr(RemoteStore, "_http", recording)

    def take(self) -> list[tuple[str, str]]:
        sent, self.sent = self.sent, []
        return sent


def test_incremental_builds_send_only_the_change_and_serve_what_a_full_build_does(
    server: OxigraphServer, project_copy: Path, tmp_path: Path, monkeypatch
) -> None:
    remote = config.load({}, project=project_copy, store=server.url)
    full = config.load({}, project=project_copy, store=str(tmp_path / "full"))
    sent = Recorder(monkeypatch)

    def same() -> None:
        reference = build(full, full=True)
        assert dataset(open_store(remote), tmp_path / "r.nq") == dataset(
            open_store(full), tmp_path / "f.nq"
        )
        assert open_store(remote).release().quads == reference.release.quads

    assert build(remote).mode == "full"
    [(kind, whole)] = sent.take()
    assert kind == "whole"
    same()

    path = project_copy / UC
    text = path.read_text(encoding="utf-8")
    graph = f"VALUES ?g {{ <{GRAPH}> }}"
    # a title: the net quads of the derived graphs, and the file's graph whole (it is parsed
    # again, and its stakeholder's blank node gets a new label, so its quads cannot be named)
    path.write_text(text.replace("self-powered level gauges", "self-powered gauges"), "utf-8")
    assert build(remote).mode == "incremental"
    [(kind, body)] = sent.take()
    assert kind == "change" and graph in body.splitlines()
    assert '"Collective municipality of Annweiler am Trifels – self-powered gauges' in body
    assert len(body) < len(whole) // 20
    same()

    # a stakeholder's role
    path.write_text(path.read_text("utf-8").replace("role: operator", "role: partner"), "utf-8")
    assert build(remote).mode == "incremental"
    [(kind, body)] = sent.take()
    assert kind == "change" and graph in body.splitlines()
    assert "<https://w3id.org/sckg/role/partner>" in body
    assert len(body) < len(whole) // 20
    same()

    # a deleted file and a new one
    path.unlink()
    assert build(remote).mode == "incremental"
    assert [kind for kind, _ in sent.take()] == ["change"]
    same()
    path.write_text(text, "utf-8")
    assert build(remote).mode == "incremental"
    assert [kind for kind, _ in sent.take()] == ["change"]
    same()


# -- the store's side, on hand-made releases ------------------------------------------------

S = ox.NamedNode("urn:s")
G1, G2, G3 = (ox.NamedNode(f"urn:g{i}") for i in (1, 2, 3))


def _local(tmp_path: Path, quads: list[ox.Quad]) -> ox.Store:
    store = ox.Store(str(tmp_path / "local"))
    store.extend(quads)
    return store


def _release(n: int) -> list[ox.Quad]:
    """``n`` plain quads in G1, and a blank node in G2 with two statements."""
    quads = [ox.Quad(ox.NamedNode(f"urn:x{i}"), S, ox.Literal(str(i)), G1) for i in range(n)]
    node = ox.BlankNode()
    quads += [
        ox.Quad(S, ox.NamedNode("urn:role"), node, G2),
        ox.Quad(node, ox.NamedNode("urn:kind"), ox.Literal("operator"), G2),
    ]
    return quads


def _remote_quads(store: RemoteStore) -> set[tuple[str, str, str, str]]:
    """The served quads with blank nodes written as ``_``, enough for these releases."""
    rows = store.select("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    return {
        tuple("_" if r[k].__class__.__name__ == "BNode" else str(r[k]) for k in "spog")
        for r in rows
    }


def _local_quads(local: ox.Store) -> set[tuple[str, str, str, str]]:
    def text(term) -> str:
        if isinstance(term, ox.BlankNode):
            return "_"
        return term.value

    return {tuple(text(t) for t in (q.subject, q.predicate, q.object, q.graph_name)) for q in local}


def test_a_release_published_in_between_makes_the_guard_hold_and_the_whole_release_follow(
    server: OxigraphServer, tmp_path: Path, monkeypatch
) -> None:
    """Between reading the served release and sending the change, another build publishes:
    the change's guard no longer holds, the server applies nothing of it, and the whole new
    release is sent after it."""
    store = open_store(config.load({}, store=server.url))
    assert isinstance(store, RemoteStore)
    sent = Recorder(monkeypatch)
    local = _local(tmp_path, _release(50))
    first = store.publish_prepared(local, {})
    stale = store._served()
    changes = Changes()
    changes.add(local, [ox.Quad(ox.NamedNode("urn:new"), S, ox.Literal("n"), G1)])

    other = ox.Store()
    other.add(ox.Quad(ox.NamedNode("urn:other"), S, ox.Literal("o"), G3))
    intruder = store.publish_prepared(other, {"by": "another build"})
    sent.take()
    reads = [stale]  # the first read happened before the other build published
    served = store._served
    monkeypatch.setattr(store, "_served", lambda: reads.pop() if reads else served())
    seen: list[set] = []
    whole = RemoteStore.publish_prepared

    def publish_prepared(self, local, meta, **kwargs):
        seen.append(_remote_quads(self))  # what the guarded change left
        return whole(self, local, meta, **kwargs)

    monkeypatch.setattr(RemoteStore, "publish_prepared", publish_prepared)
    release = store.publish_changes(local, changes, {"by": "us"}, base=first.id)
    assert [kind for kind, _ in sent.take()] == ["change", "whole"]
    assert seen == [{("urn:other", "urn:s", "o", "urn:g3")}], "the guard let the change through"
    assert store.release() == release and release.id not in (first.id, intruder.id)
    assert _remote_quads(store) == _local_quads(local)


def test_a_change_is_sent_only_when_it_accounts_for_the_release(
    server: OxigraphServer, tmp_path: Path, monkeypatch
) -> None:
    store = open_store(config.load({}, store=server.url))
    assert isinstance(store, RemoteStore)
    sent = Recorder(monkeypatch)
    local = _local(tmp_path, _release(50))
    base = store.publish_prepared(local, {}).id
    sent.take()

    # a record that misses a quad written behind its back: the counts do not add up, even
    # when the build gives the size it computed from that record
    changes = Changes()
    changes.add(local, [ox.Quad(ox.NamedNode("urn:a"), S, ox.Literal("a"), G1)])
    local.add(ox.Quad(ox.NamedNode("urn:unrecorded"), S, ox.Literal("u"), G1))
    recorded = store.release().quads + 1
    released = store.publish_changes(local, changes, {}, base, quads=recorded)
    base = released.id
    assert [kind for kind, _ in sent.take()] == ["whole"]
    assert released.quads == len(local) == recorded + 1
    assert _remote_quads(store) == _local_quads(local)

    # another base than the served release
    changes = Changes()
    changes.add(local, [ox.Quad(ox.NamedNode("urn:b"), S, ox.Literal("b"), G1)])
    base = store.publish_changes(local, changes, {}, "not-the-served-release").id
    assert [kind for kind, _ in sent.take()] == ["whole"]

    # more than half the release changed
    changes = Changes()
    changes.remove(local, list(local.quads_for_pattern(None, None, None, G1))[:40])
    base = store.publish_changes(local, changes, {}, base).id
    assert [kind for kind, _ in sent.take()] == ["whole"]

    # a small change, blank nodes included: sent as a change
    changes = Changes()
    [role] = local.quads_for_pattern(None, ox.NamedNode("urn:kind"), None, G2)
    changes.remove(local, [role])
    changes.add(local, [ox.Quad(role.subject, role.predicate, ox.Literal("partner"), G2)])
    changes.remove(local, list(local.quads_for_pattern(None, None, None, G1))[:1])
    released = store.publish_changes(local, changes, {"n": 1}, base)
    [(kind, body)] = sent.take()
    assert kind == "change" and "<urn:g2>" in body
    assert store.release() == released and released.meta == {"n": 1}
    assert _remote_quads(store) == _local_quads(local)
    roles = store.select("SELECT ?k WHERE { <urn:s> <urn:role> ?n . ?n <urn:kind> ?k }")
    assert [str(r["k"]) for r in roles] == ["partner"]  # the role and its statement: one node


def test_a_blank_node_shared_with_a_graph_that_stays_cannot_be_sent_as_a_change(
    tmp_path: Path,
) -> None:
    node = ox.BlankNode()
    local = _local(
        tmp_path,
        [
            ox.Quad(S, ox.NamedNode("urn:role"), node, G1),
            ox.Quad(node, ox.NamedNode("urn:kind"), ox.Literal("operator"), G2),
        ],
    )
    changes = Changes()
    changes.add(local, [ox.Quad(node, ox.NamedNode("urn:note"), ox.Literal("x"), G2)])
    assert change_plan(local, changes) is None  # G1 holds the node but is not sent
    changes.add(local, [ox.Quad(node, ox.NamedNode("urn:note"), ox.Literal("y"), G1)])
    plan = change_plan(local, changes)
    assert plan is not None and plan.replaced == {G1, G2} and not plan.added


@pytest.mark.parametrize(
    ("mode", "sent"),
    [("update", ["change"]), ("put", ["whole"]), ("update+put", ["change"])],
)
def test_each_publish_mode_sends_a_change_its_own_way(
    server: OxigraphServer, tmp_path: Path, monkeypatch, mode: str, sent: list[str]
) -> None:
    """``put`` sends every release whole (the server may take no updates); ``update+put``
    sends whole releases by PUT and changes by update."""
    store = open_store(config.load({}, store=server.url, store_publish=mode))
    assert isinstance(store, RemoteStore)
    recorder = Recorder(monkeypatch)
    local = _local(tmp_path, _release(50))
    base = store.publish_prepared(local, {}).id
    assert [kind for kind, _ in recorder.take()] == ["whole"]
    changes = Changes()
    changes.add(local, [ox.Quad(ox.NamedNode("urn:a"), S, ox.Literal("a"), G1)])
    store.publish_changes(local, changes, {}, base)
    assert [kind for kind, _ in recorder.take()] == sent
    assert _remote_quads(store) == _local_quads(local)
