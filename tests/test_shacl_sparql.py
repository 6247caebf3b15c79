"""The SHACL shapes compiled to SPARQL (kg.store.shacl) find exactly the leaf results pyshacl
finds: on the shipped corpus, on a generated one, and on copies of the shipped corpus broken
so that every compiled constraint component has something to report."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from kg.authoring.ontology import OntologyFiles
from kg.authoring.sources import Corpus, read_corpus
from kg.bridge import from_rdflib, to_rdflib
from kg.build.pipeline import release_quads
from kg.build.validate import run_pyshacl
from kg.namespaces import SH, Vocabulary
from kg.rdf import IRI, BNode, Term
from kg.store import shacl as shaclsparql
from kg.store.oxigraph import from_ox, to_ox
from kg.store.shacl import COMPONENTS, Result, UnsupportedShape, compile_shapes

ROOT = Path(__file__).resolve().parent.parent
VOCAB = Vocabulary()
BASE = VOCAB.base
SHAPES = VOCAB.shapes

Key = tuple[object, ...]


def _read(project: Path) -> tuple[Corpus, OntologyFiles]:
    return read_corpus(project, VOCAB), OntologyFiles(project / "ontology", VOCAB)


def _store(corpus: Corpus, ontology: OntologyFiles) -> ox.Store:
    """The release's quads, parsed so that blank nodes keep their ids (bulk_load renames them)."""
    store = ox.Store()
    text = "".join(release_quads(corpus, ontology))
    store.extend(ox.parse(input=text, format=ox.RdfFormat.N_QUADS))
    return store


def _sparql(corpus: Corpus, ontology: OntologyFiles) -> list[Result]:
    checks = compile_shapes(ontology.shapes, field=VOCAB.term("field"))
    return shaclsparql.validate(_store(corpus, ontology), checks)


def _key(result: Result) -> Key:
    return (
        result.focus,
        result.path,
        result.value,
        result.shape,
        result.severity,
        result.component,
        result.target,
    )


def _canonical(term: Term) -> Term:
    """The form the store keeps a term in (it normalises literals and language tags)."""
    store = ox.Store()
    node = ox.NamedNode("urn:x")
    store.add(ox.Quad(node, node, to_ox(term)))
    return from_ox(next(iter(store)).object)


def _pyshacl(corpus: Corpus, ontology: OntologyFiles) -> set[Key]:
    """pyshacl's leaf results, with the options and the ontology typing kg.build.validate gives it
    (on the whole corpus at once instead of chunk by chunk)."""
    results = run_pyshacl(corpus.triples(), ontology)
    sh = rdflib.Namespace(SH)
    found: set[Key] = set()
    for top in results.objects(None, sh.result):
        target = from_rdflib(results.value(top, sh.focusNode))
        todo = [top]
        while todo:
            result = todo.pop()
            details = list(results.objects(result, sh.detail))
            if details:
                todo.extend(details)
                continue
            found.add(_pyshacl_key(results, result, target))
    return found


def _pyshacl_key(results: rdflib.Graph, result, target: Term) -> Key:
    sh = rdflib.Namespace(SH)
    path = results.value(result, sh.resultPath)
    if isinstance(path, rdflib.URIRef):
        path = IRI(str(path))
    elif path is not None:  # a complex path, copied into the results graph
        path = shaclsparql.sparql_path(results, path)
    value = results.value(result, sh.value)
    return (
        from_rdflib(results.value(result, sh.focusNode)),
        path,
        _canonical(from_rdflib(value)) if value is not None else None,
        from_rdflib(results.value(result, sh.sourceShape)),
        str(results.value(result, sh.resultSeverity)).rsplit("#", 1)[1],
        str(results.value(result, sh.sourceConstraintComponent)).rsplit("#", 1)[1],
        target,
    )


def _agree(corpus: Corpus, ontology: OntologyFiles) -> list[Result]:
    """Validate both ways, assert that they agree, return the compiled results."""
    found = _sparql(corpus, ontology)
    expected = _pyshacl(corpus, ontology)
    got = {_key(r) for r in found}
    assert got - expected == set(), "found by SPARQL only"
    assert expected - got == set(), "found by pyshacl only"
    return found


def _kinds(results: list[Result]) -> set[tuple[str, str]]:
    """(shape's local name, component) of each result."""
    return {(str(r.shape).rsplit("#", 1)[-1], r.component) for r in results}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}: the shipped corpus changed"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# -- whole corpora --------------------------------------------------------------------------------


def test_shipped_corpus_agrees_with_pyshacl() -> None:
    found = _agree(*_read(ROOT))
    assert {r.severity for r in found} <= {"Warning"}


@pytest.mark.slow
def test_generated_corpus_agrees_with_pyshacl(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    generator = importlib.util.module_from_spec(spec)
    sys.modules["bench_generate"] = generator
    spec.loader.exec_module(generator)
    assert generator.main(["200", "--seed", "11", "--out", str(tmp_path)]) == 0
    _agree(*_read(tmp_path))


# -- broken copies of the shipped corpus ----------------------------------------------------------

BERLIN = "usecases/berlin-giess-den-kiez.yaml"
DATASETS = "usecases/shared/datasets.yaml"
PLACES = "usecases/shared/places.yaml"
PLACES_A = "usecases/shared/places-a.yaml"

#: What a Turtle file can say that the YAML reader refuses before SHACL sees it.
TURTLE = f"""\
@prefix sckg: <{BASE}ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<{BASE}usecase/turtle> a sckg:UseCase, sckg:CrossSectorUseCase ;
    dcterms:title "no language tag", "Titel"@de, "Title"@en, "Other title"@EN, <https://t.org/> ;
    dcterms:description "Beschreibung"@de-DE, "description"@en-GB ;
    sckg:sector <{BASE}sector/energy>, "mobility" ;
    sckg:maturity <{BASE}maturity/pilot> ;
    sckg:curationStatus <{BASE}curation/draft> ;
    sckg:assessedFederationService <{BASE}gaiax/compliance> ;
    dcterms:source "https://example.org/not-an-iri", <ftp://example.org/source>, [] ;
    dcterms:modified "31.01.2026", "2026-02-30"^^xsd:date .

[] a sckg:UseCase ; dcterms:title "anonymous"@en .
"""


def _missing_fields(project: Path) -> None:
    for line in ("maturity: scaled", "curationStatus: reviewed", "sectors: [environment"):
        _edit(project / BERLIN, line, "# " + line)


def _too_many(project: Path) -> None:
    _edit(project / BERLIN, "maturity: scaled", "maturity: [scaled, pilot]")
    _edit(project / DATASETS, "publisher: land-berlin", "publisher: [land-berlin, citylab-berlin]")


def _unknown_codes(project: Path) -> None:
    _edit(project / BERLIN, "sectors: [environment,", "sectors: [environmnt,")
    _edit(project / BERLIN, "gaiaxRelevance: [federated-catalogue", "gaiaxRelevance: [federated")


def _wrong_class(project: Path) -> None:
    """References to entities that exist, of another class than the field needs."""
    service, dataset = "hamburg-urban-data-platform", "berlin-street-tree-register"
    _edit(project / BERLIN, f"uses: [{dataset}", f"uses: [{service}")
    _edit(project / DATASETS, f"accessService: [{service}]", f"accessService: [{dataset}]")


def _bad_stakeholders(project: Path) -> None:
    _edit(
        project / BERLIN,
        "  - organization: citylab-berlin\n    role: operator\n",
        "  - organization: [citylab-berlin, land-berlin]\n    role: boss\n"
        "  - role: [operator, partner]\n  - organization: nobody\n",
    )


def _bad_date(project: Path) -> None:
    _edit(project / BERLIN, "modified: 2026-12-03", "modified: 2026-13-45")


def _bad_codes(project: Path) -> None:
    _edit(project / PLACES_A, 'ags: "11000000"', 'ags: "1100"')
    _edit(project / PLACES, "nuts: DE3\n", "nuts: de300\n")


def _languages(project: Path) -> None:
    """Other languages, and English with a region subtag (which still counts as English)."""
    _edit(project / BERLIN, '  en: "Gieß den Kiez – watering', '  fr: "Gieß den Kiez – watering')
    _edit(project / BERLIN, "description:\n  de: >-", "description:\n  es: >-")
    _edit(project / BERLIN, "  en: >-\n    After several", "  en-GB: >-\n    After several")


def _duplicate_language(project: Path) -> None:
    _edit(
        project / BERLIN,
        '  de: "Gieß den Kiez – Straßenbäume gemeinsam gießen auf Basis offener Daten"',
        '  de: ["Gieß den Kiez", "Straßenbäume gemeinsam gießen auf Basis offener Daten"]',
    )


def _unused_dataset(project: Path) -> None:
    _edit(project / BERLIN, "produces: [giess-den-kiez-watering-records]\n", "")


def _turtle(project: Path) -> None:
    (project / "usecases" / "turtle.ttl").write_text(TURTLE, encoding="utf-8")


def _subclass_target(project: Path) -> None:
    """A sub-class of sckg:UseCase declared in the ontology: its instances are use cases."""
    with (project / "ontology" / "sckg.ttl").open("a", encoding="utf-8") as out:
        out.write("\nsckg:PilotUseCase a owl:Class ; rdfs:subClassOf sckg:UseCase .\n")
    (project / "usecases" / "pilot.ttl").write_text(
        f"<{BASE}usecase/pilot> a <{BASE}ontology#PilotUseCase> ;\n"
        f'    <http://purl.org/dc/terms/title> "Pilot"@en .\n',
        encoding="utf-8",
    )


def _model_v2(project: Path) -> None:
    """Model v2's entities (tests/fixtures), with values out of range and a German town that
    reaches no Land (sh:targetSubjectsOf, sh:oneOrMorePath)."""
    from tests.test_model_v2 import SHARED, add_fixtures

    add_fixtures(project)
    _edit(project / SHARED, "lat: 48.594", "lat: 148.594")
    _edit(project / SHARED, "long: 8.870", "long: -181")
    _edit(project / SHARED, "{value: 31500,", "{value: -5,")
    _edit(project / SHARED, "partOf: [musterkreis]", "partOf: [germany]")
    _edit(project / SHARED, "hosting: in-house", "hosting: cloud")


def _silent_mistakes(project: Path) -> None:
    """A use case using a dataset it produces itself (a data flow to itself), and a
    description past the length limit (issue 14)."""
    _edit(
        project / BERLIN,
        "uses: [berlin-street-tree-register,",
        "uses: [giess-den-kiez-watering-records, berlin-street-tree-register,",
    )
    _edit(project / BERLIN, "  en: >-\n    After several", "  en: >-\n" + "    word" * 1300)


#: name: (how to break the copy, (shape, component) pairs it must produce)
BROKEN: dict[str, tuple[Callable[[Path], None], set[tuple[str, str]]]] = {
    "missing-fields": (
        _missing_fields,
        {
            ("maturity-required", "MinCountConstraintComponent"),
            ("curationStatus-required", "MinCountConstraintComponent"),
            ("sectors-required", "MinCountConstraintComponent"),
        },
    ),
    "too-many": (
        _too_many,
        {
            ("maturity-single", "MaxCountConstraintComponent"),
            ("publisher-single", "MaxCountConstraintComponent"),
        },
    ),
    "unknown-codes": (
        _unknown_codes,
        {
            ("sectors-known", "ClassConstraintComponent"),
            ("gaiaxRelevance-known", "ClassConstraintComponent"),
        },
    ),
    "wrong-class": (
        _wrong_class,
        {
            ("uses-known", "ClassConstraintComponent"),
            ("accessService-known", "ClassConstraintComponent"),
        },
    ),
    "bad-stakeholders": (
        _bad_stakeholders,
        {
            ("organization-single", "MaxCountConstraintComponent"),
            ("organization-required", "MinCountConstraintComponent"),
            ("organization-known", "ClassConstraintComponent"),
            ("role-single", "MaxCountConstraintComponent"),
            ("role-required", "MinCountConstraintComponent"),
            ("role-known", "ClassConstraintComponent"),
        },
    ),
    "bad-date": (_bad_date, {("modified-date", "DatatypeConstraintComponent")}),
    "bad-codes": (
        _bad_codes,
        {
            ("ags-format", "PatternConstraintComponent"),
            ("nuts-format", "PatternConstraintComponent"),
        },
    ),
    "languages": (
        _languages,
        {
            ("title-en", "QualifiedMinCountConstraintComponent"),
            ("description-de", "QualifiedMinCountConstraintComponent"),
        },
    ),
    "duplicate-language": (
        _duplicate_language,
        {("title-one-per-language", "UniqueLangConstraintComponent")},
    ),
    "silent-mistakes": (
        _silent_mistakes,
        {
            ("uses-not-produced", "DisjointConstraintComponent"),
            ("description-max-length", "MaxLengthConstraintComponent"),
        },
    ),
    "unused-dataset": (_unused_dataset, {("usedOrProduced", "MinCountConstraintComponent")}),
    "turtle": (
        _turtle,
        {
            ("UseCaseShape", "NodeKindConstraintComponent"),
            ("title-language-tagged", "DatatypeConstraintComponent"),
            ("title-one-per-language", "UniqueLangConstraintComponent"),
            ("sectors-known", "ClassConstraintComponent"),
            ("sources-url", "NodeKindConstraintComponent"),
            ("sources-url", "PatternConstraintComponent"),
            ("modified-date", "DatatypeConstraintComponent"),
            ("crossSector-not-asserted", "NotConstraintComponent"),
        },
    ),
    "model-v2": (
        _model_v2,
        {
            ("lat-range", "MaxInclusiveConstraintComponent"),
            ("long-range", "MinInclusiveConstraintComponent"),
            ("value-integer", "MinInclusiveConstraintComponent"),
            ("german-place-in-state", "QualifiedMinCountConstraintComponent"),
            ("hosting-known", "ClassConstraintComponent"),
        },
    ),
    "subclass-target": (
        _subclass_target,
        {
            ("title-de", "QualifiedMinCountConstraintComponent"),
            ("sectors-required", "MinCountConstraintComponent"),
        },
    ),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_broken_corpus_agrees_with_pyshacl(name: str, project_copy: Path) -> None:
    breaks, expected = BROKEN[name]
    breaks(project_copy)
    found = _agree(*_read(project_copy))
    assert _kinds(found) >= expected


# -- shapes beyond those shipped ------------------------------------------------------------------

#: Added to shapes.ttl: components, parameters and severities the shipped shapes do not use on
#: their own, on blank-node property shapes.
EXTRA_SHAPES = f"""
@prefix sckg: <{BASE}ontology#> .

sckgsh:ExtraUseCaseShape
    a sh:NodeShape ;
    sh:targetClass sckg:UseCase ;
    sh:property [
        sh:path sckg:sector ;
        sh:minCount 3 ;
        sh:severity sh:Info ;
        sh:message "Fewer than three sectors."@en
    ] , [
        sh:path sckg:sector ;
        sh:maxCount 3
    ] , [
        sh:path dcterms:source ;
        sh:pattern "^HTTPS://[a-z.-]+/$" ;
        sh:flags "i"
    ] , [
        sh:path sckg:maturity ;
        sh:hasValue <{BASE}maturity/in-operation>
    ] , [
        sh:path sckg:sector ;
        sh:qualifiedValueShape [ sh:class sckg:Sector ; sh:nodeKind sh:IRI ] ;
        sh:qualifiedMinCount 3
    ] , [
        sh:path dcterms:title ;
        sh:languageIn ( "de" )
    ] .

sckgsh:ExtraStandardShape
    a sh:NodeShape ;
    sh:targetClass dcterms:Standard ;
    sh:hasValue <{BASE}standard/ogc-sensorthings-api> ;
    sh:severity sh:Warning .
"""
EXTRA_COMPONENTS = {
    "MinCountConstraintComponent",
    "MaxCountConstraintComponent",
    "PatternConstraintComponent",
    "HasValueConstraintComponent",
    "QualifiedMinCountConstraintComponent",
    "LanguageInConstraintComponent",
}


def test_shapes_beyond_the_shipped_ones_agree_with_pyshacl(project_copy: Path) -> None:
    ontology_dir = project_copy / "ontology"
    _edit(
        ontology_dir / "shapes.ttl",
        "sckgsh:UseCaseShape\n",
        EXTRA_SHAPES + "\nsckgsh:UseCaseShape\n",
    )
    corpus, ontology = _read(project_copy)
    found = _agree(corpus, ontology)
    extra = [r for r in found if isinstance(r.shape, BNode) or "Extra" in str(r.shape)]
    assert {r.component for r in extra} == EXTRA_COMPONENTS
    assert {r.severity for r in extra} == {"Info", "Violation", "Warning"}
    # A blank-node shape's id is its node's in the shapes graph that was compiled.
    (info,) = {r.shape for r in extra if r.severity == "Info"}
    message = ontology.shapes.value(to_rdflib(info), rdflib.URIRef(SH + "message"))
    assert str(message) == "Fewer than three sectors."


def test_every_compiled_component_has_a_broken_case() -> None:
    """So that a component the compiler stopped translating fails a comparison above."""
    broken = {component for _, pairs in BROKEN.values() for _, component in pairs}
    assert broken | EXTRA_COMPONENTS == set(COMPONENTS.values())


# -- validating some targets only -----------------------------------------------------------------


def test_focus_restricts_the_results_to_those_targets(project_copy: Path) -> None:
    _bad_stakeholders(project_copy)
    _unknown_codes(project_copy)
    _unused_dataset(project_copy)
    corpus, ontology = _read(project_copy)
    store = _store(corpus, ontology)
    checks = compile_shapes(ontology.shapes, field=VOCAB.term("field"))
    everything = shaclsparql.validate(store, checks)
    focus = [
        IRI(BASE + "usecase/berlin-giess-den-kiez"),
        IRI(BASE + "dataset/giess-den-kiez-watering-records"),
        *sorted({r.target for r in everything if isinstance(r.target, IRI)}, key=str)[::7],
    ]
    some = shaclsparql.validate(store, checks, focus, chunk_size=2)
    assert set(some) == {r for r in everything if r.target in focus}
    assert {r.target for r in some} >= set(focus[:2])
    assert any(r.focus != r.target for r in some)  # results of the nested sh:node shape
    assert shaclsparql.validate(store, checks, []) == []


# -- compiling ------------------------------------------------------------------------------------


def test_checks_carry_the_field_the_severity_and_the_path() -> None:
    ontology = OntologyFiles(ROOT / "ontology", VOCAB)
    checks = {c.shape: c for c in compile_shapes(ontology.shapes, field=VOCAB.term("field"))}
    title = checks[IRI(SHAPES + "title-required")]
    assert (title.field, title.severity, title.path) == (
        "title",
        "Violation",
        IRI("http://purl.org/dc/terms/title"),
    )
    usage = checks[IRI(SHAPES + "usedOrProduced")]
    assert (usage.field, usage.severity) == ("id", "Warning")
    assert usage.path == f"(^<{BASE}ontology#usesDataset>|^<{BASE}ontology#producesDataset>)"


@pytest.mark.parametrize(
    ("constraints", "named"),
    [
        ("sh:path sckg:sector ; sh:minLength 3", "sh:minLength"),
        ("sh:path sckg:sector ; sh:in ( sckg:UseCase )", "sh:in"),
        (
            "sh:path sckg:sector ; sh:qualifiedValueShape [ sh:class sckg:Sector ] ; "
            "sh:qualifiedMaxCount 1",
            "sh:qualifiedMaxCount",
        ),
        ("sh:path sckg:sector ; sh:minCount 1 ; sh:deactivated true", "sh:deactivated"),
        ("sh:path sckg:sector ; sh:not [ sh:path dcterms:title ; sh:minCount 1 ]", "sh:not"),
        ("sh:path [ sh:zeroOrMorePath dcterms:isPartOf ] ; sh:minCount 1", "sh:zeroOrMorePath"),
        ("sh:path ( dcterms:isPartOf dcterms:isPartOf ) ; sh:minCount 1", "path"),
    ],
)
def test_an_unsupported_feature_is_refused_when_compiling(
    constraints: str, named: str, project_copy: Path
) -> None:
    added = (
        f"\n@prefix sckg: <{BASE}ontology#> .\n"
        "sckgsh:New a sh:NodeShape ; sh:targetClass sckg:UseCase ;\n"
        f"    sh:property [ {constraints} ] .\n"
    )
    with (project_copy / "ontology" / "shapes.ttl").open("a", encoding="utf-8") as out:
        out.write(added)
    ontology = OntologyFiles(project_copy / "ontology", VOCAB)
    with pytest.raises(UnsupportedShape, match=named):
        compile_shapes(ontology.shapes)
