"""The store contract: the same tests for the embedded store and for an Oxigraph server.

Every test taking ``store`` runs once per backend (``both_backends``): select, ask, construct,
serialize in every format, dataset selection, typed bindings (with injection attempts), release,
dump and publish.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from servers import OxigraphServer

from kg import config
from kg.config import Settings
from kg.errors import PublishFailed, QueryError, QueryRefused
from kg.namespaces import XSD
from kg.rdf import IRI, BNode, Literal
from kg.store import QueryKind, ResultFormat, Store, open_store
from kg.store.base import Dataset, Release
from kg.store.embedded import EmbeddedStore
from kg.store.remote import bind_values

pytestmark = pytest.mark.both_backends

SCKG = "https://w3id.org/sckg/"
UC = IRI(SCKG + "usecase/berlin-giess-den-kiez")
TITLE = "http://purl.org/dc/terms/title"
PREFIXES = (
    "PREFIX dcterms: <http://purl.org/dc/terms/>\nPREFIX sckg: <https://w3id.org/sckg/ontology#>\n"
)


def count(store: Store) -> int:
    rows = store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    return int(rows[0]["n"].value)


# -- select, ask, construct -----------------------------------------------------------------
def test_select_returns_typed_terms(store: Store) -> None:
    rows = store.select(
        PREFIXES + "SELECT ?t (STRLEN(?t) AS ?n) ?uc "
        "WHERE { ?uc dcterms:title ?t FILTER isIRI(?uc) } ORDER BY ?uc ?t LIMIT 4"
    )
    assert len(rows) == 4
    assert all(isinstance(r["uc"], IRI) for r in rows)
    assert {r["t"].lang for r in rows} <= {"de", "en"}
    assert rows[0]["n"] == Literal(rows[0]["n"].value, datatype=XSD + "integer")


def test_unbound_variables_are_left_out(store: Store) -> None:
    rows = store.select("SELECT ?x ?y WHERE { BIND(1 AS ?x) OPTIONAL { BIND(?nothing AS ?y) } }")
    assert rows == [{"x": Literal("1", datatype=XSD + "integer")}]


def test_plain_strings_are_xsd_strings(store: Store) -> None:
    rows = store.select('SELECT ?s WHERE { BIND("tab\\tquote\\"é" AS ?s) }')
    assert rows == [{"s": Literal('tab\tquote"é')}]


def test_ask(store: Store) -> None:
    assert store.ask(PREFIXES + "ASK { ?uc dcterms:title ?t }") is True
    assert store.ask("ASK { <urn:nothing> ?p ?o }") is False


def test_construct(store: Store) -> None:
    triples = store.construct(
        PREFIXES + "CONSTRUCT { ?uc dcterms:title ?t } WHERE { ?uc dcterms:title ?t }"
    )
    assert triples and all(p == IRI(TITLE) for _, p, _ in triples)
    assert (
        UC,
        IRI(TITLE),
        Literal("Gieß den Kiez – watering street trees together", lang="en"),
    ) in triples or any(s == UC for s, _, _ in triples)


def test_syntax_error_is_a_query_error(store: Store) -> None:
    with pytest.raises(QueryError):
        store.select("SELECT ?x WHERE { ?x ")


# -- serialize ------------------------------------------------------------------------------
SELECT_2 = (
    PREFIXES
    + "SELECT ?uc ?t WHERE { ?uc dcterms:title ?t "
    + "FILTER(lang(?t) = 'en' && isIRI(?uc)) } ORDER BY ?uc LIMIT 2"
)


@pytest.mark.parametrize("fmt", [f for f in ResultFormat if f.is_tabular])
def test_select_serialises_in_every_result_format(store: Store, fmt: ResultFormat) -> None:
    data = store.serialize(SELECT_2, QueryKind.SELECT, fmt)
    if fmt is ResultFormat.CSV:  # lossy: plain text cells
        rows = _csv(data)
        assert len(rows) == 2 and all(r["uc"].startswith(SCKG) for r in rows)
        return
    parsed = ox.parse_query_results(data, format=_results_format(fmt))
    rows = list(parsed)
    assert len(rows) == 2
    assert all(isinstance(r["uc"], ox.NamedNode) for r in rows)


@pytest.mark.parametrize("fmt", [f for f in ResultFormat if f.is_tabular])
def test_ask_serialises_in_every_result_format(store: Store, fmt: ResultFormat) -> None:
    data = store.serialize("ASK { ?s ?p ?o }", QueryKind.ASK, fmt)
    if fmt in (ResultFormat.CSV, ResultFormat.TSV):  # no standard form: Oxigraph writes the word
        assert data.strip() == b"true"
        return
    assert bool(ox.parse_query_results(data, format=_results_format(fmt))) is True


@pytest.mark.parametrize("fmt", [f for f in ResultFormat if not f.is_tabular])
def test_construct_serialises_in_every_graph_format(store: Store, fmt: ResultFormat) -> None:
    query = PREFIXES + "CONSTRUCT WHERE { ?uc dcterms:title ?t }"
    data = store.serialize(query, QueryKind.CONSTRUCT, fmt)
    expected = len(store.construct(query))
    parsed = list(ox.parse(data, format=_rdf_format(fmt)))
    assert len({q.triple for q in parsed}) == expected


def test_describe_serialises(store: Store) -> None:
    data = store.serialize(f"DESCRIBE {UC.n3()}", QueryKind.DESCRIBE, ResultFormat.N_TRIPLES)
    assert UC.n3().encode() in data


def test_a_result_format_must_fit_the_query_kind(store: Store) -> None:
    with pytest.raises(QueryError):
        store.serialize("ASK {}", QueryKind.ASK, ResultFormat.TURTLE)
    with pytest.raises(QueryError):
        store.serialize("CONSTRUCT WHERE { ?s ?p ?o }", QueryKind.CONSTRUCT, ResultFormat.CSV)


def test_max_rows_refuses_instead_of_truncating(store: Store) -> None:
    query = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 5"
    assert (
        len(
            _json_rows(
                store.serialize(query, QueryKind.SELECT, ResultFormat.SPARQL_JSON, max_rows=5)
            )
        )
        == 5
    )
    with pytest.raises(QueryRefused):
        store.serialize(query, QueryKind.SELECT, ResultFormat.CSV, max_rows=4)
    with pytest.raises(QueryRefused):
        store.serialize(
            "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 5",
            QueryKind.CONSTRUCT,
            ResultFormat.TURTLE,
            max_rows=4,
        )


def test_base_iri_resolves_relative_iris(store: Store) -> None:
    data = store.serialize(
        "SELECT ?x WHERE { BIND(<thing> AS ?x) }",
        QueryKind.SELECT,
        ResultFormat.CSV,
        base_iri="http://example.org/sparql",
    )
    assert "http://example.org/thing" in data.decode()


# -- dataset selection -----------------------------------------------------------------------
def test_dataset_selects_the_default_and_named_graphs(
    store: Store, built_settings: Settings
) -> None:
    graphs = [
        r["g"].value for r in store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } } ORDER BY ?g")
    ]
    one = next(g for g in graphs if g.endswith("berlin-giess-den-kiez.yaml") or "usecase" in g)
    in_one = _csv(store.serialize(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{one}> {{ ?s ?p ?o }} }}",
        QueryKind.SELECT, ResultFormat.CSV,
    ))[0]["n"]  # fmt: skip
    default_only = _csv(store.serialize(
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", QueryKind.SELECT, ResultFormat.CSV,
        dataset=Dataset(default_graphs=[one]),
    ))[0]["n"]  # fmt: skip
    assert default_only == in_one and int(in_one) > 0
    named = _csv(store.serialize(
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", QueryKind.SELECT, ResultFormat.CSV,
        dataset=Dataset(default_graphs=[one], named_graphs=[one]),
    ))  # fmt: skip
    assert [r["g"] for r in named] == [one]


# -- bindings -------------------------------------------------------------------------------
def test_bindings_are_typed_terms(store: Store) -> None:
    rows = store.select(PREFIXES + "SELECT ?uc ?t WHERE { ?uc dcterms:title ?t }", {"uc": UC})
    assert rows and all(r["uc"] == UC for r in rows)
    title = Literal(rows[0]["t"].value, lang=rows[0]["t"].lang)
    # a bound variable is projected (pyoxigraph's substitutions require it)
    lang = store.select(PREFIXES + "SELECT ?uc ?t WHERE { ?uc dcterms:title ?t }", {"t": title})
    assert lang == [{"uc": UC, "t": title}]
    typed = store.select(
        "SELECT ?x ?y WHERE { BIND(?x + 1 AS ?y) }", {"x": Literal("41", datatype=XSD + "integer")}
    )
    assert typed[0]["y"] == Literal("42", datatype=XSD + "integer")


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?uc WHERE { OPTIONAL { ?uc dcterms:title ?t } }",
        "SELECT ?uc WHERE { ?uc ?p ?o FILTER(?uc = ?uc) } LIMIT 1",
        "SELECT ?uc WHERE { FILTER EXISTS { ?uc dcterms:title ?t } }",
        "SELECT ?uc (COUNT(?t) AS ?n) WHERE { ?uc dcterms:title ?t } GROUP BY ?uc",
        "ASK WHERE { ?uc dcterms:title ?t }",
        "CONSTRUCT WHERE { ?uc dcterms:title ?t }",
        "CONSTRUCT { ?uc a sckg:Thing } WHERE { GRAPH ?g { ?uc dcterms:title ?t } }",
    ],
)
def test_bindings_reach_every_part_of_the_outermost_group(store: Store, query: str) -> None:
    text = PREFIXES + query
    if query.startswith("ASK"):
        assert store.ask(text, {"uc": UC}) is True
        assert store.ask(text, {"uc": IRI("urn:nothing")}) is False
    elif query.startswith("CONSTRUCT"):
        triples = store.construct(text, {"uc": UC})
        assert triples and {s for s, _, _ in triples} == {UC}
    else:
        rows = store.select(text, {"uc": UC})
        assert rows and {r["uc"] for r in rows} == {UC}


INJECTIONS = [
    Literal('x" } ; DROP ALL ; SELECT * WHERE { "'),
    Literal("x' } DROP ALL #"),
    Literal('"""} DROP ALL #'),
    Literal("line\n} DROP ALL\n#"),
    Literal('back\\slash\\" } DROP ALL #'),
    Literal("x", datatype="http://example.org/t> } DROP ALL #"),
    Literal("x", lang="en } DROP ALL #"),
    IRI("http://example.org/> } DROP ALL ; <"),
    IRI("urn:x\n} DROP ALL"),
]


@pytest.mark.parametrize("term", INJECTIONS, ids=range(len(INJECTIONS)))
def test_injection_attempts_stay_values(store: Store, term) -> None:
    before = count(store)
    try:
        rows = store.select("SELECT ?v (STR(?v) AS ?s) WHERE { ?x ?p ?v }", {"v": term})
    except (QueryError, ValueError):
        pass  # a term that cannot be written safely is refused
    else:
        assert rows == []
        echoed = store.select("SELECT ?v WHERE { }", {"v": term})
        assert echoed == [{"v": term}]
    assert count(store) == before


def test_binding_names_must_be_variable_names(store: Store) -> None:
    with pytest.raises((QueryError, ValueError)):
        store.select("SELECT * WHERE { ?x ?p ?o } LIMIT 1", {"x } DROP ALL ; SELECT * { ?x": UC})


# -- release, dump --------------------------------------------------------------------------
def test_release_describes_what_is_served(store: Store) -> None:
    release = store.release()
    assert release is not None and release.id and release.created
    assert release.quads == count(store)
    assert any(name.startswith("usecases/") for name in release.meta["files"])


@pytest.mark.parametrize("fmt", [ResultFormat.N_QUADS, ResultFormat.TURTLE, ResultFormat.N_TRIPLES])
def test_dump(store: Store, fmt: ResultFormat, tmp_path: Path) -> None:
    out = tmp_path / f"dump.{fmt.extension}"
    store.dump(fmt, out)
    parsed = list(ox.parse(path=str(out), format=_rdf_format(fmt)))
    if fmt is ResultFormat.N_QUADS:
        assert len(parsed) == store.release().quads  # type: ignore[union-attr]
    else:
        assert len({q.triple for q in parsed}) > 1000


# -- publish (into a scratch store of the same backend) ---------------------------------------
@pytest.fixture(scope="module")
def scratch_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    server = OxigraphServer(tmp_path_factory.mktemp("scratch") / "data").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def scratch(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Store:
    if backend == "embedded":
        return open_store(config.load({}, store=str(tmp_path / "store")))
    server = request.getfixturevalue("scratch_server")
    return open_store(config.load({}, store=server.url))


def _nquads(tmp_path: Path, tag: str, n: int) -> Path:
    path = tmp_path / f"{tag}.nq"
    with open(path, "w", encoding="utf-8") as out:
        for i in range(n):
            out.write(f'<urn:s{i}> <urn:tag> "{tag}" <urn:g{i % 3}> .\n')
        out.write("_:b <urn:shared> _:b <urn:g0> .\n_:b <urn:shared> _:b <urn:g1> .\n")
    return path


def test_publish_replaces_the_release_and_runs_updates_first(
    scratch: Store, tmp_path: Path
) -> None:
    first = scratch.publish(_nquads(tmp_path, "a", 10), {"n": 1})
    assert scratch.release() == first and first.quads == 12
    rule = (
        "INSERT { GRAPH <urn:inferred> { ?s <urn:seen> true } } "
        "WHERE { GRAPH ?g { ?s <urn:tag> 'b' } }"
    )
    second = scratch.publish(_nquads(tmp_path, "b", 5), {"n": 2}, updates=[rule])
    assert second.id != first.id and second.quads == 5 + 2 + 5
    assert scratch.release() == second and second.meta == {"n": 2}
    tags = scratch.select("SELECT DISTINCT ?t WHERE { GRAPH ?g { ?s <urn:tag> ?t } }")
    assert tags == [{"t": Literal("b")}]
    assert scratch.ask("ASK { GRAPH <urn:inferred> { <urn:s4> <urn:seen> true } }")
    # one blank node shared by two graphs stays one node
    rows = scratch.select("SELECT DISTINCT ?b WHERE { GRAPH ?g { ?b <urn:shared> ?b } }")
    assert len(rows) == 1 and isinstance(rows[0]["b"], BNode)


def test_a_failed_publish_leaves_the_release(scratch: Store, tmp_path: Path) -> None:
    served = scratch.publish(_nquads(tmp_path, "a", 10), {})
    with pytest.raises(PublishFailed):
        scratch.publish(_nquads(tmp_path, "b", 10), {}, updates=["INSERT DATA { broken"])
    bad = tmp_path / "bad.nq"
    bad.write_text('<urn:s> <urn:p> "ok" <urn:g> .\n<urn:s> <urn:p> broken .\n', encoding="utf-8")
    with pytest.raises(PublishFailed):
        scratch.publish(bad, {})
    assert scratch.release() == served
    assert scratch.select("SELECT DISTINCT ?t WHERE { GRAPH ?g { ?s <urn:tag> ?t } }") == [
        {"t": Literal("a")}
    ]


def test_an_empty_prepared_release_is_refused_and_leaves_nothing(
    scratch: Store, tmp_path: Path
) -> None:
    """The build's own door (``publish_prepared``): a store without quads would empty the
    site; it is refused, the served release stays and no folder of it is left behind."""
    served = scratch.publish(_nquads(tmp_path, "a", 10), {})
    with pytest.raises(PublishFailed, match="holds no quads"):
        scratch.publish_prepared(ox.Store(), {})
    assert scratch.release() == served
    if isinstance(scratch, EmbeddedStore):
        releases = scratch.root / "releases"
        assert {p.name for p in releases.iterdir() if p.is_dir()} == {served.id}


def test_embedded_release_metadata_is_read_once_per_release(tmp_path: Path, monkeypatch) -> None:
    """The metadata of a release (13 MB of file hashes at 100,000 use cases) is read when the
    release changes, not on every page."""
    store = EmbeddedStore(tmp_path / "store")
    reads: list[str] = []
    read = store._read_release

    def counted(target: str) -> Release:
        reads.append(target)
        return read(target)

    monkeypatch.setattr(store, "_read_release", counted)
    first = store.publish(_nquads(tmp_path, "a", 3), {})
    assert [store.release() for _ in range(3)] == [first] * 3
    assert len(reads) == 1
    second = store.publish(_nquads(tmp_path, "b", 3), {})
    assert store.release() == second and store.release() == second
    assert len(reads) == 2


def test_embedded_release_with_unreadable_metadata_is_still_served(tmp_path: Path) -> None:
    """A release whose metadata file is broken (a disk fault, an edit) still answers queries and
    names itself by its folder; the counts are unknown (0)."""
    store = EmbeddedStore(tmp_path / "store")
    served = store.publish(_nquads(tmp_path, "a", 3), {"n": 1})
    (store.root / "releases" / f"{served.id}.json").write_text("{ not json", encoding="utf-8")
    fresh = EmbeddedStore(tmp_path / "store")
    assert fresh.release() == Release(id=served.id, quads=0, created="")
    assert fresh.ask("ASK { GRAPH ?g { ?s <urn:tag> 'a' } }")


def test_embedded_tidy_sweeps_what_a_failed_build_left_and_keeps_the_served_release(
    tmp_path: Path,
) -> None:
    """``tidy`` (run by a build with nothing to do) removes a release folder without metadata
    (a build killed while writing it) and leaves the served release; a store that has
    published nothing yet stays untouched."""
    store = EmbeddedStore(tmp_path / "store")
    served = store.publish(_nquads(tmp_path, "a", 3), {})
    leftover = store.root / "releases" / "00000000-killed-build"
    leftover.mkdir()
    (leftover / "data").write_text("half a release", encoding="utf-8")
    store.tidy()
    assert not leftover.exists()
    assert store.release() == served
    empty = EmbeddedStore(tmp_path / "empty")
    empty.tidy()
    assert not empty.root.exists()


# -- the VALUES rewriting itself (remote store) ---------------------------------------------
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT * WHERE { VALUES (?x) { (<urn:v>) }  ?s ?p ?o }"),
        ("SELECT * { ?s ?p ?o }", "SELECT * { VALUES (?x) { (<urn:v>) }  ?s ?p ?o }"),
        (
            "PREFIX ex: <http://ex/#x> SELECT (EXISTS { ?a ?b ?c } AS ?e) FROM <urn:a> { }",
            "PREFIX ex: <http://ex/#x> SELECT (EXISTS { ?a ?b ?c } AS ?e) FROM <urn:a> "
            "{ VALUES (?x) { (<urn:v>) }  }",
        ),
        (
            "# a { comment\nASK { '{' }",
            "# a { comment\nASK { VALUES (?x) { (<urn:v>) }  '{' }",
        ),
        (
            "CONSTRUCT { ?s ex:p '}' } WHERE { ?s ?p ?o }",
            "CONSTRUCT { ?s ex:p '}' } WHERE { VALUES (?x) { (<urn:v>) }  ?s ?p ?o }",
        ),
        (
            "CONSTRUCT WHERE { ?s ?p ?o }",
            "CONSTRUCT { ?s ?p ?o } WHERE { VALUES (?x) { (<urn:v>) }  ?s ?p ?o }",
        ),
    ],
)
def test_values_open_the_outermost_group(query: str, expected: str) -> None:
    assert bind_values(query, {"x": IRI("urn:v")}) == expected


def test_remote_store_refuses_service(remote_settings: Settings) -> None:
    store = open_store(remote_settings)
    with pytest.raises(QueryRefused):
        store.select("SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }")
    rows = store.select("PREFIX ex: <urn:ex:> SELECT ?x WHERE { BIND(ex:service-x AS ?x) }")
    assert rows == [{"x": IRI("urn:ex:service-x")}]


# -- helpers --------------------------------------------------------------------------------
def _results_format(fmt: ResultFormat) -> ox.QueryResultsFormat:
    return ox.QueryResultsFormat.from_media_type(fmt.media_type)  # type: ignore[return-value]


def _rdf_format(fmt: ResultFormat) -> ox.RdfFormat:
    return ox.RdfFormat.from_media_type(fmt.media_type)  # type: ignore[return-value]


def _json_rows(data: bytes) -> list:
    return json.loads(data)["results"]["bindings"]


def _csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode())))
