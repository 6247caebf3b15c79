"""Validate proposed files in the corpus they would join, fast enough for checks while typing.

Each process keeps the curated files as read (per file, keyed by modification time and size)
and an in-memory store of the corpus and the ontology, made again only when a curated file or
the ontology changes. A check swaps the graphs of the proposed files into that store, runs the
compiled shapes (the ``sparql`` engine of ``kg validate``) for the entities of those files,
cross-checks identities with the rest of the corpus (duplicate identifiers, additions to
identifiers no file defines), and swaps the graphs back. Nothing is written into
``usecases/``; checks of one process take turns (a lock), which costs nothing next to their
fraction of a second.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from kg.authoring.ontology import OntologyFiles
from kg.authoring.sources import (
    Corpus,
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


@dataclass
class _Read:
    """One curated file as read, with its N-Quads lines."""

    key: tuple
    source: SourceFile
    lines: tuple[str, ...]


#: absolute path -> the file as last read
_FILES: dict[str, _Read] = {}
#: the store of the corpus as read: (what it holds, the store)
_STORE: list = [None, None]


def check_files(settings: Settings, files: dict[str, str | None]) -> list[Finding]:
    """The findings of ``files`` (relative path -> text, None: removed) in the corpus."""
    from kg.store.oxigraph import drop_graphs, extend_lines

    vocab = settings.vocab
    project = Path(settings.project).resolve()
    ontology = _ontology(settings.ontology_dir, vocab.base, _digest(settings.ontology_dir, vocab))
    context = load_context(settings.ontology_dir, vocab.base)
    limits = limits_of(settings)
    proposed = [
        read_data(text.encode("utf-8"), path, context, vocab, limits)
        for path, text in files.items()
        if text is not None
    ]
    with _LOCK:
        current = _current(project, vocab, limits)
        store = _store(current, ontology)
        replaced = [r for r in current if r.source.path in files]
        graphs = {vocab.graph("source/" + path) for path in files}
        sources = [replace(r.source, findings=list(r.source.findings)) for r in current]
        corpus = assemble([s for s in sources if s.path not in files] + proposed, context)
        drop_graphs(store, graphs)
        try:
            extend_lines(store, _source_lines(proposed))
            only = {source.path for source in proposed}
            report = validate_corpus(corpus, ontology, only, store=store)
        finally:
            drop_graphs(store, graphs)
            extend_lines(store, (line for r in replaced for line in r.lines))
    return [f for f in report.findings if f.file in only]


def _digest(folder: Path, vocab: Vocabulary) -> str:
    return OntologyFiles(folder, vocab).digest


@lru_cache(maxsize=2)
def _ontology(folder: Path, base: str, digest: str) -> OntologyFiles:
    """One :class:`OntologyFiles` per version of the ontology files: it keeps the parsed
    shapes and their compiled queries (about 0.5 s to make again)."""
    return OntologyFiles(folder, Vocabulary(base))


def _current(project: Path, vocab: Vocabulary, limits) -> list[_Read]:
    """Every curated file as read now (read again when it changed)."""
    context = load_context(project / "ontology", vocab.base)
    names = discover_names(project / "usecases")
    found = []
    for name in names:
        try:
            info = os.lstat(name)
        except OSError:
            continue
        key = (info.st_mtime_ns, info.st_size, vocab.base)
        cached = _FILES.get(name)
        if cached is None or cached.key != key:
            source = read_file(Path(name), project, context, vocab, limits)
            cached = _FILES[name] = _Read(key, source, tuple(_source_lines([source])))
        found.append(cached)
    for name in set(_FILES) - set(names):
        del _FILES[name]
    return found


def _store(current: list[_Read], ontology: OntologyFiles):
    """The in-memory store of ``current`` and the ontology (made again when they change)."""
    from kg.store.oxigraph import memory_store

    holds = (ontology.digest, tuple((r.source.path, r.key) for r in current))
    if _STORE[0] != holds:
        _STORE[1] = None  # let the old one go before the new one is made
        lines = [line for r in current for line in r.lines]
        lines.extend(_ontology_lines(ontology.folder, ontology.vocab.base, ontology.digest))
        _STORE[:] = [holds, memory_store(lines=lines)]
    return _STORE[1]


def _source_lines(sources: list[SourceFile]):
    for source in sources:
        graph = IRI(source.graph)
        for s, p, o in source.parsed.triples:
            yield nquad(s, p, o, graph)


@lru_cache(maxsize=2)
def _ontology_lines(folder: Path, base: str, digest: str) -> tuple[str, ...]:
    """The quads of the ontology, the schemes and the shapes (as :func:`dataset_quads`
    writes them after the curated files)."""
    ontology = OntologyFiles(folder, Vocabulary(base))
    return tuple(dataset_quads(Corpus([], load_context(folder, base)), ontology))
