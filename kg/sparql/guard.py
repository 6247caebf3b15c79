"""Decides whether an untrusted SPARQL query may run, on the parsed query, not on its words.

Engines are not safe on their own (DESIGN.md §7): pyoxigraph follows ``SERVICE`` to the
network and crashes on deeply nested or very long operator chains. A query therefore passes
two stages, each refusing with :class:`~kg.errors.QueryRefused` (or
:class:`~kg.errors.QueryError` for what is not a query at all):

:func:`screen` — cheap and linear, run by the web process before a query is handed on:

- a query longer than ``max_length`` characters;
- :func:`canonical` text: ``\\uXXXX``/``\\UXXXXXXXX`` escapes expanded once, as SPARQL 1.1
  §19.2 prescribes, and every line terminator made ``\\n``, so that rdflib (which checks) and
  pyoxigraph (which runs) read the very same characters — pyoxigraph expands escapes only
  inside strings and IRIs, and rdflib's comments end only at ``\\n``: both differences hid
  ``SERVICE`` from a parser once;
- nesting deeper than ``max_depth`` (counted by :mod:`kg.sparqllex`, a linear tokenizer);
- ``SERVICE`` or an update keyword as a word (defence in depth: neither is ever a bare word of
  a valid query, so this refuses nothing the parser would accept as harmless).

:func:`check` — the decision, on the query rdflib parsed (its parse tree and its algebra);
it takes seconds on large input, so the sandbox runs it in a worker under the query's deadline:

- anything rdflib cannot parse as a query (syntax errors; updates are named as such);
- ``SERVICE`` anywhere: sub-queries, ``EXISTS``/``NOT EXISTS``, ``OPTIONAL``, ``UNION``,
  ``GRAPH``, ``MINUS``…;
- ``FROM`` / ``FROM NAMED`` naming a graph the store does not hold (prefixes and ``BASE``
  resolved as the engine resolves them);
- an operator chain or pattern list of more than ``max_terms`` parts (``1+1+…``, ``UNION``,
  ``MINUS``, path sequences…), and nesting beyond what the parser's recursion limit allows:
  pyoxigraph 0.5.13 crashed at 2,208 nested braces, 2,560 nested sub-queries, 2,624 ``MINUS``
  and 6,912 ``+`` terms (see docs/sparql.md), far above these caps. The parser's recursion
  limit (:func:`recursion_limit`) bounds nesting the tokenizer did not see as such (brackets
  in what looked like an IRI) to a few hundred levels at most.

>>> checked = check("PREFIX ex: <http://ex/> SELECT * FROM ex:g { ?s ?p ?o }",
...                 allowed_graph=lambda iri: iri == "http://ex/g")
>>> checked.kind.value, checked.default_graphs
('SELECT', ('http://ex/g',))
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from pyparsing import ParseBaseException, ParseResults
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from kg.errors import QueryError, QueryRefused
from kg.sparqllex import Token, tokens
from kg.store.base import Dataset, QueryKind

#: Default limits (the service passes the configured ones).
MAX_LENGTH = 20_000
MAX_DEPTH = 64
#: Most parts of one operator chain or pattern list (a tenth of pyoxigraph's lowest measured
#: crash threshold for chains, 2,592 ``MINUS``, would be 259; 1,000 keeps 2.5x margin and
#: lets real queries with long ``FILTER`` chains through).
MAX_TERMS = 1_000

_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
_UPDATES = {
    "INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH", "USING",
}  # fmt: skip
#: Tokens that chain parts: binary operators, separators and the pattern keywords.
_OPERATORS = {
    "+", "-", "*", "/", "|", "&", ",", ";", "=", "!", "^", "UNION", "MINUS", "OPTIONAL", "FILTER",
}  # fmt: skip
_OPEN = {"{", "(", "[", "<<"}
_CLOSE = {"}", ")", "]", ">>"}
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
#: What rdflib's own escape pass would still expand (it also takes ``\U`` with 4 digits).
_LEFT_ESCAPE = re.compile(r"\\[uU][0-9A-Fa-f]{4}")
#: ``/../`` or ``/./`` (also percent-encoded): a graph IRI inside the store's namespace by its
#: prefix, outside it once a server normalises it.
_DOT_SEGMENT = re.compile(r"/(?:\.|%2e){1,2}(?:/|$|[?#])", re.IGNORECASE)
_KINDS = {
    "SelectQuery": QueryKind.SELECT,
    "AskQuery": QueryKind.ASK,
    "ConstructQuery": QueryKind.CONSTRUCT,
    "DescribeQuery": QueryKind.DESCRIBE,
}
#: Flat lists pyoxigraph holds without recursion (VALUES data: no crash at 524,288 values).
_FLAT = {"InlineData", "InlineDataOneVar", "InlineDataFull", "values"}


@dataclass(frozen=True)
class Screened:
    """A query that passed :func:`screen`: its canonical text and the form its words name."""

    text: str
    kind: QueryKind
    depth: int


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


def canonical(text: str) -> str:
    """``text`` with codepoint escapes expanded once and every line terminator ``\\n``.

    >>> canonical("\\\\u0053ELECT * {} # x\\rLIMIT 1")
    'SELECT * {} # x\\nLIMIT 1'
    """
    decoded = _ESCAPE.sub(_codepoint, text)
    if _LEFT_ESCAPE.search(decoded):
        raise QueryRefused(
            "an escape sequence that produces another escape sequence is not accepted"
        )
    return decoded.replace("\r\n", "\n").replace("\r", "\n")


def _codepoint(match: re.Match[str]) -> str:
    code = int(match.group(1) or match.group(2), 16)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise QueryError(f"{match.group(0)} is not a valid character")
    return chr(code)


def screen(
    text: str,
    *,
    max_length: int = MAX_LENGTH,
    max_depth: int = MAX_DEPTH,
    max_terms: int = MAX_TERMS,
) -> Screened:
    """The cheap, linear checks (see the module documentation); no parser runs.

    More than ``2 * max_terms`` operators in all is refused here already: it spares the parser
    (3.5 ms per ``+`` term) a query whose chains it would refuse anyway. Cached: the web
    process screens a query, then its worker again in :func:`check`, and tools send the same
    queries again (0.2 ms for a query of a kilobyte, in the Python tokenizer).
    """
    if len(text) > max_length:  # before the cache: it never holds an overlong text
        raise QueryRefused(
            f"the query has {len(text)} characters; at most {max_length} are accepted"
        )
    return _screened(text, max_depth, max_terms)


@functools.lru_cache(maxsize=256)
def _screened(text: str, max_depth: int, max_terms: int) -> Screened:
    text = canonical(text)
    found, depth = _scan(text, max_depth)
    words = _words(found)
    if "SERVICE" in words:
        raise QueryRefused("SERVICE is not accepted: this endpoint does not query other services")
    if _UPDATES.intersection(words):
        raise QueryRefused("SPARQL Update is not accepted: this service is read-only")
    operators = sum(1 for t in found if t.text.upper() in _OPERATORS)
    if operators > 2 * max_terms:
        raise QueryRefused(
            f"the query has {operators} operators; at most {2 * max_terms} are accepted"
        )
    kind = next((w for w in words if w in _FORMS), None)
    if kind is None:
        raise QueryError("not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE found")
    return Screened(text, QueryKind(kind), depth)


def check(
    text: str,
    *,
    max_length: int = MAX_LENGTH,
    max_depth: int = MAX_DEPTH,
    max_terms: int = MAX_TERMS,
    allowed_graph: Callable[[str], bool] = lambda _iri: False,
    base_iri: str | None = None,
) -> CheckedQuery:
    """Refuse what must not run; return the query's kind and dataset clauses.

    ``allowed_graph`` says whether a ``FROM``/``FROM NAMED`` IRI names a graph of the store;
    ``base_iri`` resolves relative IRIs as the engine will (the endpoint's URL).
    """
    screened = screen(text, max_length=max_length, max_depth=max_depth, max_terms=max_terms)
    checked = decide(
        screened.text,
        max_depth=max_depth,
        max_terms=max_terms,
        allowed_graph=allowed_graph,
        base_iri=base_iri,
    )
    return CheckedQuery(
        checked.text, checked.kind, checked.default_graphs, checked.named_graphs, screened.depth
    )


def decide(
    text: str,
    *,
    max_depth: int = MAX_DEPTH,
    max_terms: int = MAX_TERMS,
    allowed_graph: Callable[[str], bool] = lambda _iri: False,
    base_iri: str | None = None,
) -> CheckedQuery:
    """The decision on the parse of canonical ``text`` alone (:func:`check` screens first).

    Raises the interpreter's recursion limit to :func:`recursion_limit` (never lowers it): run
    it in a main thread, as the sandbox's workers do, not in a thread with a small stack.
    """
    kind, default, named = _parsed(text, max_depth, max_terms, base_iri)
    for iri in (*default, *named):
        if _DOT_SEGMENT.search(iri) or not allowed_graph(iri):
            raise QueryRefused(
                f"FROM <{iri}> is not accepted: only graphs of this store can be named; "
                "nothing is ever fetched from elsewhere"
            )
    return CheckedQuery(text, kind, default, named)


@functools.lru_cache(maxsize=256)
def _parsed(
    text: str, max_depth: int, max_terms: int, base_iri: str | None
) -> tuple[QueryKind, tuple[str, ...], tuple[str, ...]]:
    """Kind and dataset clauses of a query whose parse holds nothing forbidden. Cached: the
    parse costs 35-80 ms for a query of a kilobyte, and tools send the same queries again."""
    sys.setrecursionlimit(max(sys.getrecursionlimit(), recursion_limit(max_depth)))
    tree = _parse(text, max_depth)
    _refuse_in(tree, max_terms)
    try:
        query = translateQuery(tree, base=base_iri)
    except RecursionError:
        raise _too_deep(max_depth) from None
    except Exception as exc:  # rdflib raises bare Exception, e.g. for an unknown prefix
        raise QueryError(f"the query cannot be read: {exc}") from exc
    _refuse_in(query.algebra, max_terms)
    default, named = _dataset_clauses(query.algebra)
    return _KINDS[query.algebra.name], tuple(default), tuple(named)


def _parse(text: str, max_depth: int) -> ParseResults:
    try:
        return parseQuery(text)
    except RecursionError:
        raise _too_deep(max_depth) from None
    except ParseBaseException as exc:
        if _is_update(text):
            raise QueryRefused("SPARQL Update is not accepted: this service is read-only") from None
        raise QueryError(_syntax_message(exc)) from None


def _is_update(text: str) -> bool:
    try:
        parseUpdate(text)
    except (ParseBaseException, RecursionError):
        return False
    return True


def _too_deep(max_depth: int) -> QueryRefused:
    return QueryRefused(f"the query is nested deeper than {max_depth} levels")


def recursion_limit(max_depth: int = MAX_DEPTH) -> int:
    """The recursion limit rdflib's parser needs for ``max_depth`` levels of nesting.

    Measured with rdflib 7.6: about 40 frames per level of parentheses or ``EXISTS`` (the
    costliest), so the default limit of 1,000 stops at 24 levels. The sandbox's workers raise
    their limit to this; a RecursionError still ends a deeper query as refused.
    """
    return 400 + 45 * max_depth


def _syntax_message(exc: ParseBaseException) -> str:
    """pyparsing's error as line, column, what was expected and the line with a caret."""
    caret = " " * max(0, exc.col - 1) + "^"
    return f"syntax error at line {exc.lineno}, column {exc.col}: {exc.msg}\n{exc.line}\n{caret}"


def _nodes(root: object) -> Iterator[tuple[object, object]]:
    """Every node under ``root`` with its parent, iteratively (trees can be deep)."""
    stack: list[tuple[object, object]] = [(root, None)]
    seen: set[int] = set()
    while stack:
        node, parent = stack.pop()
        if isinstance(node, str) or id(node) in seen:
            continue  # terms (URIRef, Literal, Variable) are strings: leaves
        seen.add(id(node))
        yield node, parent
        if isinstance(node, ParseResults):  # registered as a Mapping, but its items are a list
            stack.extend((child, parent) for child in [*node, *node.values()])
        elif isinstance(node, Mapping):
            stack.extend((child, node) for child in node.values())
        elif isinstance(node, list | tuple | set | frozenset):
            stack.extend((child, node) for child in node)


def _refuse_in(root: object, max_terms: int) -> None:
    """Refuse SERVICE anywhere under ``root``, and lists longer than ``max_terms``."""
    for node, parent in _nodes(root):
        if getattr(node, "name", None) == "ServiceGraphPattern":
            raise QueryRefused(
                "SERVICE is not accepted: this endpoint does not query other services"
            )
        too_long = isinstance(node, list | ParseResults) and len(node) > max_terms
        if too_long and getattr(parent, "name", None) not in _FLAT:
            raise QueryRefused(
                f"the query has an expression or pattern of {len(node)} parts; "
                f"at most {max_terms} are accepted"
            )


def _dataset_clauses(algebra: CompValue) -> tuple[list[str], list[str]]:
    """IRIs of the FROM and FROM NAMED clauses, resolved by the parser."""
    default: list[str] = []
    named: list[str] = []
    for clause in algebra.datasetClause or ():  # a CompValue's absent attribute is None
        if "default" in clause:
            default.append(str(clause["default"]))
        if "named" in clause:
            named.append(str(clause["named"]))
    return default, named


def _words(found: list[Token]) -> set[str]:
    """The bare words of the query, upper-cased; a word that is no prefixed name is split at
    dots too (``1.SERVICE`` is the number 1, a dot and SERVICE)."""
    words: set[str] = set()
    for token in found:
        if token.kind != "word":
            continue
        word = token.text.upper()
        words.add(word)
        if ":" not in word:
            words.update(word.split("."))
    return words


def _scan(text: str, max_depth: int) -> tuple[list[Token], int]:
    """Tokens and the deepest nesting, in one pass; raises as soon as ``max_depth`` is passed."""
    found: list[Token] = []
    depth = deepest = 0
    for token in tokens(text):
        if token.kind == "punct":
            if token.text in _OPEN:
                depth += 1
                if depth > max_depth:
                    raise QueryRefused(
                        f"the query is nested deeper than {max_depth} levels "
                        f"(at character {token.offset})"
                    )
                deepest = max(deepest, depth)
            elif token.text in _CLOSE:
                depth = max(0, depth - 1)
        found.append(token)
    return found, deepest
