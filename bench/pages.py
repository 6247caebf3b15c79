"""Page latency of the site under 8 concurrent clients, per page type, on the shipped corpus.

Builds the corpus into a temporary store (or uses ``--store``), serves the app on a loopback
port with a threaded server, warms it, then has ``--clients`` threads request every page type
``--requests`` times each and prints p50/p95 in milliseconds::

    python bench/pages.py [--clients 8] [--requests 200] [--store FOLDER]

The page types and the resources requested per type are those of bench/run.py (which measures
the same under gunicorn, at every corpus size, against the targets of issue 7).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

import harness
from werkzeug.serving import make_server

from kg import config
from kg.build.pipeline import build
from kg.sparql.queries import QueryCatalogue
from kg.store import Store, open_store
from web import create_app


def targets(store: Store, settings: config.Settings) -> dict[str, list[str]]:
    """Paths of every page type (harness.page_types) for the store's resources."""

    def select(query: str) -> list[dict[str, str]]:
        return [{k: str(v) for k, v in row.items()} for row in store.select(query)]

    catalogue = QueryCatalogue(settings.queries_dir, settings.vocab)
    entities = harness.entity_iris(select)
    return harness.page_types(entities, settings.vocab.base, {q.name: "" for q in catalogue})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=200, help="per page type")
    parser.add_argument("--store", help="an already built store folder")
    args = parser.parse_args()
    folder = args.store or tempfile.mkdtemp(prefix="sckg-bench-")
    settings = config.load({}, project=harness.ROOT, store=folder)
    if not args.store:
        build(settings)
    store = open_store(settings)
    app = create_app({}, settings=settings, store=store)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    types = targets(store, settings)
    harness.every_page(url, types, 1)  # warm caches and the store
    jobs = [
        (name, random.choice(paths)) for name, paths in types.items() for _ in range(args.requests)
    ]
    random.shuffle(jobs)
    timings: dict[str, list[float]] = defaultdict(list)
    started = time.perf_counter()
    with ThreadPoolExecutor(args.clients) as pool:
        for hit in pool.map(lambda job: harness.hit(url, *job), jobs):
            if hit.status != 200:
                raise RuntimeError(f"{hit.path}: {hit.status}")
            timings[hit.kind].append(hit.ms)
    elapsed = time.perf_counter() - started
    server.shutdown()
    print(
        f"{len(jobs)} requests, {args.clients} concurrent clients, "
        f"{len(jobs) / elapsed:.0f} requests/s"
    )
    print(f"{'page type':<20} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8}")
    for name in types:
        values = timings[name]
        print(
            f"{name:<20} {harness.percentile(values, 50):>8.1f} "
            f"{harness.percentile(values, 95):>8.1f} {statistics.fmean(values):>8.1f}"
        )


if __name__ == "__main__":
    sys.exit(main())
