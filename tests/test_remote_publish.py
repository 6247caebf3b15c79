"""Publishing to a SPARQL server is atomic for readers: they see the old release or the new one,
never a mix; a publish that fails half-way (a cut request, a killed server) leaves the old one."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
from servers import OxigraphServer

from kg import config
from kg.cli import main
from kg.errors import KGError, PublishFailed, StoreUnavailable
from kg.store import open_store
from kg.store.remote import (
    META_PREDICATE,
    META_SUBJECT,
    Endpoints,
    RemoteStore,
    write_switch_update,
)

TAGS = "SELECT ?t (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s <urn:tag> ?t } } GROUP BY ?t"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[OxigraphServer]:
    srv = OxigraphServer(tmp_path / "data").start()
    try:
        yield srv
    finally:
        srv.stop()


def remote(server: OxigraphServer, **settings) -> RemoteStore:
    store = open_store(config.load({}, store=server.url, **settings))
    assert isinstance(store, RemoteStore)
    return store


def release_file(tmp_path: Path, tag: str, n: int, graphs: int = 200) -> Path:
    path = tmp_path / f"{tag}-{n}.nq"
    with open(path, "w", encoding="utf-8") as out:
        for i in range(n):
            out.write(f'<urn:{tag}:s{i}> <urn:tag> "{tag}" <urn:g{i % graphs}> .\n')
    return path


def snapshot(store: RemoteStore) -> dict[str, int]:
    return {row["t"].value: int(row["n"].value) for row in store.select(TAGS)}


@pytest.mark.parametrize("mode", ["update", "put"])
def test_readers_see_the_old_or_the_new_release_never_a_mix(
    server: OxigraphServer, tmp_path: Path, mode: str
) -> None:
    store = remote(server, store_publish=mode)
    releases = [release_file(tmp_path, "a", 8_000), release_file(tmp_path, "b", 12_000)]
    store.publish(releases[0], {})
    allowed = [{"a": 8_000}, {"b": 12_000}]
    seen: list[dict[str, int]] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def read() -> None:
        reader = remote(server)
        while not stop.is_set():
            try:
                seen.append(snapshot(reader))
            except KGError as exc:  # pragma: no cover - reported below
                errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        for path in (releases[1], releases[0], releases[1]):
            store.publish(path, {"file": path.name})
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert not errors
    assert len(seen) > 3
    mixed = [s for s in seen if s not in allowed]
    assert not mixed, f"a reader saw a mix of releases: {mixed[:3]}"
    assert {"b": 12_000} in seen
    assert snapshot(store) == {"b": 12_000}
    assert store.release().meta == {"file": releases[1].name}  # type: ignore[union-attr]


def test_a_request_cut_half_way_leaves_the_old_release(
    server: OxigraphServer, tmp_path: Path
) -> None:
    store = remote(server)
    served = store.publish(release_file(tmp_path, "a", 5_000), {})
    local = ox.Store()
    local.bulk_load(path=str(release_file(tmp_path, "b", 5_000)), format=ox.RdfFormat.N_QUADS)
    meta = ox.Triple(ox.NamedNode(META_SUBJECT), ox.NamedNode(META_PREDICATE), ox.Literal("{}"))
    body = tmp_path / "update.ru"
    write_switch_update(local, meta, body)
    data = body.read_bytes()
    url = urlsplit(store.endpoints.update)
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        head = (
            f"POST {url.path} HTTP/1.1\r\nHost: {url.netloc}\r\n"
            f"Content-Type: application/sparql-update\r\nContent-Length: {len(data)}\r\n\r\n"
        )
        sock.sendall(head.encode() + data[: len(data) // 2])  # then the build "dies"
    time.sleep(0.5)
    store._meta_cache = None
    assert store.release() == served
    assert snapshot(store) == {"a": 5_000}


def test_a_server_killed_during_publish_keeps_one_consistent_release(
    server: OxigraphServer, tmp_path: Path
) -> None:
    store = remote(server, store_retries=0)
    served = store.publish(release_file(tmp_path, "a", 5_000), {"tag": "a"})
    big = release_file(tmp_path, "b", 150_000)
    failure: list[BaseException] = []

    def publish() -> None:
        try:
            store.publish(big, {"tag": "b"})
        except KGError as exc:
            failure.append(exc)

    sending = threading.Event()
    send = store._http

    def announced(*args, **kwargs) -> bytes:  # the publish request is on its way: kill now
        sending.set()
        return send(*args, **kwargs)

    store._http = announced  # type: ignore[method-assign]
    thread = threading.Thread(target=publish)
    thread.start()
    assert sending.wait(timeout=600), "the publish never sent its request"
    server.kill()
    thread.join(timeout=600)
    assert not thread.is_alive()
    server.start()
    after = remote(server)
    release = after.release()
    assert release is not None
    counts = snapshot(after)
    if release == served:
        assert counts == {"a": 5_000}
        assert failure, "the publish reported success but the old release is served"
    else:
        assert release.meta == {"tag": "b"} and counts == {"b": 150_000}


def test_kg_build_store_url_publishes_and_a_failed_build_leaves_it(
    server: OxigraphServer, project_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", "--project", str(project_copy), "--store", server.url, "--quiet"]) == 0
    store = remote(server)
    served = store.release()
    assert served is not None and served.quads > 1000
    uc = next((project_copy / "usecases").glob("*.yaml"))
    uc.write_text(uc.read_text(encoding="utf-8") + "\nmaturity: not-a-maturity\n", encoding="utf-8")
    assert main(["build", "--project", str(project_copy), "--store", server.url, "--quiet"]) != 0
    store._meta_cache = None
    assert store.release() == served
    err = capsys.readouterr().err
    assert f"Nothing published; release {served.id} is still being served." in err


def test_kg_build_writes_the_request_body_into_its_scratch_folder(
    server: OxigraphServer, project_copy: Path, monkeypatch
) -> None:
    """The body holds the whole release: a killed build must not leave it beside the store
    (the next build sweeps ``var/tmp/``, kg.scratch), and a finished one removes it."""
    bodies: list[Path] = []
    send = RemoteStore._send_release

    def recording(self, local, release, body: Path) -> None:
        bodies.append(body)
        send(self, local, release, body)
        assert body.exists()

    monkeypatch.setattr(RemoteStore, "_send_release", recording)
    args = ["build", "--project", str(project_copy), "--store", server.url, "--quiet"]
    assert main([*args, "--no-reason"]) == 0
    scratch = project_copy / "var" / "tmp"
    assert len(bodies) == 1 and bodies[0].is_relative_to(scratch)
    assert not bodies[0].exists()
    assert list(scratch.iterdir()) == []


@pytest.mark.parametrize("mode", ["update", "put", "update+put"])
def test_each_publish_mode_sends_the_release_its_own_way(
    server: OxigraphServer, tmp_path: Path, mode: str
) -> None:
    """``KG_STORE_PUBLISH=update`` swaps the release in with one SPARQL update, ``put`` and
    ``update+put`` with one Graph Store PUT (for servers that take only one of them, or limit
    the size of updates); never the other way."""
    store = remote(server, store_publish=mode)
    sent: list[tuple[str, str]] = []
    send = store._http

    def recording(method: str, url: str, **kwargs) -> bytes:
        sent.append((method, url))
        return send(method, url, **kwargs)

    store._http = recording  # type: ignore[method-assign]
    store.publish(release_file(tmp_path, "a", 100), {})
    expected = {
        "update": ("POST", store.endpoints.update),
        "put": ("PUT", store.endpoints.graph_store),
        "update+put": ("PUT", store.endpoints.graph_store),
    }
    writes = [(method, url) for method, url in sent if method != "GET"]
    assert writes == [expected[mode]]
    assert snapshot(store) == {"a": 100}


def test_an_empty_release_is_refused_and_the_served_one_stays(
    server: OxigraphServer, tmp_path: Path
) -> None:
    """A release without quads would leave the site empty: it is never sent."""
    store = remote(server)
    served = store.publish(release_file(tmp_path, "a", 100), {})
    empty = tmp_path / "empty.nq"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(PublishFailed, match="holds no quads"):
        store.publish(empty, {})
    # the build's own door (kg.build.pipeline sends the store it prepared)
    with pytest.raises(PublishFailed, match="holds no quads"):
        store.publish_prepared(ox.Store(), {})
    store._meta_cache = None
    assert store.release() == served
    assert snapshot(store) == {"a": 100}


class _Garbage(BaseHTTPRequestHandler):
    """A server whose default graph is not N-Triples at all."""

    def do_GET(self) -> None:
        body = b"<urn:x-sckg:store> <urn:x-sckg:release> this is not N-Triples\n"
        self.send_response(200)
        self.send_header("Content-Type", "application/n-triples")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def test_unreadable_release_metadata_is_reported_as_the_store_being_unavailable() -> None:
    """Release metadata the server sends back unparseable is the store's fault: the caller gets
    StoreUnavailable (a 503 for the web app), not a parser's exception."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Garbage)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}"
        store = RemoteStore(Endpoints.derive(url), retries=0)
        with pytest.raises(StoreUnavailable, match="release metadata in the store is broken"):
            store.release()
    finally:
        httpd.shutdown()
        httpd.server_close()
