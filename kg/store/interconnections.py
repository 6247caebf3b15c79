"""The sector links of ``kg/build/rules/50-interconnections.ru``, derived in one pass in Python.

The SPARQL file stays the definition (it is published at ``/rules/50-interconnections.ru`` and
named by every link's ``dcterms:source``); the build runs this instead, because pyoxigraph
evaluated its pairwise joins in seconds per thousand use cases (7 s of the 9 s of rules after
one edit at 2,000 use cases, issue 17), while the same sets are built here from five scans of
the store in a fraction of that. ``tests/test_interconnections.py`` holds both to the same
quads on a generated corpus.

What it reads (every graph, asserted and inferred, as the update's ``GRAPH ?g`` patterns do):
the use cases (``a sckg:UseCase``), their sectors, the datasets they use and produce, and the
datasets' data models. What it writes: the links with their weights and the use cases and
datasets they rest on (``{base}graph/inferred``), and the three counts, which datasets are
shared or carry a flow and the shared data models (``{base}graph/aggregates``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.namespaces import RDF_TYPE, Vocabulary

_XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
_SOURCE = "http://purl.org/dc/terms/source"
_DEFAULT = "https://w3id.org/sckg/"

RDF_TYPE_NODE = ox.NamedNode(RDF_TYPE)
#: What the rule writes about a link (besides its type and source).
_NAMES = (
    "SectorLink linkedSector weight sharedUseCaseCount dataFlowCount sharedDatasetCount "
    "viaUseCase viaDataset sharedDataset flowDataset sharedDataModel dataModelSector"
)

Pair = tuple[ox.NamedNode, ox.NamedNode]


@dataclass
class _Facts:
    """What the rule reads, as sets per subject."""

    usecases: set = field(default_factory=set)
    sectors: dict = field(default_factory=lambda: defaultdict(set))
    uses: dict = field(default_factory=lambda: defaultdict(set))  #: dataset -> use cases
    produces: dict = field(default_factory=lambda: defaultdict(set))  #: dataset -> use cases
    models: dict = field(default_factory=lambda: defaultdict(set))  #: dataset -> data models


def _read(store: ox.Store, ns: str) -> _Facts:
    facts = _Facts()
    for quad in _named(store, None, RDF_TYPE, ox.NamedNode(ns + "UseCase")):
        facts.usecases.add(quad.subject)
    for quad in _named(store, None, ns + "sector", None):
        if quad.subject in facts.usecases:
            facts.sectors[quad.subject].add(quad.object)
    for name, into in (("usesDataset", facts.uses), ("producesDataset", facts.produces)):
        for quad in _named(store, None, ns + name, None):
            if quad.subject in facts.usecases:
                into[quad.object].add(quad.subject)
    for quad in _named(store, None, ns + "dataModel", None):
        facts.models[quad.subject].add(quad.object)
    return facts


def _named(store: ox.Store, s, p: str, o):
    """Quads in named graphs only (``GRAPH ?g`` does not match the default graph)."""
    for quad in store.quads_for_pattern(s, ox.NamedNode(p), o, None):
        if not isinstance(quad.graph_name, ox.DefaultGraph):
            yield quad


def _str(term) -> str | None:
    """SPARQL ``STR()``: None where it is an error (a blank node), so a FILTER drops the row."""
    return None if isinstance(term, ox.BlankNode) else term.value


def _ordered(s, t) -> Pair | None:
    """The pair (a, b) with STR(a) < STR(b), or None when they are equal or not comparable."""
    ss, st = _str(s), _str(t)
    if ss is None or st is None or ss == st:
        return None
    return (s, t) if ss < st else (t, s)


def _by_sector(facts: _Facts, users: dict) -> dict:
    """Per key (a dataset or a data model): sector -> the use cases of that sector using it."""
    grouped: dict = defaultdict(lambda: defaultdict(set))
    for key, cases in users.items():
        for u in cases:
            for sector in facts.sectors.get(u, ()):
                grouped[key][sector].add(u)
    return grouped


def _shared(grouped: dict) -> dict[Pair, set]:
    """Pairs of sectors whose groups share a key, unless both groups are the same single use
    case (the ``!(?na = 1 && ?nb = 1 && sameTerm(?ua, ?ub))`` of the rule)."""
    found: dict[Pair, set] = defaultdict(set)
    for key, sectors in grouped.items():
        items = list(sectors.items())
        for i, (a, ua) in enumerate(items):
            for b, ub in items[i + 1 :]:
                pair = _ordered(a, b)
                if pair is None or (len(ua) == 1 and ua == ub):
                    continue
                found[pair].add(key)
    return found


def _links(facts: _Facts) -> tuple[dict, dict, dict, dict]:
    """Per sector pair: the shared use cases, the flows (x, d, y) and the shared datasets; and
    per dataset the use cases using or producing it."""
    shared_cases: dict[Pair, set] = defaultdict(set)
    for u in facts.usecases:
        sectors = list(facts.sectors.get(u, ()))
        for i, a in enumerate(sectors):
            for b in sectors[i + 1 :]:
                pair = _ordered(a, b)
                if pair is not None:
                    shared_cases[pair].add(u)
    flows: dict[Pair, set] = defaultdict(set)  # (x, d, y): x produces d, y uses it
    for d, producers in facts.produces.items():
        for x in producers:
            for y in facts.uses.get(d, ()):
                if x == y:
                    continue
                for s in facts.sectors.get(x, ()):
                    for t in facts.sectors.get(y, ()):
                        pair = _ordered(s, t)
                        if pair is not None:
                            flows[pair].add((x, d, y))
    users: dict = defaultdict(set)
    for d, cases in (*facts.uses.items(), *facts.produces.items()):
        users[d] |= cases
    return shared_cases, flows, _shared(_by_sector(facts, users)), users


def derive(store: ox.Store, vocab: Vocabulary) -> None:
    """Add the quads of ``50-interconnections.ru`` to ``store`` (after the reasoner's rules)."""
    # bulk, not one transaction: 373,000 quads at 10,000 use cases took 37 s in a transaction
    # on the on-disk checkpoint an incremental build derives on, 6 s in bulk
    store.bulk_extend(link_quads(store, vocab))


def link_quads(store: ox.Store, vocab: Vocabulary) -> Iterator[ox.Quad]:
    """The quads of ``50-interconnections.ru`` for what ``store`` holds now."""
    ns = vocab.rebase(_DEFAULT + "ontology#")
    facts = _read(store, ns)
    shared_cases, flows, shared_datasets, users = _links(facts)
    model_users: dict = defaultdict(set)
    for d, cases in users.items():
        for m in facts.models.get(d, ()):
            model_users[m] |= cases
    shared_models = _shared(_by_sector(facts, model_users))
    return _quads(vocab, ns, shared_cases, flows, shared_datasets, shared_models)


def owned_quads(store: ox.Store, vocab: Vocabulary) -> set[ox.Quad]:
    """The quads :func:`derive` wrote into ``store`` (to be replaced by those of a new state)."""
    ns = vocab.rebase(_DEFAULT + "ontology#")
    inferred = ox.NamedNode(vocab.graph("inferred"))
    aggregates = ox.NamedNode(vocab.graph("aggregates"))
    links = {
        q.subject
        for q in store.quads_for_pattern(
            None, RDF_TYPE_NODE, ox.NamedNode(ns + "SectorLink"), inferred
        )
    } | {
        q.subject
        for q in store.quads_for_pattern(
            None, ox.NamedNode(ns + "sharedDataModel"), None, aggregates
        )
    }
    mine = {ns + name for name in _NAMES.split()} | {RDF_TYPE, _SOURCE}
    return {
        q
        for link in links
        for graph in (inferred, aggregates)
        for q in store.quads_for_pattern(link, None, None, graph)
        if q.predicate.value in mine
    }


def sector_pairs(store: ox.Store, vocab: Vocabulary) -> set[Pair]:
    """The pairs of different sectors some link rests on (the three kinds of the rule)."""
    ns = vocab.rebase(_DEFAULT + "ontology#")
    shared_cases, flows, shared_datasets, _ = _links(_read(store, ns))
    return set(shared_cases) | set(flows) | set(shared_datasets)


def connects_to(store: ox.Store, vocab: Vocabulary) -> None:
    """Add the quads of ``kg/build/reasoning/connects-to.ru``: ``sckg:connectsTo`` both ways
    between the sectors of every pair the links above rest on (the same three kinds)."""
    ns = vocab.rebase(_DEFAULT + "ontology#")
    inferred = ox.NamedNode(vocab.graph("inferred"))
    predicate = ox.NamedNode(ns + "connectsTo")
    pairs = sector_pairs(store, vocab)
    store.extend(ox.Quad(s, predicate, o, inferred) for a, b in pairs for s, o in ((a, b), (b, a)))


def _quads(vocab, ns, shared_cases, flows, shared_datasets, shared_models):
    inferred = ox.NamedNode(vocab.graph("inferred"))
    aggregates = ox.NamedNode(vocab.graph("aggregates"))
    sector_prefix = vocab.rebase(_DEFAULT + "sector/")
    link_prefix = vocab.rebase(_DEFAULT + "sectorlink/")
    source = ox.NamedNode(vocab.rebase(_DEFAULT + "rules/50-interconnections.ru"))

    terms = {name: ox.NamedNode(ns + name) for name in _NAMES.split()}
    term = terms.__getitem__

    def link(pair: Pair) -> ox.NamedNode:
        a, b = (_after(x.value, sector_prefix) for x in pair)
        return ox.NamedNode(f"{link_prefix}{a}--{b}")

    def number(n: int) -> ox.Literal:
        return ox.Literal(str(n), datatype=_XSD_INTEGER)

    rdf_type = RDF_TYPE_NODE
    for pair in set(shared_cases) | set(flows) | set(shared_datasets):
        node = link(pair)
        counts = [len(c.get(pair, ())) for c in (shared_cases, flows, shared_datasets)]
        yield ox.Quad(node, rdf_type, term("SectorLink"), inferred)
        for sector in pair:
            yield ox.Quad(node, term("linkedSector"), sector, inferred)
        yield ox.Quad(node, term("weight"), number(sum(counts)), inferred)
        yield ox.Quad(node, ox.NamedNode(_SOURCE), source, inferred)
        for name, n in zip(
            ("sharedUseCaseCount", "dataFlowCount", "sharedDatasetCount"), counts, strict=True
        ):
            yield ox.Quad(node, term(name), number(n), aggregates)
        via = set(shared_cases.get(pair, ()))
        flow_datasets = set()
        for x, d, y in flows.get(pair, ()):
            via.add(x)
            via.add(y)
            flow_datasets.add(d)
        for u in via:
            yield ox.Quad(node, term("viaUseCase"), u, inferred)
        for d in shared_datasets.get(pair, ()):
            yield ox.Quad(node, term("viaDataset"), d, inferred)
            yield ox.Quad(node, term("sharedDataset"), d, aggregates)
        for d in flow_datasets:
            yield ox.Quad(node, term("viaDataset"), d, inferred)
            yield ox.Quad(node, term("flowDataset"), d, aggregates)
    for pair, models in shared_models.items():
        node = link(pair)
        for m in models:
            yield ox.Quad(node, term("sharedDataModel"), m, aggregates)
        for sector in pair:
            yield ox.Quad(node, term("dataModelSector"), sector, aggregates)


def _after(text: str, prefix: str) -> str:
    """SPARQL ``STRAFTER``: the text after the first ``prefix``, or empty."""
    start = text.find(prefix)
    return text[start + len(prefix) :] if start >= 0 else ""
