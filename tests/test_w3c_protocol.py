"""The W3C SPARQL 1.1 Protocol test suite, read from its manifest and run over HTTP.

The manifest is vendored: ``tests/vendor/w3c-sparql11/protocol/manifest.ttl`` (provenance and
licence in ``tests/vendor/w3c-sparql11/README.md``); ``$W3C_SPARQL11`` names another copy of the
suite instead. Each test gets a store of its own holding its ``ut:graphData`` (N-Triples files
loaded as named graphs, named by the test's labels), and an app served on a loopback port. Query
tests must pass; the service is read-only, so a test whose update must succeed is run to check
the opposite: every update request of it is refused (4xx). A missing manifest fails, and the
summary fails when nothing ran.
"""

from __future__ import annotations

import http.client
import json
import os
import threading
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDFS
from werkzeug.serving import make_server

from kg import config
from kg.store.embedded import EmbeddedStore

ROOT = Path(__file__).resolve().parent.parent
SUITE = Path(os.environ.get("W3C_SPARQL11") or ROOT / "tests" / "vendor" / "w3c-sparql11")
MANIFEST = SUITE / "protocol" / "manifest.ttl"

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"
PLACEHOLDER = "http://www.example/protocol-tests/placeholder"

COUNTS: Counter[str] = Counter()


@dataclass(frozen=True)
class Step:
    method: str
    path: str
    body: bytes | None
    headers: tuple[tuple[str, str], ...]
    statuses: frozenset[str]
    expected_format: str | None
    expected_boolean: bool | None

    @property
    def is_update(self) -> bool:
        content_type = dict(self.headers).get("content-type", "")
        text = (self.body or b"").decode("utf-8", "replace")
        return "sparql-update" in content_type or text.startswith("update=")


@dataclass(frozen=True)
class ProtocolTest:
    name: str
    title: str
    graphs: tuple[tuple[str, str], ...]  # (N-Triples file, graph name)
    steps: tuple[Step, ...] = field(default_factory=tuple)

    @property
    def needs_update(self) -> bool:
        """True when a step must succeed in changing the dataset (2xx for an update)."""
        return any(step.is_update and "2xx" in step.statuses for step in self.steps)


def _load() -> list[ProtocolTest]:
    if not MANIFEST.exists():
        return []  # test_the_manifest_is_there fails
    g = Graph().parse(MANIFEST, format="turtle", publicID=MANIFEST.as_uri())
    manifest = next(g.subjects(MF.entries, None))
    entries = Collection(g, g.value(manifest, MF.entries))
    return [_test(g, entry) for entry in entries]


def _test(g: Graph, entry: URIRef) -> ProtocolTest:
    graphs = tuple(
        (str(g.value(data, UT.graph)), str(g.value(data, RDFS.label)))
        for data in g.objects(entry, UT.graphData)
    )
    action = g.value(entry, MF.action)
    requests = Collection(g, g.value(action, HT.requests))
    return ProtocolTest(
        name=str(entry).rsplit("#", 1)[-1],
        title=str(g.value(entry, MF.name)),
        graphs=graphs,
        steps=tuple(_step(g, request) for request in requests),
    )


def _step(g: Graph, request: URIRef) -> Step:
    body = g.value(request, HT.body)
    data = None
    if body is not None:
        encoding = str(g.value(body, CNT.characterEncoding) or "UTF-8")
        data = str(g.value(body, CNT.chars)).encode(encoding)
    headers_list = g.value(request, HT.headers)
    headers = tuple(
        (str(g.value(h, HT.fieldName)).lower(), str(g.value(h, HT.fieldValue)))
        for h in (Collection(g, headers_list) if headers_list else [])
    )
    response = g.value(request, HT.resp)
    boolean = g.value(response, MF.expectedBoolean)
    return Step(
        method=str(g.value(request, HT.methodName)),
        path=str(g.value(request, HT.absolutePath)),
        body=data,
        headers=headers,
        statuses=frozenset(
            str(s).removeprefix(HTS) for s in g.objects(response, MF.expectedStatus)
        ),
        expected_format=str(g.value(response, MF.expectedFormat) or "") or None,
        expected_boolean=None if boolean is None else bool(boolean.toPython()),
    )


TESTS = _load()


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """One store and app per distinct set of graph data, started on first use."""
    started: dict = {}
    yield started
    for server, thread, app in started.values():
        server.shutdown()
        thread.join(timeout=5)
        app.extensions["kg.sandbox"].close()


def _server(servers: dict, test: ProtocolTest, tmp_path_factory) -> str:
    key = test.graphs
    if key not in servers:
        from web import create_app

        folder = tmp_path_factory.mktemp("w3c-store")
        _publish(folder, test.graphs)
        settings = config.load({}, project=ROOT, store=str(folder), query_workers=1)
        app = create_app({"TESTING": True}, settings=settings)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers[key] = (server, thread, app)
    return f"127.0.0.1:{servers[key][0].server_port}"


def _publish(folder: Path, graphs: tuple[tuple[str, str], ...]) -> None:
    """An embedded store release holding each N-Triples file as the named graph it names."""
    lines = [f"<{PLACEHOLDER}> <{PLACEHOLDER}> <{PLACEHOLDER}> <{PLACEHOLDER}> .\n"]
    for source, name in graphs:
        data = Graph().parse(Path(source.removeprefix("file://")), format="nt")
        lines.extend(f"{s.n3()} {p.n3()} {o.n3()} <{name}> .\n" for s, p, o in data)
    nquads = folder.parent / f"{folder.name}.nq"
    nquads.write_text("".join(lines), encoding="utf-8")
    EmbeddedStore(folder).publish(nquads, meta={"w3c": True})


def _send(host: str, step: Step) -> tuple[int, str, bytes]:
    connection = http.client.HTTPConnection(host, timeout=30)
    path = "/sparql" + step.path.removeprefix("/sparql/")  # "/sparql/?query=…" → "/sparql?…"
    connection.request(step.method, path, body=step.body, headers=dict(step.headers))
    response = connection.getresponse()
    answer = (response.status, response.getheader("Content-Type", ""), response.read())
    connection.close()
    return answer


def _check(step: Step, status: int, content_type: str, body: bytes) -> None:
    assert f"{status // 100}xx" in step.statuses, (status, body[:300])
    if step.expected_format is None or status >= 300:
        return
    mimetype = content_type.split(";")[0].strip()
    if step.expected_format in ("boolean", "tabular"):
        assert mimetype in _TABULAR, mimetype
        if step.expected_boolean is not None:
            assert _boolean(mimetype, body) is step.expected_boolean
    else:
        assert mimetype in _RDF, mimetype
        Graph().parse(data=body, format=_RDF[mimetype])


_TABULAR = {
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
}
_RDF = {"application/rdf+xml": "xml", "text/turtle": "turtle", "application/n-triples": "nt"}


def _boolean(mimetype: str, body: bytes) -> bool:
    if mimetype.endswith("json"):
        return json.loads(body)["boolean"]
    if mimetype.endswith("xml"):
        node = ET.fromstring(body).find("{http://www.w3.org/2005/sparql-results#}boolean")
        assert node is not None
        return node.text == "true"
    return body.decode().strip() == "true"


def test_the_manifest_is_there() -> None:
    assert MANIFEST.is_file(), f"W3C protocol manifest not found at {MANIFEST}"
    assert TESTS, f"no tests in {MANIFEST}"


@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_protocol(test: ProtocolTest, servers: dict, tmp_path_factory) -> None:
    host = _server(servers, test, tmp_path_factory)
    if test.needs_update:
        _refused(host, test)
        COUNTS["refused"] += 1
        return
    COUNTS["run"] += 1
    for step in test.steps:
        _check(step, *_send(host, step))
    COUNTS["passed"] += 1


def _refused(host: str, test: ProtocolTest) -> None:
    """A read-only service answers every update request of ``test`` with a client error."""
    updates = [step for step in test.steps if step.is_update]
    assert updates, test.name
    for step in updates:
        status, _, body = _send(host, step)
        assert 400 <= status < 500, (test.name, status, body[:300])


def test_protocol_summary(capsys) -> None:
    """Print how many W3C protocol tests ran and passed; fail when none did (a missing or empty
    manifest, or a selection that left them out, would otherwise pass unnoticed)."""
    with capsys.disabled():
        print(
            f"\nW3C SPARQL 1.1 Protocol ({MANIFEST}): {len(TESTS)} tests, "
            f"{COUNTS['run']} query tests run, {COUNTS['passed']} passed, "
            f"{COUNTS['refused']} update tests refused as a read-only service must"
        )
    assert TESTS, f"no W3C protocol tests read from {MANIFEST}"
    assert COUNTS["run"] > 0, "no W3C protocol query test ran"
    assert COUNTS["passed"] == COUNTS["run"]
    assert COUNTS["run"] + COUNTS["refused"] == len(TESTS), "some W3C protocol tests did not run"
