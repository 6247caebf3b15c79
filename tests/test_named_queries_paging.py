"""Named queries come a page at a time on the site and in their JSON/CSV twins: the pages,
concatenated, are the whole result, and a page links to the next one only when there is one."""

from __future__ import annotations

import csv
import io
import re

import pytest
from pages_support import parse_html

from kg.config import Settings
from kg.errors import QueryError
from kg.sparql.queries import PAGE_SIZE, QueryCatalogue, page_of, parse
from kg.store import QueryKind
from tests.conftest import ROOT
from web import create_app

CATALOGUE = QueryCatalogue(ROOT / "queries", Settings().vocab)
SIZE = 7


@pytest.fixture(scope="module")
def small_pages(built_settings, store):
    """The site with pages of :data:`SIZE` rows, so the shipped corpus has several."""
    app = create_app(
        {"TESTING": True, "NAMED_QUERY_PAGE_SIZE": SIZE}, settings=built_settings, store=store
    )
    return app.test_client()


def _next(response) -> str | None:
    found = re.search(r'<([^>]+)>; rel="next"', ", ".join(response.headers.getlist("Link")))
    return found.group(1) if found else None


def _full(store, name: str) -> list[dict]:
    query = CATALOGUE.get(name).specialised({}, CATALOGUE.vocab)  # list parameters written in
    return store.select(query.text, query.bindings({}, CATALOGUE.vocab))


def _plain(row: dict) -> dict[str, str]:
    return {k: v["value"] for k, v in row.items()}


def test_the_window_of_a_page() -> None:
    query = parse(
        "q", "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 25 OFFSET 10", Settings().vocab
    )
    first, third, fourth = (page_of(query, n, 10) for n in (1, 3, 4))
    assert first.text.rstrip().endswith("LIMIT 11 OFFSET 10")
    assert third.text.rstrip().endswith("LIMIT 5 OFFSET 30"), "the query's own LIMIT still holds"
    assert fourth.beyond and not third.beyond
    assert "LIMIT 25" not in first.text and "OFFSET 10\n" not in first.text.split("ORDER BY")[0]


def test_nested_limits_and_trailing_values_are_kept() -> None:
    text = (
        "SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 3 } } "
        "VALUES ?s { <http://example.org/a> }"
    )
    page = page_of(parse("q", text, Settings().vocab), 2, 10)
    assert "LIMIT 3 }" in page.text
    assert page.text.index("LIMIT 11 OFFSET 10") < page.text.index("VALUES ?s")


def test_page_is_a_reserved_parameter_name() -> None:
    header = "#+ params:\n#+   page:\n#+     type: integer\n"
    with pytest.raises(QueryError, match="reserved"):
        parse("q", header + "SELECT ?page WHERE {}", Settings().vocab)


def test_no_page_exceeds_the_page_size() -> None:
    assert PAGE_SIZE <= 1000
    for query in CATALOGUE:
        if query.kind is QueryKind.SELECT:
            assert f"LIMIT {PAGE_SIZE + 1} OFFSET 0" in page_of(query, 1).text


@pytest.mark.parametrize(
    "name", ["usecases-by-sector", "usecases-per-land", "sector-interconnections"]
)
def test_json_pages_concatenate_to_the_full_result(small_pages, store, name: str) -> None:
    full = _full(store, name)
    assert len(full) > SIZE, f"{name} needs more than one page on the shipped corpus"
    url, rows, pages = f"/queries/{name}.json", [], 0
    while url:
        answer = small_pages.get(url)
        assert answer.status_code == 200
        page = answer.get_json()["results"]["bindings"]
        assert 0 < len(page) <= SIZE
        rows += page
        pages += 1
        url = _next(answer)
    assert pages == -(-len(full) // SIZE)
    expected = [{k: v.value for k, v in row.items()} for row in full]
    assert [_plain(r) for r in rows] == expected or sorted(map(str, map(_plain, rows))) == sorted(
        map(str, expected)
    )


def test_csv_pages_follow_the_same_pages(small_pages, store) -> None:
    name = "usecases-by-sector"
    url, rows = f"/queries/{name}.csv", []
    while url:
        answer = small_pages.get(url)
        assert answer.mimetype == "text/csv"
        page = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
        assert len(page) <= SIZE
        rows += page
        url = _next(answer)
    assert len(rows) == len(_full(store, name))
    assert len({r["useCase"] for r in rows}) == len(rows)


def test_html_page_links_to_the_next_only_when_there_is_more(small_pages, store) -> None:
    name = "usecases-by-sector"
    pages = -(-len(_full(store, name)) // SIZE)
    first = small_pages.get(f"/queries/{name}?lang=en")
    links = parse_html(first.text).links
    assert any("page=2" in link for link in links) and _next(first)
    last = small_pages.get(f"/queries/{name}?lang=en&page={pages}")
    assert last.status_code == 200 and _next(last) is None
    assert f"page={pages - 1}" in last.text and 'rel="next"' not in last.text
    beyond = small_pages.get(f"/queries/{name}.json?page={pages + 1}").get_json()
    assert beyond["results"]["bindings"] == []


def test_a_query_that_fits_one_page_has_no_next_link(client) -> None:
    answer = client.get("/queries/sectors-overview")
    assert answer.status_code == 200 and _next(answer) is None
    assert 'rel="next"' not in answer.text


def _csv_triples(text: str) -> list[str]:
    """Lines of a CSV of triples, blank nodes renamed (each page labels them anew)."""
    return sorted(re.sub(r"\bN[0-9a-f]{32}\b", "_:b", line) for line in text.splitlines()[1:])


def test_construct_pages_concatenate_to_the_full_graph(small_pages, client) -> None:
    whole = client.get("/queries/usecase-description.csv")
    assert _next(whole) is None
    url, lines, pages = "/queries/usecase-description.csv", [], 0
    while url:
        answer = small_pages.get(url)
        lines += _csv_triples(answer.get_data(as_text=True))
        pages += 1
        url = _next(answer)
    assert pages > 1
    assert sorted(set(lines)) == sorted(set(_csv_triples(whole.get_data(as_text=True))))
