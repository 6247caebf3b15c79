"""OWL reasoning in the build: what the inferred graph holds, consistency, determinism."""

from __future__ import annotations

import pytest

from kg.authoring.ontology import OntologyFiles
from kg.authoring.sources import read_corpus
from kg.build.pipeline import build
from kg.build.reason import data_unsupported, reason, tbox_axioms
from kg.build.reasoning import consistency, hermit
from kg.build.reasoning.axioms import Axioms, read_axioms
from kg.cli import main
from kg.config import Settings
from kg.errors import InconsistentGraph, ValidationFailed
from kg.namespaces import RDF_TYPE, Vocabulary
from kg.rdf import IRI
from kg.store import Store, open_store

INFERRED = "https://w3id.org/sckg/graph/inferred"
SCKG = "https://w3id.org/sckg/ontology#"

BROKEN_TTL = '''\
@prefix sckg: <https://w3id.org/sckg/ontology#> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

<https://w3id.org/sckg/usecase/lemgo-parking-twin>
    a sckg:UseCase , dcat:Dataset ;
    dcterms:title "Parkplatz-Zwilling Lemgo"@de , "Lemgo parking twin"@en ;
    dcterms:description """Ein digitaler Zwilling der Parkplätze in Lemgo, der Belegungsdaten
        zusammenführt und für die Stadtplanung bereitstellt."""@de ,
        """A digital twin of Lemgo's parking spaces that combines occupancy data and offers it
        to town planning."""@en ;
    sckg:sector <https://w3id.org/sckg/sector/mobility> ,
        <https://w3id.org/sckg/sector/urban-development> ;
    dcterms:spatial <https://w3id.org/sckg/place/lemgo> ;
    sckg:maturity <https://w3id.org/sckg/maturity/pilot> ;
    sckg:curationStatus <https://w3id.org/sckg/curation/draft> ;
    sckg:assessedFederationService <https://w3id.org/sckg/gaiax/federated-catalogue> ;
    sckg:usesDataset <https://w3id.org/sckg/dataset/lemgo-parking-occupancy> ;
    dcterms:source <https://example.org/lemgo-parking-twin> .
'''


def _count(store: Store, query: str) -> int:
    return int(store.select(query)[0]["n"].value)


def _inferred(store: Store) -> set[tuple]:
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{INFERRED}> {{ ?s ?p ?o }} }}"
    return set(store.construct(query))


def _all_quads(store: Store) -> set[tuple]:
    rows = store.select("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    return {(r["s"], r["p"], r["o"], r["g"]) for r in rows}


# -- what the shipped corpus infers -------------------------------------------------------------
def test_cross_sector_use_cases_are_those_with_two_or_more_sectors(store: Store) -> None:
    inferred = _count(
        store,
        f"""
        SELECT (COUNT(DISTINCT ?u) AS ?n) WHERE {{
          GRAPH <{INFERRED}> {{ ?u a <{SCKG}CrossSectorUseCase> }} }}""",
    )
    expected = _count(
        store,
        f"""
        SELECT (COUNT(*) AS ?n) WHERE {{
          {{ SELECT ?u (COUNT(DISTINCT ?s) AS ?k) WHERE {{
              ?u a <{SCKG}UseCase> ; <{SCKG}sector> ?s }} GROUP BY ?u }}
          FILTER(?k >= 2) }}""",
    )
    assert inferred == expected > 0


def test_every_feeds_triple_has_a_produced_and_a_used_dataset(store: Store) -> None:
    feeds = _count(
        store,
        f"""
        SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{INFERRED}> {{ ?a <{SCKG}feeds> ?b }} }}""",
    )
    unjustified = store.select(f"""
        SELECT ?a ?b WHERE {{
          GRAPH <{INFERRED}> {{ ?a <{SCKG}feeds> ?b }}
          FILTER NOT EXISTS {{ GRAPH ?g1 {{ ?a <{SCKG}producesDataset> ?d }}
                               GRAPH ?g2 {{ ?b <{SCKG}usesDataset> ?d }}
                               FILTER(?g1 != <{INFERRED}> && ?g2 != <{INFERRED}>) }} }}""")
    assert feeds > 0
    assert unjustified == []


def test_every_flow_through_a_dataset_is_a_feeds_triple(store: Store) -> None:
    missing = store.select(f"""
        SELECT ?a ?b WHERE {{
          ?a <{SCKG}producesDataset> ?d . ?b <{SCKG}usesDataset> ?d .
          FILTER NOT EXISTS {{ ?a <{SCKG}feeds> ?b }} }}""")
    assert missing == []


@pytest.mark.parametrize(
    ("prop", "inverse"),
    [("feeds", "isFedBy"), ("usesDataset", "usedBy"), ("producesDataset", "producedBy")],
)
def test_inverse_properties_are_materialised(store: Store, prop: str, inverse: str) -> None:
    missing = store.select(f"""
        SELECT ?a ?b WHERE {{ ?a <{SCKG}{prop}> ?b FILTER NOT EXISTS {{ ?b <{SCKG}{inverse}> ?a }}
        }}""")
    assert missing == []


def test_connects_to_is_symmetric_irreflexive_and_carried(store: Store) -> None:
    links = store.select(f"""
        SELECT ?a ?b WHERE {{ GRAPH <{INFERRED}> {{ ?a <{SCKG}connectsTo> ?b }} }}""")
    pairs = {(r["a"], r["b"]) for r in links}
    assert pairs
    assert all((b, a) in pairs and a != b for a, b in pairs)
    uncarried = store.select(f"""
        SELECT ?a ?b WHERE {{
          GRAPH <{INFERRED}> {{ ?a <{SCKG}connectsTo> ?b }}
          FILTER NOT EXISTS {{ ?u <{SCKG}sector> ?a , ?b }}
          FILTER NOT EXISTS {{ ?x <{SCKG}sector> ?a . ?y <{SCKG}sector> ?b .
                               {{ ?x <{SCKG}feeds> ?y }} UNION {{ ?y <{SCKG}feeds> ?x }} }}
          FILTER NOT EXISTS {{ ?x <{SCKG}sector> ?a ; <{SCKG}usesDataset> ?d .
                               ?y <{SCKG}sector> ?b ; <{SCKG}usesDataset> ?d }} }}""")
    assert uncarried == []


def test_inferred_graph_holds_nothing_asserted(store: Store) -> None:
    assert (
        _count(
            store,
            f"""
        SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{INFERRED}> {{ ?s ?p ?o }}
          GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{INFERRED}>) }}""",
        )
        == 0
    )


# -- determinism, --no-reason -------------------------------------------------------------------
def test_rebuilding_gives_the_same_inferred_graph(project_settings: Settings) -> None:
    build(project_settings)
    store = open_store(project_settings)
    first = _inferred(store)
    build(project_settings)
    assert _inferred(open_store(project_settings)) == first
    assert any(t[1] == IRI(SCKG + "feeds") for t in first)


def test_no_reason_skips_the_reasoner(project_settings: Settings) -> None:
    result = build(project_settings, no_reason=True)
    assert "reason" not in result.timings
    inferred = _inferred(open_store(project_settings))
    assert not any(t[1] == IRI(SCKG + "feeds") for t in inferred)
    assert (None, IRI(RDF_TYPE), IRI(SCKG + "CrossSectorUseCase")) not in {
        (None, p, o) for _, p, o in inferred
    }


def test_cli_build_no_reason(project_settings: Settings, capsys) -> None:
    code = main(
        [
            "--project",
            str(project_settings.project),
            "build",
            "--no-reason",
            "--store",
            str(project_settings.store_path),
        ]
    )
    assert code == 0
    assert "published release" in capsys.readouterr().out


# -- inconsistent input -------------------------------------------------------------------------
def test_inconsistent_input_fails_the_build_and_keeps_the_store(
    project_settings: Settings,
) -> None:
    build(project_settings)
    store = open_store(project_settings)
    release, before = store.release(), _all_quads(store)
    (project_settings.usecases_dir / "lemgo-parking-twin.ttl").write_text(
        BROKEN_TTL, encoding="utf-8"
    )
    with pytest.raises(ValidationFailed) as caught:
        build(project_settings)
    assert isinstance(caught.value, InconsistentGraph)
    findings = list(caught.value.report)
    assert len(findings) == 1
    finding = findings[0]
    assert finding.file == "usecases/lemgo-parking-twin.ttl"
    assert finding.line == 5
    for lang in ("de", "en"):
        text = finding.text(lang)
        assert "usecase:lemgo-parking-twin" in text
        assert "DisjointClasses(sckg:UseCaseOrPattern dcat:Dataset" in text
    assert "disjunkt" in finding.message["de"] and "disjoint" in finding.message["en"]
    store = open_store(project_settings)
    assert store.release() == release
    assert _all_quads(store) == before


def test_cli_reports_an_inconsistency_like_a_violation(project_settings: Settings, capsys) -> None:
    (project_settings.usecases_dir / "lemgo-parking-twin.ttl").write_text(
        BROKEN_TTL, encoding="utf-8"
    )
    code = main(
        [
            "--project",
            str(project_settings.project),
            "--lang",
            "de",
            "build",
            "--store",
            str(project_settings.store_path),
        ]
    )
    assert code == 1
    assert "Verstoß" in capsys.readouterr().err


# -- the consistency check on its own -----------------------------------------------------------
@pytest.fixture(scope="module")
def shipped_axioms(tmp_path_factory: pytest.TempPathFactory) -> Axioms:
    from tests.conftest import ROOT

    ontology = OntologyFiles(ROOT / "ontology", Vocabulary())
    return tbox_axioms(ontology, tmp_path_factory.mktemp("cache"))


def _check(project, axioms: Axioms, name: str, text: str):
    (project / "usecases" / name).write_text(text, encoding="utf-8")
    corpus = read_corpus(project, Vocabulary())
    return consistency.check(corpus, axioms, Vocabulary())


def test_shipped_corpus_is_consistent(shipped_axioms: Axioms) -> None:
    from tests.conftest import ROOT

    corpus = read_corpus(ROOT, Vocabulary())
    assert consistency.check(corpus, shipped_axioms, Vocabulary()) == []
    assert data_unsupported(corpus) == []


def test_a_range_makes_a_use_case_a_dataset(project_copy, shipped_axioms: Axioms) -> None:
    findings = _check(
        project_copy,
        shipped_axioms,
        "odd.ttl",
        """\
        <https://w3id.org/sckg/usecase/lemgo-retail-footfall>
            <https://w3id.org/sckg/ontology#usesDataset>
            <https://w3id.org/sckg/usecase/lemgo-smart-parking> .
        """.replace("        ", ""),
    )
    assert [f.focus for f in findings] == ["https://w3id.org/sckg/usecase/lemgo-smart-parking"]
    message = findings[0].message["en"]
    assert "usecase:lemgo-retail-footfall refers to it" in message
    assert "cannot be both a dcat:Dataset and a sckg:UseCase:" in message


def test_an_inverse_property_carries_the_range_of_its_inverse(
    project_copy, shipped_axioms: Axioms
) -> None:
    """Issue 19: ``x sckg:usedBy y`` makes ``x`` a dataset (the range of ``sckg:usesDataset``,
    its inverse), which a use case cannot be; ignoring inverses lost this contradiction."""
    findings = _check(
        project_copy,
        shipped_axioms,
        "odd.ttl",
        """\
        <https://w3id.org/sckg/usecase/lemgo-smart-parking>
            <https://w3id.org/sckg/ontology#usedBy>
            <https://w3id.org/sckg/usecase/lemgo-retail-footfall> .
        """.replace("        ", ""),
    )
    assert [f.focus for f in findings] == ["https://w3id.org/sckg/usecase/lemgo-smart-parking"]
    message = findings[0].message["en"]
    assert "cannot be both a dcat:Dataset and a sckg:UseCase:" in message
    assert "usecases/odd.ttl:1 gives it the field 'sckg:usedBy'" in message


def test_two_different_maturity_levels_contradict(project_copy, shipped_axioms: Axioms) -> None:
    findings = _check(
        project_copy,
        shipped_axioms,
        "odd.ttl",
        """\
        <https://w3id.org/sckg/usecase/lemgo-smart-parking>
            <https://w3id.org/sckg/ontology#maturity> <https://w3id.org/sckg/maturity/idea> .
        """.replace("        ", ""),
    )
    assert [f.code for f in findings] == ["owl-functional"]
    assert "FunctionalObjectProperty(sckg:maturity)" in findings[0].message["de"]
    # the finding sits on the second statement, under the field the curator wrote
    assert (findings[0].file, findings[0].line, findings[0].field) == (
        "usecases/odd.ttl",
        1,
        "maturity",
    )


def test_axioms_the_rules_do_not_cover_are_detected(project_copy) -> None:
    (project_copy / "usecases" / "same.ttl").write_text(
        "<https://w3id.org/sckg/usecase/a> <http://www.w3.org/2002/07/owl#sameAs> "
        "<https://w3id.org/sckg/usecase/b> .\n",
        encoding="utf-8",
    )
    corpus = read_corpus(project_copy, Vocabulary())
    assert [u.split(":")[0] for u in data_unsupported(corpus)] == ["usecases/same.ttl"]


def test_shipped_ontology_is_fully_covered_by_the_rules(shipped_axioms: Axioms) -> None:
    assert shipped_axioms.unsupported == []
    assert shipped_axioms.defined and shipped_axioms.chains and shipped_axioms.inverses


def test_hermit_classification_is_cached(project_settings: Settings, monkeypatch) -> None:
    ontology = OntologyFiles(project_settings.ontology_dir, project_settings.vocab)
    cache = project_settings.project / "cache"
    first = tbox_axioms(ontology, cache)

    def fail(*_args, **_kwargs):
        raise AssertionError("HermiT ran again for an unchanged ontology")

    monkeypatch.setattr(hermit, "classify", fail)
    assert tbox_axioms(ontology, cache) == first
    corpus = read_corpus(project_settings.project, project_settings.vocab)
    assert reason(corpus, ontology, cache_dir=cache).method == "rules"


def test_hermit_classification_adds_entailed_superclasses() -> None:
    from tests.conftest import ROOT

    ontology = OntologyFiles(ROOT / "ontology", Vocabulary())
    asserted = read_axioms(ontology.tbox)
    assert SCKG + "UseCase" not in asserted.ancestors(SCKG + "CrossSectorUseCase")
    classified = hermit.classify(ontology.tbox, read_axioms(ontology.tbox))
    assert SCKG + "UseCase" in classified.ancestors(SCKG + "CrossSectorUseCase")
    assert SCKG + "Sector" in classified.individuals["https://w3id.org/sckg/sector/energy"]


def test_java_memory_grows_with_the_input_and_is_capped() -> None:
    assert hermit.java_memory(0) == hermit.JAVA_MEMORY_MIN_MB
    assert hermit.java_memory(10**9) == hermit.JAVA_MEMORY_MAX_MB
    assert hermit.java_memory(10_000) < hermit.java_memory(100_000)


def test_the_tbox_cache_is_found_without_importing_owlready2(tmp_path) -> None:
    """owlready2's version keys the cache of HermiT's classification; reading it from the
    package's metadata spares importing owlready2 in a build that finds the cache."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from kg.authoring.ontology import OntologyFiles\n"
        "from kg.build.reason import cache_file\n"
        "from kg.namespaces import Vocabulary\n"
        f"path = cache_file(Path({str(tmp_path)!r}), OntologyFiles(Path({str(root)!r}) / "
        "'ontology', Vocabulary()))\n"
        "assert 'owlready2' not in sys.modules, 'owlready2 was imported'\n"
        "import owlready2\n"
        "assert f'-{owlready2.VERSION}-' in path.name, path.name\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=root)
    assert done.returncode == 0, done.stderr
