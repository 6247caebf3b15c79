"""Checks an untrusted SPARQL query before any engine parses it.

Engines are not safe on their own (DESIGN.md §7): pyoxigraph follows ``SERVICE`` to the
network and crashes on queries nested a few thousand levels deep. :func:`check` therefore reads
the query with a linear tokenizer — no recursion, strings, IRIs and comments skipped — and
refuses, with :class:`~kg.errors.QueryRefused`:

- a query longer than ``max_length`` characters, or nested deeper than ``max_depth``;
- SPARQL Update (the public service is read-only);
- ``SERVICE`` anywhere;
- ``FROM`` / ``FROM NAMED`` naming a graph the store does not hold.

Some engines expand ``\\uXXXX`` escapes before parsing (SPARQL 1.1 §19.2) and some do not, so
a query containing such escapes is checked in both readings.

>>> checked = check("PREFIX ex: <http://ex/> SELECT * FROM ex:g { ?s ?p ?o }",
...                 allowed_graph=lambda iri: iri == "http://ex/g")
>>> checked.kind.value, checked.default_graphs
('SELECT', ('http://ex/g',))
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urljoin

from kg.errors import QueryError, QueryRefused
from kg.sparqllex import Token, tokens
from kg.store.base import Dataset, QueryKind

#: Default limits (the service passes the configured ones).
MAX_LENGTH = 20_000
MAX_DEPTH = 64

_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
_UPDATES = {
    "INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH", "USING",
}  # fmt: skip
_OPEN = {"{": 1, "(": 1, "[": 1}
_CLOSE = {"}": 1, ")": 1, "]": 1}
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass(frozen=True)
class CheckedQuery:
    """A query the guard let through, with what it found out about it."""

    text: str
    kind: QueryKind
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    depth: int = 0

    def dataset(
        self, default_graph_uris: Sequence[str] = (), named_graph_uris: Sequence[str] = ()
    ) -> Dataset | None:
        """The dataset to run with: the protocol's graphs win over the query's FROM clauses."""
        if default_graph_uris or named_graph_uris:
            return Dataset(tuple(default_graph_uris), tuple(named_graph_uris))
        if self.default_graphs or self.named_graphs:
            return Dataset(self.default_graphs, self.named_graphs)
        return None


@dataclass
class _Scan:
    tokens: list[Token] = field(default_factory=list)
    depth: int = 0


def check(
    text: str,
    *,
    max_length: int = MAX_LENGTH,
    max_depth: int = MAX_DEPTH,
    allowed_graph: Callable[[str], bool] = lambda _iri: False,
) -> CheckedQuery:
    """Refuse what must not run; return the query's kind and dataset clauses.

    ``allowed_graph`` says whether a ``FROM``/``FROM NAMED`` IRI names a graph of the store.
    """
    if len(text) > max_length:
        raise QueryRefused(
            f"the query has {len(text)} characters; at most {max_length} are accepted"
        )
    scan = _scan(text, max_depth)
    checked = _inspect(text, scan, allowed_graph)
    if _ESCAPE.search(text):
        decoded = _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)
        try:
            _inspect(decoded, _scan(decoded, max_depth), allowed_graph)
        except QueryRefused:
            raise
        except QueryError:
            pass  # the decoded reading is not a query at all: nothing more to refuse
    return checked


def _inspect(text: str, scan: _Scan, allowed_graph: Callable[[str], bool]) -> CheckedQuery:
    words = [t.text.upper() for t in scan.tokens if t.kind == "word"]
    if "SERVICE" in words:
        raise QueryRefused("SERVICE is not accepted: this endpoint does not query other services")
    kind = next((w for w in words if w in _FORMS or w in _UPDATES), None)
    if kind is None:
        raise QueryError("not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE found")
    if kind in _UPDATES or _UPDATES.intersection(words):
        raise QueryRefused("SPARQL Update is not accepted: this service is read-only")
    default, named = _dataset_clauses(scan.tokens)
    for iri in (*default, *named):
        if not allowed_graph(iri):
            raise QueryRefused(
                f"FROM <{iri}> is not accepted: only graphs of this store can be named; "
                "nothing is ever fetched from elsewhere"
            )
    return CheckedQuery(text, QueryKind(kind), tuple(default), tuple(named), scan.depth)


def _dataset_clauses(tokens: list[Token]) -> tuple[list[str], list[str]]:
    """IRIs of the FROM and FROM NAMED clauses, with prefixes and BASE resolved."""
    prefixes: dict[str, str] = {}
    base = ""
    default: list[str] = []
    named: list[str] = []
    for i, token in enumerate(tokens):
        word = token.text.upper() if token.kind == "word" else ""
        after = tokens[i + 1 : i + 4]
        if word == "BASE" and after and after[0].kind == "iri":
            base = urljoin(base, after[0].text)
        elif word == "PREFIX" and len(after) >= 2 and after[1].kind == "iri":
            prefixes[after[0].text.rstrip(":").lower()] = urljoin(base, after[1].text)
        elif word == "FROM" and after:
            is_named = after[0].kind == "word" and after[0].text.upper() == "NAMED"
            target = after[1] if is_named and len(after) > 1 else after[0]
            iri = _resolve(target, prefixes, base)
            (named if is_named else default).append(iri)
    return default, named


def _resolve(token: Token, prefixes: dict[str, str], base: str) -> str:
    if token.kind == "iri":
        return urljoin(base, token.text) if base else token.text
    prefix, sep, local = token.text.partition(":")
    if token.kind == "word" and sep and prefix.lower() in prefixes:
        return prefixes[prefix.lower()] + local.replace("\\", "")
    return token.text  # not an IRI: refused as a graph unless the caller knows it


def _scan(text: str, max_depth: int) -> _Scan:
    """Tokens and the deepest nesting, in one pass; raises as soon as ``max_depth`` is passed."""
    scan = _Scan()
    depth = 0
    for token in tokens(text):
        if token.kind == "punct":
            if token.text in _OPEN or token.text == "<<":
                depth += 1
                if depth > max_depth:
                    raise QueryRefused(
                        f"the query is nested deeper than {max_depth} levels "
                        f"(at character {token.offset})"
                    )
                scan.depth = max(scan.depth, depth)
            elif token.text in _CLOSE or token.text == ">>":
                depth = max(0, depth - 1)
        scan.tokens.append(token)
    return scan
