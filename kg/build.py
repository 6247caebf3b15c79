"""The build pipeline: read, validate, (reason), write quads, publish atomically."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kg.bridge import from_rdflib
from kg.config import Settings
from kg.errors import ValidationFailed
from kg.namespaces import Vocabulary
from kg.ontology import OntologyFiles
from kg.rdf import IRI, nquad
from kg.reason import Reasoning, reason
from kg.report import Report
from kg.sources import Corpus
from kg.store import Release, Store, open_store
from kg.validate import validate_project

Progress = Callable[[str], None]


@dataclass
class BuildResult:
    release: Release
    report: Report
    timings: dict[str, float] = field(default_factory=dict)


def build(
    settings: Settings,
    *,
    store: Store | None = None,
    progress: Progress | None = None,
    no_reason: bool = False,
) -> BuildResult:
    """Build the graph from the curated files and publish it; raise before publishing on error.

    A :class:`~kg.errors.ValidationFailed` (or any other error) leaves the served release as it
    was: the new release is written beside it and only becomes current once complete.
    """
    say = progress or (lambda _msg: None)
    timings: dict[str, float] = {}
    vocab = settings.vocab
    started = time.perf_counter()
    say("validate")
    corpus, report = validate_project(settings.project, vocab)
    timings["validate"] = time.perf_counter() - started
    if not report.conforms:
        raise ValidationFailed(report)
    ontology = OntologyFiles(settings.ontology_dir, vocab)
    store = store or open_store(settings)
    work = _work_dir(settings)
    reasoning = None
    if not no_reason:  # an InconsistentGraph stops the build here, before anything is written
        t = time.perf_counter()
        say("reason")
        reasoning = reason(corpus, ontology, cache_dir=work / "cache")
        timings["reason"] = time.perf_counter() - t
    with tempfile.NamedTemporaryFile(
        "w", suffix=".nq", dir=work, delete=False, encoding="utf-8"
    ) as out:
        path = Path(out.name)
        t = time.perf_counter()
        say("write quads")
        out.writelines(release_quads(corpus, ontology))
        if reasoning is not None:
            out.writelines(reasoning.quads)
        timings["write"] = time.perf_counter() - t
    try:
        t = time.perf_counter()
        say("publish")
        release = store.publish(
            path, meta=_meta(corpus, ontology), updates=_updates(reasoning, vocab)
        )
        timings["publish"] = time.perf_counter() - t
    finally:
        os.unlink(path)
    timings["total"] = time.perf_counter() - started
    return BuildResult(release, report, timings)


def _work_dir(settings: Settings) -> Path:
    """A scratch folder on the same disk as the store (so big files never fill /tmp)."""
    base = settings.project / "var" if settings.is_remote else settings.store_path
    base.mkdir(parents=True, exist_ok=True)
    return base


def release_quads(corpus: Corpus, ontology: OntologyFiles) -> Iterable[str]:
    """Every quad of a release as N-Quads lines: one graph per source file, one for the
    ontology, the schemes and the shapes."""
    for source in corpus.files:
        graph = IRI(source.graph)
        for s, p, o in source.parsed.triples:
            yield nquad(s, p, o, graph)
    graph = IRI(ontology.vocab.graph("ontology"))
    for rdflib_graph in (ontology.tbox, ontology.shapes):
        for s, p, o in rdflib_graph:
            yield nquad(from_rdflib(s), from_rdflib(p), from_rdflib(o), graph)  # type: ignore[arg-type]


RULES_DIR = Path(__file__).resolve().parent / "rules"


def rules(vocab: Vocabulary) -> list[str]:
    """The SPARQL Update rules in ``kg/rules/*.ru``, in file-name order, rebased.

    They run on each new release before it becomes visible and write what the build derives
    into the graph ``{base}graph/inferred``.
    """
    return [vocab.rebase(p.read_text(encoding="utf-8")) for p in sorted(RULES_DIR.glob("*.ru"))]


def _updates(reasoning: Reasoning | None, vocab: Vocabulary) -> list[str]:
    """The reasoner's rules first (kg/rules/ reads what they infer), then kg/rules/*.ru."""
    return [*(reasoning.updates if reasoning else []), *rules(vocab)]


def _meta(corpus: Corpus, ontology: OntologyFiles) -> dict[str, object]:
    return {
        "ontology": ontology.digest,
        "files": {source.path: source.digest for source in corpus.files},
    }
