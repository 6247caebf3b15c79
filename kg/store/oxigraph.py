"""pyoxigraph glue both stores share: formats, term conversion, the result cap, and loading a
release (the remote store prepares each release in a local pyoxigraph store too)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO, TypeVar

import pyoxigraph as ox

from kg.errors import QueryRefused
from kg.rdf import IRI, BNode, Literal, Term
from kg.store.base import ResultFormat

T = TypeVar("T")

RESULT_FORMATS = {
    ResultFormat.SPARQL_JSON: ox.QueryResultsFormat.JSON,
    ResultFormat.SPARQL_XML: ox.QueryResultsFormat.XML,
    ResultFormat.CSV: ox.QueryResultsFormat.CSV,
    ResultFormat.TSV: ox.QueryResultsFormat.TSV,
}
RDF_FORMATS = {
    ResultFormat.TURTLE: ox.RdfFormat.TURTLE,
    ResultFormat.N_TRIPLES: ox.RdfFormat.N_TRIPLES,
    ResultFormat.N_QUADS: ox.RdfFormat.N_QUADS,
    ResultFormat.JSON_LD: ox.RdfFormat.JSON_LD,
    ResultFormat.RDF_XML: ox.RdfFormat.RDF_XML,
}


def to_ox(term: Term):
    if isinstance(term, IRI):
        return ox.NamedNode(term.value)
    if isinstance(term, BNode):
        return ox.BlankNode(term.id)
    if term.lang:
        return ox.Literal(term.value, language=term.lang)
    return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype))


def from_ox(term) -> Term:
    if isinstance(term, ox.NamedNode):
        return IRI(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=term.datatype.value)


def capped(items: Iterator[T], limit: int | None, what: str) -> list[T]:
    """All of ``items``, or :class:`QueryRefused` when there are more than ``limit``."""
    taken = list(items if limit is None else itertools.islice(items, limit + 1))
    if limit is not None and len(taken) > limit:
        raise too_many(limit, what)
    return taken


def counted(items: Iterator[T], limit: int | None, what: str) -> Iterator[T]:
    """``items`` one by one, raising :class:`QueryRefused` at the one past ``limit``."""
    for number, item in enumerate(items, start=1):
        if limit is not None and number > limit:
            raise too_many(limit, what)
        yield item


def too_many(limit: int, what: str) -> QueryRefused:
    return QueryRefused(
        f"the result has more than {limit} {what} (the limit of this service); "
        "narrow the query or page through it with LIMIT and OFFSET"
    )


#: Per result format: the marks of a row, what to add to their count, whether it is exact.
_ROW_MARKS = {
    ox.QueryResultsFormat.TSV: ((b"\n",), -1, True),
    ox.QueryResultsFormat.XML: ((b"<result>", b"<result/>"), 0, True),
    ox.QueryResultsFormat.JSON: ((b"[{", b",{"), 0, False),
}
#: JSON: every term opens with ``{"type":"`` and a triple term holds three more terms.
_TERM, _TRIPLE = b'{"type":"', b'"type":"triple"'


class RowMarks:
    """A writer in front of ``out`` that counts the marks of result rows in what passes.

    pyoxigraph writes an answer in 8 KiB pieces from native code, far faster than Python can
    build it row by row; this counts, in each piece, a byte pattern that every row of the
    format holds once (``bytes.count``, no parsing):

    - TSV: the line break ending a row (values escape theirs), less the header's: exact;
    - XML: ``<result>``, which no value can hold (``<`` is escaped): exact;
    - JSON: ``{`` after ``[`` or ``,`` (terms follow ``:``): a value holding ``,{`` counts too.

    (CSV has no such mark: a quoted value may hold line breaks.)

    ``exact`` says whether :attr:`count` is the number of rows or only at least it. With
    ``limit``, the row past it is refused as soon as it is written where the count is exact,
    and for JSON as soon as the terms written need more rows than ``limit`` (a row holds at
    most ``columns`` terms; a value never holds ``{"type":"``, since its quotes are escaped).

    >>> import io
    >>> marks = RowMarks(io.BytesIO(), ox.QueryResultsFormat.TSV, limit=1)
    >>> marks.write(b"?x\\n1\\n")
    5
    >>> marks.count, marks.exact
    (1, True)
    """

    def __init__(
        self, out, fmt: ox.QueryResultsFormat, limit: int | None = None, columns: int = 0
    ) -> None:
        self.out = out
        self.patterns, self._offset, self.exact = _ROW_MARKS[fmt]
        self.limit = limit
        self.columns = columns if fmt is ox.QueryResultsFormat.JSON else 0
        self._seen = dict.fromkeys((*self.patterns, _TERM, _TRIPLE), 0)
        self._tail = b""  #: the end of the previous piece, for a mark split between pieces

    @property
    def count(self) -> int:
        return max(0, sum(self._seen[p] for p in self.patterns) + self._offset)

    def least(self) -> int:
        """Rows the JSON terms written so far need at least (0 for other formats)."""
        if not self.columns:
            return 0
        terms = self._seen[_TERM] - 3 * self._seen[_TRIPLE]  # the terms bound to variables
        return -(-terms // self.columns)

    def write(self, data: bytes) -> int:
        tail = self._tail
        for pattern in self._patterns():  # each with the end of the last piece it may start in
            self._seen[pattern] += (tail[len(tail) - len(pattern) + 1 :] + data).count(pattern)
        self._tail = (tail + data)[-16:]
        rows = self.count if self.exact else self.least()
        if self.limit is not None and rows > self.limit:
            raise too_many(self.limit, "rows")
        return self.out.write(data)

    def _patterns(self) -> tuple[bytes, ...]:
        return (*self.patterns, _TERM, _TRIPLE) if self.columns else self.patterns

    def flush(self) -> None:
        self.out.flush()


def exact_rows(answer: BinaryIO, fmt: ox.QueryResultsFormat) -> int:
    """The rows of a complete answer in ``fmt``, parsed from ``answer`` by pyoxigraph."""
    return sum(1 for _ in ox.parse_query_results(answer, fmt))


def load_release(folder: Path, nquads: Path, updates: Sequence[str]) -> tuple[ox.Store, int]:
    """A new on-disk store holding ``nquads`` with the build's ``updates`` applied."""
    store = open_staging(folder)
    load_nquads(store, nquads)
    run_updates(store, updates)
    count = len(store)
    if count == 0:
        raise ValueError("the new release holds no quads")
    return store, count


# -- the build's staging store (kg.build.state) -----------------------------------------------
def open_staging(folder: Path) -> ox.Store:
    """A writable on-disk store the build prepares a release in."""
    return ox.Store(str(folder))


def load_nquads(store: ox.Store, nquads: Path) -> None:
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)


def drop_graphs(store: ox.Store, graphs: Iterable[str]) -> None:
    for graph in graphs:
        store.remove_graph(ox.NamedNode(graph))


def drop_subtrees(store: ox.Store, iris: Iterable[str], graph: str) -> bool:
    """Remove from ``graph`` the statements about ``iris`` and the blank nodes below them, if
    there is any blank node among them; returns whether it did."""
    named = ox.NamedNode(graph)
    frontier: list = [ox.NamedNode(i) for i in iris]
    found: list[ox.Quad] = []
    blank = False
    while frontier:
        for quad in store.quads_for_pattern(frontier.pop(), None, None, named):
            found.append(quad)
            if isinstance(quad.object, ox.BlankNode):
                blank = True
                frontier.append(quad.object)
    if blank:
        for quad in found:
            store.remove(quad)
    return blank


def named_graphs(store: ox.Store) -> list[str]:
    return [g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)]


def dump_graphs(store: ox.Store, graphs: Iterable[str], out: Path) -> None:
    """Write the quads of ``graphs`` as N-Quads."""
    quads = (
        quad
        for graph in graphs
        for quad in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
    )
    ox.serialize(quads, str(out), format=ox.RdfFormat.N_QUADS)


#: A SPARQL Update, or a function that changes the store the same way (faster).
Update = str | Callable[[ox.Store], None]


def run_updates(store: ox.Store, updates: Sequence[Update]) -> None:
    for update in updates:
        if callable(update):
            update(store)
        else:
            store.update(update)


def select_rows(store: ox.Store, query: str) -> list[dict[str, Term]]:
    """Rows of a SELECT over the union of the store's graphs, as kg.rdf terms."""
    result = store.query(query, use_default_graph_as_union=True)
    names = [v.value for v in result.variables]
    return [
        {n: from_ox(s[n]) for n in names if s[n] is not None}  # type: ignore[misc]
        for s in result
    ]


def mentions(
    store: ox.Store,
    iris: Iterable[str],
    keep: Callable[[str], bool],
    every_object_of: Callable[[str], bool],
) -> Iterator[tuple[str, Term, Term, Term]]:
    """The statements (graph, subject, predicate, object) of the named graphs ``keep`` accepts
    that mention one of ``iris``: every statement about it, and of those pointing at it, every
    one for the predicates ``every_object_of`` accepts, else the first one per predicate (what
    the statement says about the IRI — the range of its predicate — is the same for all).
    Without the second rule, a sector or a class would bring the statements of every use case;
    and the store is asked for the distinct predicates pointing at it first, then for one
    statement of each, since walking every statement pointing at a sector in Python took
    0.5 s of an incremental build at 10,000 use cases.
    """
    for iri in iris:
        node = ox.NamedNode(iri)
        for quad in store.quads_for_pattern(node, None, None, None):
            if not isinstance(quad.graph_name, ox.DefaultGraph) and keep(quad.graph_name.value):
                yield _row(quad)
        pointing = f"SELECT DISTINCT ?p WHERE {{ GRAPH ?g {{ ?s ?p {node} }} }}"
        for row in store.query(pointing):
            predicate = row["p"]
            every = every_object_of(predicate.value)
            for quad in store.quads_for_pattern(None, predicate, node, None):
                if isinstance(quad.graph_name, ox.DefaultGraph) or not keep(quad.graph_name.value):
                    continue
                yield _row(quad)
                if not every:
                    break


def _row(quad: ox.Quad) -> tuple[str, Term, Term, Term]:
    return (
        quad.graph_name.value,
        from_ox(quad.subject),
        from_ox(quad.predicate),
        from_ox(quad.object),
    )  # type: ignore[return-value]


def memory_store(nquads: Path | None = None, lines: Iterable[str] = ()) -> ox.Store:
    """An in-memory store of the quads in the file ``nquads`` (or of N-Quads ``lines``).

    Parsed and added, not bulk-loaded: that keeps the blank node labels of the input, so what
    a query says about a blank node can be traced back to the file it came from.
    """
    store = ox.Store()
    if nquads is not None:
        store.extend(ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS))
    else:
        data = "".join(lines).encode("utf-8")
        store.extend(ox.parse(data, format=ox.RdfFormat.N_QUADS))
    return store


def extend_lines(store: ox.Store, lines: Iterable[str]) -> None:
    """Add N-Quads ``lines``, keeping their blank node labels (see memory_store)."""
    data = "".join(lines).encode("utf-8")
    if data:
        store.extend(ox.parse(data, format=ox.RdfFormat.N_QUADS))


def extend_nquads(store: ox.Store, nquads: Path) -> None:
    """Add the quads of a (small) file, keeping its blank node labels (see memory_store)."""
    store.extend(ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS))


def parse_turtle(path: Path) -> Iterator[tuple[Term, Term, Term]]:
    """The triples of a Turtle file as plain terms, parsed by pyoxigraph (many times faster than
    rdflib on large files such as the Gaia-X shapes). Nothing remote is read."""
    for quad in ox.parse(path=path, format=ox.RdfFormat.TURTLE):
        yield from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)


#: The formats a visitor's file may come in (:func:`parse_upload`). No JSON-LD: a context may
#: name a remote document, and reading one would open a connection on a visitor's behalf.
UPLOAD_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


def parse_upload(data: bytes, fmt: str) -> Iterator[tuple[Term, Term, Term]]:
    """The triples of ``data`` (one of :data:`UPLOAD_FORMATS`) as plain terms, one by one, so a
    caller can stop at a limit. pyoxigraph reads nothing but ``data``; a syntax error raises
    :class:`SyntaxError`. The caller refuses an XML ``DOCTYPE`` before calling."""
    parser = ox.parse(data, format=UPLOAD_FORMATS[fmt], without_named_graphs=True)
    for quad in parser:
        yield from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)
