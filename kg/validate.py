"""SHACL validation of the curated corpus, turned into findings a curator can act on.

pyshacl runs with Core constraints only and no inference (RDFS inference is slower and reports
false ``sh:in`` violations). What ``sh:class`` needs from the ontology — the named sub-class
axioms and the types of the controlled concepts — is added to the data graph directly:
pyshacl's own ``ont_graph`` mixing clones every node of the ontology and took minutes here.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from kg.bridge import from_rdflib, graph_of
from kg.namespaces import SH, Vocabulary
from kg.ontology import OntologyFiles
from kg.rdf import IRI, Literal, label_of
from kg.report import Finding, Report
from kg.sources import Corpus, SourceFile, read_corpus


def validate_project(
    project: Path, vocab: Vocabulary, paths: Iterable[Path] | None = None
) -> tuple[Corpus, Report]:
    """Read and validate the whole corpus; report findings for ``paths`` (default: all)."""
    corpus = read_corpus(project, vocab)
    ontology = OntologyFiles(project / "ontology", vocab)
    report = validate_corpus(corpus, ontology)
    if paths is not None:
        wanted = {_relative(p, project) for p in paths}
        report = report.only(wanted)
    return corpus, report


def _relative(path: Path, project: Path) -> str:
    path = path.resolve()
    root = project.resolve()
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def validate_corpus(corpus: Corpus, ontology: OntologyFiles) -> Report:
    report = Report(files=len(corpus.files))
    report.extend(corpus.findings)
    readable = [f for f in corpus.files if f.parsed.triples]
    # A value the reader already refused would show again as a missing field: say it once.
    refused = {(f.file, f.field) for f in corpus.findings}
    shacl = [
        f for f in shacl_findings(readable, corpus, ontology) if (f.file, f.field) not in refused
    ]
    # A missing field is one Violation, not also a Warning per missing language.
    missing = {(f.focus, f.field) for f in shacl if f.severity == "Violation"}
    report.extend(
        f for f in shacl if f.severity == "Violation" or (f.focus, f.field) not in missing
    )
    return report


# rdflib logs a traceback for every ill-typed literal (a bad date); SHACL reports it properly.
logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)


def shacl_findings(
    files: list[SourceFile], corpus: Corpus, ontology: OntologyFiles
) -> list[Finding]:
    import pyshacl
    import rdflib

    data = graph_of(t for source in files for t in source.parsed.triples)
    data += ontology.typing
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
    found = [
        _finding(r, results, files, corpus, ontology)
        for r in _leaves(results, results.objects(None, rdflib.URIRef(SH + "result")))
    ]
    unique: dict[tuple, Finding] = {}  # sh:nodeKind and sh:pattern may say the same twice
    for finding in found:
        unique.setdefault(
            (finding.file, finding.line, finding.field, finding.value, finding.message.get("en")),
            finding,
        )
    return list(unique.values())


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


def _finding(
    result, results, files: list[SourceFile], corpus: Corpus, ontology: OntologyFiles
) -> Finding:
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
