"""The scalable rules infer exactly what whole-graph HermiT infers (slow: runs HermiT)."""

from __future__ import annotations

import pytest

from kg.authoring.ontology import OntologyFiles
from kg.authoring.sources import read_corpus
from kg.build.reason import is_owl_entailment, reason, tbox_axioms
from kg.build.reasoning import hermit
from kg.config import Settings
from kg.errors import InconsistentGraph
from kg.store import Store
from tests.test_reason import BROKEN_TTL, INFERRED

pytestmark = pytest.mark.slow


def test_rules_equal_whole_graph_hermit_on_the_shipped_corpus(
    built_settings: Settings, store: Store
) -> None:
    vocab = built_settings.vocab
    ontology = OntologyFiles(built_settings.ontology_dir, vocab)
    axioms = tbox_axioms(ontology, built_settings.store_path / "cache")
    corpus = read_corpus(built_settings.project, vocab)
    expected = {
        t
        for t in hermit.whole_graph(ontology.tbox, corpus.triples(), axioms)
        if is_owl_entailment(t, axioms)
    }
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{INFERRED}> {{ ?s ?p ?o }} }}"
    built = {t for t in store.construct(query) if is_owl_entailment(t, axioms)}
    assert len(expected) > 100
    assert built == expected


def test_whole_graph_hermit_also_finds_the_broken_input_inconsistent(
    project_settings: Settings,
) -> None:
    (project_settings.usecases_dir / "lemgo-parking-twin.ttl").write_text(
        BROKEN_TTL, encoding="utf-8"
    )
    vocab = project_settings.vocab
    ontology = OntologyFiles(project_settings.ontology_dir, vocab)
    axioms = tbox_axioms(ontology)
    corpus = read_corpus(project_settings.project, vocab)
    with pytest.raises(InconsistentGraph):
        hermit.whole_graph(ontology.tbox, corpus.triples(), axioms)
    with pytest.raises(InconsistentGraph):
        reason(corpus, ontology)


def test_unsupported_data_falls_back_to_whole_graph_hermit(project_settings: Settings) -> None:
    (project_settings.usecases_dir / "same.ttl").write_text(
        "<https://w3id.org/sckg/usecase/lemgo-smart-parking> "
        "<http://www.w3.org/2002/07/owl#sameAs> "
        "<https://w3id.org/sckg/usecase/lemgo-retail-footfall> .\n",
        encoding="utf-8",
    )
    vocab = project_settings.vocab
    ontology = OntologyFiles(project_settings.ontology_dir, vocab)
    corpus = read_corpus(project_settings.project, vocab)
    result = reason(corpus, ontology)
    assert result.method == "hermit"
    assert result.unsupported and result.quads
    assert any("CrossSectorUseCase" in line for line in result.quads)
