"""The open-data catalogue at ``/catalogue``: DCAT-AP.de 3.0 for harvesters, HTML for people.

``/catalogue`` answers ``303 See Other`` to ``/catalogue.html``, ``.ttl``, ``.rdf``, ``.jsonld`` or
``.nt`` (by ``Accept`` or ``?format=``); ``?page=N`` pages through the catalogue (Hydra paging in
the RDF, ``Link: rel="next"`` in the headers). Absolute URLs come from the settings, never from
the request's Host header.
"""

from __future__ import annotations

import threading
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, current_app, render_template, request

from kg.errors import NotFound
from kg.exports.catalogue import (
    PAGE_SIZE,
    Site,
    catalogue_page,
    concepts,
    entries,
    incomplete,
    members,
)
from kg.views.describe import serialize
from web import downloads
from web.context import app_release, app_settings, app_store
from web.entities import BY_EXTENSION, FORMATS, HTML, see_other, with_links

bp = Blueprint("catalogue", __name__)

#: Prefixes of the catalogue's serialisations, beyond the project's own.
PREFIXES = {
    "hydra": "http://www.w3.org/ns/hydra/core#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "spdx": "http://spdx.org/rdf/terms#",
    "dcatde": "http://dcat-ap.de/def/dcatde/",
}


@bp.route("/catalogue")
def index() -> Response:
    return see_other(request.path)


@bp.route("/catalogue.<extension>")
def document(extension: str) -> Response:
    fmt = BY_EXTENSION.get(extension)
    if fmt is None:
        raise NotFound(f"There is no {extension!r} document of the catalogue.")
    number = request.args.get("page", "1")
    if not number.isdigit():
        raise NotFound(f"There is no page {number!r} of the catalogue.")
    settings = app_settings()
    site = site_of(settings)
    size = int(current_app.config.get("CATALOGUE_PAGE_SIZE", PAGE_SIZE))
    try:
        page = catalogue_page(
            app_store(),
            settings.vocab,
            concepts(settings.ontology_dir),
            site,
            int(number),
            size,
            "ttl" if fmt is HTML else fmt.extension,
            release_members(),
        )
    except ValueError as exc:
        raise NotFound(f"There is no page {number} of the catalogue.") from exc
    if fmt is HTML:
        left_out = incomplete(app_store(), settings.vocab) if page.page == 1 else []
        body = render_template(
            "catalogue.html",
            page=page,
            entries=entries(page),
            left_out=left_out,
            size=size,
            alternates=[(f, _url(f.extension, page.page)) for f in FORMATS],
        )
        response = Response(body, mimetype="text/html")
    else:
        prefixes = {**settings.vocab.prefixes, **PREFIXES}
        body = serialize(page.triples, fmt.extension, prefixes)
        response = Response(body, mimetype=fmt.media_type)
        if fmt.media_type.startswith("text/"):
            response.headers["Content-Type"] = f"{fmt.media_type}; charset=utf-8"
    response = with_links(response, request.path)
    _page_links(response, extension, page.page, page.pages)
    return response


def release_members() -> list[tuple[str, str]]:
    """The catalogue's members in the served release, found once per release and worker (at
    100,000 datasets finding them costs more than a page); every time for a store that cannot
    tell its release."""
    release = app_release()
    settings = app_settings()
    if release is None:
        return members(app_store(), settings.vocab)
    with _lock:
        kept = current_app.extensions.get("kg.catalogue_members")
        if kept is not None and kept[0] == release.id:
            return kept[1]
        found = members(app_store(), settings.vocab)  # under the lock: found once, not per request
        current_app.extensions["kg.catalogue_members"] = (release.id, found)
        return found


_lock = threading.Lock()


def _url(extension: str, page: int) -> str:
    query = {"page": page} if page > 1 else {}
    lang = request.args.get("lang")
    if lang and extension == "html":
        query["lang"] = lang
    return f"/catalogue.{extension}" + ("?" + urlencode(query) if query else "")


def _page_links(response: Response, extension: str, page: int, pages: int) -> None:
    links = []
    if page > 1:
        links.append(f'<{_url(extension, page - 1)}>; rel="prev"')
    if page < pages:
        links.append(f'<{_url(extension, page + 1)}>; rel="next"')
    if links:
        existing = response.headers.get("Link")
        response.headers["Link"] = ", ".join([existing, *links] if existing else links)


def site_url(settings) -> str:
    """The public address of the site, from the settings (never from the Host header)."""
    return settings.site_url


def site_of(settings) -> Site:
    url = site_url(settings)
    release = app_release()
    found = downloads.current_dumps()
    dumps = [(f"{url}downloads/{f.name}", f.media_type, f.sha256) for f in found.files]
    name = settings.publisher_name
    return Site(
        url=url,
        publisher_name={"de": name, "en": name},
        publisher_url=settings.publisher_url or url,
        dumps=dumps,
        modified=release.created if release else None,
    )


def register(app: Flask) -> None:
    app.register_blueprint(bp)
