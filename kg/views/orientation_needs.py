"""What one use case needed, for the page "Für meine Kommune": its datasets, platforms (with
hosting model, operator and software components, open source or not), standards, the sector
links it carries, the transfers of its solution, and the organisations behind it.

Two queries per use case: its relations (its IRI a typed binding), then their labels. Every
list is as long as the curated relations of one use case (no hub fan-out: the transfers and
links are those of this use case only, cut at :data:`~kg.views.describe.TOP`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.namespaces import DCAT, DCTERMS, PROV, Vocabulary
from kg.rdf import IRI, Literal, Term
from kg.store import Store
from kg.views.describe import LABEL_PREDICATES, TOP, pick

_LABELS = " ".join(f"<{p}>" for p in LABEL_PREDICATES)

_NEEDS = """
SELECT ?u ?k ?v ?x WHERE {
  { ?u sckg:usesDataset ?v BIND("uses" AS ?k) }
  UNION { ?u sckg:producesDataset ?v BIND("produces" AS ?k) }
  UNION { ?u sckg:runsOn ?v BIND("platform" AS ?k) }
  UNION { ?u sckg:runsOn ?x . ?x sckg:hostingModel ?v BIND("hosting" AS ?k) }
  UNION { ?u sckg:runsOn ?x . ?x sckg:operatedBy ?v BIND("operator" AS ?k) }
  UNION { ?u sckg:runsOn ?x . ?x sckg:hasComponent ?v BIND("component" AS ?k) }
  UNION { ?u sckg:runsOn/sckg:hasComponent ?v . ?v sckg:openSource ?x BIND("open" AS ?k) }
  UNION { ?u dcterms:conformsTo ?v BIND("standard" AS ?k) }
  UNION { ?u sckg:runsOn/dcterms:conformsTo ?v BIND("standard" AS ?k) }
  UNION { ?u sckg:runsOn/sckg:hasComponent/dcterms:conformsTo ?v BIND("standard" AS ?k) }
  UNION { ?u sckg:usesDataset/dcterms:conformsTo ?v BIND("standard" AS ?k) }
  UNION { ?u sckg:producesDataset/dcterms:conformsTo ?v BIND("standard" AS ?k) }
  UNION { ?u sckg:transferredFrom ?v BIND("from" AS ?k) }
  UNION { { SELECT ?u ?v WHERE { ?v sckg:transferredFrom ?u } LIMIT TOP }
          BIND("to" AS ?k) }
  UNION { ?u prov:qualifiedAttribution ?a . ?a prov:agent ?v ; dcat:hadRole ?x
          BIND("org" AS ?k) }
  UNION { { SELECT ?u ?v WHERE { ?v a sckg:SectorLink ; sckg:viaUseCase ?u } LIMIT TOP }
          ?v sckg:linkedSector ?x BIND("link" AS ?k) }
}"""
# The labels of what the query above found, asked apart: as OPTIONALs after its UNION, an
# unbound ?x matched every labelled resource (4,608 rows and 1.3 s instead of 16 rows).
_NAMES = """
SELECT ?v ?l WHERE {
  VALUES ?v { FOUND }
  ?v ?lp ?l VALUES ?lp { LABELS } FILTER(isLiteral(?l))
}"""


@dataclass
class Item:
    """A resource in the answer: IRI and labels by language."""

    iri: str
    labels: dict[str, str] = field(default_factory=dict)

    def label(self, lang: str) -> str:
        return pick(self.labels, lang) or self.iri.rsplit("/", 1)[-1]

    def as_json(self, lang: str) -> dict[str, object]:
        return {"id": self.iri, "label": self.label(lang)}


@dataclass
class Component(Item):
    """A software component of a platform; ``open_source`` as curated (None: not said)."""

    open_source: bool | None = None

    def as_json(self, lang: str) -> dict[str, object]:
        return {**super().as_json(lang), "openSource": self.open_source}


@dataclass
class Platform(Item):
    """A data platform with its hosting models, operators and components."""

    hosting: dict[str, Item] = field(default_factory=dict)
    operators: dict[str, Item] = field(default_factory=dict)
    components: dict[str, Component] = field(default_factory=dict)

    def as_json(self, lang: str) -> dict[str, object]:
        return {
            **super().as_json(lang),
            "hosting": [h.as_json(lang) for h in _sorted(self.hosting.values(), lang)],
            "operators": [o.as_json(lang) for o in _sorted(self.operators.values(), lang)],
            "components": [c.as_json(lang) for c in _sorted(self.components.values(), lang)],
        }


@dataclass
class Link(Item):
    """A sector link the use case carries; ``interest`` when it touches a sector of interest."""

    sectors: dict[str, Item] = field(default_factory=dict)
    interest: bool = False

    def label(self, lang: str) -> str:
        names = sorted(s.label(lang) for s in self.sectors.values())
        return " ↔ ".join(names) or super().label(lang)

    def as_json(self, lang: str) -> dict[str, object]:
        return {**super().as_json(lang), "touchesSectorOfInterest": self.interest}


@dataclass
class Needs:
    """What one use case needed and whom it involved."""

    datasets: dict[str, Item] = field(default_factory=dict)
    roles: dict[str, set[str]] = field(default_factory=dict)  #: dataset → uses / produces
    platforms: dict[str, Platform] = field(default_factory=dict)
    standards: dict[str, Item] = field(default_factory=dict)
    transferred_from: dict[str, Item] = field(default_factory=dict)
    transferred_to: dict[str, Item] = field(default_factory=dict)
    organisations: dict[str, Item] = field(default_factory=dict)
    org_roles: dict[str, dict[str, Item]] = field(default_factory=dict)
    links: dict[str, Link] = field(default_factory=dict)

    def components(self) -> dict[str, Component]:
        found: dict[str, Component] = {}
        for platform in self.platforms.values():
            found.update(platform.components)
        return found

    def hosting(self) -> dict[str, Item]:
        found: dict[str, Item] = {}
        for platform in self.platforms.values():
            found.update(platform.hosting)
        return found

    def as_json(self, lang: str) -> dict[str, object]:
        return {
            "datasets": [
                {**d.as_json(lang), "roles": sorted(self.roles.get(d.iri, ()))}
                for d in _sorted(self.datasets.values(), lang)
            ],
            "platforms": [p.as_json(lang) for p in _sorted(self.platforms.values(), lang)],
            "standards": [s.as_json(lang) for s in _sorted(self.standards.values(), lang)],
            "transfers": {
                "from": [t.as_json(lang) for t in _sorted(self.transferred_from.values(), lang)],
                "to": [t.as_json(lang) for t in _sorted(self.transferred_to.values(), lang)],
            },
            "organisations": [
                {
                    **o.as_json(lang),
                    "roles": [
                        r.as_json(lang) for r in _sorted(self.org_roles[o.iri].values(), lang)
                    ],
                }
                for o in _sorted(self.organisations.values(), lang)
            ],
            "sectorLinks": [k.as_json(lang) for k in _sorted(self.links.values(), lang)],
        }


def _sorted(items: Iterable[Item], lang: str) -> list:
    return sorted(items, key=lambda i: (i.label(lang).casefold(), i.iri))


def _labelled(into: dict, iri: str, labels: list[Literal], cls: type = Item) -> Item:
    item = into.setdefault(iri, cls(iri))
    for label in labels:
        item.labels.setdefault(label.lang or "", label.value)
    return item


def needs(store: Store, vocab: Vocabulary, usecase: str, interest: Iterable[str] = ()) -> Needs:
    """What ``usecase`` needed; ``interest`` are the slugs of the planner's sectors (a sector
    link touching one of them is marked). Two queries: the relations, then their labels."""
    prefix = (
        f"PREFIX sckg: <{vocab.ns}>\nPREFIX dcterms: <{DCTERMS}>\nPREFIX prov: <{PROV}>\n"
        f"PREFIX dcat: <{DCAT}>\n"
    )
    rows = store.select(prefix + _NEEDS.replace("TOP", str(int(TOP))), {"u": IRI(usecase)})
    found_iris = {t.value for row in rows for t in (row["v"], row.get("x")) if isinstance(t, IRI)}
    names: dict[str, Literal] = {}
    if found_iris:
        values = " ".join(IRI(i).n3() for i in sorted(found_iris))
        query = _NAMES.replace("FOUND", values).replace("LABELS", _LABELS)
        for row in store.select(prefix + query):
            label = row["l"]
            if isinstance(label, Literal):
                names.setdefault(f"{row['v'].value} {label.lang or ''}", label)
    labels: dict[str, list[Literal]] = {}
    for key, label in names.items():
        labels.setdefault(key.rsplit(" ", 1)[0], []).append(label)
    found = Needs()
    wanted = {vocab.entity("sector", s) for s in interest}
    open_source: dict[str, bool] = {}
    for row in rows:
        _read(found, row, labels, open_source, wanted)
    for component in found.components().values():
        component.open_source = open_source.get(component.iri)
    return found


def _read(
    found: Needs,
    row: dict[str, Term],
    labels: dict[str, list[Literal]],
    open_source: dict[str, bool],
    wanted: set[str],
) -> None:
    kind, value, other = row["k"].value, row["v"].value, row.get("x")
    label = labels.get(value, [])
    other_label = labels.get(other.value, []) if isinstance(other, IRI) else []
    if kind in ("uses", "produces"):
        _labelled(found.datasets, value, label)
        found.roles.setdefault(value, set()).add(kind)
    elif kind == "platform":
        _labelled(found.platforms, value, label, Platform)
    elif kind in ("hosting", "operator", "component") and other is not None:
        platform = found.platforms.setdefault(other.value, Platform(other.value))
        into = {"hosting": platform.hosting, "operator": platform.operators}.get(kind)
        _labelled(platform.components if into is None else into, value, label,
                  Component if into is None else Item)  # fmt: skip
    elif kind == "open" and isinstance(other, Literal):
        open_source[value] = other.value in ("true", "1")
    elif kind == "standard":
        _labelled(found.standards, value, label)
    elif kind == "from":
        _labelled(found.transferred_from, value, label)
    elif kind == "to":
        _labelled(found.transferred_to, value, label)
    elif kind == "org" and other is not None:
        _labelled(found.organisations, value, label)
        _labelled(found.org_roles.setdefault(value, {}), other.value, other_label)
    elif kind == "link" and other is not None:
        link = found.links.setdefault(value, Link(value))
        _labelled(link.sectors, other.value, other_label)
        link.interest = link.interest or other.value in wanted
