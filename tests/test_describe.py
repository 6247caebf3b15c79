"""IRI → description: own statements, labels of what it links to, links into it, blank-node
details, inferred versus asserted, and a fixed number of store queries."""

from __future__ import annotations

import pytest
from pages_support import CountingStore

from kg.errors import NotFound
from kg.namespaces import DCAT, DCTERMS, PROV
from kg.rdf import IRI
from kg.views.describe import TOP, describe, kind_of


@pytest.fixture(scope="module")
def vocab(built_settings):
    return built_settings.vocab


def test_usecase_description(store, vocab):
    desc = describe(store, vocab, "usecase", "hamburg-traffic-signal-data")
    assert desc.label("de") != desc.label("en")
    assert vocab.term("UseCase") in desc.types
    sectors = {n.iri for n in desc.values(vocab.term("sector"))}
    assert vocab.entity("sector", "mobility") in sectors
    assert all(n.labels.get("de") and n.labels.get("en") for n in desc.values(vocab.term("sector")))
    stakeholders = desc.values(PROV + "qualifiedAttribution")
    assert stakeholders and all(
        PROV + "agent" in a.extra and DCAT + "hadRole" in a.extra for a in stakeholders
    )
    assert any("source/usecases/" in g for g in desc.graphs)


def test_flows_carry_their_datasets(store, vocab):
    desc = describe(store, vocab, "usecase", "darmstadt-air-quality-network")
    flows = desc.extra["feeds"] + desc.extra["fedby"]
    assert flows and all(f.datasets for f in flows)
    assert desc.extra["feeds_count"] >= len(desc.extra["feeds"])


def test_inferred_statements_are_marked(store, vocab):
    desc = describe(store, vocab, "usecase", "hamburg-traffic-signal-data")
    inferred_types = [
        n for n in desc.values("http://www.w3.org/1999/02/22-rdf-syntax-ns#type") if n.inferred
    ]
    # the defined class, and the super-classes the build stores for clients without a reasoner
    assert {n.iri for n in inferred_types} == {
        vocab.term("CrossSectorUseCase"),
        vocab.term("UseCaseOrPattern"),
        "http://www.w3.org/ns/dcat#Resource",
        "http://www.w3.org/ns/prov#Activity",
    }
    assert not any(n.inferred for n in desc.values(DCTERMS + "title"))


def test_incoming_links_are_sampled_with_counts(store, vocab):
    desc = describe(store, vocab, "sector", "mobility", top=3)
    members = desc.into(vocab.term("sector"))
    assert members is not None and members.count > 3
    assert len(members.nodes) == 3
    assert all(n.labels for n in members.nodes)


def test_qualified_links_into_an_organisation(store, vocab):
    desc = describe(store, vocab, "org", "lgv-hamburg")
    roles = desc.into(PROV + "qualifiedAttribution", PROV + "agent")
    assert roles and roles.count >= 1
    assert all("role" in n.extra for n in roles.nodes)


def test_twin_holds_incoming_and_labels(store, vocab):
    desc = describe(store, vocab, "dataset", "hamburg-traffic-light-states")
    subject = IRI(desc.iri)
    assert any(t[0] == subject for t in desc.triples)
    assert any(t[2] == subject for t in desc.triples)
    assert any(t[1].value == DCTERMS + "title" and t[0] != subject for t in desc.triples)


def test_unknown_iri_is_not_found(store, vocab):
    with pytest.raises(NotFound):
        describe(store, vocab, "usecase", "does-not-exist")


def test_kind_of(vocab):
    assert kind_of(vocab, vocab.entity("usecase", "x")) == ("usecase", "x")
    assert kind_of(vocab, "https://example.org/usecase/x") is None
    assert kind_of(vocab, vocab.base + "graph/inferred") is None


@pytest.mark.parametrize(
    ("kind", "hub", "leaf", "expected"),
    [
        ("sector", "mobility", "agriculture", 4),
        ("dataset", "air-quality-measurements", "hamburg-bus-priority-requests", 3),
    ],
)
def test_query_count_does_not_grow_with_fan_out(store, vocab, kind, hub, leaf, expected):
    counting = CountingStore(store)
    describe(counting, vocab, kind, hub, top=2)
    at_hub = counting.total
    counting.reset()
    describe(counting, vocab, kind, leaf, top=2)
    assert at_hub == counting.total == expected


def test_top_is_a_bound(store, vocab):
    assert TOP <= 100
    desc = describe(store, vocab, "sector", "environment", top=1)
    assert all(len(i.nodes) <= 1 for i in desc.incoming.values())
