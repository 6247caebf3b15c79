"""Similar use cases with their reasons: the expected ranking on the v2 fixture project
(tests/fixtures/v2), patterns compared only with patterns, the index's keyed lookup equal to
scoring every use case (on a made-up index), and the list on the use-case page in both
languages."""

from __future__ import annotations

import json
import random
import re
import sqlite3
from pathlib import Path

import pytest

from kg.namespaces import Vocabulary
from kg.views.search import SearchIndex
from kg.views.searchindex import _TABLES, _similar_keys
from kg.views.similar import WEIGHTS, similar

BASE = "https://w3id.org/sckg/"


@pytest.fixture(scope="module")
def v2_index(v2_store, v2_settings, tmp_path_factory) -> SearchIndex:
    return SearchIndex.load(v2_store, v2_settings.vocab, tmp_path_factory.mktemp("v2-similar"))


def ranking(found) -> list[tuple]:
    return [
        (s.iri.rsplit("/", 1)[-1], s.score, s.sectors, s.solution, s.datasets, s.size)
        for s in found
    ]


def test_similar_use_cases_are_ranked_with_their_reasons(v2_index: SearchIndex) -> None:
    found = similar(v2_index, BASE + "usecase/herrenberg-parking-guidance", lang="en")
    # Herrenberg's parking guidance: mobility and environment, a sensor network, produces the
    # parking occupancy, in a Mittelstadt. (slug, score, sectors, solution, datasets, size)
    assert ranking(found) == [
        ("sindelfingen-parking-guidance", 8, 1, True, 1, True),  # uses the occupancy
        ("stuttgart-air-quality", 5, 1, True, 0, False),  # "Air-quality …" before "Noise …"
        ("barcelona-noise-monitoring", 5, 1, True, 0, False),
        ("herrenberg-ev-charging", 4, 1, False, 0, True),
        ("ploen-school-transport", 3, 1, False, 0, False),  # "School …" before "Traffic …"
        ("munich-traffic-data", 3, 1, False, 0, False),
    ]
    # Kalübbe shares no sector with anyone: only the solution type, and the size class alone
    # never makes a use case similar
    kalubbe = similar(v2_index, BASE + "usecase/kalubbe-fire-water-ponds", lang="en")
    assert [s.score for s in kalubbe] == [2, 2, 2, 2]
    assert all(s.solution and not s.sectors for s in kalubbe)


def test_ties_follow_the_title_in_the_page_language(v2_index: SearchIndex) -> None:
    german = ranking(similar(v2_index, BASE + "usecase/herrenberg-parking-guidance", lang="de"))
    # "Lärmmessung Barcelona" before "Luftqualitätsmessnetz Stuttgart"
    assert [g[0] for g in german[1:3]] == ["barcelona-noise-monitoring", "stuttgart-air-quality"]


def test_a_pattern_is_compared_with_patterns_only(v2_index: SearchIndex) -> None:
    assert similar(v2_index, BASE + "pattern/smart-parking") == []
    assert similar(v2_index, BASE + "usecase/no-such-thing") == []
    real = similar(v2_index, BASE + "usecase/munich-traffic-data", limit=20)
    assert real and all("/usecase/" in s.iri for s in real)


# -- the keyed lookup against scoring everything --------------------------------------------------
def _made_up(path: Path, n: int, rng: random.Random) -> dict[int, set[tuple[str, int]]]:
    """An index of ``n`` use cases with random sectors (of 6, so many share), solution types,
    datasets and size classes; returns each use case's facet values."""
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(_TABLES)
    db.execute("BEGIN")
    values = {
        "sector": list(range(1, 7)),
        "solution": list(range(7, 10)),
        "dataset": list(range(10, 40)),
        "size": list(range(40, 43)),
    }
    for name, ids in values.items():
        db.executemany(
            "INSERT INTO resource(id, iri, kind) VALUES (?, ?, ?)",
            [(i, f"{BASE}{name}/v{i}", name) for i in ids],
        )
    facets: dict[int, set[tuple[str, int]]] = {}
    for k in range(n):
        uid = 100 + k
        title = f"use case {rng.randrange(10**6):06d}"
        db.execute(
            "INSERT INTO resource(id, iri, kind) VALUES (?, ?, 'usecase')",
            (uid, f"{BASE}usecase/u{k}"),
        )
        db.execute(
            "INSERT INTO usecase VALUES (?, 0, ?, '{}', '', 0, ?, ?)",
            (uid, json.dumps({"en": title}), title, title),
        )
        pairs = {("sector", s) for s in rng.sample(values["sector"], rng.randint(1, 5))}
        if rng.random() < 0.9:
            pairs.add(("solution", rng.choice(values["solution"])))
        pairs |= {("dataset", d) for d in rng.sample(values["dataset"], rng.randint(0, 2))}
        if rng.random() < 0.7:
            pairs.add(("size", rng.choice(values["size"])))
        facets[uid] = pairs
        db.executemany("INSERT INTO facet VALUES (?, ?, ?)", [(a, b, uid) for a, b in pairs])
        db.executemany(
            "INSERT INTO similar_key VALUES (?, ?, ?, ?)",
            [(*key, uid) for key in _similar_keys("", pairs)],
        )
    db.executemany("INSERT INTO meta VALUES (?, ?)", [("schema", "4"), ("base", BASE)])
    db.execute("COMMIT")
    db.close()
    return facets


def _every_score(facets: dict[int, set[tuple[str, int]]], uid: int) -> dict[int, int]:
    """The score of every other use case, by comparing it with this one."""
    mine = facets[uid]
    scores = {}
    for other, theirs in facets.items():
        shared = mine & theirs
        if other == uid or not {n for n, _ in shared} - {"size"}:
            continue
        scores[other] = sum(WEIGHTS[name] for name, _ in shared)
    return scores


def test_the_keyed_lookup_finds_the_best_scores(tmp_path: Path) -> None:
    rng = random.Random(13)
    path = tmp_path / "search.sqlite"
    facets = _made_up(path, 1500, rng)
    index = SearchIndex(path, Vocabulary(BASE))
    try:
        for uid in rng.sample(sorted(facets), 60):
            scores = _every_score(facets, uid)
            found = similar(index, f"{BASE}usecase/u{uid - 100}", limit=6)
            best = sorted(scores.values(), reverse=True)[:6]
            assert [s.score for s in found] == best
            for s in found:  # each score and reason is exact
                other = int(s.iri.rsplit("u", 1)[-1]) + 100
                assert s.score == scores[other]
                shared = facets[uid] & facets[other]
                assert s.sectors == sum(1 for n, _ in shared if n == "sector")
                assert s.datasets == sum(1 for n, _ in shared if n == "dataset")
    finally:
        index.close()


# -- the page -------------------------------------------------------------------------------------
def _similar_section(html: str) -> str:
    start = html.index('<section aria-labelledby="similar-h" class="similar">')
    return html[start : html.index("</section>", start)]


@pytest.mark.parametrize(
    "lang, heading, reasons",
    [
        ("en", "Similar use cases",
         "1 shared sector, same solution type, 1 shared dataset, same size class"),
        ("de", "Ähnliche Anwendungsfälle",
         "1 gemeinsamer Sektor, gleicher Lösungstyp, 1 gemeinsamer Datensatz, "
         "gleiche Größenklasse"),
    ],
)  # fmt: skip
def test_the_use_case_page_shows_similar_use_cases_and_why(
    v2_client, lang: str, heading: str, reasons: str
) -> None:
    html = v2_client.get(f"/usecase/herrenberg-parking-guidance.html?lang={lang}").text
    section = _similar_section(html)
    assert f'<h2 id="similar-h">{heading}</h2>' in section
    items = re.findall(
        r'<li><a href="/usecase/([^"]+)">[^<]+</a> <span class="why">\(([^)]+)\)', section
    )
    assert items[0] == ("sindelfingen-parking-guidance", reasons)
    assert [slug for slug, _ in items] == [
        "sindelfingen-parking-guidance",
        *(["stuttgart-air-quality", "barcelona-noise-monitoring"] if lang == "en"
          else ["barcelona-noise-monitoring", "stuttgart-air-quality"]),
        "herrenberg-ev-charging",
        "ploen-school-transport",  # "School …"/"Schüler…" first
        "munich-traffic-data",
    ]  # fmt: skip
    pattern = v2_client.get(f"/pattern/smart-parking.html?lang={lang}").text
    assert (
        "No similar pattern found." if lang == "en" else "Kein ähnliches Muster gefunden."
    ) in pattern
