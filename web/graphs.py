"""Data for the small interactive graphs (Cytoscape.js); the pages show the same facts as lists
and tables, so nothing is lost with JavaScript off."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext, ngettext

from kg.views.describe import Description, Node
from kg.views.interconnect import Cell, Interconnections
from web import view

#: Most neighbours of one kind drawn around a use case.
NEIGHBOURS = 12


def _node(node: Node | None, iri: str, kind: str, label: str) -> dict[str, Any]:
    return {"data": {"id": iri, "label": label, "kind": kind, "href": view.href(iri) or ""}}


def neighbourhood(desc: Description) -> dict[str, Any]:
    """The use case, its sectors, datasets and the use cases it feeds or is fed by."""
    vocab = view.vocab()
    nodes = {desc.iri: _node(None, desc.iri, "self", desc.label(view.lang()))}
    edges: list[dict[str, Any]] = []

    def add(node: Node, kind: str, source: str, target: str, relation: str) -> None:
        if node.iri is None:
            return
        nodes.setdefault(node.iri, _node(node, node.iri, kind, view.label(node)))
        edges.append(
            {
                "data": {
                    "id": f"e{len(edges)}",
                    "source": source,
                    "target": target,
                    "label": relation,
                }
            }
        )

    for sector in desc.values(vocab.term("sector"))[:NEIGHBOURS]:
        add(sector, "sector", desc.iri, sector.iri or "", view.label(vocab.term("sector")))
    for dataset in desc.values(vocab.term("usesDataset"))[:NEIGHBOURS]:
        add(dataset, "dataset", dataset.iri or "", desc.iri, view.label(vocab.term("usesDataset")))
    for dataset in desc.values(vocab.term("producesDataset"))[:NEIGHBOURS]:
        add(
            dataset,
            "dataset",
            desc.iri,
            dataset.iri or "",
            view.label(vocab.term("producesDataset")),
        )
    for flow in desc.extra.get("feeds", [])[:NEIGHBOURS]:  # type: ignore[index]
        add(flow.other, "usecase", desc.iri, flow.other.iri or "", view.label(vocab.term("feeds")))
    for flow in desc.extra.get("fedby", [])[:NEIGHBOURS]:  # type: ignore[index]
        add(flow.other, "usecase", flow.other.iri or "", desc.iri, view.label(vocab.term("feeds")))
    return {"nodes": list(nodes.values()), "edges": edges}


def network(
    links: Interconnections, cell_href: Callable[[Cell], str] | None = None
) -> dict[str, Any]:
    """Sectors as nodes (sized by use cases), links as edges (weighted by the matrix's
    measure); an edge leads where ``cell_href`` says (the sector link's page by default). Each
    element carries the sentence the page shows when it is pointed at or chosen by keyboard."""
    lang = view.lang()
    nodes = [
        {
            "data": {
                "id": n.iri,
                "label": n.label(lang),
                "kind": "sector",
                "size": links.usecases.get(n.iri or "", 0),
                "href": view.href(n.iri) or "",
                "title": sector_text(links, n.label(lang), links.usecases.get(n.iri or "", 0)),
            }
        }
        for n in links.ordered(lang)
        if links.usecases.get(n.iri or "", 0) or any(n.iri in (c.a, c.b) for c in links.edges())
    ]
    edges = [
        {
            "data": {
                "id": c.link,
                "source": c.a,
                "target": c.b,
                "weight": links.value(c),
                "href": cell_href(c) if cell_href else view.href(c.link) or "",
                "label": str(links.value(c)),
                "title": cell_text(links, c),
            }
        }
        for c in links.edges()
    ]
    return {"nodes": nodes, "edges": edges, "max": links.max_weight}


def sector_text(links: Interconnections, name: str, n: int) -> str:
    """ "Energie: 38 Anwendungsfälle" (or patterns)."""
    if links.patterns:
        return f"{name}: " + ngettext("%(num)d pattern", "%(num)d patterns", n)
    return f"{name}: " + ngettext("%(num)d use case", "%(num)d use cases", n)


def cell_text(links: Interconnections, c: Cell) -> str:
    """What a cell of the matrix (an edge of the network) stands for, in a sentence."""
    pair = f"{view.label(c.a)} ↔ {view.label(c.b)}: "
    if links.patterns:
        return pair + ngettext("%(num)d shared pattern", "%(num)d shared patterns", c.weight)
    if links.measure == "data-model":
        return pair + ngettext(
            "%(num)d data model used in both", "%(num)d data models used in both", c.weight
        )
    parts = ", ".join(
        (
            ngettext("%(num)d use case", "%(num)d use cases", c.usecases),
            ngettext("%(num)d connecting dataset", "%(num)d connecting datasets", c.datasets),
        )
    )
    return pair + gettext("strength %(weight)d", weight=c.weight) + f" ({parts})"
