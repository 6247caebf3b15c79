"""Similar use cases: the real use cases (or, for a pattern, the patterns) that share most with
one, each with the reasons: shared sectors, the same solution type, shared datasets (used or
produced), the same BBSR size class of their places.

The score is ``3 × shared sectors + 2 × same solution type + 2 × shared datasets + 1 × same
size class``; a use case that shares only the size class is not similar. Ties are shown by
title.

Read from the search index of the release (:mod:`kg.views.searchindex`). Summing the shared
facet values of every use case that shares one with this one costs as many rows as its sectors
have use cases: 0.5 s (p50) at 100,000 use cases, as a common sector holds a third of them.
So the index also keeps, per use case, a key for every combination of up to four of its
sectors with its solution type and size class (:func:`keys`), and :func:`similar` asks for the
best combinations first — all its sectors with the same solution type and size class, then
fewer — each lookup an index range cut at ``limit`` rows, and stops once ``limit`` use cases
score at least what the next combination could. Use cases sharing a dataset are read from the
facet table (at most :data:`DATASET_CANDIDATES`). The few candidates are scored exactly at the
end. ``bench/similar.py`` measures it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import combinations

from kg.views.describe import pick
from kg.views.search import PATTERN_FACET, SearchIndex, sort_lang

#: Weight of each shared value, by facet.
WEIGHTS = {"sector": 3, "solution": 2, "dataset": 2, "size": 1}
#: How many similar use cases a page shows.
LIMIT = 6
#: Largest combination of sectors keyed. A use case with more sectors looks up the use cases
#: that share four of them without the cut at ``limit`` (at most :data:`BROAD` each), as they
#: may share more.
MAX_SECTORS = 4
BROAD = 1000
#: Most use cases read as candidates through shared datasets.
DATASET_CANDIDATES = 500


@dataclass
class Similar:
    """A use case similar to another, with what they share."""

    iri: str
    titles: dict[str, str] = field(default_factory=dict)
    score: int = 0
    sectors: int = 0  #: how many sectors both have
    solution: bool = False  #: the same solution type
    datasets: int = 0  #: how many datasets both use or produce
    size: bool = False  #: the same size class of their places

    def title(self, lang: str) -> str:
        return pick(self.titles, lang) or self.iri.rsplit("/", 1)[-1]


# -- the keys the index keeps -----------------------------------------------------------------
def key(prefix: str, sectors: Iterable[int]) -> str:
    """The key of a combination of sectors (resource ids) of a use case or (``prefix``) pattern."""
    return prefix + ",".join(str(s) for s in sorted(sectors))


def keys(
    prefix: str, sectors: Iterable[int], solutions: Iterable[int], sizes: Iterable[int]
) -> Iterator[tuple[str, int, int]]:
    """(key, solution, size) rows of one use case: every combination of up to
    :data:`MAX_SECTORS` of its sectors (the empty one too) with each solution type and size
    class it has (0 for none)."""
    ordered = sorted(set(sectors))
    for n in range(min(len(ordered), MAX_SECTORS) + 1):
        for subset in combinations(ordered, n):
            for solution in sorted(set(solutions)) or [0]:
                for size in sorted(set(sizes)) or [0]:
                    yield key(prefix, subset), solution, size


# -- reading ------------------------------------------------------------------------------------
_SCORED = """
WITH mine(name, value) AS (
  SELECT name, value FROM facet INDEXED BY facet_usecase
  WHERE usecase = :id AND name IN (:sector, :solution, :dataset, :size)
), shared(other, name, n) AS (
  SELECT f.usecase, f.name, COUNT(*) FROM facet f INDEXED BY facet_usecase
  CROSS JOIN mine m ON m.name = f.name AND m.value = f.value
  WHERE f.usecase IN ({candidates}) GROUP BY f.usecase, f.name
)
SELECT r.iri, u.titles, u.sort_{lang}, s.other,
  SUM(CASE name WHEN :sector THEN n ELSE 0 END),
  SUM(CASE name WHEN :solution THEN n ELSE 0 END),
  SUM(CASE name WHEN :dataset THEN n ELSE 0 END),
  SUM(CASE name WHEN :size THEN n ELSE 0 END)
FROM shared s CROSS JOIN usecase u ON u.id = s.other CROSS JOIN resource r ON r.id = s.other
GROUP BY s.other
"""


def similar(index: SearchIndex, iri: str, *, lang: str = "en", limit: int = LIMIT) -> list[Similar]:
    """The ``limit`` use cases most similar to ``iri`` (patterns to a pattern), the highest
    score first, then by title; none for an IRI the index does not hold as a use case."""
    row = index.db.execute(
        "SELECT u.id, u.pattern FROM usecase u JOIN resource r ON r.id = u.id WHERE r.iri = ?",
        (iri,),
    ).fetchone()
    if row is None:
        return []
    uid, pattern = row
    names = {name: (PATTERN_FACET if pattern else "") + name for name in WEIGHTS}
    mine: dict[str, list[int]] = {name: [] for name in WEIGHTS}
    rows = index.db.execute(
        "SELECT name, value FROM facet INDEXED BY facet_usecase WHERE usecase = ?", (uid,)
    )
    by_name = {stored: name for name, stored in names.items()}
    for stored, value in rows:
        if stored in by_name:
            mine[by_name[stored]].append(value)
    found = _scored(index, uid, names, _by_dataset(index, uid, names, mine), lang)
    prefix = PATTERN_FACET if pattern else ""
    for score, lookups in _tiers(prefix, mine):
        if sum(1 for s in found.values() if s.score >= score) >= limit:
            break
        new = set()
        for sql, params, broad in lookups:
            new |= {u for (u,) in index.db.execute(sql, (*params, uid, BROAD if broad else limit))}
        found.update(_scored(index, uid, names, new - set(found), lang))
    ranked = sorted(found.values(), key=lambda s: (-s.score, s.sort, s.iri))
    return [s.similar for s in ranked[:limit]]


@dataclass
class _Found:
    iri: str
    sort: str
    score: int
    similar: Similar


def _by_dataset(index: SearchIndex, uid: int, names: dict[str, str], mine) -> set[int]:
    if not mine["dataset"]:
        return set()
    marks = ",".join("?" * len(mine["dataset"]))
    rows = index.db.execute(
        f"SELECT DISTINCT usecase FROM facet WHERE name = ? AND value IN ({marks}) "
        "AND usecase != ? LIMIT ?",
        (names["dataset"], *mine["dataset"], uid, DATASET_CANDIDATES),
    )
    return {u for (u,) in rows}


def _tiers(
    prefix: str, mine: dict[str, list[int]]
) -> list[tuple[int, list[tuple[str, tuple, bool]]]]:
    """(score, lookups) from the best combination of shared sectors, solution type and size
    class down (by the score of the best use case a lookup can find), lookups of equal score
    together; each lookup a SELECT of the use cases with that combination (parameters: its
    own, then this use case's id and the limit) and whether it must not be cut at the page's
    limit (its use cases may share more sectors than it names)."""
    sectors = sorted(set(mine["sector"]))
    solutions = sorted(set(mine["solution"]))
    sizes = sorted(set(mine["size"]))
    tiers: dict[int, list[tuple[str, tuple, bool]]] = {}
    for n in range(min(len(sectors), MAX_SECTORS), -1, -1):
        for same_solution in (True, False) if solutions else (False,):
            if n == 0 and not same_solution:
                continue  # the size class alone makes nothing similar
            for same_size in (True, False) if sizes else (False,):
                broad = n == MAX_SECTORS < len(sectors)
                # the best score a use case this tier finds can have (with four sectors named,
                # it may share all of this one's)
                score = WEIGHTS["sector"] * (len(sectors) if broad else n)
                score += WEIGHTS["solution"] * same_solution + WEIGHTS["size"] * same_size
                lookups = tiers.setdefault(score, [])
                for subset in combinations(sectors, n):
                    q = key(prefix, subset)
                    for solution in solutions if same_solution else [None]:
                        for size in sizes if same_size else [None]:
                            lookups.append((*_lookup(q, solution, size), broad))
    return sorted(tiers.items(), reverse=True)


def _lookup(q: str, solution: int | None, size: int | None) -> tuple[str, tuple]:
    where, params = ["q = ?"], [q]
    if solution is not None:
        where.append("solution = ?")
        params.append(solution)
    if size is not None:
        where.append("size = ?")
        params.append(size)
    sql = f"SELECT DISTINCT usecase FROM similar_key WHERE {' AND '.join(where)} "
    return sql + "AND usecase != ? LIMIT ?", tuple(params)


def _scored(
    index: SearchIndex, uid: int, names: dict[str, str], candidates: set[int], lang: str
) -> dict[int, _Found]:
    """The exact score and reasons of each of ``candidates`` (those that share something
    besides the size class)."""
    if not candidates:
        return {}
    marks = ",".join(str(int(c)) for c in sorted(candidates))
    sql = _SCORED.format(candidates=marks, lang=sort_lang(lang))
    found = {}
    for iri, titles, sort, other, sectors, solution, datasets, size in index.db.execute(
        sql, {"id": uid, **names}
    ):
        if not (sectors or solution or datasets):
            continue
        score = sum(
            WEIGHTS[name] * n
            for name, n in zip(WEIGHTS, (sectors, solution, datasets, size), strict=True)
        )
        item = Similar(
            iri, json.loads(titles), score, sectors, bool(solution), datasets, bool(size)
        )
        found[other] = _Found(iri, sort, score, item)
    return found
