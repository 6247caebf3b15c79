"""SPARQL Update rules that apply the TBox's entailments to the data, derived from its axioms.

Each rule reads every named graph (asserted and already inferred) and writes into the graph
``{base}graph/inferred``; together, in this order, they reach the fixpoint for the axiom kinds
of :mod:`kg.build.reasoning.axioms`:

1. inverse properties (``usesDataset`` → ``usedBy``, …), both ways;
2. property chains (``producesDataset ∘ usedBy`` → ``feeds``);
3. inverse properties again (``feeds`` → ``isFedBy``), symmetric and transitive properties
   (``partOf`` ⊑ ``within``: a place lies within every place up its ``partOf`` chain);
4. defined classes ``C ≡ B ⊓ ≥n p.F``: at least ``n`` values of ``p`` that the ontology declares
   pairwise different (``owl:AllDifferent``) and that are ``F``;
5. the non-OWL rule ``connects-to.ru`` (sector interconnection, see docs/reasoning.md);
6. the RDFS entailments standard clients query: every value of a property is also a value of
   its super-properties (``sckg:usesDataset`` → ``prov:used``), every instance of a class an
   instance of its super-classes (``sckg:Municipality`` → ``dcterms:Location``), after
   HermiT's classification;
7. clean-up: what is asserted anyway is removed from the inferred graph.

Each rule is one scan or one join per axiom: linear in the data, unlike tableau reasoning.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from kg.build.reasoning.axioms import THING, Axioms, MinCardinality
from kg.namespaces import RDF_TYPE, Vocabulary
from kg.store.interconnections import connects_to
from kg.store.oxigraph import Update

CONNECTS_TO = Path(__file__).resolve().parent / "connects-to.ru"


def _path(axioms: Axioms, prop: str) -> str:
    """A SPARQL path matching ``prop`` and its sub-properties."""
    return "|".join(f"<{p}>" for p in axioms.subproperties(prop))


def inverse_rules(axioms: Axioms, graph: str) -> list[str]:
    rules = []
    for a, b in sorted({(a, b) for pair in axioms.inverses for a, b in (pair, pair[::-1])}):
        rules.append(
            f"INSERT {{ GRAPH <{graph}> {{ ?y <{b}> ?x }} }}\n"
            f"WHERE {{ GRAPH ?g {{ ?x {_path(axioms, a)} ?y }} FILTER(isIRI(?x) && isIRI(?y)) }}"
        )
    return rules


def chain_rules(axioms: Axioms, graph: str) -> list[str]:
    rules = []
    for prop, chain in axioms.chains:
        steps = " ".join(
            f"GRAPH ?g{i} {{ ?x{i} {_path(axioms, step)} ?x{i + 1} }}"
            for i, step in enumerate(chain)
        )
        last = f"?x{len(chain)}"
        rules.append(
            f"INSERT {{ GRAPH <{graph}> {{ ?x0 <{prop}> {last} }} }}\n"
            f"WHERE {{ {steps} FILTER(isIRI(?x0) && isIRI({last})) }}"
        )
    return rules


def symmetric_rules(axioms: Axioms, graph: str) -> list[str]:
    return [
        f"INSERT {{ GRAPH <{graph}> {{ ?y <{p}> ?x }} }}\n"
        f"WHERE {{ GRAPH ?g {{ ?x {_path(axioms, p)} ?y }} FILTER(isIRI(?x) && isIRI(?y)) }}"
        for p in axioms.symmetric
    ]


def transitive_rules(axioms: Axioms, graph: str) -> list[str]:
    """The closure of each transitive property: its direct values (from any graph) are first
    gathered in the inferred graph, then the path ``p+`` is followed there (a property path
    does not cross named graphs, and an update has no union default graph)."""
    rules = []
    for p in axioms.transitive:
        rules.append(
            f"INSERT {{ GRAPH <{graph}> {{ ?x <{p}> ?y }} }}\n"
            f"WHERE {{ GRAPH ?g {{ ?x {_path(axioms, p)} ?y }} FILTER(isIRI(?x) && isIRI(?y)) }}"
        )
        rules.append(
            f"INSERT {{ GRAPH <{graph}> {{ ?x <{p}> ?y }} }}\n"
            f"WHERE {{ {{ SELECT DISTINCT ?x ?y WHERE {{ GRAPH <{graph}> {{ ?x <{p}>+ ?y }} }} }} "
            "}"
        )
    return rules


def superproperty_rule(axioms: Axioms, graph: str) -> str | None:
    """One update: each value of a property for each of its named super-properties."""
    pairs = sorted((p, q) for p, sups in axioms.superproperties.items() for q in sups if q != p)
    if not pairs:
        return None
    values = " ".join(f"(<{p}> <{q}>)" for p, q in pairs)
    return (
        f"INSERT {{ GRAPH <{graph}> {{ ?x ?q ?y }} }}\n"
        f"WHERE {{ VALUES (?p ?q) {{ {values} }} GRAPH ?g {{ ?x ?p ?y }} }}"
    )


def superclass_rule(axioms: Axioms, graph: str) -> str | None:
    """One update: each instance of a class for each of its named super-classes."""
    pairs = sorted(
        (c, d)
        for c, sups in axioms.superclasses.items()
        for d in sups
        if d != c and d != THING and c != THING
    )
    if not pairs:
        return None
    values = " ".join(f"(<{c}> <{d}>)" for c, d in pairs)
    return (
        f"INSERT {{ GRAPH <{graph}> {{ ?x a ?d }} }}\n"
        f"WHERE {{ VALUES (?c ?d) {{ {values} }} GRAPH ?g {{ ?x a ?c }} }}"
    )


def rdfs_rules(axioms: Axioms, vocab: Vocabulary) -> list[str]:
    """Step 6: super-properties first (they add no types), then super-classes."""
    graph = vocab.graph("inferred")
    found = [superproperty_rule(axioms, graph), superclass_rule(axioms, graph)]
    return [rule for rule in found if rule is not None]


def known_fillers(axioms: Axioms, defined: MinCardinality) -> list[list[str]]:
    """Per ``owl:AllDifferent`` group: the members that count towards the cardinality."""
    ranges = [
        r
        for p in axioms.superproperties.get(defined.prop, [defined.prop])
        for r in axioms.ranges.get(p, ())
    ]
    by_range = any(defined.filler in axioms.ancestors(r) for r in ranges)
    groups = []
    for group in axioms.distinct:
        members = [m for m in group if by_range or defined.filler in axioms.individuals.get(m, ())]
        if len(members) >= defined.n:
            groups.append(sorted(members))
    return groups


def _base_check(axioms: Axioms, defined: MinCardinality) -> str:
    """Patterns requiring ``?x`` to be in the base classes, unless the domain entails it."""
    domains = {
        d
        for p in axioms.superproperties.get(defined.prop, [defined.prop])
        for d in axioms.domains.get(p, ())
    }
    implied = {a for d in domains for a in axioms.ancestors(d)}
    patterns = []
    for i, base in enumerate(b for b in defined.base if b not in implied):
        below = " ".join(f"<{c}>" for c, sup in sorted(axioms.superclasses.items()) if base in sup)
        patterns.append(f"GRAPH ?t{i} {{ ?x a ?c{i} }} VALUES ?c{i} {{ {below or f'<{base}>'} }}")
    return " ".join(patterns)


def defined_class_rules(axioms: Axioms, graph: str) -> list[str]:
    rules = []
    for defined in axioms.defined:
        base = _base_check(axioms, defined)
        for members in known_fillers(axioms, defined):
            values = " ".join(f"<{m}>" for m in members)
            rules.append(
                f"INSERT {{ GRAPH <{graph}> {{ ?x <{RDF_TYPE}> <{defined.cls}> }} }}\n"
                f"WHERE {{ {{ SELECT ?x (COUNT(DISTINCT ?v) AS ?n) WHERE {{\n"
                f"  VALUES ?v {{ {values} }}\n"
                f"  GRAPH ?g {{ ?x {_path(axioms, defined.prop)} ?v }} }} GROUP BY ?x }}\n"
                f"  FILTER(?n >= {defined.n} && isIRI(?x)) {base} }}"
            )
    return rules


def cleanup_rule(graph: str) -> str:
    return (
        f"DELETE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}\n"
        f"WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} GRAPH ?g {{ ?s ?p ?o }} "
        f"FILTER(?g != <{graph}>) }}"
    )


def owl_rules(axioms: Axioms, vocab: Vocabulary) -> list[str]:
    """Steps 1–4: what OWL entails for the data, in an order that reaches the fixpoint."""
    graph = vocab.graph("inferred")
    return [
        *inverse_rules(axioms, graph),
        *chain_rules(axioms, graph),
        *inverse_rules(axioms, graph),
        *symmetric_rules(axioms, graph),
        *transitive_rules(axioms, graph),
        *defined_class_rules(axioms, graph),
    ]


def connects_to_rule(vocab: Vocabulary) -> str:
    """Step 5: sectors connected by shared use cases, data flows and shared datasets."""
    return vocab.rebase(CONNECTS_TO.read_text(encoding="utf-8"))


def all_rules(axioms: Axioms, vocab: Vocabulary) -> list[Update]:
    """Every step, in order; step 5 as its Python version (:func:`connects_to`), which derives
    the identical quads faster (``tests/test_interconnections.py``)."""
    graph = vocab.graph("inferred")
    return [
        *owl_rules(axioms, vocab),
        partial(connects_to, vocab=vocab),
        *rdfs_rules(axioms, vocab),
        cleanup_rule(graph),
    ]
