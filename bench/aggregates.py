"""The figures of 60-aggregates.ru after one use-case edit: adjusted vs counted again (issue 17).

Usage::

    python bench/aggregates.py 2000 10000 --runs 5

For each size, the generated corpus ``bench/out/corpus-<size>-seed<seed>/`` (as bench/edit.py
makes it) gets a ``kg build`` into ``var/aggregates-bench`` (a full one the first time), and a
checkpoint of the build's whole release (the on-disk store an incremental build maintains) is
taken (``--memory``: copied into memory). Then ``--runs`` times, on a different use case each
time (spread over the corpus by IRI): the edit moves the use case from its first sector to one
it does not serve and makes it use the most used dataset; the sector links are brought up to
date as the incremental build's step 2 does (not timed); then are timed
:func:`kg.store.aggregates.adjust` and, on the adjusted store, what the incremental build did
before it (delete the rule's quads and run 60-aggregates.ru), whose result must be the same;
the edit is undone. It prints the medians, their spread and the ratio. Benchmarks print
figures; they are not tests.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import gc
import os
import statistics
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402
from edit import OUT, corpus, timed_build  # noqa: E402

from kg import config  # noqa: E402
from kg.authoring.ontology import OntologyFiles  # noqa: E402
from kg.build.derive import rule_text  # noqa: E402
from kg.build.state import BuildState, state_key  # noqa: E402
from kg.namespaces import RDF_TYPE, Vocabulary  # noqa: E402
from kg.store import work_dir  # noqa: E402
from kg.store.aggregates import adjust, statements  # noqa: E402
from kg.store.changes import Changes  # noqa: E402
from kg.store.interconnections import link_quads, owned_quads  # noqa: E402

TYPE = ox.NamedNode(RDF_TYPE)


def release_store(project: Path, memory: bool) -> tuple[BuildState, ox.Store, Path]:
    """A writable checkpoint of the last build's whole release (or an in-memory copy of it),
    and where the checkpoint lives."""
    settings = config.load({}, project=project, store=str(project / "var" / "aggregates-bench"))
    timed_build(project, settings.store_path)  # a full build the first time
    vocab = settings.vocab
    state = BuildState(work_dir(settings) / "state", settings.project)
    digest = OntologyFiles(settings.ontology_dir, vocab).digest
    manifest = state.load(state_key(digest, vocab.base, False))
    if manifest is None:
        raise SystemExit(f"no build state for {project}")
    store, folder = state.checkpoint(manifest, full=True)
    if memory:
        copy = ox.Store()
        copy.bulk_extend(store)
        store = copy
    return state, store, folder


def one_edit(store: ox.Store, vocab: Vocabulary, u: ox.NamedNode, hub) -> Changes:
    """Move ``u`` from its first sector to one it does not serve, make it use ``hub``, and
    bring the sector links up to date."""

    def term(name: str) -> ox.NamedNode:
        return ox.NamedNode(vocab.term(name))

    graph = next(store.quads_for_pattern(u, TYPE, term("UseCase"), None)).graph_name
    sectors = sorted(
        q.object.value for q in store.quads_for_pattern(u, term("sector"), None, graph)
    )
    every = sorted(
        q.subject.value for q in store.quads_for_pattern(None, TYPE, term("Sector"), None)
    )
    other = next(s for s in every if s not in sectors)
    changes = Changes()
    changes.remove(store, [ox.Quad(u, term("sector"), ox.NamedNode(sectors[0]), graph)])
    changes.add(
        store,
        [
            ox.Quad(u, term("sector"), ox.NamedNode(other), graph),
            ox.Quad(u, term("usesDataset"), hub, graph),
        ],
    )
    new, old = set(link_quads(store, vocab)), owned_quads(store, vocab)
    changes.remove(store, old - new)
    changes.add(store, new - old)
    return changes


def settle() -> None:
    """Collect the garbage of the link step before a timed step, and have glibc consolidate
    the memory its sets freed: otherwise the next allocation of any size pays for merging
    those chunks (malloc_consolidate, 0.5 s at 10,000 use cases in perf) inside the timing."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to consolidate
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def undo(store: ox.Store, changes: Changes) -> None:
    for quad in changes.added:
        store.remove(quad)
    store.extend(changes.removed)


def measure(size: int, seed: int, runs: int, out: Path, memory: bool) -> dict:
    project = corpus(size, seed, out)
    vocab = Vocabulary()
    rule = rule_text(vocab, "60-aggregates.ru")
    state, store, folder = release_store(project, memory)
    try:
        use_case = ox.NamedNode(vocab.term("UseCase"))
        cases = sorted(
            (q.subject for q in store.quads_for_pattern(None, TYPE, use_case, None)),
            key=lambda n: n.value,
        )
        uses = Counter(
            q.object
            for q in store.quads_for_pattern(
                None, ox.NamedNode(vocab.term("usesDataset")), None, None
            )
        )
        hub = uses.most_common(1)[0][0]
        adjusted, counted, quads = [], [], 0
        for run in range(runs):
            u = cases[(2 * run + 1) * len(cases) // (2 * runs)]
            changes = one_edit(store, vocab, u, hub)
            quads = len(changes.removed) + len(changes.added)
            settle()
            started = time.perf_counter()
            adjust(store, changes, vocab)
            adjusted.append(time.perf_counter() - started)
            want = statements(store, vocab)
            settle()
            started = time.perf_counter()
            for quad in want:
                store.remove(quad)
            store.update(rule)
            counted.append(time.perf_counter() - started)
            if statements(store, vocab) != want:
                raise SystemExit(f"{size}: the adjusted figures differ from the rule's ({u})")
            undo(store, changes)
    finally:
        del store
        state.discard(folder)
    return {"size": size, "adjust": adjusted, "rule": counted, "quads": quads}


def _ms(times: list[float]) -> str:
    return (
        f"{statistics.median(times) * 1000:.1f} ms "
        f"({min(times) * 1000:.1f}–{max(times) * 1000:.1f})"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", type=int, nargs="*", default=[2000, 10000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=OUT, help="folder of the corpora")
    parser.add_argument(
        "--memory", action="store_true", help="on an in-memory copy instead of the checkpoint"
    )
    args = parser.parse_args(argv)
    print(f"cores {os.cpu_count()}, load average {os.getloadavg()}", file=sys.stderr)
    for size in args.sizes:
        found = measure(size, args.seed, args.runs, args.out, args.memory)
        where = "in memory" if args.memory else "on disk"
        ratio = statistics.median(found["rule"]) / statistics.median(found["adjust"])
        print(
            f"{size}: adjust {_ms(found['adjust'])}, rule from scratch {_ms(found['rule'])}, "
            f"ratio {ratio:.0f}× (n={args.runs}, {where}; {found['quads']} quads changed by the "
            f"last edit; adjust runs {', '.join(f'{t * 1000:.0f}' for t in found['adjust'])} ms)",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
