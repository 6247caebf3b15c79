"""SHACL validation of the curated corpus, turned into findings a curator can act on.

Two engines give the same results (``tests/test_shacl_sparql.py`` holds them to it):

* ``sparql`` (the default): the shapes compiled to SPARQL (:mod:`kg.store.shacl`) and run on a
  store holding the corpus and the ontology: an in-memory one for a full validation, the
  build's own copy for an incremental one, restricted to the affected entities. About 3 s for
  10,000 use cases where pyshacl takes minutes.
* ``pyshacl``: the reference implementation, per chunk of entities with their neighbourhood
  (``kg validate --engine pyshacl`` cross-checks the compiled queries on a real corpus).

pyshacl runs with Core constraints only and no inference (RDFS inference is slower and reports
false ``sh:in`` violations). What ``sh:class`` needs from the ontology — the named sub-class
axioms and the types of the controlled concepts — is added to the data graph directly:
pyshacl's own ``ont_graph`` mixing clones every node of the ontology and took minutes here.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.authoring.ontology import OntologyFiles
from kg.authoring.sources import Corpus, SourceFile, read_corpus, relative_path, unlinked
from kg.authoring.yamlld import DEFAULT_LIMITS, Limits
from kg.bridge import from_rdflib, graph_of
from kg.build.suggest import Suggestions
from kg.namespaces import RDF_TYPE, SH, Vocabulary
from kg.progress import Progress
from kg.rdf import IRI, BNode, Literal, label_of, nquad
from kg.report import Finding, Report
from kg.store.oxigraph import memory_store

ENGINES = ("sparql", "pyshacl")


def validate_project(
    project: Path,
    vocab: Vocabulary,
    paths: Iterable[Path] | None = None,
    progress: Progress | None = None,
    engine: str = "sparql",
    limits: Limits = DEFAULT_LIMITS,
) -> tuple[Corpus, Report]:
    """Read the whole corpus and validate it, or just ``paths`` in its context (references to
    entities of other files resolve; only the given files are checked and reported)."""
    corpus = read_corpus(project, vocab, progress=progress, limits=limits)
    ontology = OntologyFiles(project / "ontology", vocab)
    only = {_relative(p, project) for p in paths} if paths is not None else None
    return corpus, validate_corpus(corpus, ontology, only, progress=progress, engine=engine)


def dataset_quads(corpus: Corpus, ontology: OntologyFiles) -> Iterable[str]:
    """Every curated and ontology quad of a release as N-Quads lines: one graph per source
    file, one for the ontology, the schemes and the shapes."""
    for source in corpus.files:
        graph = IRI(source.graph)
        for s, p, o in source.parsed.triples:
            yield nquad(s, p, o, graph)
    graph = IRI(ontology.vocab.graph("ontology"))
    for rdflib_graph in (ontology.tbox, ontology.shapes):
        for s, p, o in rdflib_graph:
            yield nquad(from_rdflib(s), from_rdflib(p), from_rdflib(o), graph)  # type: ignore[arg-type]


def _relative(path: Path, project: Path) -> str:
    return relative_path(unlinked(path), project.resolve())


def validate_corpus(
    corpus: Corpus,
    ontology: OntologyFiles,
    only: set[str] | None = None,
    *,
    store=None,
    focus: set[IRI] | None = None,
    engine: str = "sparql",
    progress: Progress | None = None,
) -> Report:
    """Findings of the reader and of SHACL for every file (or the files in ``only``).

    With the ``sparql`` engine, ``store`` holds the corpus and the ontology (by default an
    in-memory store of ``corpus``) and ``focus`` names the entities to check (by default those
    of the wanted files, or all when every file is wanted); results go to the file that
    describes their entity in ``corpus``."""
    wanted = [f for f in corpus.files if only is None or f.path in only]
    report = Report(files=len(wanted))
    read_findings = [finding for f in wanted for finding in f.findings]
    report.extend(read_findings)
    # A value the reader already refused would show again as a missing field: say it once.
    refused = {(f.file, f.field) for f in read_findings if f.severity == "Violation"}
    readable = [f for f in wanted if f.parsed.triples]
    if engine == "pyshacl":
        found = shacl_findings(readable, corpus, ontology, progress=progress)
    else:
        if focus is None and only is not None:
            focus = {s for f in readable for s, _, _ in f.parsed.triples if isinstance(s, IRI)}
        if store is None:
            store = memory_store(lines=dataset_quads(corpus, ontology))
        with (progress or Progress()).step("SHACL"):
            found = sparql_findings(corpus, ontology, store, focus)
    shacl = [f for f in found if (f.file, f.field) not in refused]
    # A missing field is one Violation, not also a Warning per missing language.
    missing = {(f.focus, f.field) for f in shacl if f.severity == "Violation"}
    report.extend(
        f for f in shacl if f.severity == "Violation" or (f.focus, f.field) not in missing
    )
    held = [store]

    def release_store():
        if held[0] is None:  # pyshacl validated without one: make it only when a hint needs it
            held[0] = memory_store(lines=dataset_quads(corpus, ontology))
        return held[0]

    report.findings = Suggestions(ontology, corpus.context, release_store).add(report.findings)
    return report


# rdflib logs a traceback for every ill-typed literal (a bad date); SHACL reports it properly.
logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)

#: Focus entities validated together. pyshacl's cost per focus node grows with the size of the
#: data graph, so the corpus is validated in chunks, each with only the neighbourhood its
#: shapes read; chunks run in parallel processes when there are several.
CHUNK_SIZE = 500


class Neighbourhood:
    """What the shapes read beyond a focus entity's own file: the types of the entities it
    references (for ``sh:class``) and the statements pointing at it along the inverse paths
    the shapes use (``sh:inversePath``)."""

    def __init__(self, corpus: Corpus, ontology: OntologyFiles) -> None:
        self.inverse_predicates = inverse_predicates(ontology)
        self.types: dict[object, list[tuple]] = {}
        self.incoming: dict[object, list[tuple]] = {}
        for s, p, o in corpus.triples():
            if p.value == RDF_TYPE:
                self.types.setdefault(s, []).append((s, p, o))
            if p.value in self.inverse_predicates:
                self.incoming.setdefault(o, []).append((s, p, o))

    def around(self, files: list[SourceFile]) -> tuple[list[tuple], list[IRI]]:
        """The triples to validate ``files`` with, and their focus nodes."""
        own = [t for source in files for t in source.parsed.triples]
        focus = list(dict.fromkeys(s for s, _, _ in own if isinstance(s, IRI)))
        extra: list[tuple] = []
        for node in dict.fromkeys(o for _, _, o in own if isinstance(o, IRI)):
            extra.extend(self.types.get(node, ()))
        for node in focus:
            extra.extend(self.incoming.get(node, ()))
        return own + extra, focus


def inverse_predicates(ontology: OntologyFiles) -> set[str]:
    """The predicates the shapes follow backwards (``sh:inversePath``)."""
    return set(ontology.compiled.inverse)


def inverse_paths_only_count(ontology: OntologyFiles) -> bool:
    """Whether every property shape whose path follows a predicate backwards only counts the
    values (:func:`kg.store.shacl.inverse_paths_only_count`)."""
    return ontology.compiled.only_count


def shacl_findings(
    files: list[SourceFile],
    corpus: Corpus,
    ontology: OntologyFiles,
    *,
    chunk_size: int = CHUNK_SIZE,
    workers: int | None = None,
    progress: Progress | None = None,
) -> list[Finding]:
    """pyshacl's findings for ``files``, validated chunk by chunk with their neighbourhood."""
    if not files:
        return []
    hood = Neighbourhood(corpus, ontology)
    units = _units(files, corpus)
    chunks = _chunks(units, chunk_size)
    workers = workers or min(len(chunks), os.cpu_count() or 1)
    found: list[Finding] = []
    with (progress or Progress()).bar("SHACL", sum(len(c) for c in chunks)) as advance:
        if workers <= 1:
            for chunk in chunks:
                found.extend(_validate_chunk(chunk, hood, corpus, ontology))
                advance(len(chunk))
        else:
            parts = _in_parallel(chunks, hood, corpus, ontology, workers)
            for chunk, part in zip(chunks, parts, strict=True):
                found.extend(part)
                advance(len(chunk))
    if sum(len(unit) for unit in units) > len(files):
        # Files drawn in for their shared entities: keep only what concerns the asked files.
        asked = {s.value for f in files for s, _, _ in f.parsed.triples if isinstance(s, IRI)}
        found = [f for f in found if f.focus in asked]
    return _unique(found)


def _units(files: list[SourceFile], corpus: Corpus) -> list[list[SourceFile]]:
    """``files`` in groups that are validated together: files that make statements about the
    same entity (a dataset and the file that adds its type, say) belong to one group, so each
    entity is validated with everything the corpus says about it. A group may draw in files
    beyond ``files``."""
    readable = [f for f in corpus.files if f.parsed.triples]
    parent = list(range(len(readable)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[object, int] = {}
    for index, source in enumerate(readable):
        for s in dict.fromkeys(s for s, _, _ in source.parsed.triples if isinstance(s, IRI)):
            other = first.setdefault(s, index)
            if other != index:
                parent[root(index)] = root(other)
    groups: dict[int, list[SourceFile]] = {}
    for index, source in enumerate(readable):
        groups.setdefault(root(index), []).append(source)
    index_of = {source.path: i for i, source in enumerate(readable)}
    wanted = dict.fromkeys(root(index_of[f.path]) for f in files if f.path in index_of)
    units = [groups[r] for r in wanted]
    # Files the corpus does not hold (a caller's own list) are validated on their own.
    units.extend([f] for f in files if f.path not in index_of)
    return units


def _chunks(units: list[list[SourceFile]], size: int) -> list[list[SourceFile]]:
    """Groups packed into chunks of about ``size`` defined entities; a group is never split."""
    chunks: list[list[SourceFile]] = [[]]
    count = 0
    for unit in units:
        entities = sum(max(1, len(source.parsed.defines)) for source in unit)
        if chunks[-1] and count + entities > size:
            chunks.append([])
            count = 0
        chunks[-1].extend(unit)
        count += entities
    return chunks


_POOL_STATE: dict[str, object] = {}


def _in_parallel(chunks, hood, corpus, ontology, workers: int) -> Iterator[list[Finding]]:
    """Validate chunks in forked processes that share the parsed corpus copy-on-write."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    _POOL_STATE.update(hood=hood, corpus=corpus, ontology=ontology, chunks=chunks)
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            yield from pool.map(_validate_chunk_by_index, range(len(chunks)))
    finally:
        _POOL_STATE.clear()


def _validate_chunk_by_index(index: int) -> list[Finding]:
    state = _POOL_STATE
    return _validate_chunk(
        state["chunks"][index], state["hood"], state["corpus"], state["ontology"]
    )


def _validate_chunk(
    files: list[SourceFile], hood: Neighbourhood, corpus: Corpus, ontology: OntologyFiles
) -> list[Finding]:
    import rdflib

    triples, focus = hood.around(files)
    if not focus:
        return []
    # pyshacl's focus_nodes option also filters the nested sh:node and sh:property shapes and
    # then misses results; instead the whole chunk graph is validated and only the results
    # about this chunk's own entities are kept (the typed neighbours are targets too).
    results = run_pyshacl(triples, ontology)
    # With allow_warnings, pyshacl says conforms=True when only warnings were found, so look
    # at the results themselves: the top-level ones (the details of a nested sh:node result
    # are typed sh:ValidationResult too, but hang off their parent through sh:detail).
    result_of = rdflib.URIRef(SH + "result")
    focus_node = rdflib.URIRef(SH + "focusNode")
    own = {rdflib.URIRef(node.value) for node in focus}
    tops = [r for r in results.objects(None, result_of) if results.value(r, focus_node) in own]
    return [_finding(r, results, corpus, ontology) for r in _leaves(results, tops)]


def run_pyshacl(triples, ontology: OntologyFiles):
    """pyshacl's results graph for ``triples`` with the ontology's typing, with the options
    this project uses: Core only, no inference, every result, warnings allowed."""
    import pyshacl

    data = graph_of(triples)
    data += ontology.typing
    _, results, _ = pyshacl.validate(
        data,
        shacl_graph=ontology.shapes,
        inference="none",
        allow_warnings=True,
        abort_on_first=False,
    )
    return results


def _leaves(results, tops) -> list:
    """The most specific results: a result with ``sh:detail`` stands for its details, which
    name the field and the value that is actually wrong."""
    import rdflib

    detail = rdflib.URIRef(SH + "detail")
    leaves, todo = [], list(tops)
    while todo:
        result = todo.pop()
        children = list(results.objects(result, detail))
        if children:
            todo.extend(children)
        else:
            leaves.append(result)
    return leaves


def sparql_findings(
    corpus: Corpus, ontology: OntologyFiles, store=None, focus: set[IRI] | None = None
) -> list[Finding]:
    """Findings of the compiled shapes on ``store`` (by default, ``corpus`` in memory)."""
    from kg.store import shacl

    if store is None:
        store = memory_store(lines=dataset_quads(corpus, ontology))
    results = shacl.validate(store, ontology.checks, focus)
    return _unique(_finding_of(r, corpus, ontology) for r in results)


def _unique(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per file, line, field, value and message (sh:nodeKind and sh:pattern may
    say the same)."""
    unique: dict[tuple, Finding] = {}
    for finding in findings:
        key = (finding.file, finding.line, finding.field, finding.value, finding.message.get("en"))
        unique.setdefault(key, finding)
    return list(unique.values())


def _finding_of(result, corpus: Corpus, ontology: OntologyFiles) -> Finding:
    """A finding from a result of :mod:`kg.store.shacl`; ``focus`` is the targeted entity (a
    result about a nested blank node belongs to the entity it hangs below)."""
    import rdflib

    predicate = result.path if isinstance(result.path, IRI) else None
    source = corpus.file_stating(result.focus, predicate, result.value) or corpus.file_describing(
        result.target
    )
    line = source.line_of(result.focus, predicate, result.value) if source else 1
    if source and line == 1 and result.focus != result.target:
        # a nested blank node without a line of its own (Turtle): the line of its entity
        line = source.line_of(result.target)
    shape = rdflib.BNode(result.shape.id) if isinstance(result.shape, BNode) else None
    shape = shape or rdflib.URIRef(result.shape.value)
    messages = ontology.compiled.messages.get(result.shape)  # named as the checks name it
    field = result.field or (corpus.context.field_of(predicate.value) if predicate else None)
    value = result.value
    return Finding(
        severity=result.severity,
        file=source.path if source else "?",
        line=line,
        field=field,
        value=label_of(value) if isinstance(value, (IRI, Literal)) else None,
        message=messages or _default_message(result.component),
        code=_shape_code(shape),
        focus=str(result.target),
    )


def _default_message(component: str) -> dict[str, str]:
    text = f"The value does not satisfy the shape ({component})."
    return {"en": text, "de": f"Der Wert erfüllt die Form nicht ({component})."}


def _finding(result, results, corpus: Corpus, ontology: OntologyFiles) -> Finding:
    import rdflib

    def one(predicate: str):
        return results.value(result, rdflib.URIRef(SH + predicate))

    focus = from_rdflib(one("focusNode"))
    path = one("resultPath")
    value = one("value")
    shape = one("sourceShape")
    severity = str(one("resultSeverity")).rsplit("#", 1)[1]
    predicate = IRI(str(path)) if isinstance(path, rdflib.URIRef) else None
    obj = from_rdflib(value) if value is not None else None
    source = corpus.file_stating(focus, predicate, obj)
    line = source.line_of(focus, predicate, obj) if source else 1
    field = _field(shape, ontology, corpus, predicate)
    messages = _messages(shape, ontology) or {
        lang: str(m)
        for m in results.objects(result, rdflib.URIRef(SH + "resultMessage"))
        for lang in ("de", "en")
    }
    return Finding(
        severity=severity,
        file=source.path if source else "?",
        line=line,
        field=field,
        value=label_of(obj) if isinstance(obj, (IRI, Literal)) else None,
        message=messages,
        code=_shape_code(shape),
        focus=str(focus),
    )


def _field(shape, ontology: OntologyFiles, corpus: Corpus, predicate: IRI | None) -> str | None:
    import rdflib

    named = ontology.shapes.value(shape, rdflib.URIRef(ontology.vocab.term("field")))
    if named is not None:
        return str(named)
    return corpus.context.field_of(predicate.value) if predicate else None


def _messages(shape, ontology: OntologyFiles) -> dict[str, str]:
    from kg.store.shacl import shape_messages

    return shape_messages(ontology.shapes, shape)


def _shape_code(shape) -> str:
    text = str(shape)
    return text.rsplit("#", 1)[-1] if "#" in text else "shacl"
