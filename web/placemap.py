"""The map of the places (``/map``) and its JSON twin (``/map.json``): the places with real use
cases, filtered by sector and BBSR size class (GET parameters ``sector`` and ``size``), as a
table that always works and, with JavaScript, as a map of Germany drawn on the server."""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    jsonify,
    render_template,
    request,
    url_for,
)

from kg.views.geo import PlaceIndex, PlaceMap, place_index, place_map
from web import geomap, view
from web.context import app_release, app_store
from web.pages import ReleaseCache

bp = Blueprint("placemap", __name__)


def _index() -> PlaceIndex:
    return current_app.extensions["kg.places"].get(app_store(), app_release())


def _found() -> PlaceMap:
    return place_map(
        app_store(),
        view.vocab(),
        _index(),
        sector=request.args.get("sector", "").strip() or None,
        size_class=request.args.get("size", "").strip() or None,
    )


@bp.route("/map")
def page() -> Response:
    found = _found()
    index = found.index or _index()
    shape = geomap.outline()
    points = geomap.markers(found.places, shape)
    sector_labels = {n.term.value: view.label(n) for n in index.sectors}
    body = render_template(
        "map.html",
        found=found,
        index=index,
        shape=shape,
        points=points,
        hidden=len(found.on_map) - len(points),
        sector_labels=sector_labels,
        sector_choices=sorted(sector_labels.items(), key=lambda kv: kv[1].casefold()),
        size_labels={n.term.value.rsplit("/", 1)[-1]: view.label(n) for n in index.size_classes},
        lands={iri: view.label(n) for iri, n in index.lands.items()},
    )
    response = Response(body, mimetype="text/html")
    twin = url_for("placemap.data", **request.args)
    response.headers["Link"] = f'<{twin}>; rel="alternate"; type="application/json"'
    return response


@bp.route("/map.json")
def data() -> Response:
    return jsonify(_found().as_json(view.lang()))


def register(app: Flask) -> None:
    vocab = app.extensions["kg.settings"].vocab
    app.extensions["kg.places"] = ReleaseCache(lambda store: place_index(store, vocab))
    app.register_blueprint(bp)
