"""Backend benchmark: page and query latency, embedded store vs Oxigraph server, under gunicorn.

Usage::

    python bench/backends.py                         # shipped corpus and 10,000 use cases
    python bench/backends.py --sizes 0 --workers 1 2 --seconds 10

For every corpus (size 0 is the shipped one; others come from ``bench/generate.py`` into
``bench/out/corpus-<n>-seed1``, generated when missing or of an older shape, shared with
bench/run.py) it builds the graph once into an embedded store and once into an Oxigraph server
(``oxigraph serve --union-default-graph`` on a free loopback port), then for each backend and
each number of gunicorn workers (1, 2, 4) starts ``gunicorn web.wsgi:app`` with the project's
gunicorn.conf.py and drives it with 16 concurrent clients for a fixed time. It prints p50/p95
latency and throughput for

- pages: use-case pages (HTML), the home page and the sector list, in a fixed random mix;
- queries: the JSON twins of the named queries (``/queries/<name>.json``), which run through the
  SPARQL service's checks and query workers like any endpoint query.

Benchmarks print figures; they are not tests. Every server it starts is stopped at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import platform
import random
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import harness
from harness import OUT, OxigraphServer

from kg import config
from kg.build.pipeline import build
from kg.sparql.queries import QueryCatalogue
from kg.store import open_store

CLIENTS = 16


@dataclass
class Sample:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"page": [], "query": []})
    errors: int = 0


def built_stores(size: int, project: Path, server: OxigraphServer, no_reason: bool) -> dict:
    """Build the corpus into an embedded store and into ``server``; settings per backend."""
    embedded = config.load({}, project=project, store=str(OUT / "backends" / f"{size}-store"))
    remote = config.load({}, project=project, store=server.url)
    for name, settings in (("embedded", embedded), ("oxigraph-server", remote)):
        started = time.perf_counter()
        result = build(settings, no_reason=no_reason)
        took = time.perf_counter() - started
        print(f"  build into {name}: {result.release.quads:,} quads in {took:.1f} s "
              f"(publish {result.timings.get('publish', 0):.1f} s)", flush=True)  # fmt: skip
    return {"embedded": embedded, "oxigraph-server": remote}


def targets(settings: config.Settings) -> tuple[list[str], list[str]]:
    """The page and query URLs (paths) to request, in a fixed random order."""
    store = open_store(settings)
    rows = store.select(
        "PREFIX sckg: <https://w3id.org/sckg/ontology#> "
        "SELECT ?uc WHERE { ?uc a sckg:UseCase } ORDER BY ?uc"
    )
    slugs = [row["uc"].value.rsplit("/", 1)[1] for row in rows]
    rng = random.Random(1)
    pages = [f"/usecase/{s}.html" for s in rng.sample(slugs, min(200, len(slugs)))]
    pages += ["/", "/sectors"] * max(1, len(pages) // 20)
    rng.shuffle(pages)
    catalogue = QueryCatalogue(settings.queries_dir, settings.vocab)
    queries = [f"/queries/{q.name}.json" for q in catalogue]
    return pages, queries


@contextlib.contextmanager
def gunicorn(settings: config.Settings, workers: int) -> Iterator[str]:
    """harness.gunicorn for ``settings``' project and store; yields ``host:port``."""
    store = settings.store if settings.is_remote else str(settings.store_path)
    with harness.gunicorn(settings.project, store, workers, timeout=60) as site:
        yield f"{site.host}:{site.port}"


def drive(address: str, pages: Sequence[str], queries: Sequence[str], seconds: float) -> Sample:
    """16 clients, each alternating three page requests and one query, for ``seconds``."""
    host, port = address.split(":")
    sample = Sample()
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(k: int) -> None:
        rng = random.Random(k)
        i = 0
        while time.monotonic() < stop:
            kind = "query" if i % 4 == 3 else "page"
            path = rng.choice(queries if kind == "query" else pages)
            started = time.perf_counter()
            try:
                conn = http.client.HTTPConnection(host, int(port), timeout=60)
                conn.request("GET", path, headers={"Accept": "text/html,application/json"})
                response = conn.getresponse()
                response.read()
                conn.close()
                ok = response.status == 200
            except OSError:
                ok = False
            took = time.perf_counter() - started
            with lock:
                if ok:
                    sample.latencies[kind].append(took)
                else:
                    sample.errors += 1
            i += 1

    threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sample


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def report(label: str, sample: Sample, seconds: float) -> None:
    parts = []
    for kind in ("page", "query"):
        values = sample.latencies[kind]
        parts.append(f"{kind} p50 {_pct(values, 0.5):7.1f} ms  p95 {_pct(values, 0.95):7.1f} ms")
    total = sum(len(v) for v in sample.latencies.values())
    print(f"  {label:<28} {'   '.join(parts)}   {total / seconds:6.1f} req/s"
          f"{f'   errors {sample.errors}' if sample.errors else ''}", flush=True)  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[0, 10_000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--no-reason", action="store_true", help="build without OWL reasoning")
    args = parser.parse_args(argv)
    print(f"# {platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{CLIENTS} concurrent clients, {args.seconds:.0f} s per run")  # fmt: skip
    for size in args.sizes:
        project = harness.ROOT if size == 0 else harness.project_for(size)
        print(f"\n## corpus: {'shipped' if size == 0 else f'{size:,} use cases'}", flush=True)
        server = OxigraphServer(OUT / "backends" / f"{size}-oxigraph" / "data").start()
        try:
            settings = built_stores(size, project, server, args.no_reason)
            pages, queries = targets(settings["embedded"])
            for backend, backend_settings in settings.items():
                for workers in args.workers:
                    with gunicorn(backend_settings, workers) as address:
                        drive(address, pages[:20], queries, 2.0)  # warm-up: caches, workers
                        sample = drive(address, pages, queries, args.seconds)
                    report(f"{backend}, {workers} worker(s)", sample, args.seconds)
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
