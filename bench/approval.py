"""From a reviewer's approval to the page showing the change (issue 17), per corpus size.

Usage::

    python bench/approval.py 1000 2000 --runs 3

For each size, the generated corpus ``bench/out/corpus-<size>-seed<seed>/`` (bench/edit.py makes
it when it is missing or of an older shape) is copied into ``bench/out/approval-<size>/``, made
a git work tree and built cold; ``gunicorn web.wsgi:app`` serves it on loopback. Then ``--runs``
times, one use case (the middle file by name) gets a proposal that adds a new suffix to its
English title; a curator submits it, and the clock runs from the reviewer's approval
(:meth:`kg.curation.proposals.Proposals.approve`: base check, files, incremental build, git
commit) until ``GET /usecase/<slug>.html`` (the page its IRI answers 303 to) on the running site
shows the new title. The approval runs in this process, as in a web worker; the page is polled
every 20 ms.

It prints the cold build, the median and spread of "approval to page" and, apart, of the
approval call alone. Benchmarks print figures; they are not tests.
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
from edit import corpus
from run import edit_title

from kg import config
from kg.build.pipeline import build
from kg.curation import git
from kg.curation.accounts import Account
from kg.curation.proposals import Proposals

CURATOR = Account("bench-curator", "curator")
REVIEWER = Account("bench-reviewer", "reviewer")
POLL = 0.02


def project_copy(size: int, seed: int, out: Path) -> Path:
    """A git work tree holding the generated corpus of ``size`` (made afresh each time)."""
    source = corpus(size, seed, out)
    project = out / f"approval-{size}"
    shutil.rmtree(project, ignore_errors=True)
    shutil.copytree(source / "usecases", project / "usecases")
    for name in ("ontology", "queries"):  # this checkout's, not those of the corpus's day
        shutil.copytree(harness.ROOT / name, project / name)
    (project / ".gitignore").write_text("var/\n", encoding="utf-8")
    git.run(project, "init", "-q", "-b", "main")
    git.run(project, "add", "-A")
    git.run(project, "commit", "-q", "-m", "Generated corpus", committer="bench")
    return project


def wait_for(url: str, needle: bytes, deadline: float) -> None:
    code = 0
    while time.monotonic() < deadline:
        code, body, _ = harness.fetch(url, "text/html", timeout=30)
        if code == 200 and needle in body:
            return
        time.sleep(POLL)
    raise RuntimeError(f"{url} did not show the change in time (last answer: {code})")


def measure(size: int, seed: int, runs: int, out: Path) -> dict:
    project = project_copy(size, seed, out)
    store = project / "var" / "store"
    settings = config.load({}, project=project, store=str(store))
    started = time.perf_counter()
    build(settings)
    cold = time.perf_counter() - started
    files = sorted((project / "usecases").glob("*.yaml"))
    target = files[len(files) // 2]
    path = target.relative_to(project).as_posix()
    entity = f"usecase/{target.stem}"
    proposals = Proposals(settings)
    total, approve = [], []
    with harness.gunicorn(project, str(store), workers=2) as site:
        page = f"{site.url}/usecase/{target.stem}.html"  # the page of the IRI (303 from it)
        wait_for(page, b"<html", time.monotonic() + 60)
        for run in range(runs):
            suffix = f"approved-{run}-{os.getpid()}"
            text = edit_title(target.read_text(encoding="utf-8"), f" {suffix}")
            made = proposals.create(CURATOR, entity, "edit", {path: text})
            proposals.submit(made.id, CURATOR)
            started = time.perf_counter()
            proposals.approve(made.id, REVIEWER)
            approved = time.perf_counter()
            wait_for(page, suffix.encode(), time.monotonic() + 300)
            total.append(time.perf_counter() - started)
            approve.append(approved - started)
    return {"size": size, "cold": cold, "total": total, "approve": approve}


def main(argv: Sequence[str] | None = None) -> int:
    args = harness.size_arguments(__doc__.splitlines()[0]).parse_args(argv)
    print(f"cores {os.cpu_count()}, load average {os.getloadavg()}", file=sys.stderr)
    for size in args.sizes:
        found = measure(size, args.seed, args.runs, args.out)
        total, approve = found["total"], found["approve"]
        print(
            f"{size}: cold build {found['cold']:.1f} s; approval to page median "
            f"{statistics.median(total):.2f} s ({min(total):.2f}–{max(total):.2f}, "
            f"n={len(total)}); "
            f"approval call alone median {statistics.median(approve):.2f} s",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
