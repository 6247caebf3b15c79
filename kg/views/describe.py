"""IRI → what a page shows: a resource's own statements, the labels of what it links to, and the
links into it, with a fixed number of store queries whatever the size of the graph.

A description takes three queries (outgoing statements with the labels and blank-node details
of their objects; incoming links counted per property; a top-N sample of each incoming property
with labels) plus one query of the resource's kind (the data flows of a use case, the
interconnections of a sector, the breakdown of a sector link). Nothing is queried per linked
resource, and every list that can grow with the graph is cut at :data:`TOP` and carries its
full count.

IRIs and other values reach the store as typed bindings (pyoxigraph ``substitutions``); the
query text only ever holds constant vocabulary and variable names.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from kg.errors import NotFound
from kg.namespaces import (
    DCAT,
    DCTERMS,
    FOAF,
    OWL,
    PROV,
    RDF,
    RDF_TYPE,
    RDFS,
    SKOS,
    Vocabulary,
)
from kg.rdf import IRI, BNode, Literal, Term, Triple, label_of, pick
from kg.store import Store
from kg.views.datamodels import usage
from kg.views.mims import mim_usage

#: The property (local name in the project's namespace) that puts a place inside another (a
#: town in its Kreis, a Kreis in its Land); followed to any depth by the pages and the index.
PART_OF = "partOf"
#: Most resources listed per incoming property, per flow direction, per link breakdown.
TOP = 50
#: Predicates whose values name a resource, in order of preference.
LABEL_PREDICATES = (DCTERMS + "title", SKOS + "prefLabel", RDFS + "label", FOAF + "name")
#: Kinds of resources under the base with a page of their own.
ENTITY_KINDS = (
    "usecase",
    "pattern",
    "sector",
    "dataset",
    "platform",
    "component",
    "place",
    "org",
    "programme",
    "standard",
)
#: Kinds of controlled concepts (SKOS schemes) and derived resources under the base.
OTHER_KINDS = (
    "sectorlink",
    "maturity",
    "gaiax",
    "gaiax-use",
    "role",
    "curation",
    "scheme",
    "fiware-domain",
    "lifecycle",
    "solution-type",
    "spatial-scale",
    "hosting",
    "capability",
    "org-type",
    "municipality-type",
    "size-class",
    "dataset-type",
    "data-model",
    "mim",
)
KINDS = ENTITY_KINDS + OTHER_KINDS

_LABELS_VALUES = " ".join(f"<{p}>" for p in LABEL_PREDICATES)

_PREFIXES = """PREFIX sckg: <{ns}>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""

#: Derived properties a single resource can have thousands of values of (the inverse of a hub
#: dataset's users, the use cases behind a sector link): described by a sample of :data:`TOP`
#: values and their count, like the links into a resource.
FANOUT = (
    "usedBy",
    "producedBy",
    "feeds",
    "isFedBy",
    "viaUseCase",
    "viaDataset",
    "flowDataset",
    "sharedDataset",
)

# The OPTIONALs sit inside each branch of the UNION: after it, pyoxigraph joined them with the
# labels of the whole graph (3 s per page at 10,000 use cases instead of a few milliseconds).
_OUT = """
SELECT ?s ?p ?o ?g ?n ?lp ?l ?bp ?bo ?blp ?bl WHERE {
  {
    GRAPH ?g { ?s ?p ?o } FILTER(?p NOT IN (FANOUT))
    OPTIONAL { ?o ?lp ?l VALUES ?lp { LABELS } FILTER(isLiteral(?l)) }
    OPTIONAL {
      ?o ?bp ?bo FILTER(isBlank(?o))
      OPTIONAL { ?bo ?blp ?bl VALUES ?blp { LABELS } FILTER(isLiteral(?bl)) }
    }
  }
  BRANCHES
}"""
_OUT_BRANCHES = """
  UNION {{
    {{ SELECT ?s ?o WHERE {{ ?s <{p}> ?o }} LIMIT {top} }}
    BIND(<{p}> AS ?p) GRAPH ?g {{ ?s ?p ?o }}
    OPTIONAL {{ ?o ?lp ?l VALUES ?lp {{ LABELS }} FILTER(isLiteral(?l)) }}
  }}
  UNION {{
    {{ SELECT ?s (COUNT(DISTINCT ?o) AS ?n) WHERE {{ ?s <{p}> ?o }} GROUP BY ?s }}
    BIND(<{p}> AS ?p)
  }}"""


def _out_query(vocab: Vocabulary, top: int) -> str:
    """Every statement of a resource, but only a sample (and the count) of each :data:`FANOUT`
    property; with the labels and blank-node details of the objects."""
    fanout = [vocab.term(local) for local in FANOUT]
    branches = "".join(_OUT_BRANCHES.format(p=p, top=int(top)) for p in fanout)
    return (
        _OUT.replace("FANOUT", ", ".join(f"<{p}>" for p in fanout))
        .replace("BRANCHES", branches)
        .replace("LABELS", _LABELS_VALUES)
    )


#: Properties whose subjects can be blank nodes (qualified links, RDF lists): only their links
#: are checked for blank subjects. Testing the subject of every link into a hub made pyoxigraph
#: decode each one (0.12 s for the 40,000 use cases of a sector at 100,000).
QUALIFYING = (PROV + "agent", DCAT + "hadRole", RDF + "first", OWL + "members")
_QUALIFYING = ", ".join(f"<{p}>" for p in QUALIFYING)
_IN_COUNT = """
SELECT ?s ?p ?q (COUNT(DISTINCT ?x) AS ?n) WHERE {
  { ?x ?p ?s FILTER(?p NOT IN (QUALIFYING)) }
  BRANCHES
} GROUP BY ?s ?p ?q"""
_IN_COUNT_BRANCHES = """
  UNION {{ ?x <{p}> ?s FILTER(!isBlank(?x)) BIND(<{p}> AS ?p) }}
  UNION {{ ?b <{p}> ?s . ?x ?p ?b FILTER(isBlank(?b) && !isBlank(?x)) BIND(<{p}> AS ?q) }}"""
_IN_COUNT = _IN_COUNT.replace("QUALIFYING", _QUALIFYING).replace(
    "BRANCHES", "".join(_IN_COUNT_BRANCHES.format(p=p) for p in QUALIFYING)
)

# Each branch carries its own OPTIONALs: after the UNION, pyoxigraph joined them with the labels
# and types of the whole graph (0.3 s per page at 10,000 use cases, even with no branch at all).
# The samples take no ORDER BY: pyoxigraph looks up both strings for every comparison of a sort
# (0.16 s to order the 4,000 use cases of a sector at 10,000; seconds for a hub at 100,000),
# while a LIMIT alone stops after ``top`` solutions. A sample is the first ``top`` in the
# store's order, the same on every view of a release; pages sort what they show.
_IN_NODE = """
    OPTIONAL {{ ?x ?lp ?l VALUES ?lp {{ {labels} }} FILTER(isLiteral(?l)) }}
    OPTIONAL {{ ?x a ?t }}"""
_IN_BRANCH = """{{ SELECT ?x ?s ?p{i} WHERE {{ ?x ?p{i} ?s FILTER(!isBlank(?x)) }}
     LIMIT {top} }} BIND({i} AS ?i) {node}"""
_IN_BNODE_BRANCH = """{{ SELECT DISTINCT ?x ?s ?p{i} ?q{i} ?extra WHERE {{
       ?b ?q{i} ?s . ?x ?p{i} ?b FILTER(isBlank(?b) && !isBlank(?x))
       OPTIONAL {{ ?b <{role}> ?extra }} }}
     LIMIT {top} }} BIND({i} AS ?i) {node}"""
_IN_SAMPLE = """
SELECT * WHERE {{
  {{ {branches} }}
}}"""


@dataclass
class Node:
    """A resource or literal as a page shows it: the term, its labels by language, and where
    it comes from."""

    term: Term
    labels: dict[str, str] = field(default_factory=dict)
    types: set[str] = field(default_factory=set)
    inferred: bool = False
    extra: dict[str, Node] = field(default_factory=dict)

    def label(self, lang: str = "en") -> str:
        return pick(self.labels, lang) or label_of(self.term)

    @property
    def iri(self) -> str | None:
        return self.term.value if isinstance(self.term, IRI) else None


@dataclass
class Incoming:
    """The resources that link to a description by one property: a sample and the count."""

    predicate: str
    via: str | None  #: the property from the blank node to the resource (qualified links)
    count: int
    nodes: list[Node] = field(default_factory=list)


@dataclass
class Description:
    """What a page shows about one IRI."""

    iri: str
    kind: str
    slug: str
    types: set[str] = field(default_factory=set)
    labels: dict[str, str] = field(default_factory=dict)
    out: dict[str, list[Node]] = field(default_factory=dict)
    incoming: dict[tuple[str, str | None], Incoming] = field(default_factory=dict)
    graphs: set[str] = field(default_factory=set)
    triples: list[Triple] = field(default_factory=list)
    extra: dict[str, object] = field(default_factory=dict)
    #: how many values a :data:`FANOUT` property has, of which ``out`` holds a sample
    out_counts: dict[str, int] = field(default_factory=dict)

    def label(self, lang: str = "en") -> str:
        return pick(self.labels, lang) or self.slug

    def values(self, predicate: str) -> list[Node]:
        return self.out.get(predicate, [])

    def first(self, predicate: str, lang: str = "en") -> Literal | None:
        """The literal of ``predicate`` in ``lang``, else in another language."""
        found = [n.term for n in self.values(predicate) if isinstance(n.term, Literal)]
        for wanted in (lang, "en", "de", None):
            for term in found:
                if term.lang == wanted or wanted is None:
                    return term
        return None

    def into(self, predicate: str, via: str | None = None) -> Incoming | None:
        return self.incoming.get((predicate, via))


def kind_of(vocab: Vocabulary, iri: str) -> tuple[str, str] | None:
    """(kind, slug) of an IRI under the base, or None."""
    if not iri.startswith(vocab.base):
        return None
    kind, sep, slug = iri[len(vocab.base) :].partition("/")
    if not sep or kind not in KINDS or not slug or "/" in slug:
        return None
    return kind, slug


def describe(
    store: Store, vocab: Vocabulary, kind: str, slug: str, *, top: int = TOP
) -> Description:
    """The description of ``{base}{kind}/{slug}``; raises :class:`NotFound` when the graph says
    nothing about it."""
    iri = vocab.entity(kind, slug)
    desc = Description(iri=iri, kind=kind, slug=slug)
    _read_out(desc, store.select(_out_query(vocab, top), {"s": IRI(iri)}), vocab)
    if not desc.triples:
        raise NotFound(f"The knowledge graph has no description of <{iri}>.")
    _read_incoming(desc, store, vocab, top)
    extra = KIND_QUERIES.get(kind)
    if extra is not None:
        desc.extra.update(extra(store, vocab, desc, top))
    return desc


# -- outgoing -----------------------------------------------------------------------------------
def _read_out(desc: Description, rows: list[dict[str, Term]], vocab: Vocabulary) -> None:
    subject = IRI(desc.iri)
    inferred_graph = vocab.graph("inferred")
    nodes: dict[tuple[str, Term], Node] = {}
    graphs: dict[tuple[str, Term], set[str]] = defaultdict(set)
    seen: set[Triple] = set()
    for row in rows:
        if "n" in row:  # the count of a FANOUT property
            desc.out_counts[row["p"].value] = int(row["n"].value)
            continue
        p, o = row["p"].value, row["o"]
        key = (p, o)
        node = nodes.get(key)
        if node is None:
            node = nodes[key] = Node(o)
            desc.out.setdefault(p, []).append(node)
            _add_triple(desc, seen, (subject, IRI(p), o))
        graphs[key].add(row["g"].value)
        _add_label(node.labels, row.get("l"), seen, desc, o, row.get("lp"))
        if "bp" in row and isinstance(o, BNode):
            _read_blank(desc, node, row, seen)
    for key, node in nodes.items():
        node.inferred = graphs[key] == {inferred_graph}
        desc.graphs |= graphs[key]
    desc.types = {n.term.value for n in desc.values(RDF_TYPE)}
    for predicate in LABEL_PREDICATES:
        for node in desc.values(predicate):
            if isinstance(node.term, Literal):
                desc.labels.setdefault(node.term.lang or "", node.term.value)


def _read_blank(desc: Description, node: Node, row: dict[str, Term], seen: set[Triple]) -> None:
    bp, bo = row["bp"].value, row["bo"]
    part = node.extra.setdefault(bp, Node(bo))
    if isinstance(bo, Literal) and bo.lang:  # a text in several languages: one part, labelled
        part.labels.setdefault(bo.lang, bo.value)
    _add_triple(desc, seen, (node.term, IRI(bp), bo))  # type: ignore[arg-type]
    _add_label(part.labels, row.get("bl"), seen, desc, bo, row.get("blp"))


def _add_label(
    labels: dict[str, str],
    label: Term | None,
    seen: set[Triple],
    desc: Description,
    about: Term,
    predicate: Term | None,
) -> None:
    if not isinstance(label, Literal) or isinstance(about, Literal):
        return
    labels.setdefault(label.lang or "", label.value)
    if predicate is not None:
        _add_triple(desc, seen, (about, predicate, label))  # type: ignore[arg-type]


def _add_triple(desc: Description, seen: set[Triple], triple: Triple) -> None:
    if triple not in seen:
        seen.add(triple)
        desc.triples.append(triple)


# -- incoming -----------------------------------------------------------------------------------
def _read_incoming(desc: Description, store: Store, vocab: Vocabulary, top: int) -> None:
    subject = IRI(desc.iri)
    for row in store.select(_IN_COUNT, {"s": subject}):
        p = row["p"].value
        q = row["q"].value if "q" in row else None
        desc.incoming[(p, q)] = Incoming(p, q, int(row["n"].value))
    keys = sorted(desc.incoming)
    query, bindings = _sample_query(keys, subject, top)
    nodes: dict[tuple[int, Term], Node] = {}
    seen = set(desc.triples)
    for row in store.select(query, bindings):
        index = int(row["i"].value)
        x = row["x"]
        node = nodes.get((index, x))
        if node is None:
            node = nodes[(index, x)] = Node(x)
            incoming = desc.incoming[keys[index]]
            incoming.nodes.append(node)
            if incoming.via is None:
                _add_triple(desc, seen, (x, IRI(incoming.predicate), subject))  # type: ignore[arg-type]
        if isinstance(row.get("extra"), IRI):
            node.extra.setdefault("role", Node(row["extra"]))
        if isinstance(row.get("t"), IRI):
            node.types.add(row["t"].value)
        _add_label(node.labels, row.get("l"), seen, desc, x, row.get("lp"))


def _sample_query(
    keys: list[tuple[str, str | None]], subject: IRI, top: int
) -> tuple[str, dict[str, Term]]:
    """One query with a LIMITed branch per incoming property; the properties are bindings."""
    branches = []
    bindings: dict[str, Term] = {"s": subject}
    node = _IN_NODE.format(labels=_LABELS_VALUES)
    for i, (p, q) in enumerate(keys):
        bindings[f"p{i}"] = IRI(p)
        if q is None:
            branches.append(_IN_BRANCH.format(i=i, top=int(top), node=node))
        else:
            bindings[f"q{i}"] = IRI(q)
            branches.append(
                _IN_BNODE_BRANCH.format(i=i, top=int(top), role=DCAT + "hadRole", node=node)
            )
    body = " } UNION { ".join(branches) or "SELECT ?s WHERE { FILTER(false) }"
    return _IN_SAMPLE.format(branches=body), bindings


# -- per kind -----------------------------------------------------------------------------------
_FLOW_LABELS = """
    OPTIONAL { ?other ?olp ?ol VALUES ?olp { %(labels)s } FILTER(isLiteral(?ol)) }
    OPTIONAL { ?other a ?ot FILTER(?ot = sckg:UseCasePattern) }
    OPTIONAL { ?d ?dlp ?dl VALUES ?dlp { %(labels)s } FILTER(isLiteral(?dl)) }"""
#: The use case is written into each sub-select as a ``VALUES`` block (its IRI escaped by
#: :meth:`IRI.n3`), not passed as a binding: Oxigraph plans a query before it substitutes a
#: binding, so the sub-selects started from every use case of the class (1 s a page at 10,000
#: use cases) instead of from the few datasets of this one.
_FLOW_BRANCH = """
  {
    { SELECT ?s ?other ?d WHERE {
        VALUES ?s { %(s)s }
        ?s sckg:%(mine)s ?d . ?other sckg:%(theirs)s ?d FILTER(?other != ?s)
        ?other a sckg:%(kind)s }
      LIMIT %(top)d }
    BIND("%(dir)s" AS ?dir) %(flow_labels)s
  } UNION {
    { SELECT ?s (COUNT(DISTINCT ?o%(i)d) AS ?n) WHERE {
        VALUES ?s { %(s)s }
        ?s sckg:%(mine)s ?d%(i)d . ?o%(i)d sckg:%(theirs)s ?d%(i)d FILTER(?o%(i)d != ?s)
        ?o%(i)d a sckg:%(kind)s }
      GROUP BY ?s }
    BIND("%(dir)s-count" AS ?dir)
  }"""
_FLOWS = """
SELECT ?s ?dir ?other ?ot ?d ?n ?olp ?ol ?dlp ?dl WHERE {
%(branches)s
}"""
#: Flow directions of a use case page: (name, this one's property, the other's property). A flow
#: is sourced when the other use case uses the dataset, assessed when the curators only judge
#: that it plausibly does (``sckg:assessedUsesDataset``): the two are shown and counted apart.
#: A real use case's flows run to and from real use cases, a pattern's to and from patterns
#: (:data:`FLOW_CLASS`): a count never mixes the two.
FLOW_DIRECTIONS = (
    ("feeds", "producesDataset", "usesDataset"),
    ("fedby", "usesDataset", "producesDataset"),
    ("feeds-assessed", "producesDataset", "assessedUsesDataset"),
    ("fedby-assessed", "assessedUsesDataset", "producesDataset"),
)


@dataclass
class Flow:
    """Another use case this one feeds (or is fed by), with the datasets that carry the flow."""

    other: Node
    datasets: list[Node] = field(default_factory=list)


FLOW_CLASS = {"usecase": "UseCase", "pattern": "UseCasePattern"}


def _flows(store: Store, vocab: Vocabulary, desc: Description, top: int) -> dict[str, object]:
    labels = _FLOW_LABELS % {"labels": _LABELS_VALUES}
    kind = FLOW_CLASS[desc.kind]
    branches = " UNION ".join(
        _FLOW_BRANCH
        % {
            "mine": mine,
            "theirs": theirs,
            "dir": name,
            "i": i,
            "top": top,
            "flow_labels": labels,
            "kind": kind,
            "s": IRI(desc.iri).n3(),
        }
        for i, (name, mine, theirs) in enumerate(FLOW_DIRECTIONS)
    )
    query = _PREFIXES.format(ns=vocab.ns) + _FLOWS % {"branches": branches}
    names = [name for name, _, _ in FLOW_DIRECTIONS]
    found: dict[str, dict[Term, Flow]] = {name: {} for name in names}
    counts = dict.fromkeys(names, 0)
    datasets: dict[tuple[str, Term, Term], Node] = {}
    for row in store.select(query):
        direction = row["dir"].value
        if direction.endswith("-count"):
            counts[direction[:-6]] = int(row["n"].value)
            continue
        flow = found[direction].setdefault(row["other"], Flow(Node(row["other"])))
        _label(flow.other, row.get("ol"))
        if isinstance(row.get("ot"), IRI):
            flow.other.types.add(row["ot"].value)
        key = (direction, row["other"], row["d"])
        if key not in datasets:
            datasets[key] = Node(row["d"])
            flow.datasets.append(datasets[key])
        _label(datasets[key], row.get("dl"))

    def ordered(flows: dict[Term, Flow]) -> list[Flow]:
        return sorted(flows.values(), key=lambda f: f.other.iri or "")

    result: dict[str, object] = {}
    for name in names:
        key = name.replace("-", "_")
        result[key] = ordered(found[name])
        result[key + "_count"] = counts[name]
    return result


def _label(node: Node, label: Term | None) -> None:
    if isinstance(label, Literal):
        node.labels.setdefault(label.lang or "", label.value)


# The counts of each link are read from the aggregates (kg/build/rules/60-aggregates.ru). For a
# release built without them, the live query counts in separate sub-queries: counted in one
# group they formed a cross product per link (16 s for one sector page at 10,000 use cases).
_SECTOR_LINKS = """
SELECT ?s ?link ?other ?w ?nu ?nd ?lp ?l WHERE {
  ?link a sckg:SectorLink ; sckg:linkedSector ?s , ?other ; sckg:weight ?w .
  FILTER(?other != ?s)
  OPTIONAL { ?link sckg:useCaseCount ?nu }
  OPTIONAL { ?link sckg:datasetCount ?nd }
  OPTIONAL { ?other ?lp ?l VALUES ?lp { %s } FILTER(isLiteral(?l)) }
}"""
_LIVE_SECTOR_LINKS = """
SELECT ?s ?link ?other ?w ?nu ?nd ?lp ?l WHERE {
  ?link a sckg:SectorLink ; sckg:linkedSector ?s , ?other ; sckg:weight ?w .
  FILTER(?other != ?s)
  { SELECT ?link ?s (COUNT(DISTINCT ?u) AS ?nu) WHERE {
      ?link sckg:linkedSector ?s OPTIONAL { ?link sckg:viaUseCase ?u } } GROUP BY ?link ?s }
  { SELECT ?link ?s (COUNT(DISTINCT ?d) AS ?nd) WHERE {
      ?link sckg:linkedSector ?s OPTIONAL { ?link sckg:viaDataset ?d } } GROUP BY ?link ?s }
  OPTIONAL { ?other ?lp ?l VALUES ?lp { %s } FILTER(isLiteral(?l)) }
}"""


@dataclass
class SectorLinkSummary:
    """A sector another one connects to, with the strength of the connection."""

    link: str
    other: Node
    weight: int
    usecases: int
    datasets: int


def _sector_links(
    store: Store, vocab: Vocabulary, desc: Description, top: int
) -> dict[str, object]:
    prefix = _PREFIXES.format(ns=vocab.ns)
    rows = store.select(prefix + _SECTOR_LINKS % _LABELS_VALUES, {"s": IRI(desc.iri)})
    if not all("nu" in row and "nd" in row for row in rows):  # built without the aggregates
        rows = store.select(prefix + _LIVE_SECTOR_LINKS % _LABELS_VALUES, {"s": IRI(desc.iri)})
    links: dict[str, SectorLinkSummary] = {}
    for row in rows:
        link = row["link"].value
        if link not in links:
            links[link] = SectorLinkSummary(
                link,
                Node(row["other"]),
                int(row["w"].value),
                int(row["nu"].value),
                int(row["nd"].value),
            )
        _label(links[link].other, row.get("l"))
    ordered = sorted(links.values(), key=lambda s: (-s.weight, s.other.iri or ""))
    return {"links": ordered}


def _link_breakdown(
    store: Store, vocab: Vocabulary, desc: Description, top: int
) -> dict[str, object]:
    from kg.views.interconnect import breakdown

    sectors = [n.term for n in desc.values(vocab.term("linkedSector")) if isinstance(n.term, IRI)]
    if len(sectors) != 2:
        return {"breakdown": None}
    a, b = sorted(sectors, key=lambda t: t.value)
    return {"breakdown": breakdown(store, vocab, a, b, top=top)}


# The chain of places a place lies in (``sckg:partOf`` followed to any depth: a town's Kreis, its
# Land, its country) and the places directly inside it, with their types to order and mark them.
# The use cases of a place and of every place inside it come from the search index, which files
# each use case under all of them: joined here, the path cost a scan of every dcterms:spatial
# statement (40 ms per page at 10,000 use cases, growing with the corpus).
_PLACE = """
SELECT ?s ?part ?x ?n ?t ?lp ?l WHERE {
  {
    ?s sckg:partOf+ ?x . BIND("within" AS ?part) OPTIONAL { ?x a ?t } %(labels)s
  } UNION {
    { SELECT ?s ?x WHERE { ?x sckg:partOf ?s } LIMIT %(top)d }
    BIND("contains" AS ?part) OPTIONAL { ?x a ?t } %(labels)s
  } UNION {
    { SELECT ?s (COUNT(DISTINCT ?x2) AS ?n) WHERE { ?x2 sckg:partOf ?s } GROUP BY ?s }
    BIND("contains-count" AS ?part)
  }
}"""
_NODE_LABELS = f"OPTIONAL {{ ?x ?lp ?l VALUES ?lp {{ {_LABELS_VALUES} }} FILTER(isLiteral(?l)) }}"
#: Order of the places a place lies in: the smallest first, the country last.
PLACE_RANK = ("Municipality", "Region", "District", "State", "Country")


def _place(store: Store, vocab: Vocabulary, desc: Description, top: int) -> dict[str, object]:
    query = _PREFIXES.format(ns=vocab.ns) + _PLACE % {"top": top, "labels": _NODE_LABELS}
    found: dict[str, dict[Term, Node]] = {"within": {}, "contains": {}}
    counts = {"contains": 0}
    for row in store.select(query, {"s": IRI(desc.iri)}):
        part = row["part"].value
        if part.endswith("-count"):
            counts[part[:-6]] = int(row["n"].value)
            continue
        node = found[part].setdefault(row["x"], Node(row["x"]))
        _label(node, row.get("l"))
        if isinstance(row.get("t"), IRI):
            node.types.add(row["t"].value)

    def rank(node: Node) -> tuple[int, str]:
        kinds = [PLACE_RANK.index(t[len(vocab.ns) :]) for t in node.types if _ranked(vocab, t)]
        return (max(kinds, default=len(PLACE_RANK)), node.iri or "")

    return {
        "within": sorted(found["within"].values(), key=rank),
        "contains": sorted(found["contains"].values(), key=rank),
        "contains_count": counts["contains"],
    }


def _ranked(vocab: Vocabulary, iri: str) -> bool:
    return iri.startswith(vocab.ns) and iri[len(vocab.ns) :] in PLACE_RANK


# The places a component is used in: where the platforms that include it stand, and where the
# use cases that run on those platforms take place.
_COMPONENT = """
SELECT ?s ?part ?x ?n ?t ?lp ?l WHERE {
  {
    { SELECT DISTINCT ?s ?x WHERE {
        ?platform sckg:hasComponent ?s .
        { ?platform dcterms:spatial ?x } UNION { ?u sckg:runsOn ?platform ; dcterms:spatial ?x }
      } LIMIT %(top)d }
    BIND("place" AS ?part) OPTIONAL { ?x a ?t } %(labels)s
  } UNION {
    { SELECT ?s (COUNT(DISTINCT ?x1) AS ?n) WHERE {
        ?p1 sckg:hasComponent ?s .
        { ?p1 dcterms:spatial ?x1 } UNION { ?u1 sckg:runsOn ?p1 ; dcterms:spatial ?x1 } }
      GROUP BY ?s }
    BIND("place-count" AS ?part)
  }
}"""


def _component(store: Store, vocab: Vocabulary, desc: Description, top: int) -> dict[str, object]:
    query = _PREFIXES.format(ns=vocab.ns) + _COMPONENT % {"top": top, "labels": _NODE_LABELS}
    places: dict[Term, Node] = {}
    count = 0
    for row in store.select(query, {"s": IRI(desc.iri)}):
        if row["part"].value == "place-count":
            count = int(row["n"].value)
            continue
        node = places.setdefault(row["x"], Node(row["x"]))
        _label(node, row.get("l"))
        if isinstance(row.get("t"), IRI):
            node.types.add(row["t"].value)
    return {"places": sorted(places.values(), key=lambda n: n.iri or ""), "place_count": count}


def _usage(store: Store, vocab: Vocabulary, desc: Description, top: int) -> dict[str, object]:
    """Use cases, sectors, platforms and standards around a dataset type or data model."""
    return {"usage": usage(store, vocab, desc.kind, desc.slug)}


def _mim(store: Store, vocab: Vocabulary, desc: Description, top: int) -> dict[str, object]:
    """The platforms implementing a MIM (declared or derived) and the use cases on them."""
    return {"usage": mim_usage(store, vocab, desc.slug)}


KIND_QUERIES = {
    "mim": _mim,
    "dataset-type": _usage,
    "data-model": _usage,
    "usecase": _flows,
    "pattern": _flows,
    "sector": _sector_links,
    "sectorlink": _link_breakdown,
    "place": _place,
    "component": _component,
}


# -- serialisations -----------------------------------------------------------------------------
def twin_triples(desc: Description) -> Iterator[Triple]:
    """The RDF twin: own statements (with blank-node details), labels of what they link to, and
    the sampled links into the resource with the labels of their subjects."""
    yield from desc.triples


def grouped_out(desc: Description, skip: Iterable[str] = ()) -> list[tuple[str, list[Node]]]:
    """Outgoing statements grouped by property, without ``skip`` and without labels."""
    hidden = set(skip) | set(LABEL_PREDICATES) | {RDF_TYPE}
    return [(p, nodes) for p, nodes in desc.out.items() if p not in hidden]


def grouped_in(desc: Description, skip: Iterable[str] = ()) -> list[Incoming]:
    """Incoming links grouped by property (and the qualified ones by their inner property)."""
    hidden = set(skip)
    return [i for key, i in sorted(desc.incoming.items()) if key[0] not in hidden]


def role_of(node: Node) -> Node | None:
    """The role of a qualified attribution (``prov:qualifiedAttribution`` blank node)."""
    return node.extra.get(DCAT + "hadRole") or node.extra.get("role")


def agent_of(node: Node) -> Node | None:
    return node.extra.get(PROV + "agent")


#: rdflib serialiser per document extension of the RDF twins.
RDF_SERIALIZERS = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt", "rdf": "xml"}


def serialize(triples: Iterable[Triple], extension: str, prefixes: dict[str, str]) -> bytes:
    """The triples as Turtle, JSON-LD, N-Triples or RDF/XML (by document extension)."""
    from kg.bridge import graph_of

    graph = graph_of(triples)
    for prefix, namespace in prefixes.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    fmt = RDF_SERIALIZERS[extension]
    if fmt == "json-ld":
        return graph.serialize(
            format=fmt, context=dict(prefixes), auto_compact=True, encoding="utf-8"
        )
    return graph.serialize(format=fmt, encoding="utf-8")
