"""Named-query pages after a release switch, without and with the shared answers (issue 17).

Usage::

    python bench/answers.py 2000 --runs 3
    python bench/answers.py 2000 10000 --runs 3

For each size, the generated corpus ``bench/out/corpus-<size>-seed<seed>/`` (as bench/run.py and
bench/edit.py use it) gets a cold ``kg build`` into a fresh store. Then ``--runs`` times: one
use case's English title gets a new suffix and ``kg build`` publishes a new release (a real
release switch, in a fresh process), and

- *without*: a fresh app (no answer file; its query workers started before the clock runs)
  serves the first request of every named query's page: the query runs, as before;
- *warm-up*: a fresh app warms the release's default answers in its background thread
  (web/answers.py, the path a web worker takes when it sees the release), timed to its end;
- *with*: another fresh app (a second process, in effect: its memory is empty) serves the first
  request of every page, from the answer file.

It prints per query the median first-request time of its page without and with the answers,
the warm-up's total time (wall, including its waits) and the load average before and after.
Benchmarks print figures; they are not tests.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import harness
from edit import timed_build
from run import edit_title

sys.path.insert(0, str(harness.ROOT))  # this checkout's kg, not whichever is installed

from kg import config
from kg.sparql.answers import SharedAnswers, answers_folder
from kg.sparql.queries import QueryCatalogue
from kg.sparql.sandbox import Task
from kg.store import QueryKind, ResultFormat
from web import create_app

OUT = harness.OUT


def new_release(project: Path, store: Path, run: int) -> None:
    """A new suffix on one use case's English title and an incremental ``kg build``."""
    target = harness.usecase_files(project)[len(harness.usecase_files(project)) // 2]
    original = target.read_text(encoding="utf-8")
    try:
        target.write_text(edit_title(original, f" answers {run} {time.time_ns()}"), "utf-8")
        _, steps = timed_build(project, store)
        assert steps["mode"] == "incremental", steps
    finally:
        target.write_text(original, encoding="utf-8")


def app_for(settings: config.Settings, folder: Path):
    """A fresh app reading the answer files in ``folder``, its query workers already started
    (their start-up is not a page's cost) and its catalogue read."""
    app = create_app({"ANSWERS_WARMUP": False}, settings=settings)
    app.extensions["kg.named-answers"].shared = SharedAnswers(folder)
    app.extensions["kg.sandbox"].run(Task("ASK {}", QueryKind.ASK, ResultFormat.SPARQL_JSON))
    assert app.test_client().get("/queries").status_code == 200
    return app


def first_requests(app, names: list[str]) -> dict[str, float]:
    client = app.test_client()
    found = {}
    for name in names:
        started = time.perf_counter()
        response = client.get(f"/queries/{name}")
        found[name] = time.perf_counter() - started
        if response.status_code != 200:
            print(f"  {name}: HTTP {response.status_code}", file=sys.stderr)
    app.extensions["kg.sandbox"].close()
    return found


def warm_up(app) -> tuple[float, object]:
    answers = app.extensions["kg.named-answers"]
    answers.warmup = True
    release = app.extensions["kg.store"].release().id
    started = time.perf_counter()
    answers.notice(release, app.extensions["kg.sandbox"])
    answers.thread.join()
    seconds = time.perf_counter() - started
    app.extensions["kg.sandbox"].close()
    return seconds, answers.last


def measure(size: int, seed: int, runs: int, out: Path) -> dict:
    project = harness.project_for(size, seed, out)
    store = project / "var" / "answers-bench"
    shutil.rmtree(store, ignore_errors=True)
    cold, _ = timed_build(project, store)
    settings = config.load({}, project=project, store=str(store))
    names = [query.name for query in QueryCatalogue(settings.queries_dir, settings.vocab)]
    folder = answers_folder(settings)
    without: dict[str, list[float]] = {name: [] for name in names}
    with_answers: dict[str, list[float]] = {name: [] for name in names}
    warm: list[float] = []
    for run in range(runs):
        new_release(project, store, run)
        shutil.rmtree(folder, ignore_errors=True)
        for name, seconds in first_requests(app_for(settings, folder), names).items():
            without[name].append(seconds)
        shutil.rmtree(folder, ignore_errors=True)  # the visitors' answers above filled it
        took, done = warm_up(app_for(settings, folder))
        warm.append(took)
        if done.failed or not done.complete:
            print(f"  warm-up incomplete: {done}", file=sys.stderr)
        for name, seconds in first_requests(app_for(settings, folder), names).items():
            with_answers[name].append(seconds)
        print(f"  run {run + 1}: warm-up {took:.2f} s, load {os.getloadavg()}", file=sys.stderr)
    return {"cold": cold, "without": without, "with": with_answers, "warm": warm}


def report(size: int, found: dict) -> None:
    print(f"\n{size:,} use cases (cold build {found['cold']:.1f} s), medians of "
          f"{len(found['warm'])}, first request of each page after a release switch:")  # fmt: skip
    print("| named query | without answers, ms | with answers, ms |")
    print("|---|---|---|")
    ordered = sorted(found["without"], key=lambda n: -statistics.median(found["without"][n]))
    for name in ordered:
        before = statistics.median(found["without"][name]) * 1000
        after = statistics.median(found["with"][name]) * 1000
        print(f"| {name} | {before:,.0f} | {after:,.1f} |")
    total = [
        sum(found["without"][n][i] for n in found["without"]) for i in range(len(found["warm"]))
    ]
    print(
        f"warm-up of all default answers: median {statistics.median(found['warm']):.2f} s "
        f"({min(found['warm']):.2f}–{max(found['warm']):.2f}); every page's first request "
        f"without answers, summed: median {statistics.median(total):.2f} s"
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = harness.size_arguments(__doc__.splitlines()[0]).parse_args(argv)
    print(f"cores {os.cpu_count()}, load average {os.getloadavg()}", file=sys.stderr)
    for size in args.sizes:
        report(size, measure(size, args.seed, args.runs, args.out))
        print(f"load average {os.getloadavg()}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
