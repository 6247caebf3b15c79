"""Property-based tests of the guard (Hypothesis): variants of forbidden queries are refused,
harmless look-alikes are accepted, and pyoxigraph never connects anywhere for what the guard
lets through.

Variants: keyword case, comments ended by every line terminator SPARQL allows (LF, CR, CR LF),
``\\uXXXX``/``\\UXXXXXXXX`` escapes (legal anywhere in a SPARQL query, §19.2), whitespace, dots
and braces glued to keywords, nesting positions, and IRIs holding brackets.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from servers import Listener

from kg.errors import QueryError, QueryRefused
from kg.sparql.guard import check, recursion_limit

# As in a query worker: the guard raises the limit on first use, Hypothesis wants it unchanged
# while a test runs.
sys.setrecursionlimit(max(sys.getrecursionlimit(), recursion_limit()))

FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
STORE_GRAPHS = "https://w3id.org/sckg/graph/"


def allowed(iri: str) -> bool:
    return iri.startswith(STORE_GRAPHS)


# -- building blocks ------------------------------------------------------------------------


@st.composite
def spelled(draw: st.DrawFn, word: str) -> str:
    """``word`` in any letter case, some letters written as codepoint escapes."""
    out = []
    for letter in word:
        letter = letter.upper() if draw(st.booleans()) else letter.lower()
        form = draw(st.sampled_from(["plain", "plain", "plain", "u", "U"]))
        if form == "u":
            letter = f"\\u{ord(letter):04{draw(st.sampled_from('xX'))}}"
        elif form == "U":
            letter = f"\\U{ord(letter):08X}"
        out.append(letter)
    return "".join(out)


EOL = st.sampled_from(["\n", "\r", "\r\n"])
SPACE = st.sampled_from([" ", "\t", "\n", "\r", "\r\n", "  "])


@st.composite
def gap(draw: st.DrawFn) -> str:
    """What may stand between two tokens: whitespace, or a comment ended by any line end
    (the comment may itself name SERVICE or DROP: it is a comment)."""
    if draw(st.booleans()):
        return draw(SPACE)
    text = draw(st.sampled_from(["", " note", " SERVICE <http://x/> {}", " DROP ALL", " }"]))
    return " #" + text + draw(EOL)


@st.composite
def target(draw: st.DrawFn) -> str:
    host = "<http://127.0.0.1:9/sparql>"
    return draw(st.sampled_from([host, "?endpoint", "t:sparql", "<http://127.0.0.1:9/(([[>"]))


PROLOGUE = "PREFIX t: <http://127.0.0.1:9/> "

#: Where a graph pattern may stand, with {p} for it; each wraps it differently.
POSITIONS = [
    "SELECT * WHERE {{ {p} }}",
    "SELECT * WHERE {{ BIND(1 AS ?x).{p} }}",
    "SELECT * WHERE {{ ?s ?p ?o.{p} }}",
    "SELECT * WHERE {{ {{ SELECT * WHERE {{ {p} }} }} }}",
    "SELECT * WHERE {{ FILTER NOT EXISTS {{ {p} }} }}",
    "SELECT * WHERE {{ FILTER(EXISTS {{ {p} }}) }}",
    "SELECT * WHERE {{ OPTIONAL {{ {p} }} }}",
    "SELECT * WHERE {{ {{ }} UNION {{ {p} }} }}",
    "SELECT * WHERE {{ ?s ?p ?o MINUS {{ {p} }} }}",
    "SELECT * WHERE {{ GRAPH ?g {{ {p} }} }}",
    "SELECT * WHERE {{ ?s <http://x/(>/<http://x/[>* ?o FILTER(1<2){p} }}",
    "ASK {{{p}}}",
    "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {p} }}",
    "SELECT * WHERE {{ {{{{{{ {p} }}}}}} }}",
]


@st.composite
def service_queries(draw: st.DrawFn) -> str:
    keyword = draw(spelled("SERVICE"))
    silent = draw(spelled("SILENT")) + draw(gap()) if draw(st.booleans()) else ""
    pattern = f"{keyword}{draw(gap())}{silent}{draw(target())}{draw(gap())}{{ ?a ?b ?c }}"
    return PROLOGUE + draw(st.sampled_from(POSITIONS)).format(p=pattern)


@st.composite
def foreign_dataset_queries(draw: st.DrawFn) -> str:
    clause = draw(spelled("FROM")) + draw(gap())
    if draw(st.booleans()):
        clause += draw(spelled("NAMED")) + draw(gap())
    graph = draw(
        st.sampled_from(
            ["<http://127.0.0.1:9/g.ttl>", "t:g", "<file:///etc/passwd>", "<relative>",
             r"<\u0068ttp://127.0.0.1:9/>", f"<{STORE_GRAPHS}../../evil>"]
        )
    )  # fmt: skip
    return f"{PROLOGUE}SELECT *{draw(gap())}{clause}{graph}{draw(gap())}WHERE {{ ?s ?p ?o }}"


@st.composite
def update_requests(draw: st.DrawFn) -> str:
    forms = [
        "{INSERT} DATA {{ <a:b> <a:c> <a:d> }}",
        "{DELETE} WHERE {{ ?s ?p ?o }}",
        "{DROP} ALL",
        "{CLEAR} DEFAULT",
        "{LOAD} <http://127.0.0.1:9/x.ttl>",
        "SELECT * {{ }}{gap};{gap}{DROP} ALL",
        "{WITH} <http://x/> {DELETE} {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
    ]
    words = {w: draw(spelled(w)) for w in ("INSERT", "DELETE", "DROP", "CLEAR", "LOAD", "WITH")}
    return draw(st.sampled_from(forms)).format(gap=draw(gap()), **words)


@st.composite
def harmless_queries(draw: st.DrawFn) -> str:
    """Queries that mention the forbidden words without using them."""
    mention = draw(
        st.sampled_from(
            [
                '?s ?p "SERVICE <http://127.0.0.1:9/> {}"',
                "?s ?p '''DROP ALL'''",
                "?service ?insert ?drop",
                "?s t:service.drop ?o",
                "?s <http://127.0.0.1:9/SERVICE(((> ?o",
                "?s ?p ?o FILTER(?o<?p&&?p>?s)",
                "?s ?p .5",
            ]
        )
    )
    return f"{PROLOGUE}SELECT *{draw(gap())}WHERE {{{draw(gap())}{mention}{draw(gap())}}}"


# -- the properties -------------------------------------------------------------------------


@FUZZ
@given(service_queries())
def test_every_service_variant_is_refused(query: str) -> None:
    with pytest.raises(QueryRefused, match="SERVICE"):
        check(query, allowed_graph=allowed)


@FUZZ
@given(foreign_dataset_queries())
def test_every_foreign_dataset_is_refused(query: str) -> None:
    with pytest.raises(QueryRefused, match="FROM"):
        check(query, allowed_graph=allowed, base_iri="http://127.0.0.1:9/sparql")


@FUZZ
@given(update_requests())
def test_every_update_is_refused(query: str) -> None:
    with pytest.raises(QueryRefused, match="read-only"):
        check(query, allowed_graph=allowed)


@FUZZ
@given(st.integers(min_value=0, max_value=200), st.lists(st.sampled_from("{([")))
def test_nesting_is_refused_past_the_limit_whatever_the_brackets(
    depth: int, kinds: list[str]
) -> None:
    opening = "".join(kinds[i % len(kinds)] if kinds else "{" for i in range(depth))
    closing = "".join({"{": "}", "(": ")", "[": "]"}[c] for c in reversed(opening))
    query = f"SELECT * WHERE {{ {opening}{closing} }}"
    if depth + 1 > 20:
        with pytest.raises(QueryRefused, match="nested deeper"):
            check(query, max_depth=20)
    else:  # within the limit, the parser decides: balanced nonsense is a syntax error at most
        try:
            check(query, max_depth=20)
        except QueryRefused as refused:  # pragma: no cover - a refusal would be a bug
            raise AssertionError(f"refused within the limit: {refused}") from refused
        except QueryError:
            pass


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    opened = Listener()
    try:
        yield opened
    finally:
        opened.close()


@FUZZ
@given(harmless_queries())
def test_harmless_lookalikes_are_accepted_and_the_engine_stays_home(
    listener: Listener, query: str
) -> None:
    """What the guard accepts, pyoxigraph runs (as the canonical text) without connecting."""
    query = query.replace("127.0.0.1:9", f"127.0.0.1:{listener.port}")
    checked = check(query, allowed_graph=allowed)
    list(ox.Store().query(checked.text))
    assert listener.connections == 0
