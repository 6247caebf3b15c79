"""pyoxigraph glue both stores share: formats, term conversion, the result cap, and loading a
release (the remote store prepares each release in a local pyoxigraph store too)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

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
        raise _too_many(limit, what)
    return taken


def counted(items: Iterator[T], limit: int | None, what: str) -> Iterator[T]:
    """``items`` one by one, raising :class:`QueryRefused` at the one past ``limit``."""
    for number, item in enumerate(items, start=1):
        if limit is not None and number > limit:
            raise _too_many(limit, what)
        yield item


def _too_many(limit: int, what: str) -> QueryRefused:
    return QueryRefused(
        f"the result has more than {limit} {what} (the limit of this service); "
        "narrow the query or page through it with LIMIT and OFFSET"
    )


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
    Without the second rule, a sector or a class would bring the statements of every use case.
    """
    for iri in iris:
        node = ox.NamedNode(iri)
        for quad in store.quads_for_pattern(node, None, None, None):
            if not isinstance(quad.graph_name, ox.DefaultGraph) and keep(quad.graph_name.value):
                yield _row(quad)
        seen: set[str] = set()
        for quad in store.quads_for_pattern(None, None, node, None):
            p = quad.predicate.value
            if p in seen or isinstance(quad.graph_name, ox.DefaultGraph):
                continue
            if keep(quad.graph_name.value):
                if not every_object_of(p):
                    seen.add(p)
                yield _row(quad)


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
