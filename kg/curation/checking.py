"""Validate proposed files in the corpus they would join, fast enough for checks while typing.

The corpus is read once and kept per file (keyed by modification time and size), the ontology's
quads once per version of the ontology files; a check then reads only the proposed texts,
cross-checks identities with the rest of the corpus (duplicate identifiers, additions to
identifiers no file defines) and runs the compiled shapes (the ``sparql`` engine of
``kg validate``) on an in-memory store, for the entities of the proposed files only. Nothing
is written into ``usecases/``.
"""

from __future__ import annotations

import os
import threading
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from kg.authoring.ontology import OntologyFiles
from kg.authoring.sources import (
    SourceFile,
    assemble,
    discover_names,
    limits_of,
    read_data,
    read_file,
)
from kg.authoring.yamlld import load_context
from kg.build.validate import dataset_quads, validate_corpus
from kg.config import Settings
from kg.namespaces import Vocabulary
from kg.rdf import IRI, nquad
from kg.report import Finding

_LOCK = threading.Lock()
#: absolute path -> (mtime_ns, size, base, SourceFile as read, before cross-checks)
_READ: dict[str, tuple[int, int, str, SourceFile]] = {}


def check_files(settings: Settings, files: dict[str, str | None]) -> list[Finding]:
    """The findings of ``files`` (relative path -> text, None: removed) in the corpus."""
    vocab = settings.vocab
    project = Path(settings.project).resolve()
    ontology = OntologyFiles(settings.ontology_dir, vocab)
    context = load_context(settings.ontology_dir, vocab.base)
    limits = limits_of(settings)
    sources = [s for s in _current(project, vocab, limits) if s.path not in files]
    proposed = [
        read_data(text.encode("utf-8"), path, context, vocab, limits)
        for path, text in files.items()
        if text is not None
    ]
    corpus = assemble([*sources, *proposed], context)
    from kg.store.oxigraph import memory_store

    store = memory_store(lines=_lines(corpus, ontology))
    only = {source.path for source in proposed}
    report = validate_corpus(corpus, ontology, only, store=store)
    return [f for f in report.findings if f.file in only]


def _current(project: Path, vocab: Vocabulary, limits) -> list[SourceFile]:
    """Every curated file as read now, fresh copies (cross-checks add findings to them)."""
    context = load_context(project / "ontology", vocab.base)
    names = discover_names(project / "usecases")
    found = []
    with _LOCK:
        for name in names:
            try:
                info = os.lstat(name)
            except OSError:
                continue
            cached = _READ.get(name)
            key = (info.st_mtime_ns, info.st_size, vocab.base)
            if cached is None or cached[:3] != key:
                source = read_file(Path(name), project, context, vocab, limits)
                _READ[name] = (*key, source)
                cached = _READ[name]
            found.append(cached[3])
        for name in set(_READ) - set(names):
            del _READ[name]
    return [replace(s, findings=list(s.findings)) for s in found]


def _lines(corpus, ontology: OntologyFiles):
    for source in corpus.files:
        graph = IRI(source.graph)
        for s, p, o in source.parsed.triples:
            yield nquad(s, p, o, graph)
    yield from _ontology_lines(ontology.folder, ontology.vocab.base, ontology.digest)


@lru_cache(maxsize=2)
def _ontology_lines(folder: Path, base: str, digest: str) -> tuple[str, ...]:
    """The quads of the ontology, the schemes and the shapes (as :func:`dataset_quads`
    writes them after the curated files)."""
    from kg.authoring.sources import Corpus

    ontology = OntologyFiles(folder, Vocabulary(base))
    empty = Corpus([], load_context(folder, base))
    return tuple(dataset_quads(empty, ontology))
