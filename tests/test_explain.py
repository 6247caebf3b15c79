"""`kg explain`: why an inferred fact holds, down to asserted triples and their files."""

from __future__ import annotations

import pytest

from kg.authoring.ontology import OntologyFiles
from kg.build.explain import Explainer, explain_iri, render, resolve
from kg.build.reasoning.axioms import Axioms, read_axioms
from kg.cli import main
from kg.config import Settings
from kg.namespaces import RDF_TYPE, Vocabulary
from kg.rdf import IRI
from kg.store import Store

SCKG = "https://w3id.org/sckg/ontology#"
PARKING = "https://w3id.org/sckg/usecase/lemgo-smart-parking"
FOOTFALL = "https://w3id.org/sckg/usecase/lemgo-retail-footfall"


@pytest.fixture(scope="module")
def explainer(built_settings: Settings, store: Store) -> Explainer:
    vocab = built_settings.vocab
    axioms = read_axioms(OntologyFiles(built_settings.ontology_dir, vocab).tbox)
    return Explainer(store, vocab, axioms)


def _asserted(justification) -> set[tuple]:
    """Every asserted premise of a justification, nested ones included."""
    found = set()
    for premise in justification.premises:
        if premise.files:
            found.add((premise.triple, premise.files))
        for inner in premise.because:
            found |= _asserted(inner)
    return found


def _one_feeds(store: Store) -> tuple[IRI, IRI]:
    row = store.select(f"""SELECT ?a ?b WHERE {{
        GRAPH <https://w3id.org/sckg/graph/inferred> {{ ?a <{SCKG}feeds> ?b }}
        FILTER(?a != ?b) }} ORDER BY ?a ?b LIMIT 1""")[0]
    return row["a"], row["b"]


def test_feeds_is_justified_by_the_chain_and_two_files(explainer: Explainer, store) -> None:
    a, b = _one_feeds(store)
    justifications = explainer.explain((a, IRI(SCKG + "feeds"), b))
    assert justifications
    first = justifications[0]
    assert "producesDataset ∘ sckg:usedBy ⊑ sckg:feeds" in first.axiom["en"]
    assert "Eigenschaftskette" in first.axiom["de"]
    asserted = _asserted(first)
    predicates = {triple[1].value for triple, _ in asserted}
    assert predicates == {SCKG + "producesDataset", SCKG + "usesDataset"}
    assert all(files and files[0].startswith("usecases/") for _, files in asserted)


def test_is_fed_by_goes_back_through_feeds(explainer: Explainer, store) -> None:
    a, b = _one_feeds(store)
    [justification] = explainer.explain((b, IRI(SCKG + "isFedBy"), a))
    assert "inverse" in justification.axiom["en"]
    [premise] = justification.premises
    assert premise.triple == (a, IRI(SCKG + "feeds"), b)
    assert not premise.files and premise.because


def test_cross_sector_membership_names_the_sectors(explainer: Explainer) -> None:
    fact = (IRI(PARKING), IRI(RDF_TYPE), IRI(SCKG + "CrossSectorUseCase"))
    [justification] = explainer.explain(fact)
    assert "≥2 sckg:sector" in justification.axiom["en"]
    assert len(justification.premises) >= 2
    for premise in justification.premises:
        assert premise.triple[1] == IRI(SCKG + "sector")
        assert premise.files == ("usecases/lemgo-smart-parking.yaml",)


def test_connects_to_lists_what_carries_it(explainer: Explainer, store) -> None:
    row = store.select(f"""SELECT ?a ?b WHERE {{
        GRAPH <https://w3id.org/sckg/graph/inferred> {{ ?a <{SCKG}connectsTo> ?b }} }}
        ORDER BY ?a ?b LIMIT 1""")[0]
    justifications = explainer.explain((row["a"], IRI(SCKG + "connectsTo"), row["b"]))
    assert justifications and all("connects-to.ru" in j.axiom["en"] for j in justifications)
    assert all(p.files for j in justifications for p in j.premises)


def test_every_inferred_fact_about_a_use_case_is_explained(
    built_settings, store, explainer: Explainer
) -> None:
    justified = explain_iri(store, built_settings.vocab, explainer.axioms, PARKING)
    assert justified
    assert all(
        justifications and all(j.premises for j in justifications)
        for _, justifications in justified
    )


def test_render_in_both_languages(built_settings, store, explainer: Explainer) -> None:
    vocab = built_settings.vocab
    justified = explain_iri(store, vocab, explainer.axioms, FOOTFALL)
    english = render(FOOTFALL, justified, vocab, "en")
    german = render(FOOTFALL, justified, vocab, "de")
    assert "usecase:lemgo-retail-footfall a sckg:CrossSectorUseCase" in english
    assert "because" in english and "asserted in usecases/" in english
    assert "weil" in german and "angegeben in usecases/" in german
    assert render("x", [], vocab, "de").startswith("Keine abgeleiteten")


def test_cli_explain(built_settings: Settings, capsys) -> None:
    code = main(
        [
            "--project",
            str(built_settings.project),
            "explain",
            "usecase/darmstadt-air-quality-network",
            "--store",
            str(built_settings.store_path),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "sckg:CrossSectorUseCase" in out and "property chain" in out


def test_resolve_names() -> None:
    vocab = Vocabulary()
    assert resolve("usecase/x", vocab) == "https://w3id.org/sckg/usecase/x"
    assert resolve("sector:energy", vocab) == "https://w3id.org/sckg/sector/energy"
    assert resolve("https://example.org/a", vocab) == "https://example.org/a"


def test_axioms_type(explainer: Explainer) -> None:
    assert isinstance(explainer.axioms, Axioms)
