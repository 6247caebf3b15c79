"""SHACL validation of the curated corpus, turned into findings a curator can act on.

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

from kg.bridge import from_rdflib, graph_of
from kg.namespaces import RDF_TYPE, SH, Vocabulary
from kg.ontology import OntologyFiles
from kg.progress import Progress
from kg.rdf import IRI, Literal, label_of
from kg.report import Finding, Report
from kg.sources import Corpus, SourceFile, read_corpus


def validate_project(
    project: Path,
    vocab: Vocabulary,
    paths: Iterable[Path] | None = None,
    progress: Progress | None = None,
) -> tuple[Corpus, Report]:
    """Read the whole corpus and validate it, or just ``paths`` in its context (references to
    entities of other files resolve; only the given files are checked and reported)."""
    corpus = read_corpus(project, vocab, progress=progress)
    ontology = OntologyFiles(project / "ontology", vocab)
    only = {_relative(p, project) for p in paths} if paths is not None else None
    return corpus, validate_corpus(corpus, ontology, only, progress=progress)


def _relative(path: Path, project: Path) -> str:
    path = path.resolve()
    root = project.resolve()
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def validate_corpus(
    corpus: Corpus,
    ontology: OntologyFiles,
    only: set[str] | None = None,
    *,
    hood: Neighbourhood | None = None,
    progress: Progress | None = None,
) -> Report:
    """Findings of the reader and of SHACL for every file (or the files in ``only``); ``hood``
    is what the shapes read beyond these files (by default, the rest of ``corpus``)."""
    wanted = [f for f in corpus.files if only is None or f.path in only]
    report = Report(files=len(wanted))
    read_findings = [finding for f in wanted for finding in f.findings]
    report.extend(read_findings)
    # A value the reader already refused would show again as a missing field: say it once.
    refused = {(f.file, f.field) for f in read_findings}
    readable = [f for f in wanted if f.parsed.triples]
    shacl = [
        f
        for f in shacl_findings(readable, corpus, ontology, hood=hood, progress=progress)
        if (f.file, f.field) not in refused
    ]
    # A missing field is one Violation, not also a Warning per missing language.
    missing = {(f.focus, f.field) for f in shacl if f.severity == "Violation"}
    report.extend(
        f for f in shacl if f.severity == "Violation" or (f.focus, f.field) not in missing
    )
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

    @classmethod
    def empty(cls, inverse: set[str]) -> Neighbourhood:
        """A neighbourhood to fill from elsewhere (the incremental build asks its store)."""
        hood = cls.__new__(cls)
        hood.inverse_predicates, hood.types, hood.incoming = inverse, {}, {}
        return hood

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
    import rdflib

    inverse = rdflib.URIRef(SH + "inversePath")
    return {str(p) for p in ontology.shapes.objects(None, inverse)}


def shacl_findings(
    files: list[SourceFile],
    corpus: Corpus,
    ontology: OntologyFiles,
    *,
    hood: Neighbourhood | None = None,
    chunk_size: int = CHUNK_SIZE,
    workers: int | None = None,
    progress: Progress | None = None,
) -> list[Finding]:
    """SHACL findings for ``files``, validated chunk by chunk with their neighbourhood (by
    default read from ``corpus``)."""
    if not files:
        return []
    hood = hood or Neighbourhood(corpus, ontology)
    chunks = _chunks(files, chunk_size)
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
    unique: dict[tuple, Finding] = {}  # sh:nodeKind and sh:pattern may say the same twice
    for finding in found:
        key = (finding.file, finding.line, finding.field, finding.value, finding.message.get("en"))
        unique.setdefault(key, finding)
    return list(unique.values())


def _chunks(files: list[SourceFile], size: int) -> list[list[SourceFile]]:
    chunks: list[list[SourceFile]] = [[]]
    count = 0
    for source in files:
        entities = max(1, len(source.parsed.defines))
        if chunks[-1] and count + entities > size:
            chunks.append([])
            count = 0
        chunks[-1].append(source)
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
    import pyshacl
    import rdflib

    triples, focus = hood.around(files)
    if not focus:
        return []
    data = graph_of(triples)
    data += ontology.typing
    # pyshacl's focus_nodes option also filters the nested sh:node and sh:property shapes and
    # then misses results; instead the whole chunk graph is validated and only the results
    # about this chunk's own entities are kept (the typed neighbours are targets too).
    _, results, _ = pyshacl.validate(
        data,
        shacl_graph=ontology.shapes,
        inference="none",
        allow_warnings=True,
        abort_on_first=False,
    )
    # With allow_warnings, pyshacl says conforms=True when only warnings were found, so look
    # at the results themselves: the top-level ones (the details of a nested sh:node result
    # are typed sh:ValidationResult too, but hang off their parent through sh:detail).
    result_of = rdflib.URIRef(SH + "result")
    focus_node = rdflib.URIRef(SH + "focusNode")
    own = {rdflib.URIRef(node.value) for node in focus}
    tops = [r for r in results.objects(None, result_of) if results.value(r, focus_node) in own]
    return [_finding(r, results, corpus, ontology) for r in _leaves(results, tops)]


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


def _finding(result, results, corpus: Corpus, ontology: OntologyFiles) -> Finding:
    import rdflib

    def one(predicate: str):
        return results.value(result, rdflib.URIRef(SH + predicate))

    focus = from_rdflib(one("focusNode"))
    path = one("resultPath")
    value = one("value")
    shape = one("sourceShape")
    severity = str(one("resultSeverity")).rsplit("#", 1)[1]
    source = corpus.file_describing(focus)
    predicate = IRI(str(path)) if isinstance(path, rdflib.URIRef) else None
    obj = from_rdflib(value) if value is not None else None
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
    import rdflib

    found: dict[str, str] = {}
    for message in ontology.shapes.objects(shape, rdflib.URIRef(SH + "message")):
        found[getattr(message, "language", None) or "en"] = str(message)
    if found and "en" not in found:
        found["en"] = next(iter(found.values()))
    return found


def _shape_code(shape) -> str:
    text = str(shape)
    return text.rsplit("#", 1)[-1] if "#" in text else "shacl"
