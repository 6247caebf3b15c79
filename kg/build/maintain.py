"""The derived graphs of an incremental build, maintained in place (issue 17).

A full build runs every rule over the whole graph (:func:`kg.build.pipeline._updates`). An
incremental build starts from the store of the last build, derived graphs included, replaces
the graphs of the changed files, and then maintains each family of derived statements for
what the change touches, in the order the full build derives them
(:func:`kg.store.maintenance.maintain` carries it out):

1. **Entailments of single resources** (the OWL rules but ``connectsTo``, the RDFS rules, the
   clean-up). What they derive about a resource depends on a small neighbourhood of it: its own
   statements, the statements pointing at it along a property with an inverse, one step further
   along a property chain, and its places up the transitive ``within``. So the resources whose
   entailments can change are found from the changed statements, their neighbourhood is copied
   into a small in-memory store, the *same* rules run there, and what they derive about those
   resources replaces what the inferred graph said about them.
2. The **Smart Data Models concepts**, the **sector links** (``50-interconnections.ru``,
   corrected entry by entry for the use cases, datasets and models the change touches:
   :func:`kg.store.interconnections.adjust`), the **sector connections** (``connectsTo`` and
   its super-properties, between the sectors of the links) and the **MIMs** (``55-mims.ru``):
   derived again from what they read, and written as a difference.
3. The **figures** (``60-aggregates.ru``) and the **VoID description** (``70-void.ru``).

This module draws up the :class:`~kg.store.maintenance.Plan` from the ontology's axioms: which
predicates and classes each family owns, what the rules read. An ontology with a construct the
plan does not follow (:class:`Unmaintainable`) gets a full build instead.
``tests/test_incremental_random.py`` holds the result to a full build's after random edits.
"""

from __future__ import annotations

from functools import partial

from kg.authoring.vocabularies import DATA_MODEL, data_model_update, smart_data_models
from kg.build.derive import rule_text
from kg.build.reasoning import rules as owl
from kg.build.reasoning.axioms import THING, Axioms
from kg.namespaces import Vocabulary
from kg.store import maintenance
from kg.store.changes import Changes
from kg.store.maintenance import Chain, Entailments, Plan


class Unmaintainable(Exception):
    """The ontology uses a construct the maintenance does not follow; build in full."""


def entailments(axioms: Axioms, vocab: Vocabulary) -> Entailments:
    """What the single-resource rules read and write, from the axioms."""
    a = axioms
    connects = vocab.ns + "connectsTo"
    sector = {connects, *a.superproperties.get(connects, [connects])}
    for p, sups in a.superproperties.items():
        if p not in sector and sector & set(sups):
            raise Unmaintainable(f"{p} is a sub-property of a sector connection")
    if set(a.symmetric) - {connects}:
        raise Unmaintainable("a symmetric property other than connectsTo")
    inverse = {(x, y) for pair in a.inverses for x, y in (pair, pair[::-1])}

    def inverse_of(prop: str) -> set[str]:
        return {s for x, y in inverse if y == prop for s in a.subproperties(x)}

    chains = []
    for _, chain in a.chains:
        if len(chain) != 2:
            raise Unmaintainable("a property chain of other than two steps")
        second = set(a.subproperties(chain[1]))
        chains.append(
            Chain(
                frozenset(a.subproperties(chain[0])),
                frozenset(second),
                frozenset(s for p in second for s in inverse_of(p)),
            )
        )
    superproperty_targets = {q for p, sups in a.superproperties.items() for q in sups if q != p}
    local = (
        {y for _, y in inverse}
        | {prop for prop, _ in a.chains}
        | set(a.transitive)
        | superproperty_targets
    ) - sector
    local_types = {d.cls for d in a.defined} | {
        d for c, sups in a.superclasses.items() for d in sups if d != c and d != THING
    }
    # the reasoner's rules but those writing a sector connection (step 2 derives them)
    rules = [u for u in owl.all_rules(a, vocab) if isinstance(u, str)]
    rules = [r for r in rules if not any(f"<{p}>" in r.split("WHERE")[0] for p in sector)]
    return Entailments(
        rules=tuple(rules),
        local=frozenset(local),
        local_types=frozenset(local_types),
        sector=frozenset(sector),
        inverse_sources=frozenset(s for x, _ in inverse for s in a.subproperties(x)),
        chains=tuple(chains),
        transitive=frozenset(s for p in a.transitive for s in a.subproperties(p)),
    )


def plan(axioms: Axioms | None, vocab: Vocabulary) -> Plan:
    return Plan(
        vocab=vocab,
        entailments=entailments(axioms, vocab) if axioms is not None else None,
        data_models=partial(_data_models, vocab),
        mims=rule_text(vocab, "55-mims.ru"),
        aggregates=rule_text(vocab, "60-aggregates.ru"),
        void=rule_text(vocab, "70-void.ru"),
    )


def _data_models(vocab: Vocabulary, iris: set[str]) -> str:
    models = smart_data_models().values()
    return data_model_update(vocab, [m for m in models if vocab.entity(DATA_MODEL, m.name) in iris])


def maintain(store, changes: Changes, axioms: Axioms | None, vocab: Vocabulary) -> None:
    """Bring the derived graphs of ``store`` up to date with its curated graphs, whose changes
    since the derived graphs were computed ``changes`` records (and goes on recording)."""
    maintenance.maintain(store, changes, plan(axioms, vocab))


def maintainable(axioms: Axioms | None, vocab: Vocabulary) -> bool:
    """Whether the maintenance follows every construct the ontology uses (else: full build)."""
    if axioms is None:
        return True
    try:
        entailments(axioms, vocab)
    except Unmaintainable:
        return False
    return True
