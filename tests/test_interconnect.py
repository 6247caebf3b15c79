"""Sector interconnections: the materialised links agree with a plain computation from the
curated relations, the breakdown of a pair agrees with its weight, and the JSON/CSV twins."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from itertools import combinations, pairwise

import pytest
from pages_support import parse_html

from kg.rdf import IRI
from kg.views.interconnect import breakdown, interconnections


@pytest.fixture(scope="module")
def vocab(built_settings):
    return built_settings.vocab


@pytest.fixture(scope="module")
def expected(store, vocab) -> dict[tuple[str, str], dict[str, int]]:
    """The three kinds of link computed in Python from the raw relations."""

    def pairs(prop: str) -> set[tuple[str, str]]:
        rows = store.select(f"SELECT DISTINCT ?a ?b WHERE {{ ?a <{vocab.term(prop)}> ?b }}")
        return {(r["a"].value, r["b"].value) for r in rows}

    real = {
        r["u"].value for r in store.select(f"SELECT ?u WHERE {{ ?u a <{vocab.term('UseCase')}> }}")
    }
    # Only real use cases link sectors (docs/model.md); patterns are left out here.
    sectors, uses, produces = (
        {(u, x) for u, x in pairs(prop) if u in real}
        for prop in ("sector", "usesDataset", "producesDataset")
    )
    of = defaultdict(set)
    for u, s in sectors:
        of[u].add(s)
    found: dict[tuple[str, str], dict[str, int]] = defaultdict(
        lambda: {"shared": 0, "flow": 0, "dataset": 0}
    )
    for ss in of.values():
        for a, b in combinations(sorted(ss), 2):
            found[(a, b)]["shared"] += 1
    flows = {(x, d, y) for x, d in produces for y, d2 in uses if d == d2 and x != y}
    seen = set()
    for x, d, y in flows:
        for a in of[x]:
            for b in of[y]:
                if a != b:
                    key = (min(a, b), max(a, b), x, d, y)
                    if key not in seen:
                        seen.add(key)
                        found[key[:2]]["flow"] += 1
    # A dataset is shared by sectors a and b when a use case of a and a different use case of b
    # use or produce it.
    users = defaultdict(set)
    for u, d in uses | produces:
        users[d].add(u)
    for us in users.values():
        linked = {
            (min(a, b), max(a, b))
            for u in us
            for v in us
            if u != v
            for a in of[u]
            for b in of[v]
            if a != b
        }
        for key in linked:
            found[key]["dataset"] += 1
    return dict(found)


def test_matrix_matches_a_plain_computation(store, vocab, expected):
    links = interconnections(store, vocab)
    assert set(links.cells) == set(expected)
    for key, cell in links.cells.items():
        assert cell.weight == sum(expected[key].values()), key


def test_links_match_the_reasoners_connects_to(store, vocab):
    rows = store.select(
        f"SELECT DISTINCT ?a ?b WHERE {{ ?a <{vocab.term('connectsTo')}> ?b "
        "FILTER(STR(?a) < STR(?b)) }"
    )
    assert {(r["a"].value, r["b"].value) for r in rows} == set(interconnections(store, vocab).cells)


def test_breakdown_matches_weight(store, vocab, expected):
    links = interconnections(store, vocab)
    for (a, b), cell in list(links.cells.items())[:25]:
        parts = breakdown(store, vocab, IRI(a), IRI(b), top=500)
        assert parts.counts == expected[(a, b)]
        assert parts.weight == cell.weight
        assert len(parts.shared) == parts.counts["shared"]
        assert len(parts.flows) == parts.counts["flow"]
        assert len(parts.datasets) == parts.counts["dataset"]


def test_breakdown_is_capped(store, vocab):
    links = interconnections(store, vocab)
    strongest = links.edges()[0]
    parts = breakdown(store, vocab, IRI(strongest.a), IRI(strongest.b), top=1)
    assert len(parts.shared) <= 1 and len(parts.flows) <= 1 and len(parts.datasets) <= 1
    assert parts.weight == strongest.weight


def test_derived_links_name_their_rule(store, vocab):
    rows = store.select(
        f"SELECT DISTINCT ?src WHERE {{ GRAPH <{vocab.graph('inferred')}> {{ "
        f"?l a <{vocab.term('SectorLink')}> ; <http://purl.org/dc/terms/source> ?src }} }}"
    )
    assert [r["src"].value for r in rows] == [vocab.base + "rules/50-interconnections.ru"]


def test_json_twin(client, store, vocab):
    data = client.get("/interconnections.json").get_json()
    links = interconnections(store, vocab)
    assert len(data["links"]) == len(links.cells)
    assert len(data["sectors"]) == 14
    first = data["links"][0]
    assert first["weight"] == links.max_weight
    assert set(first) == {"id", "source", "target", "value", "weight", "usecases", "datasets"}
    assert all(link["value"] == link["weight"] for link in data["links"])


def test_csv_twin(client, store, vocab):
    answer = client.get("/interconnections.csv?lang=de")
    assert answer.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert len(rows) == len(interconnections(store, vocab).cells)
    assert int(rows[0]["weight"]) >= int(rows[-1]["weight"])


def test_matrix_cells_link_to_their_breakdown(client, store, vocab):
    page = client.get("/interconnections?lang=en").text
    cell = interconnections(store, vocab).edges()[0]
    path = cell.link[len(vocab.base) - 1 :]
    assert f'href="{path}"' in page
    detail = client.get(path + ".html").text
    assert "Shared use cases" in detail and "Data flows between their use cases" in detail


@pytest.mark.parametrize("measure", ["usecases", "datasets"])
def test_the_matrix_can_count_one_part_of_the_strength(client, measure):
    everything = client.get("/interconnections.json").get_json()["links"]
    data = client.get(f"/interconnections.json?measure={measure}").get_json()
    assert data["measure"] == measure
    shown = {(x["source"], x["target"]): x["value"] for x in data["links"]}
    wanted = {(x["source"], x["target"]): x[measure] for x in everything if x[measure]}
    assert shown == wanted
    assert [x["value"] for x in data["links"]] == sorted(shown.values(), reverse=True)
    page = parse_html(client.get(f"/interconnections?measure={measure}&lang=de").text)
    assert any(
        tag == "a" and "aria-current" in attrs and "measure=" + measure in attrs.get("href", "")
        for tag, attrs in page.elements
    )


def test_each_pair_appears_once_above_the_diagonal(client, store, vocab):
    links = interconnections(store, vocab)
    html = client.get("/interconnections?lang=en").text
    table = html[html.index('<table class="matrix">') : html.index("</table>")]
    rows = table.split("<tr>")[2:]  # after the head
    order = [n.iri for n in links.ordered("en")]
    linked = 0
    for i, row in enumerate(rows):
        cells = row.split("<td")[1:]
        assert len(cells) == len(order)
        assert all('class="lower"' in c for c in cells[:i])
        assert 'class="diagonal"' in cells[i]
        linked += sum('class="heat"' in c for c in cells[i + 1 :])
    assert linked == len(links.cells)


def test_the_colour_scale_covers_every_figure_once(store, vocab):
    links = interconnections(store, vocab)
    legend = links.legend()
    assert legend[0][1] == 1 and legend[-1][2] == links.max_weight
    assert all(a[2] + 1 == b[1] for a, b in pairwise(legend))
    for cell in links.cells.values():
        level = links.level(cell)
        assert any(lv == level and low <= cell.weight <= high for lv, low, high in legend)


def test_a_cell_says_what_it_counts(client, store, vocab):
    links = interconnections(store, vocab)
    top = links.edges()[0]
    html = client.get("/interconnections?lang=de").text
    assert f"Stärke {top.weight} ({top.usecases} Anwendungsf" in html


def _sector_row(html: str, other_slug: str) -> list[int]:
    """Strength, use cases and datasets in a sector page's row of ``other_slug``."""
    import re

    row = next(r for r in html.split("<tr>") if f'href="/sector/{other_slug}"' in r)
    return [int(n) for n in re.findall(r'class="num">(?:<span[^>]*>)?(\d+)', row)]


def test_a_pair_has_the_same_figures_on_every_page_and_in_every_format(client, vocab):
    data = client.get("/interconnections.json").get_json()["links"]
    rows = {
        row["link"]: row
        for row in csv.DictReader(io.StringIO(client.get("/interconnections.csv").text))
    }
    for link in data[:3] + data[-2:]:  # the strongest and the weakest
        a, b = (iri.rsplit("/", 1)[-1] for iri in (link["source"], link["target"]))
        figures = [link["weight"], link["usecases"], link["datasets"]]
        row = rows[link["id"]]
        assert [int(row[k]) for k in ("weight", "usecases", "datasets")] == figures
        for here, there in ((a, b), (b, a)):
            page = client.get(f"/sector/{here}.html?lang=en").text
            assert _sector_row(page, there) == figures
        html = client.get(f"/sectorlink/{a}--{b}.html?lang=en").text
        assert f"Strength: <strong>{link['weight']}</strong>" in html
        assert f"rests on {link['usecases']} use cases" in html
        assert f"and {link['datasets']} datasets" in html
        use_case, sector = vocab.term("UseCase"), vocab.term("sector")
        query = (
            f"SELECT (COUNT(DISTINCT ?u) AS ?n) WHERE {{ ?u a <{use_case}> ; "
            f"<{sector}> <{link['source']}>, <{link['target']}> }}"
        )
        answer = client.get(
            "/sparql",
            query_string={"query": query},
            headers={"Accept": "application/sparql-results+json"},
        ).get_json()
        shared = answer["results"]["bindings"][0]["n"]["value"]
        assert f"— {shared} shared use cases" in html
