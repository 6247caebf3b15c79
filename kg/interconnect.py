"""Sector interconnections: the weighted matrix and network of sectors, and, for each pair, the
use cases and datasets behind the link.

The links themselves are materialised at build time by ``kg/rules/50-interconnections.ru``
(``sckg:SectorLink`` with ``sckg:weight``, ``sckg:viaUseCase`` and ``sckg:viaDataset``); this
module reads them back with two queries for the whole matrix and one query for a pair.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from kg.describe import LABEL_PREDICATES, Node
from kg.namespaces import Vocabulary
from kg.rdf import IRI, Literal, Term
from kg.store import Store

_LABELS = " ".join(f"<{p}>" for p in LABEL_PREDICATES)
_PREFIX = "PREFIX sckg: <{ns}>\n"

_SECTORS = """
SELECT ?s ?lp ?l ?n WHERE {
  { SELECT ?s (COUNT(DISTINCT ?u) AS ?n) WHERE {
      ?s a sckg:Sector . OPTIONAL { ?u sckg:sector ?s } } GROUP BY ?s }
  OPTIONAL { ?s ?lp ?l VALUES ?lp { %s } FILTER(isLiteral(?l)) }
}"""

_LINKS = """
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
    """Every sector (with its number of use cases) and every link between two sectors."""

    sectors: list[Node]
    usecases: dict[str, int]
    cells: dict[tuple[str, str], Cell]

    @property
    def max_weight(self) -> int:
        return max((c.weight for c in self.cells.values()), default=0)

    def cell(self, a: str, b: str) -> Cell | None:
        return self.cells.get((a, b) if a < b else (b, a))

    def ordered(self, lang: str) -> list[Node]:
        return sorted(self.sectors, key=lambda n: n.label(lang).casefold())

    def edges(self) -> list[Cell]:
        return sorted(self.cells.values(), key=lambda c: (-c.weight, c.a, c.b))

    def as_json(self, lang: str) -> dict[str, object]:
        """The matrix and the network in one JSON document (the pages' machine twin)."""
        return {
            "sectors": [
                {"id": n.iri, "label": n.label(lang), "usecases": self.usecases.get(n.iri or "", 0)}
                for n in self.ordered(lang)
            ],
            "links": [
                {
                    "id": c.link,
                    "source": c.a,
                    "target": c.b,
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


def interconnections(store: Store, vocab: Vocabulary) -> Interconnections:
    """The whole matrix, from two queries over the materialised links."""
    prefix = _PREFIX.format(ns=vocab.ns)
    sectors: dict[str, Node] = {}
    counts: dict[str, int] = {}
    for row in store.select(prefix + _SECTORS % _LABELS):
        iri = row["s"].value
        node = sectors.setdefault(iri, Node(row["s"]))
        counts[iri] = int(row["n"].value)
        if isinstance(row.get("l"), Literal):
            node.labels.setdefault(row["l"].lang or "", row["l"].value)
    cells = {}
    for row in store.select(prefix + _LINKS):
        a, b = row["a"].value, row["b"].value
        cells[(a, b)] = Cell(
            row["link"].value, a, b, int(row["w"].value), int(row["nu"].value), int(row["nd"].value)
        )
    return Interconnections(list(sectors.values()), counts, cells)


# The two directions of a flow are one pattern and a FILTER, not a UNION of orientations:
# pyoxigraph evaluated the UNION as a cross product of the two sectors' use cases (130 s for one
# pair at 10,000 use cases).
# -- one pair -----------------------------------------------------------------------------------
_BREAKDOWN = """
SELECT ?a ?b ?part ?u ?d ?v ?n ?ulp ?ul ?dlp ?dl ?vlp ?vl WHERE {
  {
    { SELECT ?a ?b ?u WHERE { ?u sckg:sector ?a , ?b } ORDER BY ?u LIMIT %(top)d }
    BIND("shared" AS ?part) %(ulabels)s
  } UNION {
    { SELECT ?a ?b (COUNT(DISTINCT ?u1) AS ?n) WHERE { ?u1 sckg:sector ?a , ?b } GROUP BY ?a ?b }
    BIND("shared-count" AS ?part)
  } UNION {
    { SELECT DISTINCT ?a ?b ?u ?d ?v WHERE {
        ?u sckg:producesDataset ?d . ?v sckg:usesDataset ?d . FILTER(?u != ?v)
        ?u sckg:sector ?s . ?v sckg:sector ?t
        FILTER((?s = ?a && ?t = ?b) || (?s = ?b && ?t = ?a))
      } ORDER BY ?d ?u ?v LIMIT %(top)d }
    BIND("flow" AS ?part) %(ulabels)s %(dlabels)s %(vlabels)s
  } UNION {
    { SELECT ?a ?b (COUNT(*) AS ?n) WHERE {
        { SELECT DISTINCT ?a ?b ?u2 ?d2 ?v2 WHERE {
            ?u2 sckg:producesDataset ?d2 . ?v2 sckg:usesDataset ?d2 . FILTER(?u2 != ?v2)
            ?u2 sckg:sector ?s2 . ?v2 sckg:sector ?t2
            FILTER((?s2 = ?a && ?t2 = ?b) || (?s2 = ?b && ?t2 = ?a)) } } } GROUP BY ?a ?b }
    BIND("flow-count" AS ?part)
  } UNION {
    { SELECT DISTINCT ?a ?b ?d WHERE {
        { SELECT DISTINCT ?a ?d WHERE { ?u3 sckg:usesDataset ?d ; sckg:sector ?a } }
        { SELECT DISTINCT ?b ?d WHERE { ?v3 sckg:usesDataset ?d ; sckg:sector ?b } }
      } ORDER BY ?d LIMIT %(top)d }
    BIND("dataset" AS ?part) %(dlabels)s
  } UNION {
    { SELECT ?a ?b (COUNT(DISTINCT ?d4) AS ?n) WHERE {
        { SELECT DISTINCT ?a ?d4 WHERE { ?u4 sckg:usesDataset ?d4 ; sckg:sector ?a } }
        { SELECT DISTINCT ?b ?d4 WHERE { ?v4 sckg:usesDataset ?d4 ; sckg:sector ?b } }
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

    @property
    def weight(self) -> int:
        return sum(self.counts.values())

    def as_json(self, lang: str) -> dict[str, object]:
        def item(node: Node) -> dict[str, object]:
            return {"id": node.iri, "label": node.label(lang)}

        return {
            "counts": dict(self.counts),
            "weight": self.weight,
            "shared_usecases": [item(n) for n in self.shared],
            "flows": [
                {"source": item(f.source), "dataset": item(f.dataset), "target": item(f.target)}
                for f in self.flows
            ],
            "shared_datasets": [item(n) for n in self.datasets],
        }


def breakdown(store: Store, vocab: Vocabulary, a: IRI, b: IRI, *, top: int = 50) -> Breakdown:
    """The use cases and datasets behind the link between sectors ``a`` and ``b``."""
    query = _PREFIX.format(ns=vocab.ns) + _BREAKDOWN % {
        "top": int(top),
        **{f"{v}labels": _OPTIONAL_LABEL.format(v=v, labels=_LABELS) for v in "udv"},
    }
    result = Breakdown()
    nodes: dict[tuple[str, Term | None, Term | None, Term | None], object] = {}
    for row in store.select(query, {"a": a, "b": b}):
        part = row["part"].value
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
