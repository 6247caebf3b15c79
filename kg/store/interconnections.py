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


def stored_pairs(store: ox.Store, vocab: Vocabulary) -> set[Pair]:
    """The pairs of the links ``store`` holds (as :func:`sector_pairs` gives them for the facts
    the links were derived from), read from the few link resources instead of the facts; where
    a link does not name exactly two sectors, from the facts."""
    ns = vocab.rebase(_DEFAULT + "ontology#")
    inferred = ox.NamedNode(vocab.graph("inferred"))
    linked = ox.NamedNode(ns + "linkedSector")
    pairs = set()
    for quad in store.quads_for_pattern(
        None, RDF_TYPE_NODE, ox.NamedNode(ns + "SectorLink"), inferred
    ):
        sectors = [q.object for q in store.quads_for_pattern(quad.subject, linked, None, inferred)]
        pair = _ordered(*sectors) if len(sectors) == 2 else None
        if pair is None:
            return sector_pairs(store, vocab)
        pairs.add(pair)
    return pairs


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


# -- maintained in place (issue 17) -------------------------------------------------------------
#
# Every link is made of sets: per pair of sectors the shared use cases, the flows (x, d, y), the
# shared datasets and the shared data models. An entry of a set depends only on the facts of
# one use case (shared use cases), one dataset and the use cases using or producing it (flows
# and shared datasets), or one data model and the datasets naming it. So for a change, the
# entries that can differ are those of the changed use cases U, the datasets D of a changed
# fact or of a use case of U, and the models M of a dataset of D; all others stay as they were.
# Those entries are computed before and after the change from the store's indexes
# (:class:`~kg.store.changes.View`), and the stored counts and memberships are corrected by the
# difference.


@dataclass
class _Part:
    """The entries of the link sets that involve the changed use cases, datasets and models."""

    cases: dict = field(default_factory=lambda: defaultdict(set))  #: pair -> use cases
    flows: dict = field(default_factory=lambda: defaultdict(set))  #: pair -> (x, d, y)
    datasets: dict = field(default_factory=lambda: defaultdict(set))  #: pair -> datasets
    models: dict = field(default_factory=lambda: defaultdict(set))  #: pair -> data models


class _Lookup:
    """The facts the rule reads, looked up one subject at a time through a view (memoised)."""

    def __init__(self, view, ns: str) -> None:
        self.view = view
        self.usecase = ox.NamedNode(ns + "UseCase")
        self.sector = ox.NamedNode(ns + "sector")
        self.uses = ox.NamedNode(ns + "usesDataset")
        self.produces = ox.NamedNode(ns + "producesDataset")
        self.model = ox.NamedNode(ns + "dataModel")
        self._cases: dict = {}
        self._sectors: dict = {}

    def is_case(self, u) -> bool:
        """Whether ``u`` is a use case (only use cases link sectors)."""
        if u not in self._cases:
            self._cases[u] = self.view.has(u, RDF_TYPE_NODE, self.usecase)
        return self._cases[u]

    def sectors(self, u) -> set:
        """The sectors of ``u`` if it is a use case, else none."""
        if u not in self._sectors:
            self._sectors[u] = self.view.objects(u, self.sector) if self.is_case(u) else set()
        return self._sectors[u]

    def cases(self, p: ox.NamedNode, d) -> set:
        return {u for u in self.view.subjects(p, d) if self.is_case(u)}

    def datasets(self, u) -> set:
        return self.view.objects(u, self.uses) | self.view.objects(u, self.produces)


def _part(facts: _Lookup, cases: set, datasets: set, models: set) -> _Part:
    part = _Part()
    for u in cases:
        sectors = sorted(facts.sectors(u), key=str)
        for i, a in enumerate(sectors):
            for b in sectors[i + 1 :]:
                pair = _ordered(a, b)
                if pair is not None:
                    part.cases[pair].add(u)
    for d in datasets:
        producers, users = facts.cases(facts.produces, d), facts.cases(facts.uses, d)
        for x in producers:
            for y in users:
                if x == y:
                    continue
                for s in facts.sectors(x):
                    for t in facts.sectors(y):
                        pair = _ordered(s, t)
                        if pair is not None:
                            part.flows[pair].add((x, d, y))
        for pair in _shared({d: _grouped(facts, producers | users)}):
            part.datasets[pair].add(d)
    for m in models:
        users = set()
        for d in facts.view.subjects(facts.model, m):
            users |= facts.cases(facts.produces, d) | facts.cases(facts.uses, d)
        for pair in _shared({m: _grouped(facts, users)}):
            part.models[pair].add(m)
    return part


def _grouped(facts: _Lookup, cases: set) -> dict:
    by_sector: dict = defaultdict(set)
    for u in cases:
        for sector in facts.sectors(u):
            by_sector[sector].add(u)
    return by_sector


def _changed(changes, ns: str, before: _Lookup, after: _Lookup) -> tuple[set, set, set]:
    """The use cases, datasets and data models whose entries a change can alter."""
    cases, datasets, models = set(), set(), set()
    usecase = ns + "UseCase"
    for quad in (*changes.removed, *changes.added):
        p = quad.predicate.value
        if (p == RDF_TYPE and quad.object.value == usecase) or p == ns + "sector":
            cases.add(quad.subject)
        elif p in (ns + "usesDataset", ns + "producesDataset"):
            cases.add(quad.subject)
            datasets.add(quad.object)
        elif p == ns + "dataModel":
            datasets.add(quad.subject)
            models.add(quad.object)
    for facts in (before, after):
        for u in cases:
            datasets |= facts.datasets(u)
    for facts in (before, after):
        for d in datasets:
            models |= facts.view.objects(d, facts.model)
    return cases, datasets, models


def adjust(store: ox.Store, changes, vocab: Vocabulary) -> None:
    """Bring the quads of :func:`link_quads` in ``store`` up to date after ``changes`` (a
    :class:`~kg.store.changes.Changes` of the graphs the rule reads), writing and recording
    only the difference. Where two pairs of sectors would share one link IRI (sectors outside
    ``{base}sector/``), it compares with a derivation from scratch instead."""
    from kg.store.changes import View

    ns = vocab.rebase(_DEFAULT + "ontology#")
    before = _Lookup(View(store, changes, before=True), ns)
    after = _Lookup(View(store, changes), ns)
    cases, datasets, models = _changed(changes, ns, before, after)
    if not (cases or datasets or models):
        return
    old, new = _part(before, cases, datasets, models), _part(after, cases, datasets, models)
    writer = _Writer(store, vocab, ns)
    pairs = {
        p for part in (old, new) for kind in (part.cases, part.flows, part.datasets) for p in kind
    }
    model_pairs = set(old.models) | set(new.models)
    if not writer.unambiguous(pairs | model_pairs):
        changes.remove(store, owned_quads(store, vocab) - (fresh := set(link_quads(store, vocab))))
        changes.add(store, fresh)
        return
    for pair in pairs:
        writer.link(pair, old, new, after, cases, datasets)
    for pair in model_pairs:
        writer.models(pair, old.models.get(pair, set()), new.models.get(pair, set()), models)
    changes.remove(store, writer.removed)
    changes.add(store, writer.added)


class _Writer:
    """The quads of the affected links, old and new, read from and compared with the store."""

    def __init__(self, store: ox.Store, vocab: Vocabulary, ns: str) -> None:
        self.store, self.vocab, self.ns = store, vocab, ns
        self.inferred = ox.NamedNode(vocab.graph("inferred"))
        self.aggregates = ox.NamedNode(vocab.graph("aggregates"))
        self.sector_prefix = vocab.rebase(_DEFAULT + "sector/")
        self.link_prefix = vocab.rebase(_DEFAULT + "sectorlink/")
        self.source = ox.NamedNode(vocab.rebase(_DEFAULT + "rules/50-interconnections.ru"))
        self.term = {name: ox.NamedNode(ns + name) for name in _NAMES.split()}
        self.removed: set[ox.Quad] = set()
        self.added: set[ox.Quad] = set()

    def node(self, pair: Pair) -> ox.NamedNode:
        a, b = (_after(x.value, self.sector_prefix) for x in pair)
        return ox.NamedNode(f"{self.link_prefix}{a}--{b}")

    def unambiguous(self, pairs: set) -> bool:
        """Whether each pair has a link IRI of its own, whose stored sectors are the pair's."""
        nodes: dict = {}
        for pair in pairs:
            node = self.node(pair)
            if nodes.setdefault(node, pair) != pair:
                return False
            stored = {
                q.object
                for name in ("linkedSector", "dataModelSector")
                for q in self.store.quads_for_pattern(node, self.term[name], None, None)
            }
            if not stored <= set(pair):
                return False
        return True

    def _have(self, node, name: str, graph) -> set[ox.Quad]:
        return set(self.store.quads_for_pattern(node, self.term[name], None, graph))

    def _set(self, old: set[ox.Quad], new: set[ox.Quad]) -> None:
        self.removed |= old - new
        self.added |= new - old

    def _count(self, node, name: str) -> int:
        values = self._have(node, name, self.aggregates)
        return int(next(iter(values)).object.value) if values else 0

    def link(self, pair: Pair, old: _Part, new: _Part, facts: _Lookup, cases, datasets) -> None:
        node = self.node(pair)
        inferred, aggregates, term = self.inferred, self.aggregates, self.term
        kinds = (("sharedUseCaseCount", "cases"), ("dataFlowCount", "flows"))
        counts = [
            self._count(node, name)
            - len(getattr(old, kind).get(pair, ()))
            + len(getattr(new, kind).get(pair, ()))
            for name, kind in (*kinds, ("sharedDatasetCount", "datasets"))
        ]
        weight = sum(counts)

        def number(n: int) -> ox.Literal:
            return ox.Literal(str(n), datatype=_XSD_INTEGER)

        head = {
            ox.Quad(node, RDF_TYPE_NODE, term["SectorLink"], inferred),
            ox.Quad(node, ox.NamedNode(_SOURCE), self.source, inferred),
        }
        have = {q for q in head if q in self.store}
        for name in ("linkedSector", "weight"):
            have |= self._have(node, name, inferred)
        for name, _ in (*kinds, ("sharedDatasetCount", None)):
            have |= self._have(node, name, aggregates)
        want: set[ox.Quad] = set()
        if weight:
            want = head | {ox.Quad(node, term["linkedSector"], s, inferred) for s in pair}
            want.add(ox.Quad(node, term["weight"], number(weight), inferred))
            names = ("sharedUseCaseCount", "dataFlowCount", "sharedDatasetCount")
            want |= {
                ox.Quad(node, term[name], number(n), aggregates)
                for name, n in zip(names, counts, strict=True)
            }
        self._set(have, want)
        # the datasets: shared or carrying a flow, for the datasets whose entries changed
        flow_datasets = {d for _, d, _ in new.flows.get(pair, ())}
        shared = new.datasets.get(pair, set())
        for d in datasets:
            parts = {"sharedDataset": d in shared, "flowDataset": d in flow_datasets}
            have = {
                q
                for name in parts
                for q in self.store.quads_for_pattern(node, term[name], d, aggregates)
            } | set(self.store.quads_for_pattern(node, term["viaDataset"], d, inferred))
            want = {ox.Quad(node, term[n], d, aggregates) for n, on in parts.items() if on}
            if want:
                want.add(ox.Quad(node, term["viaDataset"], d, inferred))
            self._set(have, want)
        # the use cases: those whose entries changed, and the other ends of changed flows
        changed = old.flows.get(pair, set()) ^ new.flows.get(pair, set())
        ends = {x for x, _, _ in changed} | {y for _, _, y in changed}
        ends |= old.cases.get(pair, set()) ^ new.cases.get(pair, set())
        for u in ends | cases:
            via = self._via(u, pair, new, facts, datasets)
            q = ox.Quad(node, term["viaUseCase"], u, inferred)
            self._set({q} if q in self.store else set(), {q} if via else set())

    def _via(self, u, pair: Pair, new: _Part, facts: _Lookup, datasets: set) -> bool:
        """Whether ``u`` is a shared use case of ``pair`` or an end of one of its flows."""
        if u in new.cases.get(pair, ()) or set(pair) <= facts.sectors(u):
            return True
        if any(u in (x, y) for x, _, y in new.flows.get(pair, ())):
            return True
        mine = facts.sectors(u)
        if not mine:
            return False
        # flows through the datasets the change did not touch (the others are in ``new``)
        for d in facts.view.objects(u, facts.produces) - datasets:
            for y in facts.cases(facts.uses, d) - {u}:
                if _links_pair(mine, facts.sectors(y), pair):
                    return True
        for d in facts.view.objects(u, facts.uses) - datasets:
            for x in facts.cases(facts.produces, d) - {u}:
                if _links_pair(facts.sectors(x), mine, pair):
                    return True
        return False

    def models(self, pair: Pair, old: set, new: set, models: set) -> None:
        node = self.node(pair)
        term, aggregates = self.term, self.aggregates
        for m in models:
            q = ox.Quad(node, term["sharedDataModel"], m, aggregates)
            self._set({q} if q in self.store else set(), {q} if m in new else set())
        predicate = term["sharedDataModel"]
        remaining = (self._have(node, "sharedDataModel", aggregates) - self.removed) | {
            q for q in self.added if q.subject == node and q.predicate == predicate
        }
        sectors = {ox.Quad(node, term["dataModelSector"], s, aggregates) for s in pair}
        have = self._have(node, "dataModelSector", aggregates)
        self._set(have, sectors if remaining else set())


def _links_pair(xs: set, ys: set, pair: Pair) -> bool:
    return any(_ordered(s, t) == pair for s in xs for t in ys)
