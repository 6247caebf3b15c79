"""How quickly the site answers while a runaway query holds a query worker, and how close to its
deadline that query is stopped (the figures ``tests/test_sparql_safety.py`` does not assert).

Builds the shipped corpus into a temporary store (or uses ``--store``), serves the app on a
loopback port with ``--timeout`` as the query deadline, measures the named-query list, an ASK
and a named query's JSON twin while idle, then again while a cross join runs, and prints p50
and p95 in milliseconds for both, and the seconds the cross join took to be stopped::

    python bench/runaway.py [--timeout 10] [--requests 30] [--store FOLDER]
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import threading
import time
import urllib.parse

import harness
from werkzeug.serving import make_server

from kg import config
from kg.build.pipeline import build
from web import create_app

CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
PATHS = {
    "query list": "/queries",
    "ASK": "/sparql?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}),
    "named query JSON": "/queries/sectors-overview.json",
}


def latencies(base: str, rounds: int, until: threading.Event | None = None) -> dict[str, list]:
    """Milliseconds per request type over ``rounds`` rounds (stopping early once ``until``)."""
    found: dict[str, list[float]] = {name: [] for name in PATHS}
    for _ in range(rounds):
        if until is not None and until.is_set():
            break
        for name, path in PATHS.items():
            status, _, ms = harness.fetch(base + path, "application/json")
            if status != 200:
                raise RuntimeError(f"{path}: {status}")
            found[name].append(ms)
    return found


def report(label: str, found: dict[str, list[float]]) -> None:
    for name, values in found.items():
        p50, p95 = harness.percentile(values, 50), harness.percentile(values, 95)
        print(f"{label:<22} {name:<18} {p50:8.1f} {p95:8.1f} {len(values):>5}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=10.0, help="query deadline, seconds")
    parser.add_argument("--requests", type=int, default=30, help="rounds of requests per phase")
    parser.add_argument("--store", help="an already built store folder")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    folder = args.store or tempfile.mkdtemp(prefix="sckg-bench-")
    settings = config.load({}, project=harness.ROOT, store=folder, query_timeout=args.timeout)
    if not args.store:
        build(settings)
    app = create_app({}, settings=settings)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        latencies(base, 2)  # warm the query workers and the caches
        idle = latencies(base, args.requests)
        done, stopped = threading.Event(), {}

        def runaway() -> None:
            url = base + "/sparql?" + urllib.parse.urlencode({"query": CROSS_JOIN})
            started = time.perf_counter()
            stopped["status"] = harness.fetch(url, "application/sparql-results+json", 600)[0]
            stopped["seconds"] = time.perf_counter() - started
            done.set()

        threading.Thread(target=runaway, daemon=True).start()
        busy = latencies(base, args.requests, until=done)
        done.wait(args.timeout + 600)
    finally:
        server.shutdown()
        app.extensions["kg.sandbox"].close()
    print(f"{'':<22} {'request':<18} {'p50 ms':>8} {'p95 ms':>8} {'n':>5}")
    report("idle", idle)
    report("during a runaway query", busy)
    seconds, status = stopped.get("seconds", float("nan")), stopped.get("status")
    print(f"runaway query: {status} after {seconds:.2f} s (deadline {args.timeout:g} s)")


if __name__ == "__main__":
    main()
