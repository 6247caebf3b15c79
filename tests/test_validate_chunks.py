"""Validating the corpus in chunks (in parallel processes) finds exactly what validating it as
one graph finds."""

from __future__ import annotations

from pathlib import Path

from kg.authoring.ontology import OntologyFiles
from kg.authoring.sources import read_corpus
from kg.build.validate import shacl_findings
from kg.namespaces import Vocabulary


def _key(findings) -> set[tuple]:
    return {(f.severity, f.file, f.line, f.field, f.value, f.message["en"]) for f in findings}


def test_chunked_parallel_validation_equals_whole_graph(project_copy: Path) -> None:
    usecases = project_copy / "usecases"
    berlin = usecases / "berlin-giess-den-kiez.yaml"
    text = berlin.read_text(encoding="utf-8")
    berlin.write_text(
        text.replace("sectors: [environment,", "sectors: [environmnt,")
        .replace("role: operator", "role: boss")
        .replace('  en: "Gieß den Kiez – watering street trees together"\n', ""),
        encoding="utf-8",
    )
    datasets = usecases / "shared" / "datasets.yaml"
    datasets.write_text(
        datasets.read_text(encoding="utf-8").replace(
            "standards: [ogc-sensorthings-api", "standards: [ogc-sensorthing", 1
        ),
        encoding="utf-8",
    )
    vocab = Vocabulary()
    corpus = read_corpus(project_copy, vocab)
    ontology = OntologyFiles(project_copy / "ontology", vocab)
    files = [f for f in corpus.files if f.parsed.triples]
    whole = shacl_findings(files, corpus, ontology, chunk_size=100_000, workers=1)
    chunked = shacl_findings(files, corpus, ontology, chunk_size=7, workers=2)
    assert _key(chunked) == _key(whole)
    severities = {f.severity for f in whole}
    assert severities == {"Violation", "Warning"}
    assert {f.field for f in whole if f.severity == "Violation"} >= {"sectors", "role", "standards"}
