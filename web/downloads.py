"""Dumps with checksums under ``/downloads``, and the VoID description at ``/.well-known/void``.

When the served release has no dumps yet (``kg export`` was not run), the first request to
``/downloads`` writes them into the store folder; the files appear atomically.
"""

from __future__ import annotations

import base64
import json
import threading

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    render_template,
    send_from_directory,
    url_for,
)
from rdflib import Graph

from kg.errors import NotFound
from kg.exports import export
from kg.exports.export import Dumps
from web.context import app_settings, app_store
from web.named import ui_lang
from web.sparql import negotiate_rdf_document, rdf_document

bp = Blueprint("downloads", __name__)
_EXPORTING = threading.Lock()
_VOID = threading.Lock()


@bp.route("/downloads")
def index() -> Response:
    """The dumps of the served release: format, size, SHA-256 and links."""
    dumps = _dumps()
    page = render_template(
        "sparql/downloads.html",
        dumps=dumps,
        lang=ui_lang(),
        void=url_for("downloads.void"),
        endpoint=url_for("sparql.endpoint"),
    )
    response = Response(page, mimetype="text/html")
    link = url_for("downloads.manifest")
    response.headers["Link"] = f'<{link}>; rel="alternate"; type="application/json"'
    return response


@bp.route("/downloads.json")
def manifest() -> Response:
    """The manifest of the dumps (release, files, sizes, SHA-256) with absolute links."""
    dumps = _dumps()
    files = [
        {
            "name": f.name,
            "mediaType": f.media_type,
            "size": f.size,
            "sha256": f.sha256,
            "url": url_for("downloads.file", name=f.name, _external=True),
        }
        for f in dumps.files
    ]
    body = json.dumps({"release": dumps.release, "created": dumps.created, "files": files})
    response = Response(body, mimetype="application/json")
    return response


@bp.route("/downloads/<name>")
def file(name: str) -> Response:
    """One dump file of the served release."""
    dumps = _dumps()
    found = dumps.file(name)
    if found is None:
        raise NotFound(f"no dump named {name!r}; see /downloads")
    response = send_from_directory(
        dumps.folder, found.name, mimetype=found.media_type, etag=found.sha256
    )
    response.headers["Digest"] = digest_header(found.sha256)
    return response


def digest_header(sha256_hex: str) -> str:
    """RFC 3230 ``Digest``: the SHA-256 in base64 (the manifest and the page show it in hex)."""
    return "sha-256=" + base64.b64encode(bytes.fromhex(sha256_hex)).decode("ascii")


@bp.route("/.well-known/void")
def void() -> Response:
    """The VoID description of the dataset, in the RDF format the client asks for."""
    chosen = negotiate_rdf_document()
    response = rdf_document(_void_graph(), chosen)
    response.vary.add("Accept")
    return response


def _void_graph() -> Graph:
    """The VoID description of the served release, made once per release (never per Host or
    per request: the URLs in it come from the configured public URL)."""
    store = app_store()
    release = export.served_release(store)
    with _VOID:
        cached = current_app.extensions.get("kg.void")
        if cached is not None and cached[0] == release.id:
            return cached[1]
        urls = {
            f.media_type: url_for("downloads.file", name=f.name, _external=True)
            for f in _dumps().files
        }
        endpoint = url_for("sparql.endpoint", _external=True)
        graph = export.void_description(app_settings(), store, endpoint, urls)
        current_app.extensions["kg.void"] = (release.id, graph)
        return graph


def _dumps() -> Dumps:
    """The dumps of the served release, written on first need."""
    settings, store = app_settings(), app_store()
    found = export.existing(settings, store)
    if found is not None:
        return found
    with _EXPORTING:
        return export.export(settings, store)


def register(app: Flask) -> None:
    app.register_blueprint(bp)


#: The dumps of the served release for other parts of the site (the open-data catalogue).
current_dumps = _dumps
