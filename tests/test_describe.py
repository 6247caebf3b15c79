"""IRI → description: own statements, labels of what it links to, links into it, blank-node
details, inferred versus asserted, and a fixed number of store queries."""

from __future__ import annotations

import pytest
from pages_support import CountingStore

from kg.errors import NotFound
from kg.namespaces import DCAT, DCTERMS, PROV, RDF_TYPE, SKOS
from kg.rdf import IRI
from kg.views.datamodels import PROPERTY, usage
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


def _pairs(store, vocab, predicate: str) -> dict[str, set[str]]:
    """subject IRI → dataset IRIs of ``sckg:{predicate}``, read plainly from the store."""
    rows = store.select(f"SELECT ?s ?d WHERE {{ ?s <{vocab.term(predicate)}> ?d }}")
    found: dict[str, set[str]] = {}
    for row in rows:
        found.setdefault(row["s"].value, set()).add(row["d"].value)
    return found


def test_every_use_cases_flows_are_those_its_datasets_make(store, vocab):
    """The flows query writes its use case into the query instead of binding it (a binding
    left Oxigraph to plan from every use case): each use case's flows and counts still equal
    the pairs of producer and user of one dataset, read plainly from the store."""
    produces = _pairs(store, vocab, "producesDataset")
    uses = _pairs(store, vocab, "usesDataset")
    assessed = _pairs(store, vocab, "assessedUsesDataset")
    kinds = {
        row["u"].value
        for row in store.select(f"SELECT ?u WHERE {{ ?u a <{vocab.term('UseCase')}> }}")
    }

    def flows(mine: dict, theirs: dict, u: str) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for other, datasets in theirs.items():
            shared = mine.get(u, set()) & datasets
            if other != u and other in kinds and shared:
                out[other] = shared
        return out

    prefix = vocab.entity("usecase", "")
    checked, flowing = 0, 0
    for u in sorted(kinds):
        if not u.startswith(prefix):
            continue
        desc = describe(store, vocab, "usecase", u[len(prefix) :], top=10_000)
        expected = {
            "feeds": flows(produces, uses, u),
            "fedby": flows(uses, produces, u),
            "feeds_assessed": flows(produces, assessed, u),
            "fedby_assessed": flows(assessed, produces, u),
        }
        for key, want in expected.items():
            got = {f.other.iri: {d.iri for d in f.datasets} for f in desc.extra[key]}
            assert got == want, (u, key)
            assert desc.extra[key + "_count"] == len(want), (u, key)
            flowing += len(want)
        checked += 1
    assert checked > 20 and flowing > 0, (checked, flowing)


def test_every_usage_page_lists_what_its_concepts_datasets_reach(store, vocab):
    """The usage of a dataset type or data model writes the concept into its queries (a
    binding left Oxigraph to walk ``skos:broader*`` from every dataset): for every concept
    in use, the datasets, use cases with their roles, sectors, platforms and standards equal
    those read plainly from the store."""

    def pairs(predicate: str) -> set[tuple[str, str]]:
        query = f"SELECT ?s ?o WHERE {{ ?s <{predicate}> ?o FILTER(isIRI(?s) && isIRI(?o)) }}"
        return {(row["s"].value, row["o"].value) for row in store.select(query)}

    broader = pairs(SKOS + "broader")
    usecases = {s for s, o in pairs(RDF_TYPE) if o == vocab.term("UseCase")}
    roles = {
        "uses": {(u, d) for u, d in pairs(vocab.term("usesDataset")) if u in usecases},
        "produces": {(u, d) for u, d in pairs(vocab.term("producesDataset")) if u in usecases},
    }
    sector, runs_on = pairs(vocab.term("sector")), pairs(vocab.term("runsOn"))
    access, conforms = pairs(DCAT + "accessService"), pairs(DCTERMS + "conformsTo")
    checked = 0
    for kind, prop in PROPERTY.items():
        typed = pairs(vocab.term(prop))
        prefix = vocab.entity(kind, "")
        for concept in sorted({o for _, o in typed if o.startswith(prefix)}):
            below, grown = {concept}, True
            while grown:
                more = {s for s, o in broader if o in below} - below
                below |= more
                grown = bool(more)
            datasets = {d for d, t in typed if t in below}
            rows = {(u, d, r) for r, found in roles.items() for u, d in found if d in datasets}
            users = {u for u, _, _ in rows}
            sectors: dict[str, set[str]] = {}
            for u, s in sector:
                if u in users:
                    sectors.setdefault(s, set()).add(u)
            got = usage(store, vocab, kind, concept[len(prefix) :])
            assert got.datasets == sorted(datasets), concept
            assert {(r.usecase, r.dataset, r.role) for r in got.rows} == rows, concept
            assert got.sectors == {s: len(u) for s, u in sectors.items()}, concept
            platforms = {p for u, p in runs_on if u in users} | {
                p for d, p in access if d in datasets
            }
            assert set(got.platforms) == platforms, concept
            assert set(got.standards) == {s for d, s in conforms if d in datasets}, concept
            checked += bool(rows)
    assert checked > 5, checked
