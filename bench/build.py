"""Build benchmark: `kg build` with and without OWL reasoning, and where reasoning's time goes.

Usage::

    python bench/build.py                      # shipped corpus, 1,000 and 10,000 use cases
    python bench/build.py --sizes 0 1000 --runs 3 --hermit

Size 0 is the shipped corpus; other sizes are generated with ``bench/generate.py`` into
``bench/out/corpus-<n>-seed<seed>`` (kept between runs while of the generator's current shape,
shared with bench/run.py). For every size it prints the median and the spread of several full
builds without reasoning (``--no-reason``) and with it, and the parts of reasoning: HermiT on
the TBox (uncached, as after an ontology change, and cached), the consistency check of the data,
and the SPARQL rules on the new release. ``--hermit`` adds whole-graph HermiT (the exact,
superlinear method the rules replace; skipped above 2,000 use cases unless ``--hermit-max`` says
otherwise). Benchmarks print figures; they are not tests.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import harness
from harness import OUT, summary, timed


def full_builds(project: Path, runs: int, no_reason: bool) -> list[float]:
    """Cold builds: each into a new store folder, so nothing a build keeps there is reused."""
    from kg import config
    from kg.build.pipeline import build

    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(dir=OUT) as folder:
            settings = config.load({}, project=project, store=str(Path(folder) / "store"))
            times += timed(lambda: build(settings, no_reason=no_reason), 1)  # noqa: B023
    return times


def reasoning_parts(project: Path, runs: int) -> dict[str, list[float]]:
    """HermiT on the TBox (uncached, cached), consistency check, rules on a loaded release."""
    from kg.authoring.ontology import OntologyFiles
    from kg.authoring.sources import read_corpus
    from kg.build.pipeline import release_quads
    from kg.build.reason import tbox_axioms
    from kg.build.reasoning import consistency, rules
    from kg.namespaces import Vocabulary

    vocab = Vocabulary()
    corpus = read_corpus(project, vocab)
    ontology = OntologyFiles(project / "ontology", vocab)
    parts: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(dir=OUT) as folder:
        cache = Path(folder) / "cache"

        def uncached() -> None:
            shutil.rmtree(cache, ignore_errors=True)
            tbox_axioms(ontology, cache)

        parts["HermiT on the TBox, uncached"] = timed(uncached, runs)
        parts["HermiT on the TBox, cached"] = timed(lambda: tbox_axioms(ontology, cache), runs)
        axioms = tbox_axioms(ontology, cache)
        parts["consistency check of the data"] = timed(
            lambda: consistency.check(corpus, axioms, vocab), runs
        )
        nquads = Path(folder) / "release.nq"
        with open(nquads, "w", encoding="utf-8") as out:
            out.writelines(release_quads(corpus, ontology))
        updates = rules.all_rules(axioms, vocab)
        entailments = set(rules.rdfs_rules(axioms, vocab))
        measured = [_rules_once(nquads, updates, entailments) for _ in range(runs)]
        parts["SPARQL rules on the release"] = [total for total, _ in measured]
        parts["  of it: super-classes, -properties"] = [part for _, part in measured]
    return parts


def _rules_once(nquads: Path, updates: list, part: set[str]) -> tuple[float, float]:
    """Seconds for all ``updates``, and for those of them in ``part``."""
    # The benchmark measures the engine directly, as kg/store/embedded.py runs it.
    import pyoxigraph as ox

    from kg.store.oxigraph import run_updates

    store = ox.Store()
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    total = within = 0.0
    for update in updates:
        started = time.perf_counter()
        run_updates(store, [update])  # a SPARQL update, or a rule's Python version
        seconds = time.perf_counter() - started
        total += seconds
        within += seconds if update in part else 0.0
    return total, within


def whole_graph_hermit(project: Path) -> float:
    from kg.authoring.ontology import OntologyFiles
    from kg.authoring.sources import read_corpus
    from kg.build.reason import tbox_axioms
    from kg.build.reasoning import hermit
    from kg.namespaces import Vocabulary

    vocab = Vocabulary()
    corpus = read_corpus(project, vocab)
    ontology = OntologyFiles(project / "ontology", vocab)
    axioms = tbox_axioms(ontology)
    started = time.perf_counter()
    hermit.whole_graph(ontology.tbox, corpus.triples(), axioms)
    return time.perf_counter() - started


def header() -> None:
    for line in harness.header_lines(harness.machine()):
        print(line)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[0, 1000, 10000],
        help="use cases per corpus; 0 is the shipped corpus",
    )
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--no-builds", action="store_true", help="only the parts of reasoning, not whole builds"
    )
    parser.add_argument("--hermit", action="store_true", help="also whole-graph HermiT")
    parser.add_argument("--hermit-max", type=int, default=2000)
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    header()
    for size in args.sizes:
        project = harness.ROOT if size == 0 else harness.project_for(size, args.seed)
        print(f"\n== {harness.label(size)} ({project})", flush=True)
        if not args.no_builds:
            plain = full_builds(project, args.runs, no_reason=True)
            print(f"  kg build --no-reason              {summary(plain)}", flush=True)
            full = full_builds(project, args.runs, no_reason=False)
            print(f"  kg build (reasoning)              {summary(full)}", flush=True)
            added = statistics.median(full) - statistics.median(plain)
            print(f"  added by reasoning (medians)      {added:8.2f} s", flush=True)
        for name, times in reasoning_parts(project, args.runs).items():
            print(f"  {name:<33} {summary(times)}", flush=True)
        if args.hermit and size <= args.hermit_max:
            print(
                f"  whole-graph HermiT (reference)    {whole_graph_hermit(project):8.2f} s",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
