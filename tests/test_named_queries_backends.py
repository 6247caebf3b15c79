"""Every named query in queries/ answers the same on the embedded store and on an Oxigraph
server holding the same build (parameters bound as typed terms on both: pyoxigraph
substitutions there, a VALUES block here)."""

from __future__ import annotations

from collections import Counter

import pytest

from kg.config import Settings
from kg.rdf import BNode
from kg.sparql.queries import QueryCatalogue
from kg.store import QueryKind, Store, open_store
from tests.conftest import ROOT
from tests.test_named_queries import ON_FIXTURE

CATALOGUE = QueryCatalogue(ROOT / "queries", Settings().vocab)
NAMES = [query.name for query in CATALOGUE]


@pytest.fixture(scope="module")
def stores(embedded_settings: Settings, remote_settings: Settings) -> tuple[Store, Store]:
    return open_store(embedded_settings), open_store(remote_settings)


def _plain(term: object) -> object:
    return "_:b" if isinstance(term, BNode) else term  # blank-node labels differ per engine


def answer(store: Store, name: str) -> object:
    query = CATALOGUE.get(name).specialised({}, CATALOGUE.vocab)  # list parameters written in
    bindings = query.bindings({}, CATALOGUE.vocab)
    if query.kind is QueryKind.SELECT:
        rows = store.select(query.text, bindings)
        return Counter(tuple(sorted((k, _plain(v)) for k, v in row.items())) for row in rows)
    if query.kind is QueryKind.ASK:
        return store.ask(query.text, bindings)
    triples = store.construct(query.text, bindings)
    return Counter(tuple(_plain(t) for t in triple) for triple in triples)


def test_there_are_named_queries() -> None:
    assert NAMES, "queries/ holds no named queries"


@pytest.mark.parametrize("name", sorted(set(NAMES) - ON_FIXTURE))
def test_named_query_answers_the_same_on_both_backends(
    name: str, stores: tuple[Store, Store]
) -> None:
    embedded, remote = stores
    expected = answer(embedded, name)
    assert expected, f"{name} answers nothing on the shipped corpus"
    assert answer(remote, name) == expected


@pytest.mark.parametrize("name", sorted(ON_FIXTURE))
def test_v2_query_answers_the_same_on_both_backends(
    name: str, v2_settings: Settings, v2_remote_settings: Settings
) -> None:
    """The queries about the decision model, on the v2 fixture project (where their answers
    are known, tests/test_v2_queries.py) in both stores."""
    expected = answer(open_store(v2_settings), name)
    assert expected, f"{name} answers nothing on the v2 fixture"
    assert answer(open_store(v2_remote_settings), name) == expected
