"""The endpoint's own cost (issue 17): ``/sparql`` against a direct Oxigraph server, per query.

Usage::

    python bench/endpoint.py                        # 1,000 use cases, 15 runs per query
    python bench/endpoint.py --size 10000 --runs 21 --markdown

The corpus of ``--size`` use cases is generated and built as for bench/run.py (both reused
when present: ``bench/out/corpus-<size>-seed<seed>/``), its release exported as N-Quads and
loaded into ``oxigraph serve --union-default-graph`` (the direct server). The site runs under
gunicorn (gunicorn.conf.py) with ``KG_SERVER_TIMING=1``, so ``/sparql`` names the time of its
stages in a ``Server-Timing`` header.

Every ``queries/*.rq`` (parameters bound as bench/run.py binds them), a few trivial queries
(``ASK {}``, a one-row SELECT) and the largest SELECT in each other result format are sent to
both servers, alternating, one request at a time on a new connection, after one round that
warms both. Per query it prints both medians, the median of the paired ratios, the added
milliseconds (site median minus direct median), whether issue 17's target holds (≤ 1.2× when
the direct median is 10 ms or more, else ≤ 2 ms added), and the median of each stage:

screen
    the web process reads the request, screens the query (length, nesting, words) and
    negotiates the format;
wait
    it waits for a free query worker;
check
    the worker checks the query on its parse (cached per worker);
run
    the worker runs the query and writes the answer into its spool file;
handoff
    sending the task to the worker and getting the answer back, less check and run: pickling,
    the pipe, the passed file descriptor, the scheduler;
rest
    the client's time less all of the above: HTTP, WSGI, Flask, streaming the body.

Figures depend on the machine's load: the header and the footer give the load average.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import harness
import run as bench_run

STAGES = ("screen", "wait", "check", "run", "handoff")
#: Issue 17: the site may take 1.2× the direct server on a query that takes 10 ms or more
#: directly, and at most 2 ms more on the others.
RATIO, SLOW_MS, ADDED_MS = 1.2, 10.0, 2.0
TRIVIAL = {
    "ASK {}": "ASK {}",
    "one-row SELECT": "SELECT ?x WHERE { BIND(1 AS ?x) }",
    "one-row SELECT from the graph": "SELECT ?s WHERE { ?s a ?type } LIMIT 1",
}
FORMATS = {
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "xml": "application/sparql-results+xml",
}


def server_timing(header: str) -> dict[str, float]:
    """``name;dur=1.5, other;dur=2`` as a dict of milliseconds."""
    found = {}
    for part in header.split(","):
        name, _, rest = part.strip().partition(";")
        duration = re.search(r"dur=([\d.]+)", rest)
        if duration:
            found[name] = float(duration.group(1))
    return found


def stage_medians(headers: Sequence[str], total: list[float]) -> dict[str, float]:
    """Median of each stage over the runs, and ``rest``: the client's time less the stages."""
    parsed = [server_timing(h) for h in headers]
    if not parsed:
        return {}
    medians = {s: statistics.median(p.get(s, 0.0) for p in parsed) for s in STAGES}
    rests = [t - sum(p.get(s, 0.0) for s in STAGES) for t, p in zip(total, parsed, strict=False)]
    medians["rest"] = statistics.median(rests)
    return medians


def verdict(app: float, direct: float, ratio: float) -> str:
    if direct >= SLOW_MS:
        return "pass" if ratio <= RATIO else "miss"
    return "pass" if app - direct <= ADDED_MS else "miss"


def prepare(size: int, seed: int) -> tuple[Path, Path]:
    """The project and its store, built when there is none yet."""
    project = harness.project_for(size, seed)
    store = project / "var" / "store"
    if not (store / "current").exists():
        print(f"building {project} …", flush=True)
        command = [*harness.kg_command(), "build", "--project", str(project), "--store", str(store)]
        subprocess.run(command, check=True, capture_output=True)
    return project, store


def queries(project: Path, direct: str, seed: int) -> dict[str, tuple[str, str]]:
    """name → (text, Accept) of everything measured."""
    select = lambda query: harness.sparql_select(direct + "/query", query)  # noqa: E731
    entities = harness.entity_iris(select, seed=seed)
    named = bench_run.NamedQueries(project, select, entities).texts()
    found = {name: (text, "application/sparql-results+json") for name, text in TRIVIAL.items()}
    found.update((name, (text, bench_run.accept_for(text))) for name, text in named.items())
    return found


def largest_select(found: dict[str, tuple[str, str]], direct: str) -> str:
    """The named SELECT with the most rows (the per-row cost shows on it)."""
    rows = {}
    for name, (text, accept) in found.items():
        if accept == "application/sparql-results+json" and name not in TRIVIAL:
            code, body, _ = harness.fetch(
                direct + "/query?" + bench_run.urllib.parse.urlencode({"query": text}), accept
            )
            if code == 200:
                rows[name] = bench_run.count_results(body, accept)
    return max(rows, key=rows.__getitem__)


def measure(args: argparse.Namespace) -> int:
    project, store = prepare(args.size, args.seed)
    bench = bench_run.Bench(args, args.size, project)
    found_dumps = sorted(store.glob("dumps/*/sckg.nq"), key=lambda p: p.stat().st_mtime)
    dump = found_dumps[-1] if found_dumps and not args.fresh_dump else bench.dump()
    direct = bench.direct_server(dump)
    load_before = harness.load_average()
    rows: list[list[str]] = []
    try:
        env = {"KG_SERVER_TIMING": "1", **({"KG_QUERY_WORKERS": str(args.query_workers)})}
        log = project / "var" / "gunicorn-endpoint.log"
        with harness.gunicorn(project, str(store), args.workers, env=env, log=log) as site:
            found = queries(project, direct.url, args.seed)
            biggest = largest_select(found, direct.url)
            for name, media in FORMATS.items():
                found[f"{biggest} [{name}]"] = (found[biggest][0], media)
            chosen = [n for n in found if not args.only or any(o in n for o in args.only)]
            print(f"\n{len(chosen)} queries, {args.runs} paired runs each", flush=True)
            print(row_text(HEADER), flush=True)
            for name in chosen:
                text, accept = found[name]
                rows.append(one(name, text, accept, site.url, direct.url, args.runs))
                print(row_text(rows[-1]), flush=True)
    finally:
        direct.stop()
    load = "/".join(f"{x:.1f}" for x in (*load_before, *harness.load_average()))
    misses = [r[0] for r in rows if r[6] == "miss"]
    print(f"\nload average before/after: {load}")
    print(f"{len(misses)} of {len(rows)} miss the target: {', '.join(misses) or '-'}")
    if args.markdown:
        print("\n| " + " | ".join(HEADER) + " |\n" + "|---" * len(HEADER) + "|")
        for row in rows:
            print("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |")
    return 0


HEADER = ["query", "results", "site ms", "direct ms", "ratio", "added ms", "target", "stages ms"]
WIDTHS = (52, 8, 8, 9, 6, 9, 6)


def one(name: str, text: str, accept: str, site: str, direct: str, runs: int) -> list[str]:
    found = bench_run.paired(text, site + "/sparql", direct + "/query", runs, accept)
    if found.errors:
        said = "; ".join(
            f"{side}: HTTP {code} {body[:80]!r}" for side, (code, body) in found.errors.items()
        )
        return [name, "", "", "", "", "", "error", said]
    app = statistics.median(found.timings["app"])
    straight = statistics.median(found.timings["direct"])
    ratio = statistics.median(found.ratios())
    stages = stage_medians(found.server_timing, found.timings["app"])
    shown = " ".join(f"{k} {v:.2f}" for k, v in stages.items())
    results = f"{found.sizes.get('app', -1):,}"
    if found.sizes.get("app") != found.sizes.get("direct"):
        results += f" ≠ {found.sizes.get('direct'):,}"
    return [
        name,
        results,
        f"{app:.2f}",
        f"{straight:.2f}",
        f"{ratio:.2f}",
        f"{app - straight:+.2f}",
        verdict(app, straight, ratio),
        shown,
    ]


def row_text(cells: Sequence[str]) -> str:
    pairs = enumerate(zip(cells, WIDTHS, strict=False))
    fixed = [c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in pairs]
    return " ".join(fixed + list(cells[len(WIDTHS) :]))


def arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add = parser.add_argument
    add("--size", type=bench_run.parse_size, default=1000, help="use cases (default 1000)")
    add("--seed", type=int, default=1, help="seed of the generated corpus")
    add("--runs", type=int, default=15, help="paired runs per query (default 15)")
    add("--workers", type=int, default=2, help="gunicorn web workers (default 2)")
    add("--query-workers", type=int, default=2, help="query workers per web worker (default 2)")
    add("--only", nargs="+", help="only the queries whose name contains one of these")
    add("--fresh-dump", action="store_true", help="export the release again")
    add("--markdown", action="store_true", help="print the table as Markdown at the end")
    add("--build-timeout", type=float, default=7200.0, help=argparse.SUPPRESS)
    add("--memory-limit", type=float, default=None, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = arguments(argv)
    # this checkout's kg and web for every process started (kg build, gunicorn, its workers),
    # not whatever an installed package points at
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(harness.ROOT), os.environ.get("PYTHONPATH", "")) if p
    )
    print("# bench/endpoint.py " + " ".join(sys.argv[1:] if argv is None else argv))
    for line in harness.header_lines(harness.machine()):
        print(line)
    return measure(args)


if __name__ == "__main__":
    sys.exit(main())
