"""Baselines for the build benchmark, each run by bench/run.py in a fresh process.

Usage::

    python bench/baselines.py rdflib DUMP.nq
    python bench/baselines.py shacl DUMP.nq --project DIR

``rdflib`` parses an N-Quads dump of a release (``kg export``) into an in-memory rdflib
``Dataset``: the cheapest way to hold the graph in rdflib, a lower bound for any pipeline that
keeps it there. ``shacl`` validates the curated statements of that dump (every graph but the
ontology and the inferred one) with pyshacl in one call over the whole graph, with the shapes
and options ``kg validate`` uses (Core constraints, no inference, the ontology's sub-class
axioms and concept types added to the data) but without its chunking by entity. Each prints
one JSON object: what it did and the seconds the measured step took (parsing is reported
apart). The caller measures wall time and memory of the whole process.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path


def parse(dump: Path):
    import rdflib

    dataset = rdflib.Dataset()
    dataset.parse(str(dump), format="nquads")
    return dataset


def rdflib_parse(dump: Path) -> dict[str, object]:
    started = time.perf_counter()
    dataset = parse(dump)
    seconds = time.perf_counter() - started
    quads = sum(len(graph) for graph in dataset.graphs())
    return {"step": "rdflib parse", "seconds": seconds, "quads": quads}


def shacl_whole_graph(dump: Path, project: Path) -> dict[str, object]:
    import pyshacl
    import rdflib

    from kg.authoring.ontology import OntologyFiles
    from kg.namespaces import Vocabulary

    vocab = Vocabulary()
    started = time.perf_counter()
    dataset = parse(dump)
    skipped = {rdflib.URIRef(vocab.graph("ontology")), rdflib.URIRef(vocab.graph("inferred"))}
    data = rdflib.Graph()
    for graph in dataset.graphs():
        if graph.identifier not in skipped:
            data += graph
    del dataset
    ontology = OntologyFiles(project / "ontology", vocab)
    data += ontology.typing
    shapes = ontology.shapes
    parsed = time.perf_counter() - started
    started = time.perf_counter()
    conforms, results, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", allow_warnings=True, abort_on_first=False
    )
    seconds = time.perf_counter() - started
    result = rdflib.URIRef("http://www.w3.org/ns/shacl#result")
    return {
        "step": "pyshacl whole graph",
        "seconds": seconds,
        "parse_seconds": parsed,
        "triples": len(data),
        "conforms": bool(conforms),
        "results": sum(1 for _ in results.objects(None, result)),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("baseline", choices=["rdflib", "shacl"])
    parser.add_argument("dump", type=Path, help="an N-Quads dump of a release")
    parser.add_argument("--project", type=Path, help="project folder (for shacl)")
    args = parser.parse_args(argv)
    if args.baseline == "rdflib":
        figures = rdflib_parse(args.dump)
    else:
        if args.project is None:
            parser.error("shacl needs --project")
        figures = shacl_whole_graph(args.dump, args.project)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
