"""Page latency of the site under 8 concurrent clients, per page type, on the shipped corpus.

Builds the corpus into a temporary store (or uses ``--store``), serves the app on a loopback
port with a threaded server, warms it, then has ``--clients`` threads request every page type
``--requests`` times each and prints p50/p95 in milliseconds::

    python bench/pages.py [--clients 8] [--requests 200] [--store FOLDER]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg import config  # noqa: E402
from kg.build import build  # noqa: E402
from kg.search import SearchIndex  # noqa: E402
from kg.store import open_store  # noqa: E402
from web import create_app  # noqa: E402


def page_types(index: SearchIndex, base: str) -> dict[str, list[str]]:
    """Paths of each page type (several resources per type, so caches do not flatter)."""

    def paths(kind: str) -> list[str]:
        return [f"/{iri[len(base) :]}.html" for iri, _ in index.entities(kind, "en")][:20]

    links = [
        f"/{iri[len(base) :]}.html" for iri in index.labels if iri.startswith(base + "sectorlink/")
    ]
    return {
        "home": ["/", "/?lang=de"],
        "usecase list": ["/usecases", "/usecases?page=2", "/usecases?sort=modified"],
        "search + facets": ["/usecases?q=daten&sector=mobility", "/usecases?q=air&maturity=pilot"],
        "autocomplete": ["/usecases/suggest.json?q=ham", "/usecases/suggest.json?q=luft"],
        "interconnections": ["/interconnections", "/interconnections.json"],
        "use case": [f"/{e.iri[len(base) :]}.html" for e in index.entries][:30],
        "sector": paths("sector"),
        "sector link": links[:20] or ["/interconnections"],
        "dataset": paths("dataset"),
        "place": paths("place"),
        "organisation": paths("org"),
        "standard": paths("standard"),
        "RDF twin (ttl)": [f"/{e.iri[len(base) :]}.ttl" for e in index.entries][:20],
        "ontology": ["/ontology.html"],
    }


def get(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{url}: {response.status}")
    return (time.perf_counter() - started) * 1000


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=200, help="per page type")
    parser.add_argument("--store", help="an already built store folder")
    args = parser.parse_args()
    folder = args.store or tempfile.mkdtemp(prefix="sckg-bench-")
    settings = config.load({}, project=ROOT, store=folder)
    if not args.store:
        build(settings)
    store = open_store(settings)
    app = create_app({}, settings=settings, store=store)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    types = page_types(SearchIndex.load(store, settings.vocab), settings.vocab.base)
    for paths in types.values():  # warm caches and the store
        for path in paths:
            get(url + path)
    jobs = [
        (name, random.choice(paths)) for name, paths in types.items() for _ in range(args.requests)
    ]
    random.shuffle(jobs)
    timings: dict[str, list[float]] = defaultdict(list)
    started = time.perf_counter()
    with ThreadPoolExecutor(args.clients) as pool:
        for (name, _), ms in zip(jobs, pool.map(lambda job: get(url + job[1]), jobs), strict=True):
            timings[name].append(ms)
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
            f"{name:<20} {percentile(values, 50):>8.1f} {percentile(values, 95):>8.1f} "
            f"{statistics.fmean(values):>8.1f}"
        )


if __name__ == "__main__":
    main()
