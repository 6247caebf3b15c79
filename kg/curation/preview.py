"""A preview: the served release as it would be with a proposal's files, in memory.

:func:`release_with` copies the current release into an in-memory store
(:mod:`kg.store.memory`), replaces the named graph of each changed file (one graph per curated
file, ``{base}graph/source/PATH``, as the build makes them) by what the new text says, drops
what the build derived and derives it again with the build's own updates: the entailment rules
of the ontology's axioms (:mod:`kg.build.reasoning.rules`, from the TBox cached by the last
build), the data-model concepts and ``kg/build/rules`` (interconnections, aggregates, VoID).
An entity page, its data flows and its counts can be rendered from it.

What a preview does not do: validate (the form's check does that) or check consistency. When
the ontology needs whole-graph HermiT (axioms the rules do not cover), the reasoner's
conclusions of the served release are kept and only the other updates run again.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from kg.authoring.ontology import OntologyFiles
from kg.authoring.sources import limits_of, read_file
from kg.authoring.vocabularies import data_model_update
from kg.authoring.yamlld import load_context
from kg.build.derive import rules
from kg.build.incremental import Graphs
from kg.build.reason import tbox_axioms
from kg.build.reasoning.rules import all_rules as entailment_rules
from kg.config import Settings
from kg.curation.proposals import check_path
from kg.rdf import IRI, nquad
from kg.store import Store, open_store, work_dir
from kg.store.memory import MemoryStore, copy_of

#: graphs the build's updates write: dropped and written again on the changed copy
DERIVED_GRAPHS = ("inferred", "aggregates", "void")


def release_with(
    settings: Settings, files: dict[str, str | None], store: Store | None = None
) -> MemoryStore:
    """The release ``store`` (default: the one of ``settings``) serves, with ``files``
    (path relative to the project → new text, None: removed) in place of the files there."""
    vocab = settings.vocab
    copy = copy_of(store or open_store(settings), work_dir(settings))
    graphs = Graphs(vocab)
    lines: list[str] = []
    for path, text in files.items():
        if text is not None:
            lines.extend(_quads(settings, check_path(path), text))
    dropped = [graphs.of(check_path(path)) for path in files]
    entailments = _entailments(settings)
    derived = DERIVED_GRAPHS if entailments is not None else DERIVED_GRAPHS[1:]
    dropped += [vocab.graph(name) for name in derived]
    copy.replace_graphs(dropped, lines)
    copy.update([*(entailments or []), data_model_update(vocab), *rules(vocab)])
    return copy


def _entailments(settings: Settings) -> list[str] | None:
    """The entailment rules of the ontology (None when it needs whole-graph HermiT)."""
    ontology = OntologyFiles(settings.ontology_dir, settings.vocab)
    axioms = tbox_axioms(ontology, work_dir(settings) / "cache")
    if axioms.unsupported:
        return None
    return entailment_rules(axioms, settings.vocab)


def _quads(settings: Settings, path: str, text: str) -> list[str]:
    source = _read(settings, path, text)
    graph = IRI(source.graph)
    return [nquad(s, p, o, graph) for s, p, o in source.parsed.triples]


def _read(settings: Settings, path: str, text: str):
    """``text`` read as the curated file ``path`` of the project: written into a temporary
    folder shaped like the project, so the graph and the blank node labels are the ones the
    build would give it."""
    vocab = settings.vocab
    context = load_context(settings.ontology_dir, vocab.base)
    with tempfile.TemporaryDirectory(prefix="kg-preview-") as folder:
        target = Path(folder) / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        return read_file(target, Path(folder), context, vocab, limits_of(settings))
