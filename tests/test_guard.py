"""The guard refuses what must never reach an engine, before any engine parses the query."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys

import pytest

from kg.errors import QueryError, QueryRefused
from kg.sparql.guard import MAX_DEPTH, MAX_TERMS, check, decide, screen
from kg.store import QueryKind

STORE_GRAPH = "https://w3id.org/sckg/graph/ontology"


def allowed(iri: str) -> bool:
    return iri.startswith("https://w3id.org/sckg/graph/")


@pytest.mark.parametrize(
    ("query", "kind"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", QueryKind.SELECT),
        ("ask {}", QueryKind.ASK),
        (
            "PREFIX ex: <http://ex/> CONSTRUCT { ?s ex:p ?o } WHERE { ?s ?p ?o }",
            QueryKind.CONSTRUCT,
        ),
        ("DESCRIBE <http://example.org/>", QueryKind.DESCRIBE),
        ('SELECT ?x { BIND("SERVICE <http://x/> {}" AS ?x) }', QueryKind.SELECT),
        ("SELECT * { ?s ?p ?o } # SERVICE <http://x/> and DROP ALL", QueryKind.SELECT),
        ("PREFIX service: <http://ex/> SELECT * { ?s service:drop ?o }", QueryKind.SELECT),
        ("SELECT ?service ?insert { ?service ?insert ?o }", QueryKind.SELECT),
        ('SELECT * { ?s ?p """a "quoted" SERVICE""" }', QueryKind.SELECT),
        ("SELECT * WHERE { FILTER(?x<?y&&?y>?z) }", QueryKind.SELECT),
        (f"SELECT * FROM <{STORE_GRAPH}> {{ ?s ?p ?o }}", QueryKind.SELECT),
        ("SELECT * FROM <https://w3id.org/sckg/graph/source/x.yaml> { }", QueryKind.SELECT),
    ],
)
def test_accepted_queries_and_their_kind(query: str, kind: QueryKind) -> None:
    assert check(query, allowed_graph=allowed).kind is kind


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "select * { service silent <http://x/> {} }",
        "SELECT * { SERVICE?endpoint{ ?s ?p ?o } }",
        r"SELECT * { \u0053ERVICE <http://127.0.0.1:9/> { } }",
    ],
)
def test_service_is_refused_anywhere(query: str) -> None:
    with pytest.raises(QueryRefused, match="SERVICE"):
        check(query, allowed_graph=allowed)


@pytest.mark.parametrize(
    "query",
    [
        "CLEAR ALL",
        "DROP GRAPH <http://x/>",
        "INSERT DATA { <a:b> <a:c> <a:d> }",
        "PREFIX ex: <http://ex/> DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/data.ttl>",
        "SELECT * {} ; DROP ALL",
        "WITH <http://x/> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    ],
)
def test_update_is_refused(query: str) -> None:
    with pytest.raises(QueryRefused, match="read-only"):
        check(query, allowed_graph=allowed)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM <http://127.0.0.1:9/data.ttl> { ?s ?p ?o }",
        "SELECT * FROM NAMED <file:///etc/passwd> { GRAPH ?g { ?s ?p ?o } }",
        "PREFIX ex: <http://evil.example/> SELECT * FROM ex:g { }",
        "BASE <http://evil.example/> SELECT * FROM <g> { }",
        "SELECT * FROM <relative> { }",
    ],
)
def test_foreign_datasets_are_refused(query: str) -> None:
    with pytest.raises(QueryRefused, match="FROM"):
        check(query, allowed_graph=allowed)


def test_dataset_clauses_are_resolved_and_protocol_graphs_win() -> None:
    checked = check(
        f"PREFIX g: <{STORE_GRAPH[:-8]}> SELECT * FROM g:ontology FROM NAMED <{STORE_GRAPH}> {{}}",
        allowed_graph=allowed,
    )
    assert checked.default_graphs == (STORE_GRAPH,)
    assert checked.named_graphs == (STORE_GRAPH,)
    protocol = checked.dataset(["http://other/"], [])
    assert protocol is not None and list(protocol.default_graphs) == ["http://other/"]
    assert check("ASK {}").dataset() is None


def test_length_is_capped() -> None:
    with pytest.raises(QueryRefused, match="characters"):
        check("ASK {}" + " " * 100, max_length=50)


@pytest.mark.parametrize("opening", ["{", "(", "[", "<< "])
def test_5000_levels_of_nesting_are_refused_without_recursion(opening: str) -> None:
    closing = {"{": "}", "(": ")", "[": "]", "<< ": " >>"}[opening]
    query = "SELECT * WHERE { " + opening * 5000 + closing * 5000 + " }"
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(100)  # a recursive checker would fail here
    try:
        with pytest.raises(QueryRefused, match="nested deeper than 64"):
            check(query, max_length=100_000, max_depth=64)
    finally:
        sys.setrecursionlimit(limit)


def test_depth_within_the_limit_is_accepted() -> None:
    query = "SELECT * WHERE " + "{ " * 10 + "}" * 10
    assert check(query, max_depth=10).depth == 10


@pytest.mark.parametrize("query", ["", "PREFIX ex: <http://ex/>", 'SELECT * { ?s ?p "open }'])
def test_not_a_query(query: str) -> None:
    with pytest.raises(QueryError):
        check(query)


# -- issue 18/19: decided on the parse, not on words ----------------------------------------

TARGET = "<http://127.0.0.1:9/>"


def test_length_cap_boundary_is_exact() -> None:
    query = "ASK {}"
    exact = query + " " * (50 - len(query))
    assert check(exact, max_length=50).kind is QueryKind.ASK
    with pytest.raises(QueryRefused, match="51 characters; at most 50"):
        check(exact + " ", max_length=50)


@pytest.mark.parametrize(
    "query",
    [
        f"SELECT * {{ BIND(1 AS ?x).SERVICE SILENT {TARGET} {{ }} }}",
        f"SELECT * {{ ?s ?p ?x.SERVICE {TARGET} {{ }} }}",
        f"SELECT * {{ ?s ?p 1.SERVICE {TARGET} {{ }} }}",
        f"SELECT * {{ # a comment ended by a lone carriage return\rSERVICE {TARGET} {{ }}\n}}",
        f"SELECT * {{ # crlf\r\nSERVICE {TARGET} {{ }} }}",
    ],
)
def test_service_glued_to_a_dot_or_after_a_cr_comment_is_refused(query: str) -> None:
    with pytest.raises(QueryRefused, match="SERVICE"):
        check(query, allowed_graph=allowed)


@pytest.mark.parametrize(
    "query",
    [
        f"SELECT * {{ FILTER(1<2) SERVICE {TARGET} {{ }} }}",
        f"SELECT * {{ FILTER(?a<?b&&?b>?c) SERVICE {TARGET} {{ }} }}",
        f"SELECT * {{ FILTER(1<2)SERVICE{TARGET}{{}} }}",
    ],
)
def test_service_hidden_after_a_less_than_comparison_is_refused(query: str) -> None:
    with pytest.raises(QueryRefused, match="SERVICE"):
        check(query, allowed_graph=allowed)


@pytest.mark.parametrize(
    "query",
    [
        f"SELECT * {{ SERVICE {TARGET} {{ }} }}",
        f"SELECT * {{ {{ SELECT * {{ SERVICE {TARGET} {{ }} }} }} }}",
        f"SELECT * {{ FILTER NOT EXISTS {{ SERVICE {TARGET} {{ }} }} }}",
        "SELECT * { FILTER EXISTS { SERVICE SILENT ?e { } } }",
        f"SELECT * {{ OPTIONAL {{ SERVICE {TARGET} {{ }} }} }}",
        f"SELECT * {{ {{ }} UNION {{ SERVICE {TARGET} {{ }} }} }}",
        f"SELECT * {{ ?s ?p ?o MINUS {{ SERVICE {TARGET} {{ ?s ?p ?o }} }} }}",
        f"SELECT * {{ GRAPH ?g {{ ?s <p:a>/<p:b>* ?o SERVICE {TARGET} {{ }} }} }}",
        f"SELECT (EXISTS {{ SERVICE {TARGET} {{ }} }} AS ?x) {{ }}",
        f"ASK {{ SERVICE {TARGET} {{ }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE {TARGET} {{ ?s ?p ?o }} }}",
    ],
)
def test_the_parse_finds_service_in_every_position(query: str) -> None:
    """:func:`decide` alone — no word screen — refuses SERVICE wherever the grammar allows it."""
    with pytest.raises(QueryRefused, match="SERVICE"):
        decide(query)


@pytest.mark.parametrize(
    "query",
    [
        "INSERT DATA { <a:b> <a:c> <a:d> }",
        "DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://127.0.0.1:9/x.ttl>",
    ],
)
def test_the_parse_names_updates(query: str) -> None:
    with pytest.raises(QueryRefused, match="read-only"):
        decide(query)


def test_the_parse_resolves_from_clauses_as_the_engine_does() -> None:
    with pytest.raises(QueryRefused, match=re.escape("FROM <http://evil.example/g>")):
        decide("PREFIX e: <http://evil.example/> SELECT * FROM e:g { }", allowed_graph=allowed)
    with pytest.raises(QueryRefused, match=re.escape("FROM <http://localhost/g>")):
        decide("SELECT * FROM NAMED <g> { }", allowed_graph=allowed, base_iri="http://localhost/")
    checked = decide(f"SELECT * FROM <{STORE_GRAPH}> {{ }}", allowed_graph=allowed)
    assert checked.default_graphs == (STORE_GRAPH,)


def test_escapes_are_expanded_before_both_parsers_read_the_query() -> None:
    """pyoxigraph expands escapes only inside strings, rdflib everywhere: the guard hands the
    expanded text to both, so a string cannot end in one reading and not in the other."""
    query = r'SELECT * { BIND("\u0022" AS ?x) SERVICE <http://x/> {} } # """ AS ?y) }'
    checked = check(query)
    assert checked.text.startswith('SELECT * { BIND(""" AS ?x) SERVICE')  # one long string
    assert "\\u" not in checked.text
    with pytest.raises(QueryRefused, match="another escape"):
        check(r"SELECT * { \u005Cu0053ERVICE <http://x/> {} }")
    with pytest.raises(QueryError, match="not a valid character"):
        check(r'SELECT * { BIND("\uD800" AS ?x) }')


def test_chains_of_more_than_max_terms_parts_are_refused() -> None:
    def plus(terms: int) -> str:
        return "SELECT (" + "+".join(["1"] * terms) + " AS ?x) { }"

    with pytest.raises(QueryRefused, match="51 parts; at most 50"):
        decide(plus(52), max_terms=50)  # the first term and 51 more
    assert decide(plus(51), max_terms=50).kind is QueryKind.SELECT
    minus = "SELECT * { " + "MINUS { } " * 51 + "}"
    with pytest.raises(QueryRefused, match="parts"):
        decide(minus, max_terms=50)
    union = "SELECT * { " + " UNION ".join(["{ }"] * 51) + " }"
    with pytest.raises(QueryRefused, match="parts"):
        decide(union, max_terms=50)
    values = "SELECT * { VALUES ?x { " + " ".join(["1"] * 60) + " } }"
    assert decide(values, max_terms=50).kind is QueryKind.SELECT  # flat for the engine


def test_a_flat_chain_of_9900_terms_is_refused_before_any_parser() -> None:
    query = "SELECT (" + "+".join(["1"] * 9900) + " AS ?x) { }"
    with pytest.raises(QueryRefused, match="operators"):
        screen(query)


def test_brackets_inside_something_that_looks_like_an_iri_cannot_nest_the_engine() -> None:
    """``1<((…))&&?x>0``: the tokenizer sees an IRI, rdflib (and pyoxigraph) nested brackets."""
    hidden = "SELECT * { FILTER(1<" + "(" * 300 + "1" + ")" * 300 + "&&?x>0) }"
    assert screen(hidden).depth == 2  # the tokenizer is fooled...
    with pytest.raises(QueryRefused, match="nested deeper"):
        check(hidden)  # ...the parser is not
    shallow = "SELECT * { FILTER(1<((1))&&?x>0) }"
    assert check(shallow).kind is QueryKind.SELECT


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { ?s <http://x/(((([[[> ?o }",
        'SELECT * { ?s ?p "SERVICE <http://x/> {}" }',
        "SELECT * { ?s ?p ?o } # SERVICE <http://x/> {}\n",
        "PREFIX ex: <http://ex/> SELECT * { ?s ex:web.service ?o }",
        "SELECT ?service { ?service ?p ?o . }",
        "SELECT * { ?s ?p .5 }",
    ],
)
def test_harmless_lookalikes_are_accepted(query: str) -> None:
    assert check(query).kind is QueryKind.SELECT


@pytest.mark.parametrize("segment", ["../..", ".", "%2E%2e"])
def test_from_cannot_climb_out_of_the_graph_namespace(segment: str) -> None:
    """Found by the fuzz test: the prefix check alone took ``graph/../../evil`` as a store
    graph, which a server that normalises IRIs reads as ``https://w3id.org/evil``."""
    with pytest.raises(QueryRefused, match="FROM"):
        check(f"SELECT * FROM <{STORE_GRAPH[:-8]}{segment}/evil> {{ }}", allowed_graph=allowed)


def test_a_cached_parse_does_not_cache_which_graphs_are_allowed() -> None:
    query = f"SELECT * FROM <{STORE_GRAPH}> {{ }}"
    assert decide(query, allowed_graph=allowed).default_graphs == (STORE_GRAPH,)
    with pytest.raises(QueryRefused, match="FROM"):
        decide(query)  # the same text, parsed once, and a store that holds no such graph


# -- issue 19: mutation survivors ------------------------------------------------------------


def _operators(count: int) -> str:
    """An ASK whose FILTER chain holds ``count`` operators (FILTER itself is one)."""
    return "ASK { FILTER(" + "+".join(["1"] * count) + ") }"


@pytest.mark.parametrize("max_terms", [3, MAX_TERMS])
def test_the_operator_cap_is_exactly_twice_max_terms(max_terms: int) -> None:
    assert screen(_operators(2 * max_terms), max_terms=max_terms).kind is QueryKind.ASK
    with pytest.raises(QueryRefused, match=f"{2 * max_terms + 1} operators; at most"):
        screen(_operators(2 * max_terms + 1), max_terms=max_terms)


def test_the_default_operator_cap_is_two_thousand() -> None:
    """The default cap of the module documentation (1,000 terms, twice as many operators)."""
    assert screen(_operators(2000)).kind is QueryKind.ASK
    with pytest.raises(QueryRefused, match="2001 operators; at most 2000"):
        screen(_operators(2001))


@pytest.mark.parametrize(
    ("escape", "valid"),
    [
        ("\\uD7FF", True),
        ("\\uD800", False),
        ("\\uDFFF", False),
        ("\\uE000", True),
        ("\\U0010FFFF", True),
        ("\\U00110000", False),
    ],
)
def test_escapes_of_surrogates_and_beyond_unicode_are_refused(escape: str, valid: bool) -> None:
    query = f'ASK {{ FILTER("{escape}" != "") }}'
    if valid:
        assert check(query).kind is QueryKind.ASK
    else:
        with pytest.raises(QueryError, match=re.escape(f"{escape} is not a valid character")):
            check(query)


def test_what_the_guard_returns_cannot_be_changed() -> None:
    checked = check("ASK {}")
    screened = screen("ASK {}")
    for value in (checked, screened):
        with pytest.raises(dataclasses.FrozenInstanceError):
            value.text = "ASK { SERVICE <http://127.0.0.1:9/> {} }"
        assert hash(value) == hash(dataclasses.replace(value))


def test_a_syntax_error_names_line_and_column_with_a_caret() -> None:
    with pytest.raises(QueryError) as error:
        check("SELECT * WHERE {\n  ?s ?p }")
    message = str(error.value)
    assert message.startswith("syntax error at line 2, column ")
    column = int(message.split("column ")[1].split(":")[0])
    source, caret = message.splitlines()[-2:]
    assert source == "  ?s ?p }"
    assert caret == " " * (column - 1) + "^"


def test_closing_brackets_never_make_room_for_deeper_nesting() -> None:
    """Unbalanced closers at the start count as nothing (the depth never goes below zero)."""
    with pytest.raises(QueryRefused, match="nested deeper than 3"):
        screen(") ) " + "( " * 4, max_depth=3)
    # a closer takes off exactly one level
    with pytest.raises(QueryRefused, match="nested deeper than 3"):
        screen("( ( ) " + "( " * 3, max_depth=3)
    assert screen("ASK { " + "{ } " * 50 + "}", max_depth=2).depth == 2
    # balanced brackets before leave the whole depth for what follows
    assert screen("ASK ( ) " + "( " * 3, max_depth=3).depth == 3


def test_the_limits_are_keyword_arguments() -> None:
    """``screen(text, 10)`` could be read as any of three limits: it is refused."""
    with pytest.raises(TypeError):
        screen("ASK {}", 10)  # type: ignore[misc]
    with pytest.raises(TypeError):
        check("ASK {}", 10)  # type: ignore[misc]


@pytest.mark.parametrize("guard", [check, decide])
def test_by_default_no_graph_may_be_named(guard) -> None:
    """Without ``allowed_graph`` nothing passes as a FROM graph, not even the store's own."""
    for iri in ("https://w3id.org/sckg/graph/ontology", "http://127.0.0.1:9/"):
        with pytest.raises(QueryRefused, match="FROM"):
            guard(f"SELECT * FROM <{iri}> WHERE {{ ?s ?p ?o }}")


def test_an_unknown_prefix_is_a_query_error() -> None:
    """rdflib raises a bare Exception for it; the guard answers with a QueryError."""
    with pytest.raises(QueryError, match="cannot be read"):
        check("SELECT * WHERE { nope:a ?p ?o }")


def test_a_query_at_the_depth_limit_parses_in_a_fresh_interpreter() -> None:
    """The guard raises the recursion limit enough for rdflib's parser at ``MAX_DEPTH``
    levels of parentheses (the costliest nesting), from the interpreter's default."""
    query = "ASK { FILTER(" + "(" * (MAX_DEPTH - 2) + "1" + ")" * (MAX_DEPTH - 2) + ") }"
    program = (
        "import sys\n"
        "from kg.sparql.guard import check\n"
        f"assert sys.getrecursionlimit() == 1000\n"
        f"print(check({query!r}).depth)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == str(MAX_DEPTH)
