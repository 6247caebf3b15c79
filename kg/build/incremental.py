"""Apply a change of the curated files to a copy of the last build's graph, and validate what
the change affects.

An entity's SHACL result depends on its own statements, on the types of the entities it
references (``sh:class``) and on the statements other files make about it along the inverse
paths of the shapes. So after a change, besides the changed files themselves, exactly these
entities are validated again: those that reference an entity whose types changed (it was added,
removed or retyped), and those that a changed file points at (or pointed at) along an inverse
path. The compiled shapes (:mod:`kg.store.shacl`) run on the state's store with the change
applied, restricted to these entities; only their files are parsed, for the lines.

Data consistency (disjoint classes, functional properties) can only break where a triple was
added, so it is checked for the entities the changed files mention, with every statement the
store holds about them.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kg.authoring.ontology import OntologyFiles
from kg.authoring.sources import (
    Corpus,
    SourceFile,
    addition_findings,
    duplicate_findings,
    read_file,
    undefined_addition_findings,
)
from kg.authoring.yamlld import DEFAULT_LIMITS, Context, Limits, Parsed
from kg.build.reasoning.axioms import Axioms
from kg.build.state import Delta, Manifest
from kg.build.validate import inverse_paths_only_count, inverse_predicates, validate_corpus
from kg.namespaces import RDF_TYPE, Vocabulary
from kg.rdf import IRI, BNode, Term, nquad
from kg.report import Finding, Report
from kg.store.oxigraph import drop_graphs, drop_subtrees, extend_nquads, mentions, select_rows

#: IRIs per VALUES block (pyoxigraph parses each query; keep them reasonably small).
_BATCH = 2000


@dataclass
class Applied:
    """A change applied to a copy of the state's store, validated."""

    report: Report  #: findings of every file, as a full validation would report them
    changed: list[SourceFile]  #: the new and modified files, parsed
    #: entities of unchanged files validated again, by file
    affected: dict[str, set[str]]
    corpus: Corpus  #: what was validated: the changed files and the affected entities
    #: the findings the state kept for the files in ``affected``
    kept: dict[str, list[Finding]]


class Graphs:
    """Named graph IRIs of curated files, and back."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.prefix = vocab.graph("source/")
        self.vocab = vocab

    def of(self, path: str) -> str:
        return self.prefix + path

    def path(self, graph: str) -> str | None:
        return graph[len(self.prefix) :] if graph.startswith(self.prefix) else None


def apply_delta(
    store,
    manifest: Manifest,
    delta: Delta,
    project: Path,
    context: Context,
    ontology: OntologyFiles,
    work: Path,
    limits: Limits = DEFAULT_LIMITS,
) -> Applied:
    """Replace the changed files' graphs in ``store`` (a checkpoint of the state) and validate;
    ``work`` is the folder for temporary files."""
    vocab = ontology.vocab
    graphs = Graphs(vocab)
    inverse = inverse_predicates(ontology)
    changed = [read_file(p, project, context, vocab, limits) for p in delta.changed]
    old_paths = [s.path for s in changed if s.path in manifest.files] + delta.removed
    old_graphs = [graphs.of(p) for p in old_paths]

    # What the old versions said that others may depend on, read before they are replaced.
    typed = set(manifest.defines_of(old_paths))
    typed |= _typed_in(store, old_graphs)
    for source in changed:
        typed |= set(source.parsed.defines)
        typed |= {s.value for s, p, _ in source.parsed.triples if _is_type(s, p)}
    old_types = _types(store, typed, graphs)
    pointing = _inverse_statements(store, old_graphs, inverse)

    drop_graphs(store, old_graphs)
    _load(store, changed, work)

    new_types = _types(store, typed, graphs)
    retyped = {i for i in typed if old_types.get(i, set()) != new_types.get(i, set())}
    now = {
        (s.value, p.value, o.value)
        for source in changed
        for s, p, o in source.parsed.triples
        if _inverse(p, o, inverse) and isinstance(s, IRI)
    }
    if inverse_paths_only_count(ontology):
        # a count of the statements pointing at an entity changes only with those statements
        # (blank-node subjects are never kept, so such a statement always counts as changed)
        targets = {y for _, _, y in pointing ^ now} | _blank_pointing(changed, inverse)
    else:
        targets = {y for _, _, y in pointing | now} | _blank_pointing(changed, inverse)
    duplicates = _duplicates(changed, delta, manifest)
    kept = manifest.kept()
    # entities of unchanged files whose validation reads something that changed
    affected: dict[str, set[str]] = {}
    for found in (
        _subjects_referencing(store, retyped, graphs),
        _subjects_among(store, targets, graphs),
        # a file adding fields to entities defined elsewhere: their findings go to the file
        # defining them, which a full read has beside it
        _defining(changed, manifest),
        # the first definition of a duplicated identifier decides, as in a full read
        {f.file: {f.value or ""} for f in duplicates},
    ):
        for path, entities in found.items():
            if path in delta.unchanged:
                affected.setdefault(path, set()).update(entities)
    again = [
        _restrict(read_file(project / p, project, context, vocab, limits), entities)
        for p, entities in affected.items()
    ]
    # The same statements, but with the blank node labels the file gives them: a full build's
    # state was bulk-loaded, which renames blank nodes, and a finding about a stakeholder node
    # is placed at its line only when the store names the node as the parsed file does.
    _load(store, [s for s in again if drop_subtrees(store, affected[s.path], s.graph)], work)
    # in the order a full read has them, which decides where a finding about an entity goes
    files = sorted(changed + again, key=lambda s: s.path)
    corpus = Corpus(files, context)
    focus = {s for f in files for s, _, _ in f.parsed.triples if isinstance(s, IRI)}
    report = validate_corpus(corpus, ontology, store=store, focus=focus)
    report.extend(duplicates)
    report.extend(_undefined_additions(changed, delta, manifest))
    mine = {path: kept.of(path) for path in affected if path in kept}
    for path, found in mine.items():
        entities = affected[path]
        report.extend(f for f in found if f.focus is None or f.focus not in entities)
    # the other files' are counted now and made into findings only if someone reads them
    others = [p for p in delta.unchanged if p in kept and p not in affected]
    kept.defer_to(report, others)
    report.files = len(delta.unchanged) + len(changed)
    return Applied(report, changed, affected, corpus, mine)


def _defining(changed: list[SourceFile], manifest: Manifest) -> dict[str, set[str]]:
    """The files defining the entities the ``changed`` files add fields to, and those."""
    added = {
        s.value
        for source in changed
        for s, _, _ in source.parsed.triples
        if isinstance(s, IRI) and s.value not in source.parsed.defines
    }
    if not added:
        return {}
    found: dict[str, set[str]] = {}
    for iri, path, _ in manifest.defined_where(added):
        found.setdefault(path, set()).add(iri)
    return found


def _restrict(source: SourceFile, entities: set[str]) -> SourceFile:
    """``source`` with only the statements about ``entities`` (and their blank nodes)."""
    keep: set[object] = {IRI(e) for e in entities}
    triples = source.parsed.triples
    size = -1
    while size != len(keep):  # blank nodes hang below their entity, maybe several levels
        size = len(keep)
        keep |= {o for s, _, o in triples if s in keep and isinstance(o, BNode)}
    parsed = Parsed(
        triples=[t for t in triples if t[0] in keep],
        lines={t: n for t, n in source.parsed.lines.items() if t[0] in keep},
        defines={i: n for i, n in source.parsed.defines.items() if i in entities},
    )
    return SourceFile(source.path, source.digest, parsed, source.graph)


def _is_type(s: object, p: IRI) -> bool:
    return p.value == RDF_TYPE and isinstance(s, IRI)


def _inverse(p: IRI, o: Term, inverse: set[str]) -> bool:
    return p.value in inverse and isinstance(o, IRI)


def _load(store, sources: list[SourceFile], work: Path) -> None:
    if not sources:
        return
    fd, name = tempfile.mkstemp(suffix=".nq", dir=work)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            for source in sources:
                graph = IRI(source.graph)
                out.writelines(nquad(s, p, o, graph) for s, p, o in source.parsed.triples)
        extend_nquads(store, Path(name))  # keeps blank node labels: results map to lines
    finally:
        os.unlink(name)


def _gives_functional_values(axioms: Axioms):
    """Whether a statement ``s p o`` can give ``o`` a value of a functional property."""
    functional = set(axioms.functional)

    def check(p: str) -> bool:
        for prop in axioms.superproperties.get(p, [p]):
            turned = [*axioms.inverse_of(prop), *([prop] if prop in axioms.symmetric else [])]
            if functional & {q for t in turned for q in axioms.superproperties.get(t, [t])}:
                return True
        return False

    return check


def _values(iris: Iterable[str]) -> Iterable[str]:
    """``VALUES`` bodies of at most :data:`_BATCH` IRIs each."""
    batch = sorted(iris)
    for start in range(0, len(batch), _BATCH):
        yield " ".join(f"<{i}>" for i in batch[start : start + _BATCH])


def _typed_in(store, graph_iris: list[str]) -> set[str]:
    found: set[str] = set()
    for values in _values(graph_iris):
        query = f"SELECT DISTINCT ?x WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?x a ?t }} }}"
        found |= {r["x"].value for r in select_rows(store, query) if isinstance(r["x"], IRI)}
    return found


def _types(store, iris: set[str], graphs: Graphs) -> dict[str, set[str]]:
    """The types curated files give each of ``iris``."""
    found: dict[str, set[str]] = {}
    for values in _values(iris):
        query = f"SELECT ?x ?t ?g WHERE {{ VALUES ?x {{ {values} }} GRAPH ?g {{ ?x a ?t }} }}"
        for row in select_rows(store, query):
            if graphs.path(row["g"].value) is not None:
                found.setdefault(row["x"].value, set()).add(row["t"].value)
    return found


def _inverse_statements(store, graph_iris: list[str], inverse: set[str]) -> set[tuple]:
    """The statements (s, p, y) of ``graph_iris`` along a predicate the shapes follow
    backwards, with an IRI at both ends (those from a blank node: :func:`_blank_pointing`)."""
    if not graph_iris or not inverse:
        return set()
    predicates = " ".join(f"<{p}>" for p in sorted(inverse))
    found: set[tuple] = set()
    for values in _values(graph_iris):
        query = (
            f"SELECT DISTINCT ?s ?p ?y WHERE {{ VALUES ?g {{ {values} }} "
            f"VALUES ?p {{ {predicates} }} GRAPH ?g {{ ?s ?p ?y }} FILTER(isIRI(?y)) }}"
        )
        for r in select_rows(store, query):
            if isinstance(r["s"], IRI):
                found.add((r["s"].value, r["p"].value, r["y"].value))
            else:
                found.add((None, r["p"].value, r["y"].value))  # never equal to a new one
    return found


def _blank_pointing(changed: list[SourceFile], inverse: set[str]) -> set[str]:
    return {
        o.value
        for source in changed
        for s, p, o in source.parsed.triples
        if _inverse(p, o, inverse) and not isinstance(s, IRI)
    }


def _subjects_referencing(store, iris: set[str], graphs: Graphs) -> dict[str, set[str]]:
    """Entities that reference one of ``iris`` (directly or through a blank node), by file."""
    return _by_file(
        store,
        iris,
        graphs,
        "{ ?s ?p ?x FILTER(isIRI(?s)) } UNION { ?s ?q ?b . ?b ?p ?x FILTER(isBlank(?b)) }",
    )


def _subjects_among(store, iris: set[str], graphs: Graphs) -> dict[str, set[str]]:
    """Each of ``iris`` under the files that say something about it."""
    return _by_file(store, iris, graphs, "?x ?p ?o BIND(?x AS ?s)")


def _by_file(store, iris: set[str], graphs: Graphs, pattern: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for values in _values(iris):
        query = (
            f"SELECT DISTINCT ?g ?s WHERE {{ VALUES ?x {{ {values} }} GRAPH ?g {{ {pattern} }} }}"
        )
        for row in select_rows(store, query):
            path = graphs.path(row["g"].value)
            if path is not None and isinstance(row["s"], IRI):
                found.setdefault(path, set()).add(row["s"].value)
    return found


def _undefined_additions(
    changed: list[SourceFile], delta: Delta, manifest: Manifest
) -> list[Finding]:
    """Additions to an identifier no file defines: in a changed file, and in an unchanged file
    whose addition lost its definition (the defining file changed or went away)."""
    additions = {p: adds for p, adds in manifest.additions().items() if p in delta.unchanged}
    wanted = {iri for adds in additions.values() for iri in adds}
    wanted |= {iri for source in changed for iri in source.parsed.adds}
    defined = {iri for iri, p, _ in manifest.defined_where(wanted) if p in delta.unchanged}
    defined |= {iri for source in changed for iri in source.parsed.defines}
    findings = [f for source in changed for f in addition_findings(source, defined)]
    for path, adds in sorted(additions.items()):
        findings.extend(undefined_addition_findings(path, adds, defined))
    return findings


def _duplicates(changed: list[SourceFile], delta: Delta, manifest: Manifest) -> list[Finding]:
    """Identifiers a changed file defines that another file defines too (both are told)."""
    where: dict[str, list[tuple[str, int]]] = {}
    wanted = {iri for source in changed for iri in source.parsed.defines}
    order = {path: n for n, path in enumerate(delta.unchanged)}
    found = [row for row in manifest.defined_where(wanted) if row[1] in order]
    for iri, path, line in sorted(found, key=lambda row: order[row[1]]):
        where.setdefault(iri, []).append((path, line))
    for source in changed:
        for iri, line in source.parsed.defines.items():
            where.setdefault(iri, []).append((source.path, line))
    return duplicate_findings(where)


def consistency_corpus(
    store, applied: Applied, vocab: Vocabulary, axioms: Axioms | None = None
) -> Corpus:
    """The changed files plus the statements other files make about what they mention: all
    statements about it, and of those pointing at it, one per predicate, unless the
    predicate can give it a functional property's value (through an inverse or symmetry),
    where every one counts (:mod:`kg.build.reasoning.consistency` looks for disjoint classes
    and functional values only). Without ``axioms``, every statement."""
    graphs = Graphs(vocab)
    mentioned = {
        term.value
        for s, _, o in (t for source in applied.changed for t in source.parsed.triples)
        for term in (s, o)
        if isinstance(term, IRI)
    }
    own = {s.graph for s in applied.changed}
    extra: dict[str, Parsed] = {}

    def keep(graph: str) -> bool:
        return graph not in own and graphs.path(graph) is not None

    every = _gives_functional_values(axioms) if axioms is not None else (lambda _: True)
    for graph, s, p, o in mentions(store, sorted(mentioned), keep, every):
        extra.setdefault(graph, Parsed()).add(s, p, o, 1)
    others = [
        SourceFile(path=graphs.path(g) or g, digest="", parsed=parsed, graph=g)
        for g, parsed in sorted(extra.items())
    ]
    return Corpus(applied.changed + others, applied.corpus.context)
