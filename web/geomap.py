"""The map of Germany drawn as SVG on the server: the outlines of the Länder that the project
ships (``web/static/map/``, Natural Earth, public domain; see the README there) and one point
per place, in an equirectangular projection fitted to Germany (longitudes shortened by the
cosine of the middle latitude, so the country keeps its shape). Nothing is fetched at run time.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kg.views.geo import MapPlace

OUTLINE_FILE = Path(__file__).resolve().parent / "static" / "map" / "germany-laender.geojson"
#: Width of the drawing in SVG user units; the height follows from Germany's shape.
WIDTH = 600.0
PAD = 12.0


@dataclass(frozen=True)
class Projection:
    """Longitude and latitude → SVG coordinates for a bounding box (west, south, east, north).

    >>> p = Projection(6.0, 47.0, 15.0, 55.0)
    >>> p(6.0, 55.0)
    (12.0, 12.0)
    >>> p.contains(10.0, 51.0), p.contains(2.2, 41.4)
    (True, False)
    """

    west: float
    south: float
    east: float
    north: float

    @property
    def _cos(self) -> float:
        return math.cos(math.radians((self.south + self.north) / 2))

    @property
    def scale(self) -> float:
        return (WIDTH - 2 * PAD) / ((self.east - self.west) * self._cos)

    @property
    def height(self) -> float:
        return round((self.north - self.south) * self.scale + 2 * PAD, 1)

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        x = PAD + (lon - self.west) * self._cos * self.scale
        y = PAD + (self.north - lat) * self.scale
        return round(x, 1), round(y, 1)

    def contains(self, lon: float, lat: float) -> bool:
        return self.west <= lon <= self.east and self.south <= lat <= self.north


@dataclass(frozen=True)
class Land:
    """One Land's outline: its name in the source, NUTS-1 code and SVG path."""

    name: str
    nuts: str
    path: str


@dataclass(frozen=True)
class Outline:
    projection: Projection
    lands: tuple[Land, ...]

    @property
    def view_box(self) -> str:
        return f"0 0 {WIDTH:g} {self.projection.height:g}"


def _rings(feature: dict) -> list[list[list[float]]]:
    return [ring for polygon in feature["geometry"]["coordinates"] for ring in polygon]


def _path(rings: list[list[list[float]]], project: Projection) -> str:
    parts = []
    for ring in rings:
        points = [project(lon, lat) for lon, lat in ring]
        parts.append("M" + "L".join(f"{x:g} {y:g}" for x, y in points) + "Z")
    return "".join(parts)


@cache
def outline(path: Path = OUTLINE_FILE) -> Outline:
    """The Länder of the shipped file as SVG paths, and the projection fitted to them."""
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    points = [pt for f in features for ring in _rings(f) for pt in ring]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    projection = Projection(min(lons), min(lats), max(lons), max(lats))
    lands = tuple(
        Land(f["properties"]["name"], f["properties"]["nuts"], _path(_rings(f), projection))
        for f in features
    )
    return Outline(projection, lands)


@dataclass(frozen=True)
class Marker:
    """A place drawn on the map."""

    place: MapPlace
    x: float
    y: float
    r: float


def radius(usecases: int) -> float:
    """A point's radius grows with the square root of its use cases (its area with the count).

    >>> radius(1), radius(4), radius(400)
    (7.0, 9.0, 18.0)
    """
    return round(min(18.0, 5.0 + 2.0 * math.sqrt(max(1, usecases))), 1)


def markers(places: list[MapPlace], shape: Outline) -> list[Marker]:
    """The points of the places the map of Germany shows, the largest drawn first (beneath)."""
    found = []
    for place in places:
        if place.on_map and shape.projection.contains(place.long, place.lat):  # type: ignore[arg-type]
            x, y = shape.projection(place.long, place.lat)  # type: ignore[arg-type]
            found.append(Marker(place, x, y, radius(place.usecases)))
    return sorted(found, key=lambda m: (-m.r, m.place.iri))
