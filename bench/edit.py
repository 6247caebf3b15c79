"""Build after one edit: the figure curators feel (issue 17), alone and quickly.

Usage::

    python bench/edit.py 2000 10000 --runs 3

For each size, the generated corpus ``bench/out/corpus-<size>-seed<seed>/`` (made, or reused
while of the generator's current shape, by ``harness.project_for`` as for bench/run.py) gets a
cold ``kg build`` into a fresh store, then ``--runs`` times: a new suffix on
the English title of one use case (the middle file by name, as bench/run.py edits it) and
``kg build``, each in a fresh process through the real command line. It prints the cold build,
the median and spread of the builds after an edit, and the build's own step timings of the
last one (``KG`` steps: validate, reason, derive, index, publish). The file is restored at the
end. Benchmarks print figures; they are not tests.
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
    "result = build(config.load({}, project=Path(sys.argv[1]), store=sys.argv[2]))\n"
    "print(json.dumps({'mode': result.mode, **result.timings}))\n"
)


def corpus(size: int, seed: int, out: Path = OUT) -> Path:
    """The generated corpus of ``size`` and ``seed`` under ``out``: the one bench/run.py uses."""
    return harness.project_for(size, seed, out)


def timed_build(project: Path, store: Path) -> tuple[float, dict]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _TIMINGS, str(project), str(store)],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ,
    )
    return time.perf_counter() - started, json.loads(done.stdout.strip().splitlines()[-1])


def measure(size: int, seed: int, runs: int, out: Path = OUT) -> dict:
    project = corpus(size, seed, out)
    store = project / "var" / "edit-bench"
    shutil.rmtree(store, ignore_errors=True)
    cold, _ = timed_build(project, store)
    files = sorted((project / "usecases").glob("*.yaml"))
    target = files[len(files) // 2]
    original = target.read_text(encoding="utf-8")
    times, steps = [], {}
    try:
        for run in range(runs):
            lines = original.splitlines(keepends=True)
            index = next(i for i, line in enumerate(lines) if line.startswith("  en: "))
            lines[index] = lines[index].rstrip('"\n') + f' edit {run}"\n'
            target.write_text("".join(lines), encoding="utf-8")
            seconds, steps = timed_build(project, store)
            assert steps["mode"] == "incremental", steps
            times.append(seconds)
    finally:
        target.write_text(original, encoding="utf-8")
    return {
        "size": size,
        "cold": cold,
        "median": statistics.median(times),
        "spread": (min(times), max(times)),
        "runs": times,
        "steps": steps,
    }


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
    args = parser.parse_args(argv)
    print(f"cores {os.cpu_count()}, load average {os.getloadavg()}", file=sys.stderr)
    for size in args.sizes:
        found = measure(size, args.seed, args.runs, args.out)
        steps = {k: round(v, 2) for k, v in found["steps"].items() if k != "mode"}
        print(
            f"{size}: cold {found['cold']:.1f} s; after one edit median {found['median']:.2f} s "
            f"({found['spread'][0]:.2f}–{found['spread'][1]:.2f}, n={args.runs}); "
            f"last run's steps {steps}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
