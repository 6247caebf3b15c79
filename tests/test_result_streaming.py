"""Rows serialised by pyoxigraph and counted by their marks (kg.store.oxigraph.RowMarks).

The embedded store used to build JSON results row by row in Python (and CSV, TSV and XML from
that JSON); it now lets pyoxigraph write every format and counts rows in the bytes that pass.
These tests hold the new answers to the old ones byte for byte, on values chosen to look like
row marks, and check the row cap at its edge in every format.
"""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.errors import QueryRefused, QueryTimeout
from kg.sparql.sandbox import QueryPool, Task
from kg.store.base import CappedWriter, QueryKind, ResultFormat
from kg.store.embedded import EmbeddedStore
from kg.store.oxigraph import RESULT_FORMATS, RowMarks

FORMATS = [ResultFormat.SPARQL_JSON, ResultFormat.SPARQL_XML, ResultFormat.CSV, ResultFormat.TSV]
XSD = "http://www.w3.org/2001/XMLSchema#"
#: Values that hold what the formats' row marks look like, and what escaping must handle.
AWKWARD = [
    'a,{"b":1}',
    "[{",
    '{"type":"uri"}',
    '"type":"triple"',
    "<result>",
    "<result/>",
    "line\nbreak",
    "crlf\r\nbreak",
    "tab\tin",
    'quote " and \\ backslash',
    "\u2028 \u0001 \x7f ✓ 𝄞",
    "",
]
DATA = "\n".join(
    [
        *(
            f"<http://ex/s{i}> <http://ex/p> {json.dumps(v, ensure_ascii=False)} <http://ex/g> ."
            for i, v in enumerate(AWKWARD)
        ),
        '<http://ex/s0> <http://ex/label> "Straße"@de <http://ex/g> .',
        f'<http://ex/s1> <http://ex/n> "01"^^<{XSD}integer> <http://ex/g> .',
        f'<http://ex/s2> <http://ex/n> "1"^^<{XSD}decimal> <http://ex/g> .',
        f'<http://ex/s3> <http://ex/n> "1e0"^^<{XSD}double> <http://ex/g> .',
        '<http://ex/s4> <http://ex/n> "x"^^<http://ex/type> <http://ex/g> .',
        "<http://ex/s5> <http://ex/knows> _:b1 <http://ex/g> .",
        "_:b1 <http://ex/p> <http://ex/s6> <http://ex/g> .",
    ]
)
QUERIES = [
    "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o",
    "SELECT ?s ?o ?missing WHERE { ?s <http://ex/p> ?o OPTIONAL { ?s <http://ex/none> ?missing } }"
    " ORDER BY ?s",
    "SELECT * WHERE { VALUES (?a ?b) { (1 UNDEF) (UNDEF UNDEF) (UNDEF 2) } }",
    "SELECT * WHERE { }",
    "SELECT ?x WHERE { ?x <http://ex/nothing> ?y }",
    "SELECT ?t WHERE { ?s <http://ex/label> ?o BIND(TRIPLE(?s, <http://ex/p>, ?o) AS ?t) }",
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedStore:
    folder = tmp_path_factory.mktemp("streaming")
    nquads = folder / "data.nq"
    nquads.write_text(DATA + "\n", encoding="utf-8")
    store = EmbeddedStore(folder / "store")
    store.publish(nquads, {})
    return store


def previous(store: EmbeddedStore, query: str, fmt: ResultFormat) -> bytes:
    """The answer as the store wrote it before (JSON built in Python, the other formats
    serialised by pyoxigraph from that JSON)."""
    result = store._run(query, None)
    variables = [v.value for v in result.variables]
    rows = []
    for solution in result:
        row = {}
        for name in variables:
            if solution[name] is not None:
                row[name] = _term_json(solution[name])
        rows.append(json.dumps(row, ensure_ascii=False, separators=(",", ":")))
    head = json.dumps(variables, separators=(",", ":"))
    data = '{"head":{"vars":' + head + '},"results":{"bindings":[' + ",".join(rows) + "]}}"
    if fmt is ResultFormat.SPARQL_JSON:
        return data.encode()
    parsed = ox.parse_query_results(data.encode(), ox.QueryResultsFormat.JSON)
    return parsed.serialize(format=RESULT_FORMATS[fmt])


def _term_json(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        parts = ("subject", "predicate", "object")
        return {"type": "triple", "value": {k: _term_json(getattr(term, k)) for k in parts}}
    out: dict = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD + "string":
        out["datatype"] = term.datatype.value
    return out


def rows_of(store: EmbeddedStore, query: str) -> int:
    return sum(1 for _ in store._run(query, None))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("query", QUERIES)
def test_answers_equal_the_previous_ones_byte_for_byte(
    store: EmbeddedStore, query: str, fmt: ResultFormat
) -> None:
    expected = previous(store, query, fmt)
    assert store.serialize(query, QueryKind.SELECT, fmt, max_rows=10_000) == expected
    assert store.serialize(query, QueryKind.SELECT, fmt) == expected  # no cap: as before


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("query", QUERIES)
def test_the_row_cap_holds_at_its_edge(store: EmbeddedStore, query: str, fmt: ResultFormat) -> None:
    rows = rows_of(store, query)
    assert store.serialize(query, QueryKind.SELECT, fmt, max_rows=rows)
    if rows:
        with pytest.raises(QueryRefused, match=f"more than {rows - 1} rows"):
            store.serialize(query, QueryKind.SELECT, fmt, max_rows=rows - 1)


def test_marks_in_values_only_ever_count_too_many(store: EmbeddedStore) -> None:
    """JSON's marks are an upper bound (a value may look like one); the exact count from the
    answer decides, so a value that looks like a row never refuses a result."""
    query = QUERIES[0]
    rows = rows_of(store, query)
    data = store.serialize(query, QueryKind.SELECT, ResultFormat.SPARQL_JSON)
    marks = RowMarks(io.BytesIO(), ox.QueryResultsFormat.JSON, columns=3)
    marks.write(data)
    assert marks.count > rows and not marks.exact
    assert marks.least() <= rows  # the terms never claim more rows than there are
    assert store.serialize(query, QueryKind.SELECT, ResultFormat.SPARQL_JSON, max_rows=rows)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_large_result_is_refused_early_in_every_format(
    store: EmbeddedStore, fmt: ResultFormat
) -> None:
    """Far past the cap, a result is refused while it is written, not once it is complete."""
    numbers = " ".join(str(n) for n in range(1000))
    query = f"SELECT ?a ?b WHERE {{ VALUES ?a {{ {numbers} }} VALUES ?b {{ {numbers} }} }}"
    out = io.BytesIO()
    with pytest.raises(QueryRefused, match="more than 100 rows"):
        store.serialize_into(CappedWriter(out, None), query, QueryKind.SELECT, fmt, max_rows=100)
    assert len(out.getvalue()) < 64 * 1024  # of the 1,000,000 rows, a few pieces were written


def test_pieces_split_anywhere_count_the_same(store: EmbeddedStore) -> None:
    for fmt in (ResultFormat.SPARQL_JSON, ResultFormat.SPARQL_XML, ResultFormat.TSV):
        data = store.serialize(QUERIES[1], QueryKind.SELECT, fmt)
        whole = RowMarks(io.BytesIO(), RESULT_FORMATS[fmt], columns=3)
        whole.write(data)
        for size in (1, 2, 7):
            split = RowMarks(io.BytesIO(), RESULT_FORMATS[fmt], columns=3)
            for start in range(0, len(data), size):
                split.write(data[start : start + size])
            assert (split.count, split.least()) == (whole.count, whole.least())


def test_the_deadline_stops_a_query_that_streams_rows(built_settings, tmp_path: Path) -> None:
    """A query whose rows come slowly is stopped at its deadline while pyoxigraph writes them,
    and the pool answers the next query."""
    pool = QueryPool(built_settings, size=1)
    try:
        numbers = " ".join(str(n) for n in range(400))
        slow = (
            f"SELECT ?a ?b ?c (CONCAT(STR(?a), STR(?b), STR(?c)) AS ?x) WHERE {{ "
            f"VALUES ?a {{ {numbers} }} VALUES ?b {{ {numbers} }} VALUES ?c {{ {numbers} }} }}"
        )
        started = time.monotonic()
        with pytest.raises(QueryTimeout):
            pool.run(
                Task(
                    slow,
                    QueryKind.SELECT,
                    ResultFormat.SPARQL_JSON,
                    max_rows=10**9,
                    max_bytes=10**12,
                ),
                timeout=1.0,
            )
        assert time.monotonic() - started < 5
        assert pool.run(Task("ASK {}", QueryKind.ASK, ResultFormat.SPARQL_JSON)) == (
            b'{"head":{},"boolean":true}'
        )
    finally:
        pool.close()
