"""Build after one edit: the figure curators feel (issue 17), alone and quickly.

Usage::

    python bench/edit.py 2000 10000 --runs 3
    python bench/edit.py 10000 --runs 3 --remote

For each size, the generated corpus ``bench/out/corpus-<size>-seed<seed>/`` (made, or reused
while of the generator's current shape, by ``harness.project_for`` as for bench/run.py) gets a
cold ``kg build`` into a fresh store, then ``--runs`` times: a new suffix on
the English title of one use case (the middle file by name, as bench/run.py edits it) and
``kg build``, each in a fresh process through the real command line. It prints the cold build,
the median and spread of the builds after an edit, and the build's own step timings of the
last one (``KG`` steps: validate, reason, derive, index, publish). The file is restored at the
end. Benchmarks print figures; they are not tests.

``--remote`` builds into an Oxigraph server (``oxigraph serve --union-default-graph`` on a
free loopback port, stopped at the end) instead, and the edits alternate between the build
with ``KG_STORE_PUBLISH=update`` (the server receives the change) and with ``put`` (the whole
release, one Graph Store ``PUT``: Oxigraph refuses update requests over 128 MiB, which a whole
release is from about 7,000 generated use cases on); it prints the median of each and of their
publish steps, measured in the same run. The cold build uses ``put``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import harness

OUT = harness.OUT
_TIMINGS = (
    "import json, sys\n"
    "from pathlib import Path\n"
    "from kg import config\n"
    "from kg.build.pipeline import build\n"
    "extra = {'store_publish': sys.argv[3]} if sys.argv[3:] else {}\n"
    "result = build(config.load({}, project=Path(sys.argv[1]), store=sys.argv[2], **extra))\n"
    "print(json.dumps({'mode': result.mode, **result.timings}))\n"
)


def corpus(size: int, seed: int, out: Path = OUT) -> Path:
    """The generated corpus of ``size`` and ``seed`` under ``out``: the one bench/run.py uses."""
    return harness.project_for(size, seed, out)


def timed_build(project: Path, store: Path | str, *extra: str) -> tuple[float, dict]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _TIMINGS, str(project), str(store), *extra],
        capture_output=True,
        text=True,
        env=os.environ,
    )
    if done.returncode != 0:
        sys.exit(f"kg build failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return time.perf_counter() - started, json.loads(done.stdout.strip().splitlines()[-1])


def measure(size: int, seed: int, runs: int, out: Path = OUT) -> dict:
    project = corpus(size, seed, out)
    store = project / "var" / "edit-bench"
    shutil.rmtree(store, ignore_errors=True)
    cold, _ = timed_build(project, store)
    found = _edits(project, store, [()] * runs)[()]
    return {"size": size, "cold": cold, **found}


def measure_remote(size: int, seed: int, runs: int, out: Path = OUT) -> dict:
    """Cold build into an Oxigraph server, then edits alternating change and whole release."""
    project = corpus(size, seed, out)
    data = project / "var" / "edit-bench-oxigraph"
    shutil.rmtree(data, ignore_errors=True)
    shutil.rmtree(project / "var" / "state", ignore_errors=True)  # a remote store's state
    server = harness.OxigraphServer(data / "data").start()
    try:
        cold, _ = timed_build(project, server.url, "put")
        found = _edits(project, server.url, [("update",), ("put",)] * runs)
    finally:
        server.stop()
        shutil.rmtree(data, ignore_errors=True)
    return {"size": size, "cold": cold, "change": found[("update",)], "whole": found[("put",)]}


def _edits(project: Path, store: Path | str, plan: list[tuple[str, ...]]) -> dict:
    """A new title suffix and a build per entry of ``plan`` (extra arguments of the build);
    per kind of entry: the median, spread and times, and the step timings of each run."""
    files = sorted((project / "usecases").glob("*.yaml"))
    target = files[len(files) // 2]
    original = target.read_text(encoding="utf-8")
    found: dict[tuple[str, ...], dict] = {}
    try:
        for run, extra in enumerate(plan):
            lines = original.splitlines(keepends=True)
            index = next(i for i, line in enumerate(lines) if line.startswith("  en: "))
            lines[index] = lines[index].rstrip('"\n') + f' edit {run}"\n'
            target.write_text("".join(lines), encoding="utf-8")
            seconds, steps = timed_build(project, store, *extra)
            assert steps["mode"] == "incremental", steps
            entry = found.setdefault(extra, {"runs": [], "all_steps": []})
            entry["runs"].append(seconds)
            entry["all_steps"].append(steps)
    finally:
        target.write_text(original, encoding="utf-8")
    for entry in found.values():
        times = entry["runs"]
        entry.update(
            median=statistics.median(times), spread=(min(times), max(times)),
            steps=entry["all_steps"][-1],
        )  # fmt: skip
    return found


def _step_medians(all_steps: list[dict]) -> dict[str, float]:
    """The median of each step over the runs (a step some run lacks is left out)."""
    names = [k for k in all_steps[0] if k != "mode" and all(k in s for s in all_steps)]
    return {k: round(statistics.median(s[k] for s in all_steps), 2) for k in names}


def _line(label: str, entry: dict, runs: int) -> str:
    steps = {k: round(v, 2) for k, v in entry["steps"].items() if k != "mode"}
    publish = statistics.median(s["publish"] for s in entry["all_steps"])
    return (
        f"{label}: after one edit median {entry['median']:.2f} s "
        f"({entry['spread'][0]:.2f}–{entry['spread'][1]:.2f}, n={runs}), "
        f"publish step median {publish:.2f} s; last run's steps {steps}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", type=int, nargs="+")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--out",
        type=Path,
        default=OUT,
        help="folder of the corpora (default bench/out; another lets two checkouts run at once)",
    )
    parser.add_argument(
        "--remote",
        action="store_true",
        help="build into an Oxigraph server; edits alternate change and whole-release publish",
    )
    args = parser.parse_args(argv)
    print(f"cores {os.cpu_count()}, load average {os.getloadavg()}", file=sys.stderr)
    for size in args.sizes if args.remote else ():
        found = measure_remote(size, args.seed, args.runs, args.out)
        print(f"{size}, Oxigraph server: cold {found['cold']:.1f} s", flush=True)
        print(_line(f"{size}, change sent", found["change"], args.runs), flush=True)
        print(_line(f"{size}, whole release sent", found["whole"], args.runs), flush=True)
        print(f"load average {os.getloadavg()}", file=sys.stderr)
    for size in () if args.remote else args.sizes:
        found = measure(size, args.seed, args.runs, args.out)
        steps = {k: round(v, 2) for k, v in found["steps"].items() if k != "mode"}
        print(
            f"{size}: cold {found['cold']:.1f} s; after one edit median {found['median']:.2f} s "
            f"({found['spread'][0]:.2f}–{found['spread'][1]:.2f}, n={args.runs}); "
            f"last run's steps {steps}; step medians {_step_medians(found['all_steps'])}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
