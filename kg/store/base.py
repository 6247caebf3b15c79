"""The store interface every backend implements."""

from __future__ import annotations

import enum
import os
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from kg.errors import QueryRefused
from kg.rdf import Term, Triple

if TYPE_CHECKING:
    import pyoxigraph as ox

    from kg.store.changes import Changes

Bindings = Mapping[str, Term]
Row = dict[str, Term]


class QueryKind(enum.Enum):
    SELECT = "SELECT"
    ASK = "ASK"
    CONSTRUCT = "CONSTRUCT"
    DESCRIBE = "DESCRIBE"

    @property
    def is_graph(self) -> bool:
        return self in (QueryKind.CONSTRUCT, QueryKind.DESCRIBE)


class ResultFormat(enum.Enum):
    """Serialisations a store can answer with, by their media type."""

    SPARQL_JSON = "application/sparql-results+json"
    SPARQL_XML = "application/sparql-results+xml"
    CSV = "text/csv"
    TSV = "text/tab-separated-values"
    TURTLE = "text/turtle"
    N_TRIPLES = "application/n-triples"
    N_QUADS = "application/n-quads"
    JSON_LD = "application/ld+json"
    RDF_XML = "application/rdf+xml"

    @property
    def media_type(self) -> str:
        return self.value

    @property
    def extension(self) -> str:
        return _EXTENSIONS[self]

    @classmethod
    def from_name(cls, name: str) -> ResultFormat | None:
        """A format from a ``format=`` value: an extension, a short name or a media type."""
        wanted = name.strip().lower()
        for fmt in cls:
            if wanted in (fmt.value, fmt.extension, fmt.name.lower(), *_ALIASES.get(fmt, ())):
                return fmt
        return None

    @property
    def is_tabular(self) -> bool:
        return self in (
            ResultFormat.SPARQL_JSON,
            ResultFormat.SPARQL_XML,
            ResultFormat.CSV,
            ResultFormat.TSV,
        )


_EXTENSIONS = {
    ResultFormat.SPARQL_JSON: "srj",
    ResultFormat.SPARQL_XML: "srx",
    ResultFormat.CSV: "csv",
    ResultFormat.TSV: "tsv",
    ResultFormat.TURTLE: "ttl",
    ResultFormat.N_TRIPLES: "nt",
    ResultFormat.N_QUADS: "nq",
    ResultFormat.JSON_LD: "jsonld",
    ResultFormat.RDF_XML: "rdf",
}
_ALIASES = {
    ResultFormat.SPARQL_JSON: ("json", "application/json"),
    ResultFormat.SPARQL_XML: ("xml", "application/xml"),
    ResultFormat.TURTLE: ("turtle",),
    ResultFormat.N_TRIPLES: ("ntriples", "n-triples"),
    ResultFormat.N_QUADS: ("nquads", "n-quads"),
    ResultFormat.JSON_LD: ("json-ld",),
    ResultFormat.RDF_XML: ("rdfxml", "rdf/xml", "xml"),
}


def new_release_id() -> str:
    """A fresh release id: UTC time to the microsecond and the publishing process."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ") + f"-{os.getpid()}"


@dataclass(frozen=True)
class Release:
    """A published version of the graph."""

    id: str
    quads: int
    created: str
    meta: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Dataset:
    """The RDF dataset of one query (SPARQL Protocol ``default-graph-uri`` / ``named-graph-uri``).

    With neither given, the default graph is the union of all named graphs.
    """

    default_graphs: Sequence[str] = ()
    named_graphs: Sequence[str] = ()


class CappedWriter:
    """A binary writer that refuses to take more than ``limit`` bytes.

    Answers are written through it into a spool file, so a result that would be too large is
    refused (:class:`~kg.errors.QueryRefused`) before anything is sent to a client.

    >>> import io
    >>> out = CappedWriter(io.BytesIO(), 4)
    >>> out.write(b"abcd"), out.size
    (4, 4)
    >>> out.write(b"e")
    Traceback (most recent call last):
    kg.errors.QueryRefused: the answer is larger than 4 bytes (the limit of this service); ...
    """

    def __init__(self, raw: BinaryIO, limit: int | None) -> None:
        self.raw = raw
        self.limit = limit
        self.size = 0

    def write(self, data: bytes) -> int:
        if self.limit is not None and self.size + len(data) > self.limit:
            raise QueryRefused(
                f"the answer is larger than {self.limit:,} bytes (the limit of this service); "
                "narrow the query or page through it with LIMIT and OFFSET"
            )
        self.size += len(data)
        return self.raw.write(data)

    def flush(self) -> None:
        self.raw.flush()


class Store(ABC):
    """What the rest of the knowledge graph needs from a triple store."""

    @abstractmethod
    def select(self, query: str, bindings: Bindings | None = None) -> list[Row]:
        """Rows of a SELECT query; ``bindings`` are typed terms, never pasted into text."""

    @abstractmethod
    def ask(self, query: str, bindings: Bindings | None = None) -> bool: ...

    @abstractmethod
    def construct(self, query: str, bindings: Bindings | None = None) -> list[Triple]: ...

    @abstractmethod
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
        """Run a query and serialise its result (the SPARQL endpoint's path).

        ``base_iri`` resolves relative IRIs in the query (the SPARQL Protocol lets the service
        choose it; the endpoint passes its own URL). With ``max_rows``, a result of more rows
        (or triples) raises :class:`~kg.errors.QueryRefused` instead of being serialised, so
        the caller knows success or failure before it answers.
        """

    def serialize_into(
        self,
        out: CappedWriter,
        query: str,
        kind: QueryKind,
        fmt: ResultFormat,
        *,
        dataset: Dataset | None = None,
        bindings: Bindings | None = None,
        base_iri: str | None = None,
        max_rows: int | None = None,
    ) -> None:
        """:meth:`serialize` into ``out``; a store that can stream its answer does so, and the
        writer's cap stops a result that grows too large."""
        out.write(
            self.serialize(
                query, kind, fmt, dataset=dataset, bindings=bindings, base_iri=base_iri,
                max_rows=max_rows,
            )
        )  # fmt: skip

    @abstractmethod
    def publish(
        self, nquads: Path, meta: Mapping[str, object], updates: Sequence[str] = ()
    ) -> Release:
        """Replace the served graph by the quads in ``nquads``, atomically for readers.

        ``updates`` (SPARQL Update requests, run in order on the new release before it becomes
        visible) materialise what the build derives, such as sector interconnections.
        """

    @abstractmethod
    def publish_prepared(
        self, local: ox.Store, meta: Mapping[str, object], *, quads: int | None = None
    ) -> Release:
        """Replace the served graph by the dataset of ``local``, a pyoxigraph store the build
        prepared (with its derived graphs), atomically for readers; ``local`` stays usable.
        ``quads`` is the size of ``local`` when the caller knows it (an incremental build: the
        last release's size plus the net change), which spares counting every quad."""

    def publish_changes(
        self,
        local: ox.Store,
        changes: Changes,
        meta: Mapping[str, object],
        base: str,
        *,
        quads: int | None = None,
    ) -> Release:
        """Like :meth:`publish_prepared`, for an incremental build: ``local`` is the release
        ``base`` changed by ``changes`` (net quads, :mod:`kg.store.changes`), of ``quads``
        quads when given. A store that can apply just the change to ``base`` does so; this
        one publishes ``local`` whole."""
        del changes, base
        return self.publish_prepared(local, meta, quads=quads)

    @abstractmethod
    def release(self) -> Release | None:
        """The release being served, or None when nothing was published yet."""

    @abstractmethod
    def dump(self, fmt: ResultFormat, out: Path) -> None:
        """Write the whole served dataset to ``out`` (N-Quads, or a triple format merged)."""

    def tidy(self) -> None:  # noqa: B027 - optional hook
        """Remove what interrupted publishes left behind (a build with nothing to publish
        calls this; a publish does it anyway)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release resources (files, connections)."""
