"""The remote store: any SPARQL 1.1 server, spoken to over the SPARQL 1.1 Protocol.

Queries go through SPARQLWrapper to the query endpoint; publishing goes to the update endpoint
(or, with ``KG_STORE_PUBLISH=put``, to the Graph Store endpoint); the release metadata is read
with a Graph Store ``GET ?default``. Every call has a timeout; idempotent reads (queries and
metadata) are retried with exponential back-off when the server cannot be reached, writes never.

The server must answer queries over the union of its named graphs when a query names no dataset
(Oxigraph: ``oxigraph serve --union-default-graph``; Fuseki: ``tdb2:unionDefaultGraph true``;
Virtuoso and GraphDB do so by default), like the embedded store. The knowledge graph owns the
dataset it publishes into: a publish replaces everything in it.

**Bindings.** Parameters are typed terms, never pasted as user text: each term is written with
:meth:`kg.rdf.IRI.n3` / :meth:`kg.rdf.Literal.n3` (which escape every character that could end
a literal or an IRI, and refuse IRIs that cannot be written), variable names and language tags
are checked against the SPARQL grammar, and the resulting one-row ``VALUES`` block is inserted
as the first element of the query's outermost group pattern::

    SELECT ?title WHERE { ?uc dcterms:title ?title }        bindings {uc: <…/usecase/x>}
    SELECT ?title WHERE { VALUES (?uc) { (<…/usecase/x>) } ?uc dcterms:title ?title }

This has the semantics of pyoxigraph's ``substitutions`` (and of SEP-0007 pre-binding) for
every variable of the outermost group: the variable is bound before anything else in the group
is evaluated, so triple patterns, ``FILTER``, ``OPTIONAL``, ``MINUS``, ``EXISTS`` and the
projection all see the value. Two limits, both checked by the contract tests on both backends: a
variable used only inside a sub-``SELECT`` that does not project it is a different variable
there (SPARQL scoping), and a bound variable must not be assigned again by ``BIND`` in the
outermost group. A ``CONSTRUCT WHERE { … }`` short form is expanded to its long form first.

**Publishing** (see docs/deployment.md for the guarantee per server): the new release is prepared
completely on the build machine — the N-Quads loaded into a temporary pyoxigraph store and the
build's SPARQL Update rules run there, exactly as the embedded store does — and then sent in ONE
request that drops the old release and inserts the new one together with its metadata. A server
that runs each request as one transaction (Oxigraph server, Fuseki/TDB2, GraphDB) shows readers
the old release or the new one, never a mix; a build that fails before or during that request
leaves the served release untouched. Staging the new release in graphs of the same dataset
first is not an option: with the union default graph every reader would see both releases while
the staging graphs exist, and naming the served graphs in each query instead would put one IRI
per source file (10,000 at 10,000 use cases) into every request.

An incremental build sends only its change (:meth:`RemoteStore.publish_changes`): one request
that deletes the net removed quads, inserts the net added ones and replaces the few graphs
whose change involves blank nodes, each operation guarded by the metadata of the release the
change starts from, so that it applies to that release or not at all.
"""

from __future__ import annotations

import base64
import http.client
import itertools
import json
import re
import socket
import tempfile
import threading
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, TypeVar

import pyoxigraph as ox
from SPARQLWrapper import POST, SELECT, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError,
    EndPointNotFound,
    QueryBadFormed,
    SPARQLWrapperException,
    Unauthorized,
    URITooLong,
)

from kg.config import PUBLISH_MODES
from kg.errors import (
    ConfigurationError,
    PublishFailed,
    QueryError,
    QueryRefused,
    QueryTimeout,
    StoreUnavailable,
)
from kg.rdf import IRI, BNode, Literal, Term, Triple
from kg.sparqllex import tokens
from kg.store.base import (
    Bindings,
    Dataset,
    QueryKind,
    Release,
    ResultFormat,
    Row,
    Store,
    new_release_id,
)
from kg.store.oxigraph import RDF_FORMATS as _RDF_FORMATS
from kg.store.oxigraph import RESULT_FORMATS as _RESULT_FORMATS
from kg.store.oxigraph import capped as _capped
from kg.store.oxigraph import from_ox as _from_ox
from kg.store.oxigraph import load_release as _prepare_release
from kg.store.oxigraph import to_ox as _to_ox

if TYPE_CHECKING:
    from kg.store.changes import Changes

T = TypeVar("T")

#: Where the release metadata lives: one triple in the real default graph of the server.
META_SUBJECT = "urn:x-sckg:store"
META_PREDICATE = "urn:x-sckg:release"

_JSON = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"
_RETRY_STATUS = frozenset({502, 503, 504})


@dataclass(frozen=True)
class Endpoints:
    """The three URLs of a SPARQL 1.1 server."""

    query: str
    update: str
    graph_store: str

    @classmethod
    def derive(
        cls, store: str, query: str = "", update: str = "", graph_store: str = ""
    ) -> Endpoints:
        """Explicit URLs win; the others follow Oxigraph's layout under ``store``."""
        root = store.rstrip("/")
        return cls(
            query or root + "/query", update or root + "/update", graph_store or root + "/store"
        )


class RemoteStore(Store):
    """A SPARQL 1.1 server behind the store interface; see the module documentation."""

    def __init__(
        self,
        endpoints: Endpoints,
        *,
        user: str = "",
        password: str = "",
        timeout: float = 30.0,
        publish_timeout: float = 600.0,
        retries: int = 3,
        backoff: float = 0.2,
        publish_mode: str = "update",
        meta_ttl: float = 1.0,
        spool: Path | None = None,
    ) -> None:
        if publish_mode not in PUBLISH_MODES:
            raise ConfigurationError(
                f"KG_STORE_PUBLISH must be update, put or update+put, not {publish_mode!r}"
            )
        self.endpoints = endpoints
        self.user = user
        self._password = password
        self.timeout = timeout
        self.publish_timeout = publish_timeout
        self.retries = max(0, retries)
        self.backoff = backoff
        self.publish_mode = publish_mode
        self.meta_ttl = meta_ttl
        #: where the request body of a publish is written (it is as big as the release)
        self.spool = spool
        self._meta_lock = threading.Lock()
        self._meta_cache: tuple[float, Release | None] | None = None

    def __repr__(self) -> str:
        return f"RemoteStore({self.endpoints.query!r})"

    # -- transport ------------------------------------------------------------------------
    def _with_retries(self, call: Callable[[], T]) -> T:
        """``call()``, retried with exponential back-off while the server cannot be reached."""
        for attempt in itertools.count():
            try:
                return call()
            except StoreUnavailable:
                if attempt >= self.retries:
                    raise
                time.sleep(self.backoff * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def _auth_header(self) -> dict[str, str]:
        if not self.user:
            return {}
        token = base64.b64encode(f"{self.user}:{self._password}".encode()).decode("ascii")
        return {"Authorization": "Basic " + token}

    def _sparql(self, query: str, accept: str, dataset: Dataset | None = None) -> bytes:
        """The raw answer of the query endpoint to ``query`` (retried when unreachable)."""

        def call() -> bytes:
            wrapper = SPARQLWrapper(self.endpoints.query)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # its query-type sniffing warns; we set the type
                wrapper.setQuery(query)
            wrapper.queryType = SELECT  # always the query operation, never an update
            wrapper.setMethod(POST)
            wrapper.setRequestMethod(URLENCODED)
            wrapper.setOnlyConneg(True)
            wrapper.timeout = self.timeout  # type: ignore[assignment] - seconds, fractions too
            if self.user:
                wrapper.setCredentials(self.user, self._password)
            wrapper.addCustomHttpHeader("Accept", accept)
            for graph in dataset.default_graphs if dataset else ():
                wrapper.addDefaultGraph(graph)
            for graph in dataset.named_graphs if dataset else ():
                wrapper.addNamedGraph(graph)
            try:
                response = wrapper.query().response
                return response.read()
            except QueryBadFormed as exc:
                raise QueryError(f"the store refused the query: {_message(exc)}") from exc
            except (Unauthorized, EndPointNotFound, URITooLong) as exc:
                raise StoreUnavailable(f"the store answered {type(exc).__name__}") from exc
            except EndPointInternalError as exc:
                raise QueryError(f"the store failed on the query: {_message(exc)}") from exc
            except SPARQLWrapperException as exc:  # pragma: no cover - other protocol errors
                raise QueryError(str(exc)) from exc
            except Exception as exc:
                raise _transport_error(exc, self.endpoints.query) from exc

        return self._with_retries(call)

    def _http(
        self,
        method: str,
        url: str,
        *,
        body: IO[bytes] | bytes | None = None,
        size: int | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> bytes:
        """One plain HTTP request (updates and the Graph Store Protocol); no retries."""
        request = urllib.request.Request(url, data=body, method=method)
        for key, value in {**self._auth_header(), **(headers or {})}.items():
            request.add_header(key, value)
        if size is not None:
            request.add_header("Content-Length", str(size))
        try:
            with urllib.request.urlopen(request, timeout=timeout or self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:500].decode("utf-8", "replace")
            if exc.code in _RETRY_STATUS or exc.code in (401, 403):
                raise StoreUnavailable(f"{method} {url} answered {exc.code}: {detail}") from exc
            raise QueryError(f"{method} {url} answered {exc.code}: {detail}") from exc
        except Exception as exc:
            raise _transport_error(exc, url) from exc

    # -- reading --------------------------------------------------------------------------
    def _prepare(self, query: str, bindings: Bindings | None, base_iri: str | None = None) -> str:
        _refuse_service(query)
        text = bind_values(query, bindings) if bindings else query
        if base_iri:
            text = f"BASE {IRI(base_iri).n3()}\n{text}"
        return text

    def _json(self, query: str, bindings: Bindings | None, dataset: Dataset | None = None) -> dict:
        data = self._sparql(self._prepare(query, bindings), _JSON, dataset)
        try:
            return json.loads(data)
        except ValueError as exc:
            raise QueryError("the store answered with broken SPARQL JSON results") from exc

    def select(self, query: str, bindings: Bindings | None = None) -> list[Row]:
        document = self._json(query, bindings)
        return [
            {name: term_from_json(value) for name, value in row.items()}
            for row in document.get("results", {}).get("bindings", [])
        ]

    def ask(self, query: str, bindings: Bindings | None = None) -> bool:
        document = self._json(query, bindings)
        if "boolean" not in document:
            raise QueryError("not an ASK query")
        return bool(document["boolean"])

    def _triples(self, text: str, dataset: Dataset | None = None) -> Iterator[ox.Triple]:
        data = self._sparql(text, _NTRIPLES, dataset)
        try:
            yield from (q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
        except SyntaxError as exc:
            raise QueryError(f"the store answered with broken N-Triples: {exc}") from exc

    def construct(self, query: str, bindings: Bindings | None = None) -> list[Triple]:
        return [
            (_from_ox(t.subject), _from_ox(t.predicate), _from_ox(t.object))  # type: ignore[misc]
            for t in self._triples(self._prepare(query, bindings))
        ]

    def serialize(
        self,
        query: str,
        kind: QueryKind,
        fmt: ResultFormat,
        *,
        dataset: Dataset | None = None,
        bindings: Bindings | None = None,
        base_iri: str | None = None,
        max_rows: int | None = None,
    ) -> bytes:
        wanted = _RDF_FORMATS if kind.is_graph else _RESULT_FORMATS
        if fmt not in wanted:
            raise QueryError(f"a {kind.value} result cannot be given as {fmt.media_type}")
        text = self._prepare(query, bindings, base_iri)
        dataset = dataset if dataset and (dataset.default_graphs or dataset.named_graphs) else None
        if kind.is_graph:
            triples = _capped(self._triples(text, dataset), max_rows, "triples")
            return ox.serialize(triples, format=_RDF_FORMATS[fmt]) or b""
        data = self._sparql(text, _JSON, dataset)
        if max_rows is not None:
            try:
                rows = json.loads(data).get("results", {}).get("bindings", [])
            except ValueError as exc:
                raise QueryError("the store answered with broken SPARQL JSON results") from exc
            _capped(iter(rows), max_rows, "rows")
        try:
            parsed = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
        except SyntaxError as exc:
            raise QueryError(f"the store answered with broken results: {exc}") from exc
        return parsed.serialize(format=_RESULT_FORMATS[fmt]) or b""

    def release(self) -> Release | None:
        """The served release, read from the metadata triple (cached for ``meta_ttl`` s)."""
        now = time.monotonic()
        cached = self._meta_cache
        if cached is not None and now - cached[0] < self.meta_ttl:
            return cached[1]
        with self._meta_lock:
            release = self._with_retries(self._read_release)
            self._meta_cache = (time.monotonic(), release)
            return release

    def _read_release(self) -> Release | None:
        return self._served()[0]

    def _served(self) -> tuple[Release | None, ox.Triple | None]:
        """The served release and the metadata triple it was read from, as the server has it."""
        url = self.endpoints.graph_store + "?default"
        data = self._http("GET", url, headers={"Accept": _NTRIPLES})
        try:
            for quad in ox.parse(data, format=ox.RdfFormat.N_TRIPLES):
                if quad.subject == ox.NamedNode(META_SUBJECT) and quad.predicate == ox.NamedNode(
                    META_PREDICATE
                ):
                    info = json.loads(quad.object.value)  # type: ignore[union-attr]
                    release = Release(
                        info["id"], info["quads"], info["created"], info.get("meta", {})
                    )
                    return release, quad.triple
        except (SyntaxError, ValueError, KeyError) as exc:
            raise StoreUnavailable(f"the release metadata in the store is broken: {exc}") from exc
        return None, None

    def dump(self, fmt: ResultFormat, out: Path) -> None:
        rdf_format = _RDF_FORMATS[fmt]
        document = self._json("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }", None)
        rows = document["results"]["bindings"]
        terms = [{k: _to_ox(term_from_json(v)) for k, v in row.items()} for row in rows]
        if rdf_format.supports_datasets:
            ox.serialize(
                (ox.Quad(t["s"], t["p"], t["o"], t["g"]) for t in terms),
                str(out),
                format=rdf_format,
            )
        else:  # a triple format: the union of all graphs, as queries see it
            ox.serialize(
                (ox.Triple(t["s"], t["p"], t["o"]) for t in terms), str(out), format=rdf_format
            )

    # -- publishing -----------------------------------------------------------------------
    def publish(
        self, nquads: Path, meta: Mapping[str, object], updates: Sequence[str] = ()
    ) -> Release:
        with tempfile.TemporaryDirectory(prefix="kg-release-", dir=Path(nquads).parent) as tmp:
            try:
                local, _ = _prepare_release(Path(tmp) / "store", Path(nquads), updates)
            except (OSError, SyntaxError, ValueError) as exc:
                raise PublishFailed(f"preparing the new release failed: {exc}") from exc
            try:
                return self.publish_prepared(local, meta)
            finally:
                del local

    def publish_prepared(
        self, local: ox.Store, meta: Mapping[str, object], *, quads: int | None = None
    ) -> Release:
        """Send the whole of ``local`` (of ``quads`` quads, when the caller knows) in one
        request (the server swaps it in one transaction)."""
        release_id = new_release_id()
        count = len(local) if quads is None else quads
        if count == 0:
            raise PublishFailed("the new release holds no quads")
        release = Release(
            release_id, count, datetime.now(UTC).isoformat(timespec="seconds"), dict(meta)
        )
        with tempfile.TemporaryDirectory(prefix="kg-send-", dir=self.spool) as tmp:
            self._send_release(local, release, Path(tmp) / "request")
        self._meta_cache = None
        served = self.release()
        if served is None or served.id != release.id:
            raise PublishFailed(
                f"published release {release.id}, but the store serves "
                f"{served.id if served else 'nothing'} (another build published at the same time?)"
            )
        self._check_union_default_graph()
        return release

    def publish_changes(
        self,
        local: ox.Store,
        changes: Changes,
        meta: Mapping[str, object],
        base: str,
        *,
        quads: int | None = None,
    ) -> Release:
        """Send only what changed since ``base`` (see :func:`change_plan`), in ONE update
        request whose every operation holds only while the server still serves ``base``.

        The whole of ``local`` is sent instead (:meth:`publish_prepared`) when the server
        serves another release, publishes only by Graph Store ``PUT`` (``put``; ``update+put``
        sends changes as updates), when the record does not
        account for ``local`` (its count of quads does not add up; counted even when the caller
        gives ``quads``, which it computed from the same record), when blank nodes would
        lose their identity, or when the change is as large as half the release. A change the
        server did not apply (the guard failed: another build published in between) is
        followed by the whole release too, so the served graph is always ``local``.
        """
        if self.publish_mode == "put":
            return self.publish_prepared(local, meta, quads=quads)
        del quads  # counted below all the same: the count checks the record
        self._meta_cache = None
        served, guard = self._with_retries(self._served)
        count = len(local)
        if served is None or guard is None or served.id != base or count == 0:
            return self.publish_prepared(local, meta, quads=count)
        if served.quads - len(changes.removed) + len(changes.added) != count:
            return self.publish_prepared(local, meta, quads=count)
        plan = change_plan(local, changes)
        if plan is None or plan.size > count // 2:
            return self.publish_prepared(local, meta, quads=count)
        release = Release(
            new_release_id(), count, datetime.now(UTC).isoformat(timespec="seconds"), dict(meta)
        )
        with tempfile.TemporaryDirectory(prefix="kg-send-", dir=self.spool) as tmp:
            body = Path(tmp) / "request"
            write_change_update(local, plan, guard, _meta_triple(release), body)
            try:
                with open(body, "rb") as handle:
                    self._http(
                        "POST",
                        self.endpoints.update,
                        body=handle,
                        size=body.stat().st_size,
                        headers={"Content-Type": "application/sparql-update"},
                        timeout=self.publish_timeout,
                    )
            except (QueryError, StoreUnavailable) as exc:
                raise PublishFailed(f"the store did not take the change: {exc}") from exc
        self._meta_cache = None
        now = self.release()
        if now is None or now.id != release.id:
            return self.publish_prepared(local, meta, quads=count)
        return release

    def _send_release(self, local: ox.Store, release: Release, body: Path) -> None:
        meta = _meta_triple(release)
        if self.publish_mode == "update":
            write_switch_update(local, meta, body)
            url, headers = self.endpoints.update, {"Content-Type": "application/sparql-update"}
            method = "POST"
        else:
            with open(body, "wb") as out:
                local.dump(out, format=ox.RdfFormat.N_QUADS)
                out.write(f"{meta} .\n".encode())
            url, headers, method = (
                self.endpoints.graph_store,
                {"Content-Type": "application/n-quads"},
                "PUT",
            )
        try:
            with open(body, "rb") as handle:
                self._http(
                    method,
                    url,
                    body=handle,
                    size=body.stat().st_size,
                    headers=headers,
                    timeout=self.publish_timeout,
                )
        except (QueryError, StoreUnavailable) as exc:
            hint = ""
            if self.publish_mode == "update" and isinstance(exc, QueryError):
                hint = (
                    "; a server that limits the size of update requests (Oxigraph: 128 MiB) "
                    "takes a large release with KG_STORE_PUBLISH=put"
                )
            raise PublishFailed(f"the store did not take the new release: {exc}{hint}") from exc

    def _check_union_default_graph(self) -> None:
        """Refuse a server whose default graph is not the union of the named graphs."""
        probe = (
            "ASK { { SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1 } "
            "FILTER NOT EXISTS { ?s ?p ?o } }"
        )
        if self.ask(probe):
            raise ConfigurationError(
                "the SPARQL server does not answer queries over the union of its named graphs; "
                "start it with the union default graph (oxigraph serve --union-default-graph, "
                "Fuseki: tdb2:unionDefaultGraph true)"
            )

    def is_up(self) -> bool:
        """True when the query endpoint answers a trivial query (one try, no retries)."""
        saved, self.retries = self.retries, 0
        try:
            self._sparql("ASK {}", _JSON)
            return True
        except StoreUnavailable:
            return False
        finally:
            self.retries = saved


def _meta_triple(release: Release) -> ox.Triple:
    info = json.dumps(
        {
            "id": release.id,
            "quads": release.quads,
            "created": release.created,
            "meta": release.meta,
        },
        ensure_ascii=False,
    )
    return ox.Triple(ox.NamedNode(META_SUBJECT), ox.NamedNode(META_PREDICATE), ox.Literal(info))


@dataclass(frozen=True)
class ChangePlan:
    """How an update request brings the served release to ``local``: the graphs to send whole
    and, for the others, the net quads to delete and to insert."""

    replaced: frozenset[ox.NamedNode]
    removed: tuple[ox.Quad, ...]
    added: tuple[ox.Quad, ...]
    size: int  # quads the request names


def _blank(term: object) -> bool:
    if isinstance(term, ox.BlankNode):
        return True
    if isinstance(term, ox.Triple):  # a quoted triple
        return any(_blank(t) for t in (term.subject, term.predicate, term.object))
    return False


def _has_blank(quad: ox.Quad) -> bool:
    return _blank(quad.subject) or _blank(quad.object)


def change_plan(local: ox.Store, changes: Changes) -> ChangePlan | None:
    """What :meth:`RemoteStore.publish_changes` sends for ``changes``, or None when they
    cannot be sent as a change.

    A blank node cannot be named in a ``DELETE`` (the server's labels are not ours), so a graph
    whose change involves one is cleared and sent whole; its blank nodes keep their identity as
    long as no graph that stays holds them too (none does in a release: the build keeps blank
    nodes inside the graph of the file that wrote them), otherwise None. A change in the
    default graph with a blank node is None too.
    """
    replaced: set[ox.NamedNode] = set()
    for quad in (*changes.removed, *changes.added):
        if _has_blank(quad):
            if not isinstance(quad.graph_name, ox.NamedNode):
                return None
            replaced.add(quad.graph_name)
    size = 0
    for graph in replaced:
        for quad in local.quads_for_pattern(None, None, None, graph):
            size += 1
            for term in (quad.subject, quad.object):
                if isinstance(term, ox.BlankNode) and not _held_only_by(local, term, replaced):
                    return None
    removed = tuple(q for q in changes.removed if q.graph_name not in replaced)
    added = tuple(q for q in changes.added if q.graph_name not in replaced)
    return ChangePlan(frozenset(replaced), removed, added, size + len(removed) + len(added))


def _held_only_by(local: ox.Store, node: ox.BlankNode, graphs: set[ox.NamedNode]) -> bool:
    holders = itertools.chain(
        local.quads_for_pattern(node, None, None, None),
        local.quads_for_pattern(None, None, node, None),
    )
    return all(quad.graph_name in graphs for quad in holders)


def write_change_update(
    local: ox.Store, plan: ChangePlan, served: ox.Triple, meta: ox.Triple, out: Path
) -> None:
    """Write the ONE update request that turns the release whose metadata is ``served`` into
    ``local``, following ``plan``.

    Every operation's ``WHERE`` asks for ``served``: if another release was published since,
    nothing changes (the caller sees the metadata is not ``meta`` and sends the whole release).
    The graphs sent whole are cleared first; then one operation deletes the net removed quads
    and the old metadata and inserts the net added quads, the replaced graphs and the new
    metadata. Its ``WHERE`` has one solution, so the blank nodes of its template are created
    once and shared across the graphs it writes.
    """

    def block(handle, quads: Iterable[ox.Quad]) -> None:
        by_graph: dict[ox.NamedNode | ox.DefaultGraph, list[ox.Triple]] = {}
        for quad in quads:
            by_graph.setdefault(quad.graph_name, []).append(quad.triple)
        for graph, triples in sorted(by_graph.items(), key=lambda item: str(item[0])):
            named = isinstance(graph, ox.NamedNode)
            if named:
                handle.write(f"GRAPH {graph} {{\n")
            for triple in triples:
                handle.write(f"{triple} .\n")
            if named:
                handle.write("}\n")

    replaced = sorted(plan.replaced, key=str)
    with open(out, "w", encoding="utf-8") as handle:
        if replaced:
            handle.write("DELETE { GRAPH ?g { ?s ?p ?o } }\nWHERE {\n")
            handle.write(f"{served} .\n")
            handle.write(f"VALUES ?g {{ {' '.join(str(g) for g in replaced)} }}\n")
            handle.write("GRAPH ?g { ?s ?p ?o }\n} ;\n")
        handle.write(f"DELETE {{\n{served} .\n")
        block(handle, plan.removed)
        handle.write(f"}}\nINSERT {{\n{meta} .\n")
        block(handle, plan.added)
        for graph in replaced:
            block(handle, local.quads_for_pattern(None, None, None, graph))
        handle.write(f"}}\nWHERE {{\n{served} .\n}}\n")


def write_switch_update(local: ox.Store, meta: ox.Triple, out: Path) -> None:
    """Write the ONE update request that replaces the served release by ``local``'s quads.

    ``DROP ALL`` and ``INSERT DATA`` are two operations of one request: on a transactional
    server they commit together. Blank nodes keep their identity across graphs because they
    share one ``INSERT DATA`` operation.
    """
    with open(out, "w", encoding="utf-8") as handle:
        handle.write("DROP ALL ;\nINSERT DATA {\n")
        handle.write(f"{meta} .\n")
        for quad in local.quads_for_pattern(None, None, None, ox.DefaultGraph()):
            handle.write(f"{quad.triple} .\n")
        for graph in sorted(local.named_graphs(), key=str):
            handle.write(f"GRAPH {graph} {{\n")
            for quad in local.quads_for_pattern(None, None, None, graph):
                handle.write(f"{quad.triple} .\n")
            handle.write("}\n")
        handle.write("}\n")


def _transport_error(exc: Exception, url: str) -> Exception:
    """A :class:`StoreUnavailable` or :class:`QueryTimeout` for a failed HTTP exchange."""
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, TimeoutError | socket.timeout):
        return QueryTimeout(f"the store at {url} did not answer in time")
    if isinstance(exc, urllib.error.HTTPError):
        if exc.code in _RETRY_STATUS:
            return StoreUnavailable(f"the store at {url} answered {exc.code}")
        return QueryError(f"the store at {url} answered {exc.code}")
    if isinstance(reason, OSError | http.client.HTTPException | urllib.error.URLError):
        return StoreUnavailable(f"the store at {url} cannot be reached: {reason}")
    return exc


def _message(exc: SPARQLWrapperException) -> str:
    text = str(exc)
    return text.split("Response:\n", 1)[-1].strip()[:500] or text


# -- terms ------------------------------------------------------------------------------------
def term_from_json(value: Mapping[str, str]) -> Term:
    """A :mod:`kg.rdf` term from one SPARQL 1.1 JSON results binding."""
    kind = value["type"]
    if kind == "uri":
        return IRI(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if kind in ("literal", "typed-literal"):
        if value.get("xml:lang"):
            return Literal(value["value"], lang=value["xml:lang"])
        if value.get("datatype"):
            return Literal(value["value"], datatype=value["datatype"])
        return Literal(value["value"])
    raise QueryError(f"the store answered with a term of unsupported type {kind!r}")


# -- binding parameters -----------------------------------------------------------------------
_VARNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LANGTAG = re.compile(r"^[A-Za-z]+(-[A-Za-z0-9]+)*$")


def value_term(term: Term) -> str:
    """``term`` in SPARQL syntax for a ``VALUES`` block; refuses what cannot be written safely."""
    if isinstance(term, BNode):
        raise QueryError("a blank node cannot be bound as a parameter of a remote query")
    if isinstance(term, Literal) and term.lang and not _LANGTAG.match(term.lang):
        raise QueryError(f"not a language tag: {term.lang!r}")
    try:
        return term.n3()
    except ValueError as exc:
        raise QueryError(str(exc)) from exc


def bind_values(query: str, bindings: Bindings) -> str:
    """``query`` with ``bindings`` as a one-row ``VALUES`` block opening its outermost group."""
    names = list(bindings)
    for name in names:
        if not _VARNAME.match(name):
            raise QueryError(f"not a SPARQL variable name: {name!r}")
    terms = " ".join(value_term(bindings[name]) for name in names)
    block = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({terms}) }} "
    query = _expand_construct_where(query)
    positions = _groups_to_bind(query, {"?" + n for n in names})
    for position in sorted(positions, reverse=True):
        query = query[: position + 1] + block + query[position + 1 :]
    return query


def _tokens(query: str) -> Iterator[tuple[int, str]]:
    """(offset, token) for the punctuation, keywords and variables of ``query``, keywords
    upper-cased and variables written with ``?``; strings, IRIs, prefixed names, blank node
    labels, language tags and comments skipped."""
    for token in tokens(query):
        if token.kind == "var":
            yield token.offset, "?" + token.text[1:]
        elif token.kind == "word" and ":" not in token.text:
            yield token.offset, token.text.upper()
        elif token.kind == "punct" and not token.text.startswith("@"):
            yield token.offset, token.text


def _outermost_group(query: str) -> int:
    """Offset of the ``{`` that opens the query's WHERE clause (outermost group pattern)."""
    parens = braces = 0
    construct = False
    template_done = False
    for offset, token in _tokens(query):
        if token == "CONSTRUCT" and braces == 0 and parens == 0:
            construct = True
        elif token == "(":
            parens += 1
        elif token == ")":
            parens -= 1
        elif token == "{":
            if braces == 0 and parens == 0 and (not construct or template_done):
                return offset
            braces += 1
        elif token == "}":
            braces -= 1
            if braces == 0 and construct:
                template_done = True
    raise QueryError("the query has no WHERE clause to bind parameters in")


def _groups_to_bind(query: str, variables: set[str]) -> list[int]:
    """Offsets of the ``{`` of every group pattern that gets the ``VALUES`` block.

    The outermost group always; a nested group (``OPTIONAL``, ``UNION`` branches, ``GRAPH``,
    ``EXISTS``, a sub-``SELECT``'s WHERE, …) when one of ``variables`` occurs in it — so that the
    value reaches it as pyoxigraph's substitutions do (a sub-``SELECT`` with ``ORDER BY … LIMIT``
    would otherwise be cut before the binding joins it). ``VALUES`` data blocks, the
    ``CONSTRUCT`` template and a group that only wraps a sub-``SELECT`` are left alone.
    """
    outermost = _outermost_group(query)
    tokens = list(_tokens(query))
    chosen = [outermost]
    stack: list[tuple[int, bool]] = []  # (offset of "{", is a group pattern)
    mentioned: list[bool] = []
    data_next = False
    for k, (offset, token) in enumerate(tokens):
        if token == "VALUES":
            data_next = True
        elif token == "{":
            started = offset >= outermost and not data_next
            wraps_select = k + 1 < len(tokens) and tokens[k + 1][1] == "SELECT"
            stack.append((offset, started and not wraps_select))
            mentioned.append(False)
            data_next = False
        elif token == "}" and stack:
            opened, is_group = stack.pop()
            used = mentioned.pop()
            if used and mentioned:
                mentioned[-1] = True
            if is_group and used and opened != outermost:
                chosen.append(opened)
        elif token in variables and mentioned:
            mentioned[-1] = True
    return chosen


def _expand_construct_where(query: str) -> str:
    """``CONSTRUCT WHERE { T }`` → ``CONSTRUCT { T } WHERE { T }`` (VALUES is no template)."""
    tokens = list(_tokens(query))
    for k, (offset, token) in enumerate(tokens[:-2]):
        if token == "CONSTRUCT" and tokens[k + 1][1] == "WHERE" and tokens[k + 2][1] == "{":
            start, depth = tokens[k + 2][0], 0
            for end, tok in tokens[k + 2 :]:
                depth += {"{": 1, "}": -1}.get(tok, 0)
                if depth == 0:
                    pattern = query[start : end + 1]
                    where = tokens[k + 1][0]
                    return f"{query[:offset]}CONSTRUCT {pattern} {query[where:]}"
            break
    return query


def _refuse_service(query: str) -> None:
    """Defence in depth behind the guard: ``SERVICE`` never reaches the remote server."""
    if any(token == "SERVICE" for _, token in _tokens(query)):
        raise QueryRefused("SERVICE is not allowed: this store does not federate")
