"""OWL reasoning for the build: HermiT on the TBox, linear rules on the data.

Whole-graph HermiT grows faster than linearly (about 19 s at 1,000 use cases, many minutes at
10,000). The build therefore splits the work:

1. **TBox** — HermiT (owlready2) checks the ontology and the schemes for consistency and
   classifies them, once per content hash of ``ontology/`` (cached as JSON beside the store).
2. **Consistency of the data** — one linear pass over the curated triples checks them against
   the TBox's disjointness, domains, ranges and functional properties
   (:mod:`kg.build.reasoning.consistency`); a contradiction fails the build like a SHACL Violation.
3. **Entailments** — SPARQL Update rules derived from the axioms (:mod:`kg.build.reasoning.rules`)
   write the cross-sector class, ``feeds`` and ``potentiallyFeeds``, the inverse properties, the
   transitive ``within`` of places, ``connectsTo``, and the RDFS entailments standard clients
   query (every super-class and super-property value) into the graph ``{base}graph/inferred``
   of the new release, before it becomes visible.

When the TBox or the data use an axiom kind the rules do not apply, the build falls back to
whole-graph HermiT (exact and slow) and says so. ``tests/test_reason_hermit.py`` checks that
the rules infer exactly what whole-graph HermiT infers on the shipped corpus.
"""

from __future__ import annotations

import importlib.metadata
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from kg.authoring.ontology import OntologyFiles
from kg.authoring.sources import Corpus
from kg.build.incremental import Applied, consistency_corpus
from kg.build.reasoning import consistency, hermit, rules
from kg.build.reasoning.axioms import Axioms, read_axioms
from kg.errors import InconsistentGraph
from kg.namespaces import OWL, RDF, RDF_TYPE, RDFS
from kg.rdf import IRI, Triple, nquad
from kg.report import Report
from kg.store.oxigraph import Update

#: Bump when the cached TBox summary changes shape.
CACHE_VERSION = "2"
#: Predicates a curated file may use from the RDF, RDFS and OWL vocabularies without leaving
#: what the rules cover.
_DATA_VOCABULARY = {RDF_TYPE, RDFS + "label", RDFS + "comment", RDFS + "seeAlso"}


@dataclass
class Reasoning:
    """What reasoning contributes to a release."""

    axioms: Axioms
    #: SPARQL updates to run on the new release (before the rules of kg/build/rules/)
    updates: list[Update]
    #: N-Quads lines to add to the release (whole-graph fallback only)
    quads: list[str] = field(default_factory=list)
    method: str = "rules"
    unsupported: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


def cache_file(cache_dir: Path, ontology: OntologyFiles) -> Path:
    """Where HermiT's classification of ``ontology`` is kept: keyed by owlready2's version,
    read from the package's metadata (importing owlready2 for it cost every build 0.05 s,
    though a build with the cache never runs HermiT)."""
    return cache_dir / f"tbox-{ontology.digest[:24]}-{owlready2_version()}-{CACHE_VERSION}.json"


def owlready2_version() -> str:
    """The installed owlready2's version ("" when it is not installed)."""
    try:
        return importlib.metadata.version("owlready2")
    except importlib.metadata.PackageNotFoundError:
        return ""


def tbox_axioms(ontology: OntologyFiles, cache_dir: Path | None = None) -> Axioms:
    """The TBox's axioms with HermiT's classification, cached by the ontology's content hash.

    HermiT runs whenever the ontology, the schemes or the shapes changed since the cached run
    (the cache is keyed by :attr:`OntologyFiles.digest`); an inconsistent ontology raises
    :class:`~kg.errors.InconsistentGraph`.
    """
    path = cache_file(cache_dir, ontology) if cache_dir is not None else None
    if path is not None and path.exists():
        return Axioms.from_json(path.read_text(encoding="utf-8"))
    axioms = hermit.classify(ontology.tbox, read_axioms(ontology.tbox))
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(axioms.to_json(), encoding="utf-8")
        os.replace(tmp, path)
    return axioms


def data_unsupported(corpus: Corpus) -> list[str]:
    """Statements in curated files that are axioms rather than data (the rules ignore them)."""
    found = []
    for source in corpus.files:
        for s, p, o in source.parsed.triples:
            schema = p.value.startswith((RDF, RDFS, OWL)) and p.value not in _DATA_VOCABULARY
            owl_type = p.value == RDF_TYPE and isinstance(o, IRI) and o.value.startswith(OWL)
            if (schema or owl_type) and o != IRI(OWL + "NamedIndividual"):
                found.append(f"{source.path}:{source.line_of(s, p, o)}: {s.n3()} {p.n3()}")
    return found


def reason(corpus: Corpus, ontology: OntologyFiles, *, cache_dir: Path | None = None) -> Reasoning:
    """Check the corpus against the ontology and prepare what the release infers.

    Raises :class:`~kg.errors.InconsistentGraph` when the data contradict the ontology.
    """
    timings: dict[str, float] = {}
    t = time.perf_counter()
    axioms = tbox_axioms(ontology, cache_dir)
    timings["tbox"] = time.perf_counter() - t
    vocab = ontology.vocab
    unsupported = axioms.unsupported + data_unsupported(corpus)
    t = time.perf_counter()
    if unsupported:
        result = _whole_graph(corpus, ontology, axioms, unsupported)
    else:
        findings = consistency.check(corpus, axioms, vocab)
        if findings:
            raise InconsistentGraph(Report(findings, files=len(corpus.files)))
        result = Reasoning(axioms, rules.all_rules(axioms, vocab))
    timings["data"] = time.perf_counter() - t
    result.timings = timings
    return result


def reason_incremental(
    store, applied: Applied, ontology: OntologyFiles, cache_dir: Path | None = None
) -> Reasoning | None:
    """Reasoning for an incremental build (:mod:`kg.build.incremental`), or None when the change
    needs a full one: statements the rules do not cover, or a contradiction (the full build
    reports it with every file and line involved)."""
    axioms = tbox_axioms(ontology, cache_dir)
    if axioms.unsupported or data_unsupported(Corpus(applied.changed, applied.corpus.context)):
        return None
    corpus = consistency_corpus(store, applied, ontology.vocab, axioms)
    if consistency.check(corpus, axioms, ontology.vocab):
        return None
    return Reasoning(axioms, rules.all_rules(axioms, ontology.vocab))


def _whole_graph(
    corpus: Corpus, ontology: OntologyFiles, axioms: Axioms, unsupported: list[str]
) -> Reasoning:
    vocab = ontology.vocab
    inferred = hermit.whole_graph(ontology.tbox, corpus.triples(), axioms)
    graph = IRI(vocab.graph("inferred"))
    quads = [nquad(s, p, o, graph) for s, p, o in sorted(inferred, key=_key)]
    updates = [
        *rules.transitive_rules(axioms, graph.value),
        rules.connects_to_rule(vocab),
        *rules.rdfs_rules(axioms, vocab),
        rules.cleanup_rule(graph.value),
    ]
    return Reasoning(axioms, updates, quads, "hermit", unsupported)


def _key(triple: Triple) -> tuple[str, str, str]:
    return (str(triple[0]), str(triple[1]), str(triple[2]))


def owl_kinds(axioms: Axioms) -> set[str]:
    """Predicates (and defined classes) whose inferred triples OWL entails.

    ``connectsTo`` triples come from a rule (see ``connects-to.ru``), not from an axiom. The
    closure of a transitive property (``within``) and the super-class and super-property
    statements are left out: owlready2 does not report them from HermiT's answer, and the
    whole-graph fallback derives them with the same linear rules (tests/test_model_v2.py
    checks them on the built corpus).
    """
    kinds = {p for pair in axioms.inverses for p in pair} | {p for p, _ in axioms.chains}
    return kinds | {d.cls for d in axioms.defined}


def is_owl_entailment(triple: Triple, axioms: Axioms) -> bool:
    _, p, o = triple
    kinds = owl_kinds(axioms)
    return p.value in kinds or (p.value == RDF_TYPE and o.value in kinds)
