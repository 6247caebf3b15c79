"""The VoID description after one edit: adjusted by the changes, or counted again by the rule
(issue 17).

Usage::

    python bench/void.py 2000 10000 --runs 5

For each size, the generated corpus ``bench/out/corpus-<size>-seed<seed>/`` (as bench/run.py
makes it) is built as a full build builds it (reasoning, every rule) into an on-disk store, as
the incremental build's checkpoint is. Then one use case (the middle file by name, as
bench/edit.py picks it) is edited in the store, through a record of changes, and the derived
graphs are maintained (kg.build.maintain). Two edits: a new suffix on its English title (what
bench/edit.py does) and new sectors (which moves sector links and figures too). From the VoID
graph as it was before the edit, ``--runs`` times each: :func:`kg.store.void.adjust` with the
record, and the rule from scratch (drop the graph, run ``70-void.ru``) as the maintenance did
before it; the medians, their ratio, and whether both give the same graph. Benchmarks print
figures; they are not tests.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import harness
import pyoxigraph as ox

sys.path.insert(0, str(harness.ROOT))  # this checkout's kg, not whichever is installed

from kg.authoring.ontology import OntologyFiles
from kg.authoring.sources import read_corpus
from kg.build.derive import rule_text
from kg.build.maintain import maintain
from kg.build.pipeline import _updates, release_quads
from kg.build.reason import Reasoning, reason
from kg.namespaces import DCTERMS, RDF_TYPE, VOID, Vocabulary
from kg.store.changes import Changes
from kg.store.oxigraph import run_updates
from kg.store.void import adjust

VOCAB = Vocabulary()
VOID_GRAPH = ox.NamedNode(VOCAB.graph("void"))
_TYPE = ox.NamedNode(RDF_TYPE)
Edit = Callable[[ox.Store, Changes, ox.NamedNode, ox.NamedNode], None]


def built(project: Path, folder: Path) -> tuple[ox.Store, Reasoning]:
    """The release of ``project`` with every rule run, in an on-disk store in ``folder``."""
    corpus = read_corpus(project, VOCAB)
    ontology = OntologyFiles(project / "ontology", VOCAB)
    reasoning = reason(corpus, ontology, cache_dir=folder / "cache")
    nquads = folder / "release.nq"
    with open(nquads, "w", encoding="utf-8") as out:
        out.writelines(release_quads(corpus, ontology))
    store = ox.Store(str(folder / "store"))
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    run_updates(store, _updates(reasoning, VOCAB))
    return store, reasoning


def retitle(store: ox.Store, changes: Changes, case: ox.NamedNode, graph: ox.NamedNode) -> None:
    title = ox.NamedNode(DCTERMS + "title")
    old = [
        q for q in store.quads_for_pattern(case, title, None, graph) if q.object.language == "en"
    ]
    changes.remove(store, old)
    new = ox.Literal(f"{old[0].object.value} edit", language="en")
    changes.add(store, [ox.Quad(case, title, new, graph)])


def resector(store: ox.Store, changes: Changes, case: ox.NamedNode, graph: ox.NamedNode) -> None:
    """The sectors the use case does not have, for those it has."""
    sector = ox.NamedNode(VOCAB.term("sector"))
    old = list(store.quads_for_pattern(case, sector, None, graph))
    mine = {q.object for q in old}
    others = sorted(
        {q.object for q in store.quads_for_pattern(None, sector, None, None)} - mine, key=str
    )
    changes.remove(store, old)
    changes.add(store, [ox.Quad(case, sector, s, graph) for s in others[: len(old)]])


def edited(store: ox.Store, project: Path) -> tuple[ox.NamedNode, ox.NamedNode]:
    """The middle use case by file name (as bench/edit.py picks it), and its file's graph."""
    files = sorted((project / "usecases").glob("*.yaml"))
    graph = ox.NamedNode(VOCAB.graph(f"source/{files[len(files) // 2].relative_to(project)}"))
    kind = ox.NamedNode(VOCAB.term("UseCase"))
    return next(store.quads_for_pattern(None, _TYPE, kind, graph)).subject, graph


def measure(store: ox.Store, reasoning: Reasoning, edit: Edit, case, graph, runs: int) -> dict:
    """Edit, maintain, then time the adjustment and the rule from the VoID graph before."""
    before = list(store.quads_for_pattern(None, None, None, VOID_GRAPH))
    changes = Changes()
    edit(store, changes, case, graph)
    maintain(store, changes, reasoning.axioms, VOCAB)
    record = changes.without(VOID_GRAPH)

    def restore() -> None:
        store.remove_graph(VOID_GRAPH)
        store.extend(before)

    rule = rule_text(VOCAB, "70-void.ru")
    adjusted, counted, same = [], [], True
    for _ in range(runs):
        restore()
        mine = Changes(set(record.removed), set(record.added))
        started = time.perf_counter()
        adjust(store, mine, VOCAB)
        adjusted.append(time.perf_counter() - started)
        got = described(store)
        restore()
        started = time.perf_counter()
        store.remove_graph(VOID_GRAPH)
        store.update(rule)
        counted.append(time.perf_counter() - started)
        same = same and got == described(store)
    return {
        "changed quads": len(record.removed) + len(record.added),
        "adjust": statistics.median(adjusted),
        "rule": statistics.median(counted),
        "same": same,
    }


def described(store: ox.Store) -> set[tuple]:
    """The VoID graph, each partition's blank node named by its class or property."""
    quads = list(store.quads_for_pattern(None, None, None, VOID_GRAPH))
    keys = {
        q.subject: (q.predicate, q.object)
        for q in quads
        if q.predicate.value in (VOID + "class", VOID + "property")
    }

    def name(term):
        return keys[term] if isinstance(term, ox.BlankNode) else term

    return {(name(q.subject), q.predicate, name(q.object)) for q in quads}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", type=int, nargs="+", help="use cases per generated corpus")
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (median)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    harness.OUT.mkdir(parents=True, exist_ok=True)
    for line in harness.header_lines(harness.machine()):
        print(line)
    for size in args.sizes:
        project = harness.project_for(size, args.seed)
        with tempfile.TemporaryDirectory(dir=harness.OUT) as folder:
            started = time.perf_counter()
            store, reasoning = built(project, Path(folder))
            print(
                f"\n== {harness.label(size)}: {len(store):,} quads, built in "
                f"{time.perf_counter() - started:.0f} s",
                flush=True,
            )
            case, graph = edited(store, project)
            for name, edit in (("title", retitle), ("sectors", resector)):
                found = measure(store, reasoning, edit, case, graph, args.runs)
                print(
                    f"  edit of the {name:<7} {found['changed quads']:>5} quads changed; "
                    f"median of {args.runs}: adjust {found['adjust'] * 1000:7.1f} ms, "
                    f"rule {found['rule'] * 1000:7.1f} ms, rule ÷ adjust "
                    f"{found['rule'] / found['adjust']:6.0f} ×; same graph: {found['same']}",
                    flush=True,
                )
            del store
    return 0


if __name__ == "__main__":
    sys.exit(main())
