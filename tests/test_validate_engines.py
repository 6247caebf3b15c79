"""The two engines of :mod:`kg.build.validate` on one broken file: each runs its own checker,
and both name the shape, the file and the line of what they find (issue 19: the pyshacl engine
was exercised only by a nine-minute comparison, so its mutants survived the quick tests)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.authoring.ontology import OntologyFiles
from kg.authoring.sources import Corpus, read_corpus
from kg.build import validate
from kg.build.validate import (
    ENGINES,
    dataset_quads,
    shacl_findings,
    sparql_findings,
    validate_corpus,
)
from kg.namespaces import Vocabulary
from kg.store.oxigraph import memory_store

CASE = "usecases/berlin-giess-den-kiez.yaml"
OTHER = "usecases/hamburg-traffic-signal-data.yaml"
DATASETS = "usecases/shared/datasets.yaml"


def _break(project: Path, name: str, old: str, new: str) -> None:
    path = project / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(project: Path, name: str, fragment: str) -> int:
    lines = (project / name).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if fragment in line)


@pytest.fixture
def broken(project_copy: Path) -> tuple[Corpus, OntologyFiles]:
    """The project with an unknown sector in :data:`CASE`."""
    _break(project_copy, CASE, "sectors: [environment, water, society]\n", "sectors: [nowhere]\n")
    vocab = Vocabulary()
    return read_corpus(project_copy, vocab), OntologyFiles(project_copy / "ontology", vocab)


def _sectors(findings) -> list:
    return [f for f in findings if f.severity == "Violation" and f.field == "sectors"]


@pytest.mark.parametrize("engine", ENGINES)
def test_each_engine_names_the_shape_file_and_line_of_a_violation(
    engine: str, broken, project_copy: Path
) -> None:
    corpus, ontology = broken
    report = validate_corpus(corpus, ontology, {CASE}, engine=engine)
    (finding,) = _sectors(report.findings)
    assert finding.file == CASE
    assert finding.line == _line_of(project_copy, CASE, "sectors: [nowhere]")
    # the shape's own name (sckgsh:sectors-known), the SARIF rule id
    assert finding.code == "sectors-known"
    assert finding.value == "nowhere"


def test_each_engine_runs_its_own_checker(broken, monkeypatch) -> None:
    """``--engine pyshacl`` is the cross-check of the compiled shapes: it must run pyshacl, and
    the default must not (it would take minutes on a real corpus)."""
    corpus, ontology = broken
    ran: list[str] = []
    real_pyshacl, real_sparql = validate.run_pyshacl, validate.sparql_findings

    def pyshacl(*args, **kwargs):
        ran.append("pyshacl")
        return real_pyshacl(*args, **kwargs)

    def sparql(*args, **kwargs):
        ran.append("sparql")
        return real_sparql(*args, **kwargs)

    monkeypatch.setattr(validate, "run_pyshacl", pyshacl)
    monkeypatch.setattr(validate, "sparql_findings", sparql)
    for engine in ("sparql", "pyshacl"):
        ran.clear()
        validate_corpus(corpus, ontology, {CASE}, engine=engine)
        assert set(ran) == {engine}


def test_one_file_of_two_broken_ones_reports_that_file_only(broken, project_copy: Path) -> None:
    """The default engine checks only the entities of the files asked for."""
    text = (project_copy / OTHER).read_text(encoding="utf-8")
    maturity = next(line for line in text.splitlines() if line.startswith("maturity: "))
    _break(project_copy, OTHER, maturity + "\n", "")
    vocab = Vocabulary()
    corpus = read_corpus(project_copy, vocab)
    ontology = OntologyFiles(project_copy / "ontology", vocab)
    for engine in ENGINES:
        files = {f.file for f in validate_corpus(corpus, ontology, {CASE}, engine=engine).findings}
        assert files == {CASE}, engine
    everything = validate_corpus(corpus, ontology).findings
    assert {CASE, OTHER} <= {f.file for f in everything}


@pytest.mark.parametrize("engine", ENGINES)
def test_a_node_shape_finding_carries_the_field_the_shape_names(
    engine: str, project_copy: Path
) -> None:
    """A dataset nobody uses or produces breaks a shape without a plain path: the field is the
    one the shape names (``sckg:field "id"``), there is no predicate to take one from."""
    _break(project_copy, CASE, "produces: [giess-den-kiez-watering-records]\n", "")
    vocab = Vocabulary()
    corpus = read_corpus(project_copy, vocab)
    ontology = OntologyFiles(project_copy / "ontology", vocab)
    report = validate_corpus(corpus, ontology, {DATASETS}, engine=engine)
    (finding,) = [f for f in report.findings if f.code == "usedOrProduced"]
    assert (finding.file, finding.field) == (DATASETS, "id")
    assert finding.focus.endswith("giess-den-kiez-watering-records")


def test_a_finding_about_an_entity_no_file_describes_is_placed_at_line_one_of_file_unknown(
    broken,
) -> None:
    """The store may hold more than the corpus given (an incremental build's copy): a result
    about an entity none of the files describes cannot be placed and says so ('?', line 1);
    so does the pyshacl engine for a file the corpus does not hold."""
    corpus, ontology = broken
    store = memory_store(lines=dataset_quads(corpus, ontology))
    case = next(f for f in corpus.files if f.path == CASE)
    without = Corpus(files=[f for f in corpus.files if f.path != CASE], context=corpus.context)
    (finding,) = _sectors(sparql_findings(without, ontology, store))
    assert (finding.file, finding.line) == ("?", 1)
    (finding,) = _sectors(shacl_findings([case], without, ontology, workers=1))
    assert (finding.file, finding.line) == ("?", 1)


TURTLE = """\
@prefix sckg: <https://w3id.org/sckg/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .

<https://w3id.org/sckg/usecase/turtle> a sckg:UseCase ;
    dcterms:title "Turtle"@en ;
    prov:qualifiedAttribution [
        prov:agent <https://w3id.org/sckg/org/citylab-berlin> ;
        dcat:hadRole <https://w3id.org/sckg/role/boss>
    ] .
"""


def test_a_violation_inside_a_turtle_blank_node_is_placed_at_its_entity(
    project_copy: Path,
) -> None:
    """A blank node of a Turtle file has no line of its own: its violation (an unknown role)
    is placed at the line of the entity it hangs below, not at the top of the file."""
    name = "usecases/turtle.ttl"
    (project_copy / name).write_text(TURTLE, encoding="utf-8")
    vocab = Vocabulary()
    corpus = read_corpus(project_copy, vocab)
    ontology = OntologyFiles(project_copy / "ontology", vocab)
    report = validate_corpus(corpus, ontology, {name})
    (finding,) = [f for f in report.findings if f.field == "role"]
    assert (finding.file, finding.line) == (name, _line_of(project_copy, name, "usecase/turtle>"))


SILENT_SHAPE = """\
sckgsh:SilentMaturityShape
    a sh:NodeShape ;
    sh:targetClass sckg:UseCase ;
    sh:property [ sh:path sckg:maturity ; sh:hasValue <https://w3id.org/sckg/maturity/pilot> ] .

"""


def test_a_shape_without_a_message_is_reported_with_the_engines_own_text(
    project_copy: Path,
) -> None:
    """A shape added without ``sh:message``: pyshacl's result message stands in (both
    languages), the default engine names the constraint component."""
    shapes = project_copy / "ontology" / "shapes.ttl"
    text = shapes.read_text(encoding="utf-8")
    shapes.write_text(
        text.replace("sckgsh:UseCaseShape\n", SILENT_SHAPE + "sckgsh:UseCaseShape\n", 1)
    )
    vocab = Vocabulary()
    corpus = read_corpus(project_copy, vocab)
    ontology = OntologyFiles(project_copy / "ontology", vocab)
    messages = {}
    for engine in ENGINES:
        report = validate_corpus(corpus, ontology, {CASE}, engine=engine)
        (finding,) = [f for f in report.findings if f.field == "maturity"]
        messages[engine] = finding.message
    assert "HasValueConstraintComponent" in messages["sparql"]["en"]
    assert "Der Wert erfüllt die Form nicht" in messages["sparql"]["de"]
    pyshacl = messages["pyshacl"]
    assert pyshacl["en"] == pyshacl["de"] and "pilot" in pyshacl["en"]
