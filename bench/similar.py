"""Time of "similar use cases" (kg.views.similar) on a search index of 100,000 use cases.

Writes an index file with the real schema (kg.views.searchindex) and made-up facet rows shaped
like the corpus (1–3 of 14 sectors, skewed towards mobility and environment; one of 11 solution
types; 0–4 of 20,000 datasets; a size class for 80 % of them, mostly Kleinstädte), then times
``similar()`` for random use cases and prints p50/p95/max in milliseconds::

    python bench/similar.py [--usecases 100000] [--samples 300] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.namespaces import Vocabulary
from kg.views.search import SearchIndex
from kg.views.searchindex import _TABLES, _similar_keys
from kg.views.similar import similar

BASE = "https://w3id.org/sckg/"
SECTORS = [f"sector/s{i}" for i in range(14)]
SECTOR_WEIGHTS = [8, 6, 4, 3, 3, 2, 2, 2, 1, 1, 1, 1, 1, 1]
SOLUTIONS = [f"solution-type/t{i}" for i in range(11)]
SIZES = ["size-class/grossstadt", "size-class/mittelstadt", "size-class/kleinstadt",
         "size-class/landgemeinde"]  # fmt: skip
SIZE_WEIGHTS = [1, 2, 4, 3]


def write(path: Path, n: int, rng: random.Random) -> None:
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(_TABLES)
    db.execute("BEGIN")
    values = SECTORS + SOLUTIONS + SIZES + [f"dataset/d{i}" for i in range(20_000)]
    ids = {v: i + 1 for i, v in enumerate(values)}
    db.executemany(
        "INSERT INTO resource(id, iri, kind) VALUES (?, ?, ?)",
        [(i, BASE + v, v.split("/")[0]) for v, i in ids.items()],
    )
    first = len(ids) + 1
    rows, facets, keyed = [], [], []
    for k in range(n):
        uid = first + k
        title = f"use case {k:06d}"
        rows.append((uid, BASE + f"usecase/u{k}", "usecase"))
        db.execute(
            "INSERT INTO usecase VALUES (?, 0, ?, '', 0, ?, ?)",
            (uid, json.dumps({"en": title}), title, title),
        )
        chosen = {("sector", s) for s in rng.choices(SECTORS, SECTOR_WEIGHTS, k=rng.randint(1, 3))}
        chosen.add(("solution", rng.choice(SOLUTIONS)))
        chosen |= {
            ("dataset", f"dataset/d{rng.randrange(20_000)}") for _ in range(rng.randint(0, 4))
        }
        if rng.random() < 0.8:
            chosen.add(("size", rng.choices(SIZES, SIZE_WEIGHTS)[0]))
        pairs = {(name, ids[v]) for name, v in chosen}
        facets += [(name, value, uid) for name, value in pairs]
        keyed += [(*k, uid) for k in _similar_keys("", pairs)]
    db.executemany("INSERT INTO resource(id, iri, kind) VALUES (?, ?, ?)", rows)
    db.executemany("INSERT INTO facet VALUES (?, ?, ?)", facets)
    db.executemany("INSERT INTO similar_key VALUES (?, ?, ?, ?)", keyed)
    print(f"{len(facets):,} facet rows, {len(keyed):,} similar_key rows")
    db.executemany("INSERT INTO meta VALUES (?, ?)", [("schema", "4"), ("base", BASE)])
    db.execute("COMMIT")
    db.execute("ANALYZE")
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--usecases", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    path = Path(tempfile.mkdtemp(prefix="sckg-similar-")) / "search.sqlite"
    started = time.perf_counter()
    write(path, args.usecases, rng)
    print(f"index of {args.usecases:,} use cases written in {time.perf_counter() - started:.1f} s")
    print(f"file size {path.stat().st_size / 1e6:.1f} MB")
    index = SearchIndex(path, Vocabulary(BASE))
    times = []
    for _ in range(args.samples):
        iri = f"{BASE}usecase/u{rng.randrange(args.usecases)}"
        started = time.perf_counter()
        found = similar(index, iri)
        times.append((time.perf_counter() - started) * 1000)
        assert len(found) == 6
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(
        f"similar(): p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, "
        f"max {times[-1]:.1f} ms over {args.samples} use cases"
    )


if __name__ == "__main__":
    main()
