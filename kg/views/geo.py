"""The map of the places: every place that real use cases name (``dcterms:spatial``), with its
Land, BBSR size class, coordinates (``geo:lat``/``geo:long``, WGS84), the number of its use cases
and their sectors, filtered by a sector and a size class.

Two bounded queries. What does not change between requests (the places with their details, and
the choices of the filter form) is read once per release by :func:`place_index`; the counts of a
filter are one grouped query per request (:func:`place_map`). A place's Land is the ``sckg:State``
it lies ``sckg:within`` (the build stores that relation transitively), a Land its own; a place
is abroad when its ``sckg:country`` is not Germany, and only places in Germany with coordinates
are drawn on the map (the others are listed in the table).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from kg.errors import QueryError
from kg.namespaces import Vocabulary
from kg.rdf import IRI, Literal, Term
from kg.store import Store
from kg.store.base import Row
from kg.views.describe import LABEL_PREDICATES, Node

#: Most places read (each query stops there; the result says when it did).
MAX_PLACES = 5000
GERMANY = "http://publications.europa.eu/resource/authority/country/DEU"
#: The classes of places (docs/model.md), pairwise disjoint.
PLACE_KINDS = ("Municipality", "District", "State", "Region", "Country")
#: A filter value is a code or slug: lower-case letters, digits and hyphens.
_CODE = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")

_PREFIX = """PREFIX sckg: <{ns}>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX geo: <http://www.w3.org/2003/01/geo/wgs84_pos#>
"""
_LABELS = " ".join(f"<{p}>" for p in LABEL_PREDICATES)

_PLACES = """
SELECT ?p ?kind ?lat ?long ?country ?size ?land ?lp ?l WHERE {
  { SELECT DISTINCT ?p WHERE { ?u dcterms:spatial ?p ; a sckg:UseCase }
    ORDER BY ?p LIMIT %(limit)d }
  OPTIONAL { ?p a ?kind VALUES ?kind { %(kinds)s } }
  OPTIONAL { ?p geo:lat ?lat ; geo:long ?long }
  OPTIONAL { ?p sckg:country ?country }
  OPTIONAL { ?p sckg:sizeClass ?size }
  OPTIONAL { ?p sckg:within ?land . ?land a sckg:State }
  OPTIONAL { ?p ?lp ?l VALUES ?lp { %(labels)s } FILTER(isLiteral(?l)) }
}"""

_CHOICES = """
SELECT ?class ?c ?l WHERE {
  VALUES ?class { sckg:Sector sckg:SizeClass sckg:State }
  ?c a ?class .
  OPTIONAL { ?c ?lp ?l VALUES ?lp { %(labels)s } FILTER(isLiteral(?l)) }
} LIMIT %(limit)d"""

# A bound variable must be projected (pyoxigraph's substitutions), hence ?wanted in the
# projection and the grouping when the sector filter is on.
_COUNTS = """
SELECT ?p %(wanted)s (COUNT(DISTINCT ?u) AS ?n)
       (GROUP_CONCAT(DISTINCT STR(?s); separator=" ") AS ?sectors)
WHERE {
  ?u dcterms:spatial ?p ; a sckg:UseCase .
  %(filter)s
  OPTIONAL { ?u sckg:sector ?s }
} GROUP BY ?p %(wanted)s ORDER BY DESC(?n) ?p LIMIT %(limit)d"""


@dataclass
class MapPlace:
    """A place with real use cases, as the map and its table show it."""

    node: Node
    kind: str | None = None  #: local name of its class (``Municipality`` …)
    land: str | None = None  #: IRI of its Land
    size_class: str | None = None  #: code of its BBSR size class
    country: str | None = None  #: IRI in the EU country table
    lat: float | None = None
    long: float | None = None
    usecases: int = 0
    sectors: tuple[str, ...] = ()  #: IRIs of the sectors of its use cases (under the filter)

    @property
    def iri(self) -> str:
        return self.node.term.value

    @property
    def abroad(self) -> bool:
        """True when the place lies in another country than Germany."""
        return self.country is not None and self.country != GERMANY

    @property
    def located(self) -> bool:
        """True when the place has coordinates."""
        return self.lat is not None and self.long is not None

    @property
    def on_map(self) -> bool:
        """True when the map of Germany shows the place: in Germany, with coordinates."""
        return self.located and not self.abroad


@dataclass
class PlaceIndex:
    """What one release says about the places with use cases, and the choices of the filters
    (sectors, size classes and Länder, each with its labels)."""

    places: dict[str, MapPlace]
    sectors: list[Node]
    size_classes: list[Node]
    lands: dict[str, Node]
    truncated: bool = False


@dataclass
class PlaceMap:
    """The places a filter finds, most use cases first."""

    places: list[MapPlace]
    sector: str | None = None
    size_class: str | None = None
    truncated: bool = False
    index: PlaceIndex | None = field(default=None, repr=False)

    @property
    def on_map(self) -> list[MapPlace]:
        return [p for p in self.places if p.on_map]

    @property
    def abroad(self) -> list[MapPlace]:
        return [p for p in self.places if p.abroad]

    @property
    def unlocated(self) -> list[MapPlace]:
        """Places in Germany without coordinates (a Land, a region): in the table only."""
        return [p for p in self.places if not p.located and not p.abroad]

    def as_json(self, lang: str) -> dict[str, object]:
        """The machine twin of the page: the filter and one entry per place."""
        lands = self.index.lands if self.index else {}
        return {
            "filter": {"sector": self.sector, "sizeClass": self.size_class},
            "truncated": self.truncated,
            "places": [
                {
                    "id": p.iri,
                    "label": p.node.label(lang),
                    "type": p.kind,
                    "land": p.land,
                    "landLabel": lands[p.land].label(lang) if p.land in lands else None,
                    "sizeClass": p.size_class,
                    "country": p.country,
                    "lat": p.lat,
                    "long": p.long,
                    "onMap": p.on_map,
                    "usecases": p.usecases,
                    "sectors": list(p.sectors),
                }
                for p in self.places
            ],
        }


def _code(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _float(term: Term | None) -> float | None:
    try:
        return float(term.value) if isinstance(term, Literal) else None
    except ValueError:
        return None


def _add_label(node: Node, term: Term | None) -> None:
    if isinstance(term, Literal):
        node.labels.setdefault(term.lang or "", term.value)


def _place(places: dict[str, MapPlace], row: Row, ns: str) -> None:
    iri = row["p"].value
    place = places.get(iri) or places.setdefault(iri, MapPlace(Node(row["p"])))
    _add_label(place.node, row.get("l"))
    if "kind" in row:
        place.kind = row["kind"].value.removeprefix(ns)
    if "lat" in row and "long" in row:
        place.lat, place.long = _float(row["lat"]), _float(row["long"])
    if "country" in row:
        place.country = row["country"].value
    if "size" in row:
        place.size_class = _code(row["size"].value)
    if "land" in row:
        place.land = row["land"].value


def place_index(store: Store, vocab: Vocabulary) -> PlaceIndex:
    """The places with real use cases and the filter choices, from two bounded queries."""
    prefix = _PREFIX.format(ns=vocab.ns)
    kinds = " ".join(f"sckg:{k}" for k in PLACE_KINDS)
    rows = store.select(prefix + _PLACES % {"limit": MAX_PLACES, "kinds": kinds, "labels": _LABELS})
    places: dict[str, MapPlace] = {}
    for row in rows:
        _place(places, row, vocab.ns)
    choices: dict[str, dict[str, Node]] = {"Sector": {}, "SizeClass": {}, "State": {}}
    for row in store.select(prefix + _CHOICES % {"labels": _LABELS, "limit": MAX_PLACES}):
        group = choices[row["class"].value.removeprefix(vocab.ns)]
        iri = row["c"].value
        _add_label(group.setdefault(iri, Node(row["c"])), row.get("l"))
    for place in places.values():
        if place.kind == "State":
            place.land = place.iri
    return PlaceIndex(
        places=places,
        sectors=list(choices["Sector"].values()),
        size_classes=_ordered_sizes(choices["SizeClass"]),
        lands=choices["State"],
        truncated=len(places) >= MAX_PLACES,
    )


#: The BBSR size classes from the largest to the smallest (docs/model.md).
SIZE_ORDER = ("grossstadt", "mittelstadt", "kleinstadt", "landgemeinde")


def _ordered_sizes(found: dict[str, Node]) -> list[Node]:
    def key(node: Node) -> tuple[int, str]:
        code = _code(node.term.value)
        return (SIZE_ORDER.index(code) if code in SIZE_ORDER else len(SIZE_ORDER), code)

    return sorted(found.values(), key=key)


def _checked(value: str | None, what: str) -> str | None:
    if not value:
        return None
    if not _CODE.fullmatch(value):
        raise QueryError(f"not a {what} code: {value!r}")
    return value


def place_map(
    store: Store,
    vocab: Vocabulary,
    index: PlaceIndex,
    *,
    sector: str | None = None,
    size_class: str | None = None,
) -> PlaceMap:
    """The places with real use cases in ``sector`` (a slug; all sectors when None) and of
    ``size_class`` (a BBSR code; every place when None), most use cases first.

    A place's count and sectors are those of its use cases that the sector filter keeps.
    """
    sector, size_class = _checked(sector, "sector"), _checked(size_class, "size class")
    query = _PREFIX.format(ns=vocab.ns) + _COUNTS % {
        "filter": "?u sckg:sector ?wanted ." if sector else "",
        "wanted": "?wanted" if sector else "",
        "limit": MAX_PLACES,
    }
    bindings = {"wanted": IRI(vocab.entity("sector", sector))} if sector else None
    rows = store.select(query, bindings)
    found = []
    for row in rows:
        known = index.places.get(row["p"].value)
        if known is None or (size_class and known.size_class != size_class):
            continue
        sectors = tuple(sorted(set(row["sectors"].value.split()))) if "sectors" in row else ()
        found.append(replace(known, usecases=int(row["n"].value), sectors=sectors))
    return PlaceMap(
        found,
        sector=sector,
        size_class=size_class,
        truncated=index.truncated or len(rows) >= MAX_PLACES,
        index=index,
    )
