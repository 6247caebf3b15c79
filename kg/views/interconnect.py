"""Sector interconnections: the weighted matrix and network of sectors, and, for each pair, the
use cases and datasets behind the link.

The links themselves are materialised at build time by ``kg/build/rules/50-interconnections.ru``
(``sckg:SectorLink`` with ``sckg:weight``, ``sckg:viaUseCase`` and ``sckg:viaDataset``), and what
the pages show of them by ``kg/build/rules/60-aggregates.ru`` into the graph
``{base}graph/aggregates`` (use cases per sector, use cases and datasets per link, the three parts
of each weight, which datasets carry a flow or are shared). This module reads them back with two
bounded queries for the whole matrix and one for a pair; a pair's lists are samples of
:data:`~kg.views.describe.TOP` each, with their full counts. The ``live`` variants count from the
curated relations instead: for releases built before the aggregates existed, and as the reference
the tests compare with.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field, replace

from kg.namespaces import Vocabulary
from kg.rdf import IRI, Literal, Term
from kg.store import Store
from kg.views.datamodels import model_layer
from kg.views.describe import LABEL_PREDICATES, Node

_LABELS = " ".join(f"<{p}>" for p in LABEL_PREDICATES)
#: The measures of the real use cases' matrix that count parts of the same links.
PARTS = ("weight", "usecases", "datasets")
_PREFIX = "PREFIX sckg: <{ns}>\n"

_SECTORS = """
SELECT ?s ?lp ?l ?n WHERE {
  ?s a sckg:Sector .
  OPTIONAL { ?s sckg:useCaseCount ?n }
  OPTIONAL { ?s ?lp ?l VALUES ?lp { %s } FILTER(isLiteral(?l)) }
}"""
_LINKS = """
SELECT ?link ?a ?b ?w ?nu ?nd WHERE {
  ?link a sckg:SectorLink ; sckg:linkedSector ?a , ?b ; sckg:weight ?w .
  FILTER(STR(?a) < STR(?b))
  OPTIONAL { ?link sckg:useCaseCount ?nu }
  OPTIONAL { ?link sckg:datasetCount ?nd }
}"""

_LIVE_SECTORS = """
SELECT ?s ?lp ?l ?n WHERE {
  { SELECT ?s (COUNT(DISTINCT ?u) AS ?n) WHERE {
      ?s a sckg:Sector . OPTIONAL { ?u sckg:sector ?s ; a sckg:UseCase } } GROUP BY ?s }
  OPTIONAL { ?s ?lp ?l VALUES ?lp { %s } FILTER(isLiteral(?l)) }
}"""
_LIVE_LINKS = """
SELECT ?link ?a ?b ?w ?nu ?nd WHERE {
  ?link a sckg:SectorLink ; sckg:linkedSector ?a , ?b ; sckg:weight ?w .
  FILTER(STR(?a) < STR(?b))
  { SELECT ?link (COUNT(DISTINCT ?u) AS ?nu) WHERE {
      ?link a sckg:SectorLink OPTIONAL { ?link sckg:viaUseCase ?u } } GROUP BY ?link }
  { SELECT ?link (COUNT(DISTINCT ?d) AS ?nd) WHERE {
      ?link a sckg:SectorLink OPTIONAL { ?link sckg:viaDataset ?d } } GROUP BY ?link }
}"""
# The two counts come from separate sub-queries: counted in one group, the use cases and
# datasets of a link formed a cross product (minutes at 10,000 use cases).


@dataclass
class Cell:
    """The link between two sectors: its weight and how many use cases and datasets carry it."""

    link: str
    a: str
    b: str
    weight: int
    usecases: int
    datasets: int


@dataclass
class Interconnections:
    """Every sector (with its number of use cases) and every link between two sectors; with
    ``patterns``, of the generic patterns instead (:func:`pattern_interconnections`)."""

    sectors: list[Node]
    usecases: dict[str, int]
    cells: dict[tuple[str, str], Cell]
    patterns: bool = False
    #: What a cell's figure counts: ``weight`` (the sector-link weight, all three kinds of
    #: connection), ``usecases`` or ``datasets`` (one part of it), or ``data-model``
    #: (:func:`datamodel_interconnections`, potential links).
    measure: str = "weight"

    def value(self, cell: Cell) -> int:
        """The figure of ``cell`` by this matrix's measure."""
        if self.measure == "usecases":
            return cell.usecases
        if self.measure == "datasets":
            return cell.datasets
        return cell.weight

    def by(self, measure: str) -> Interconnections:
        """The same links counted by another measure of :data:`PARTS` (a cell without any
        of it is left out)."""
        if measure not in PARTS:
            raise ValueError(f"unknown measure {measure!r}")
        shown = replace(self, measure=measure)
        shown.cells = {k: c for k, c in self.cells.items() if shown.value(c)}
        return shown

    @property
    def max_weight(self) -> int:
        return max((self.value(c) for c in self.cells.values()), default=0)

    def level(self, cell: Cell, levels: int = 8) -> int:
        """The colour level of ``cell``: 1 to ``levels`` in proportion to the largest figure."""
        top = self.max_weight or 1
        return max(1, -(-self.value(cell) * levels // top))

    def legend(self, levels: int = 8) -> list[tuple[int, int, int]]:
        """(level, lowest, highest figure) of each colour level that can occur."""
        top = self.max_weight
        found = []
        for level in range(1, levels + 1):
            low = (level - 1) * top // levels + 1
            high = level * top // levels
            if low <= high:
                found.append((level, low, high))
        return found

    def cell(self, a: str, b: str) -> Cell | None:
        return self.cells.get((a, b) if a < b else (b, a))

    def ordered(self, lang: str) -> list[Node]:
        return sorted(self.sectors, key=lambda n: n.label(lang).casefold())

    def edges(self) -> list[Cell]:
        return sorted(self.cells.values(), key=lambda c: (-self.value(c), c.a, c.b))

    def as_json(self, lang: str) -> dict[str, object]:
        """The matrix and the network in one JSON document (the pages' machine twin)."""
        return {
            "measure": self.measure,
            "sectors": [
                {"id": n.iri, "label": n.label(lang), "usecases": self.usecases.get(n.iri or "", 0)}
                for n in self.ordered(lang)
            ],
            "links": [
                {
                    "id": c.link,
                    "source": c.a,
                    "target": c.b,
                    "value": self.value(c),
                    "weight": c.weight,
                    "usecases": c.usecases,
                    "datasets": c.datasets,
                }
                for c in self.edges()
            ],
        }

    def as_csv(self, lang: str) -> str:
        """One row per link: both sectors (IRI and label), weight, use cases, datasets."""
        labels = {n.iri: n.label(lang) for n in self.sectors}
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(
            ["link", "sector_a", "label_a", "sector_b", "label_b", "weight", "usecases", "datasets"]
        )
        for c in self.edges():
            writer.writerow(
                [
                    c.link,
                    c.a,
                    labels.get(c.a, ""),
                    c.b,
                    labels.get(c.b, ""),
                    c.weight,
                    c.usecases,
                    c.datasets,
                ]
            )
        return out.getvalue()


def interconnections(store: Store, vocab: Vocabulary, *, live: bool = False) -> Interconnections:
    """The whole matrix, from two queries over the materialised links and their figures (or,
    with ``live`` or for a release without figures, counted from the links)."""
    prefix = _PREFIX.format(ns=vocab.ns)
    sector_rows = store.select(prefix + (_LIVE_SECTORS if live else _SECTORS) % _LABELS)
    link_rows = store.select(prefix + (_LIVE_LINKS if live else _LINKS))
    complete = _complete(sector_rows, ("n",)) and _complete(link_rows, ("nu", "nd"))
    if not live and not complete:
        return interconnections(store, vocab, live=True)
    sectors: dict[str, Node] = {}
    counts: dict[str, int] = {}
    for row in sector_rows:
        iri = row["s"].value
        node = sectors.setdefault(iri, Node(row["s"]))
        counts[iri] = int(row["n"].value)
        if isinstance(row.get("l"), Literal):
            node.labels.setdefault(row["l"].lang or "", row["l"].value)
    cells = {}
    for row in link_rows:
        a, b = row["a"].value, row["b"].value
        cells[(a, b)] = Cell(
            row["link"].value, a, b, int(row["w"].value), int(row["nu"].value), int(row["nd"].value)
        )
    return Interconnections(list(sectors.values()), counts, cells)


# Patterns are few (a few dozen where use cases run to thousands) and have no materialised links:
# their matrix is counted live, from the sectors they share alone.
_PATTERN_SECTORS = """
SELECT ?s ?lp ?l ?n WHERE {
  { SELECT ?s (COUNT(DISTINCT ?u) AS ?n) WHERE {
      ?s a sckg:Sector . OPTIONAL { ?u sckg:sector ?s ; a sckg:UseCasePattern } } GROUP BY ?s }
  OPTIONAL { ?s ?lp ?l VALUES ?lp { %s } FILTER(isLiteral(?l)) }
}"""
_PATTERN_LINKS = """
SELECT ?a ?b (COUNT(DISTINCT ?u) AS ?n) WHERE {
  ?u a sckg:UseCasePattern ; sckg:sector ?a , ?b . FILTER(STR(?a) < STR(?b))
} GROUP BY ?a ?b"""


def pattern_interconnections(store: Store, vocab: Vocabulary) -> Interconnections:
    """The sectors the generic patterns connect, apart from the real use cases' matrix: a
    sector's figure is its number of patterns, a cell's the number of patterns in both sectors
    (patterns describe no real data flow, so flows and datasets do not count here)."""
    prefix = _PREFIX.format(ns=vocab.ns)
    sectors: dict[str, Node] = {}
    counts: dict[str, int] = {}
    for row in store.select(prefix + _PATTERN_SECTORS % _LABELS):
        iri = row["s"].value
        node = sectors.setdefault(iri, Node(row["s"]))
        counts[iri] = int(row["n"].value)
        if isinstance(row.get("l"), Literal):
            node.labels.setdefault(row["l"].lang or "", row["l"].value)
    cells = {}
    for row in store.select(prefix + _PATTERN_LINKS):
        a, b, n = row["a"].value, row["b"].value, int(row["n"].value)
        cells[(a, b)] = Cell(link_iri(vocab, a, b), a, b, n, n, 0)
    return Interconnections(list(sectors.values()), counts, cells, patterns=True)


def _complete(rows: list[dict[str, Term]], names: tuple[str, ...]) -> bool:
    """True when every row binds ``names`` (a release built with the aggregates)."""
    return all(name in row for row in rows for name in names)


# -- one pair -----------------------------------------------------------------------------------
# The counts are read from the aggregates. The samples take no ORDER BY, so the engine stops
# after ``top`` solutions: the shared use cases straight from the two sectors, the flows from the
# first ``top`` datasets known to carry one (a dataset used by thousands costs one scan of its
# users, never a sort of every flow between two sectors), the shared datasets as materialised.
_BREAKDOWN = """
SELECT ?a ?b ?link ?part ?u ?d ?v ?shared ?flows ?datasets ?nu ?nd ?ulp ?ul ?dlp ?dl ?vlp ?vl
WHERE {
  {
    ?link sckg:sharedUseCaseCount ?shared ; sckg:dataFlowCount ?flows ;
      sckg:sharedDatasetCount ?datasets .
    OPTIONAL { ?link sckg:useCaseCount ?nu }
    OPTIONAL { ?link sckg:datasetCount ?nd }
    BIND("counts" AS ?part)
  } UNION {
    { SELECT DISTINCT ?a ?b ?u WHERE { ?u sckg:sector ?a . ?u sckg:sector ?b ; a sckg:UseCase }
      LIMIT %(top)d }
    BIND("shared" AS ?part) %(ulabels)s
  } UNION {
    { SELECT DISTINCT ?link ?a ?b ?u ?d ?v WHERE {
        { SELECT ?link ?d WHERE { ?link sckg:flowDataset ?d } LIMIT %(top)d }
        ?u sckg:producesDataset ?d . ?v sckg:usesDataset ?d . FILTER(?u != ?v)
        ?u a sckg:UseCase . ?v a sckg:UseCase .
        ?u sckg:sector ?s . ?v sckg:sector ?t
        FILTER((?s = ?a && ?t = ?b) || (?s = ?b && ?t = ?a))
      } LIMIT %(top)d }
    BIND("flow" AS ?part) %(ulabels)s %(dlabels)s %(vlabels)s
  } UNION {
    { SELECT ?link ?d WHERE { ?link sckg:sharedDataset ?d } LIMIT %(top)d }
    BIND("dataset" AS ?part) %(dlabels)s
  }
}"""

# The two directions of a flow are one pattern and a FILTER, not a UNION of orientations:
# pyoxigraph evaluated the UNION as a cross product of the two sectors' use cases (130 s for one
# pair at 10,000 use cases).
_LIVE_BREAKDOWN = """
SELECT ?a ?b ?part ?u ?d ?v ?n ?ulp ?ul ?dlp ?dl ?vlp ?vl WHERE {
  {
    { SELECT ?a ?b ?u WHERE { ?u sckg:sector ?a , ?b ; a sckg:UseCase } ORDER BY ?u LIMIT %(top)d }
    BIND("shared" AS ?part) %(ulabels)s
  } UNION {
    { SELECT ?a ?b (COUNT(DISTINCT ?u1) AS ?n) WHERE { ?u1 sckg:sector ?a , ?b ; a sckg:UseCase }
      GROUP BY ?a ?b }
    BIND("shared-count" AS ?part)
  } UNION {
    { SELECT DISTINCT ?a ?b ?u ?d ?v WHERE {
        ?u sckg:producesDataset ?d . ?v sckg:usesDataset ?d . FILTER(?u != ?v)
        ?u a sckg:UseCase . ?v a sckg:UseCase .
        ?u sckg:sector ?s . ?v sckg:sector ?t
        FILTER((?s = ?a && ?t = ?b) || (?s = ?b && ?t = ?a))
      } ORDER BY ?d ?u ?v LIMIT %(top)d }
    BIND("flow" AS ?part) %(ulabels)s %(dlabels)s %(vlabels)s
  } UNION {
    { SELECT ?a ?b (COUNT(*) AS ?n) WHERE {
        { SELECT DISTINCT ?a ?b ?u2 ?d2 ?v2 WHERE {
            ?u2 sckg:producesDataset ?d2 . ?v2 sckg:usesDataset ?d2 . FILTER(?u2 != ?v2)
            ?u2 a sckg:UseCase . ?v2 a sckg:UseCase .
            ?u2 sckg:sector ?s2 . ?v2 sckg:sector ?t2
            FILTER((?s2 = ?a && ?t2 = ?b) || (?s2 = ?b && ?t2 = ?a)) } } } GROUP BY ?a ?b }
    BIND("flow-count" AS ?part)
  } UNION {
    { SELECT DISTINCT ?a ?b ?d WHERE {
        { SELECT ?d ?a (COUNT(DISTINCT ?u) AS ?na) (SAMPLE(?u) AS ?ua) WHERE {
            ?u sckg:usesDataset|sckg:producesDataset ?d ; a sckg:UseCase ; sckg:sector ?a }
          GROUP BY ?d ?a }
        { SELECT ?d ?b (COUNT(DISTINCT ?v) AS ?nb) (SAMPLE(?v) AS ?ub) WHERE {
            ?v sckg:usesDataset|sckg:producesDataset ?d ; a sckg:UseCase ; sckg:sector ?b }
          GROUP BY ?d ?b }
        FILTER(!(?na = 1 && ?nb = 1 && sameTerm(?ua, ?ub)))
      } ORDER BY ?d LIMIT %(top)d }
    BIND("dataset" AS ?part) %(dlabels)s
  } UNION {
    { SELECT ?a ?b (COUNT(DISTINCT ?d) AS ?n) WHERE {
        { SELECT ?d ?a (COUNT(DISTINCT ?u) AS ?na) (SAMPLE(?u) AS ?ua) WHERE {
            ?u sckg:usesDataset|sckg:producesDataset ?d ; a sckg:UseCase ; sckg:sector ?a }
          GROUP BY ?d ?a }
        { SELECT ?d ?b (COUNT(DISTINCT ?v) AS ?nb) (SAMPLE(?v) AS ?ub) WHERE {
            ?v sckg:usesDataset|sckg:producesDataset ?d ; a sckg:UseCase ; sckg:sector ?b }
          GROUP BY ?d ?b }
        FILTER(!(?na = 1 && ?nb = 1 && sameTerm(?ua, ?ub)))
      } GROUP BY ?a ?b }
    BIND("dataset-count" AS ?part)
  }
}"""
_OPTIONAL_LABEL = (
    "\n    OPTIONAL {{ ?{v} ?{v}lp ?{v}l VALUES ?{v}lp {{ {labels} }} FILTER(isLiteral(?{v}l)) }}"
)


@dataclass
class FlowEdge:
    """Use case ``source`` produces ``dataset``, which use case ``target`` uses."""

    source: Node
    dataset: Node
    target: Node


@dataclass
class Breakdown:
    """What links two sectors: shared use cases, data flows and shared datasets (top N each,
    with their full counts)."""

    shared: list[Node] = field(default_factory=list)
    flows: list[FlowEdge] = field(default_factory=list)
    datasets: list[Node] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {"shared": 0, "flow": 0, "dataset": 0})
    #: How many use cases (shared ones and both ends of each flow) and datasets (of a flow or
    #: used in both sectors) carry the link: the figures the matrix and the sector pages show.
    carried: dict[str, int] = field(default_factory=dict)

    @property
    def weight(self) -> int:
        return sum(self.counts.values())

    def as_json(self, lang: str) -> dict[str, object]:
        def item(node: Node) -> dict[str, object]:
            return {"id": node.iri, "label": node.label(lang)}

        return {
            "counts": dict(self.counts),
            "weight": self.weight,
            **({"carriedBy": dict(self.carried)} if self.carried else {}),
            "shared_usecases": [item(n) for n in self.shared],
            "flows": [
                {"source": item(f.source), "dataset": item(f.dataset), "target": item(f.target)}
                for f in self.flows
            ],
            "shared_datasets": [item(n) for n in self.datasets],
        }


def breakdown(
    store: Store, vocab: Vocabulary, a: IRI, b: IRI, *, top: int = 50, live: bool = False
) -> Breakdown:
    """The use cases and datasets behind the link between sectors ``a`` and ``b``: the counts
    and a sample of ``top`` of each part, from the aggregates (or, with ``live`` or for a release
    without them, counted from the curated relations, the first ``top`` of each by IRI)."""
    labels = {f"{v}labels": _OPTIONAL_LABEL.format(v=v, labels=_LABELS) for v in "udv"}
    if live:
        query = _PREFIX.format(ns=vocab.ns) + _LIVE_BREAKDOWN % {"top": int(top), **labels}
        return _read_breakdown(store.select(query, {"a": a, "b": b}))
    query = _PREFIX.format(ns=vocab.ns) + _BREAKDOWN % {"top": int(top), **labels}
    link = IRI(link_iri(vocab, a.value, b.value))
    rows = store.select(query, {"a": a, "b": b, "link": link})
    if not any(row["part"].value == "counts" for row in rows):
        return breakdown(store, vocab, a, b, top=top, live=True)
    result = _read_breakdown(rows)
    result.shared.sort(key=lambda n: n.iri or "")
    result.flows.sort(key=lambda f: (f.dataset.iri or "", f.source.iri or "", f.target.iri or ""))
    result.datasets.sort(key=lambda n: n.iri or "")
    return result


def link_iri(vocab: Vocabulary, a: str, b: str) -> str:
    """IRI of the link between two sectors (as ``50-interconnections.ru`` names it)."""
    slugs = sorted(iri.rsplit("/", 1)[-1] for iri in (a, b))
    return vocab.entity("sectorlink", "--".join(slugs))


def _read_breakdown(rows: list[dict[str, Term]]) -> Breakdown:
    result = Breakdown()
    nodes: dict[tuple[str, Term | None, Term | None, Term | None], object] = {}
    for row in rows:
        part = row["part"].value
        if part == "counts":
            for name, var in (("shared", "shared"), ("flow", "flows"), ("dataset", "datasets")):
                result.counts[name] = int(row[var].value)
            for name, var in (("usecases", "nu"), ("datasets", "nd")):
                if row.get(var) is not None:
                    result.carried[name] = int(row[var].value)
            continue
        if part.endswith("-count"):
            result.counts[part[:-6]] = int(row["n"].value)
            continue
        key = (part, row.get("u"), row.get("d"), row.get("v"))
        if key not in nodes:
            nodes[key] = _new_item(result, part, row)
        _apply_labels(nodes[key], part, row)
    return result


def _new_item(result: Breakdown, part: str, row: dict[str, Term]) -> object:
    if part == "shared":
        result.shared.append(Node(row["u"]))
        return result.shared[-1]
    if part == "dataset":
        result.datasets.append(Node(row["d"]))
        return result.datasets[-1]
    result.flows.append(FlowEdge(Node(row["u"]), Node(row["d"]), Node(row["v"])))
    return result.flows[-1]


def _apply_labels(item: object, part: str, row: dict[str, Term]) -> None:
    targets: list[tuple[Node, str]] = []
    if isinstance(item, FlowEdge):
        targets = [(item.source, "ul"), (item.dataset, "dl"), (item.target, "vl")]
    elif isinstance(item, Node):
        targets = [(item, "ul" if part == "shared" else "dl")]
    for node, name in targets:
        label = row.get(name)
        if isinstance(label, Literal):
            node.labels.setdefault(label.lang or "", label.value)


_DATAMODEL_CELLS = """
SELECT ?link ?a ?b ?n WHERE {
  ?link sckg:sharedDataModelCount ?n ; sckg:dataModelSector ?a , ?b .
  FILTER(STR(?a) < STR(?b))
}"""
_HAS_MODELS = "ASK { ?d sckg:dataModel ?m }"


def datamodel_interconnections(
    store: Store, vocab: Vocabulary, *, live: bool = False
) -> Interconnections:
    """The matrix by the data-model measure: a cell is the number of Smart Data Models entity
    types that a use case of one sector and a different use case of the other both use (through
    datasets they use or produce). It says where sectors could exchange data in one model; it
    is never added to the sector-link weight. Read from the figures the build stores
    (``50-interconnections.ru`` part 4, ``60-aggregates.ru``), or counted live with ``live``
    or for a release built without them."""
    base = interconnections(store, vocab)
    prefix = _PREFIX.format(ns=vocab.ns)
    rows = [] if live else store.select(prefix + _DATAMODEL_CELLS)
    if rows or (not live and not store.ask(prefix + _HAS_MODELS)):
        found = {(r["a"].value, r["b"].value): int(r["n"].value) for r in rows}
    else:
        found = model_layer(store, vocab).measure()
    cells = {(a, b): Cell(link_iri(vocab, a, b), a, b, n, 0, n) for (a, b), n in found.items()}
    return Interconnections(base.sectors, base.usecases, cells, measure="data-model")
