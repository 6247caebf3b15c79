"""Dereferencing: every IRI under the base answers ``303 See Other`` to a document per format,
and each document is the resource's page (HTML) or its RDF twin (Turtle, JSON-LD, N-Triples,
RDF/XML). The ontology and the shapes are documented the same way.

Trifid's order: does the IRI exist (404 if not), describe it, then render by the negotiated
format; ``?format=`` overrides ``Accept``.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import replace
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
)
from jinja2 import TemplateNotFound

from kg.authoring.ontology import OntologyFiles
from kg.errors import NotFound
from kg.exports.catalogue import assessment, concepts
from kg.exports.quality import Quality
from kg.namespaces import PROV
from kg.rdf import IRI
from kg.views.datamodels import PROPERTY
from kg.views.describe import KINDS, TOP, Description, describe, serialize
from kg.views.ontodoc import OntologyDoc, document
from kg.views.search import Query
from kg.views.similar import WEIGHTS, similar
from web import view
from web.conneg import Format, negotiate
from web.context import app_release, app_settings, app_store
from web.errors import error_answer, wants_html
from web.graphs import neighbourhood
from web.schemaorg import schema_org

bp = Blueprint("entities", __name__)

HTML = Format("text/html", "html", ("htm", "application/xhtml+xml"))
TURTLE = Format("text/turtle", "ttl", ("turtle", "application/x-turtle"))
JSONLD = Format("application/ld+json", "jsonld", ("json-ld", "json", "application/json"))
NTRIPLES = Format("application/n-triples", "nt", ("ntriples", "n-triples"))
RDFXML = Format("application/rdf+xml", "rdf", ("rdfxml", "xml"))
FORMATS = [HTML, TURTLE, JSONLD, NTRIPLES, RDFXML]
BY_EXTENSION = {f.extension: f for f in FORMATS}

#: RFC 3987 ``ucschar``: the non-ASCII characters an IRI may hold (no surrogates, no
#: noncharacters at the end of a plane).
_UCSCHAR = "\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef" + "".join(
    f"{chr(plane << 16)}-{chr((plane << 16) + 0xFFFD)}" for plane in range(1, 15)
)
#: One path segment of an IRI (``isegment``): what a resource's name can be.
_SEGMENT = re.compile(rf"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@{_UCSCHAR}]|%[0-9A-Fa-f]{{2}})+")


def is_slug(slug: str) -> bool:
    """True when ``slug`` can end an IRI under the base (RFC 3987 ``isegment``)."""
    return _SEGMENT.fullmatch(slug) is not None


_KIND_RULE = "any(" + ", ".join(f'"{k}"' for k in KINDS) + ")"
_EXISTS = "ASK { ?s ?p ?o }"


# -- dereferencing ------------------------------------------------------------------------------
@bp.route(f"/<{_KIND_RULE}:kind>/<name>")
def resource(kind: str, name: str) -> Response:
    try:
        return _resource(kind, name)
    except NotFound:
        gone = retired_answer(kind, name)
        if gone is None:
            raise
        return gone


def retired_answer(kind: str, name: str) -> Response | None:
    """For a resource that was deleted or renamed through a reviewed change
    (``usecases/.retired.yaml``): ``301`` to the new name, else ``410 Gone`` with a tombstone
    page (in the negotiated language, linking to the history). None for any other resource."""
    from kg.curation import retired

    slug, dot, extension = name.partition(".")
    found = retired.load(app_settings()).get(f"{kind}/{slug}")
    if found is None:
        return None
    if found.replaced_by:
        query = request.query_string.decode("latin-1")
        target = "/" + found.replaced_by.strip("/") + (dot + extension if dot else "")
        return redirect(target + ("?" + query if query else ""), code=301)
    if extension != "html" and not wants_html():  # a client of the data: JSON or text
        text = f"<{view.vocab().entity(kind, slug)}> was removed on {found.retired}."
        return error_answer(410, "Gone", text)
    body = render_template(
        "curation/gone.html", entity=f"{kind}/{slug}", kind=kind, slug=slug, retired=found
    )
    return Response(body, status=410, mimetype="text/html")


def _resource(kind: str, name: str) -> Response:
    slug, dot, extension = name.partition(".")
    if not is_slug(slug):  # a space, a line break or a bracket: no IRI, so nothing is there
        raise NotFound(f"The knowledge graph has no resource named {slug!r}.")
    canonical = _canonical_pair(kind, slug)
    if canonical != slug:  # a sector pair has one page, named in alphabetical order
        target = f"/{kind}/{canonical}" + (dot + extension if dot else "")
        query = request.query_string.decode("latin-1")
        return redirect(target + ("?" + query if query else ""), code=301)
    iri = view.vocab().entity(kind, slug)
    if not dot:
        if not app_store().ask(_EXISTS, {"s": IRI(iri)}):
            raise NotFound(f"The knowledge graph has no description of <{iri}>.")
        return see_other(request.path)
    if kind in USAGE_KINDS and extension in ("json", "csv"):
        return usage_twin(kind, slug, extension)
    fmt = BY_EXTENSION.get(extension)
    if fmt is None:
        raise NotFound(
            f"There is no {extension!r} document; try one of "
            + ", ".join(f".{e}" for e in BY_EXTENSION)
        )
    if fmt is HTML:
        desc = described(kind, slug)
        return with_links(Response(render_entity(desc), mimetype="text/html"), request.path)
    etag = release_etag()
    if etag is not None and request.if_none_match.contains(etag):
        return not_modified(etag)
    response = rdf_response(list(described(kind, slug).triples), fmt, request.path)
    if etag is not None:
        response.set_etag(etag)
    return response


def _canonical_pair(kind: str, slug: str) -> str:
    """``environment--mobility`` for ``mobility--environment``: a link between two sectors is
    one resource, whichever sector one starts from (the build names it in alphabetical order)."""
    if kind != "sectorlink" or slug.count("--") != 1:
        return slug
    return "--".join(sorted(slug.split("--")))


def release_etag() -> str | None:
    """The ETag of an RDF twin: the id of the served release (a twin changes only with it)."""
    release = app_release()
    return release.id if release is not None else None


def not_modified(etag: str) -> Response:
    """``304 Not Modified``: the client's copy is the served release's."""
    response = Response(status=304)
    response.set_etag(etag)
    return with_links(response, request.path)


#: Descriptions each worker keeps (a release never changes, and the most visited pages are the
#: hubs, the dearest to describe).
DESCRIPTIONS = 256


def described(kind: str, slug: str) -> Description:
    """The description of ``{base}{kind}/{slug}`` in the served release, remembered per
    release (a store that cannot tell its release is asked every time)."""
    release = app_release()
    if release is None:
        return describe(app_store(), view.vocab(), kind, slug)
    cache: OrderedDict[tuple[str, str, str], Description]
    cache = current_app.extensions.setdefault("kg.descriptions", OrderedDict())
    key = (release.id, kind, slug)
    with _lock:
        found = cache.get(key)
        if found is not None:
            cache.move_to_end(key)
            return found
    desc = describe(app_store(), view.vocab(), kind, slug)
    with _lock:
        cache[key] = desc
        while len(cache) > DESCRIPTIONS:
            cache.popitem(last=False)
    return desc


_lock = threading.Lock()


def see_other(path: str) -> Response:
    """303 to the document of ``path`` in the format chosen by ``?format=`` or ``Accept``."""
    fmt = negotiate(request.headers.get("Accept"), request.args.get("format"), FORMATS, HTML)
    params = [(k, v) for k, vs in request.args.lists() if k != "format" for v in vs]
    target = f"{path}.{fmt.extension}" + ("?" + urlencode(params) if params else "")
    response = redirect(target, code=303)
    response.vary.add("Accept")
    return response


def alternates(path: str) -> list[tuple[Format, str]]:
    """(format, URL) of every document of the resource at ``path`` (no extension)."""
    stem = path.rsplit(".", 1)[0] if "." in path.rsplit("/", 1)[-1] else path
    return [(f, f"{stem}.{f.extension}") for f in FORMATS]


def with_links(response: Response, path: str) -> Response:
    """Add ``Link: rel=alternate`` for every twin of the document at ``path``."""
    links = [
        f'<{url}>; rel="alternate"; type="{f.media_type}"'
        for f, url in alternates(path)
        if not path.endswith("." + f.extension)
    ]
    response.headers["Link"] = ", ".join(links)
    return response


def rdf_response(triples: list, fmt: Format, path: str) -> Response:
    body = serialize(triples, fmt.extension, view.vocab().prefixes)
    mimetype = fmt.media_type
    response = Response(body, mimetype=mimetype)
    if mimetype.startswith("text/"):
        response.headers["Content-Type"] = f"{mimetype}; charset=utf-8"
    return with_links(response, path)


#: Kinds shown with another kind's template (a pattern's page is a use case's, marked).
TEMPLATES = {"pattern": "usecase", "dataset-type": "datatype", "data-model": "datatype"}
#: Kinds whose page also has a JSON and a CSV twin of who uses them (the table of the page).
USAGE_KINDS = frozenset({*PROPERTY, "mim"})


def usage_twin(kind: str, slug: str, extension: str) -> Response:
    """The use cases, sectors, platforms and standards around a dataset type or data model
    (one CSV row per use case and dataset), or the platforms implementing a MIM and the use
    cases on them (one CSV row per platform and use case), as JSON or as CSV."""
    found = described(kind, slug).extra["usage"]
    if extension == "json":
        response = jsonify(found.json(view.lang()))
    else:
        response = Response(found.csv(view.lang()), mimetype="text/csv")
        response.headers["Content-Disposition"] = f'inline; filename="{kind}-{slug}.csv"'
    return with_links(response, request.path)


def usage_alternates(path: str) -> list[tuple[str, str, str]]:
    """(name, media type, URL) of the JSON and CSV twins of a usage page."""
    stem = path.rsplit(".", 1)[0]
    return [("JSON", "application/json", stem + ".json"), ("CSV", "text/csv", stem + ".csv")]


#: Kinds whose pages list their real use cases, read from the search index: kind → facet (a
#: place's include those of every place inside it).
LISTED = {"place": "place", "org": "org", "standard": "standard", "platform": "platform"}


def listed_usecases(desc: Description, facet: str) -> dict[str, object]:
    """The first :data:`TOP` real use cases of the resource (its facet value selected), how
    many patterns the same filter finds, and the role of each use case an organisation's page
    knows from its incoming stakeholder links."""
    query = Query(selected={facet: (desc.slug,)}, lang=view.lang())
    roles = {}
    for node in getattr(desc.into(PROV + "qualifiedAttribution", PROV + "agent"), "nodes", ()):
        if node.iri and node.extra.get("role"):
            roles[node.iri] = node.extra["role"]
    return {
        "listed": view.search(query, page_size=TOP),
        "listed_patterns": view.search(replace(query, patterns=True), page_size=1).total,
        "roles": roles,
    }


def render_entity(desc: Description, **extra: object) -> str:
    """The page of a described resource; ``extra`` goes to the template as it is (the preview
    of a proposal passes the proposal)."""
    context: dict[str, object] = {
        **extra,
        "desc": desc,
        "alternates": alternates(request.path),
        "schema": schema_org(desc),
        "iri": desc.iri,
        "ns": view.vocab().ns,
    }
    if desc.kind in ("usecase", "pattern"):
        context["graph"] = neighbourhood(desc)
        context["similar"] = similar(view.index(), desc.iri, lang=view.lang())
        context["weights"] = WEIGHTS
    if desc.kind in USAGE_KINDS:
        context["usage_twins"] = usage_alternates(request.path)
    if desc.kind in ("dataset", "platform"):
        context["quality"] = quality(desc)
    facet = LISTED.get(desc.kind)
    if facet is not None:
        context.update(listed_usecases(desc, facet))
    try:
        return render_template(f"entity/{TEMPLATES.get(desc.kind, desc.kind)}.html", **context)
    except TemplateNotFound:
        return render_template("entity/resource.html", **context)


#: The types that make a resource a dataset or a data service of the catalogue.
_DATASET = "http://www.w3.org/ns/dcat#Dataset"
_SERVICES = ("http://www.w3.org/ns/dcat#DataService", "DataPlatform")


def quality(desc: Description) -> Quality | None:
    """The metadata quality of a dataset or data service (the catalogue page's figure), its
    kind told by the types the description already holds."""
    settings = app_settings()
    if _DATASET in desc.types:
        kind = "dataset"
    elif _SERVICES[0] in desc.types or settings.vocab.ns + _SERVICES[1] in desc.types:
        kind = "service"
    else:
        return None
    vocabularies = concepts(settings.ontology_dir)
    return assessment(app_store(), settings.vocab, vocabularies, desc.iri, kind)


# -- ontology and shapes ------------------------------------------------------------------------
def ontology_files() -> OntologyFiles:
    """The ontology files of this app, parsed once."""
    extensions = current_app.extensions
    if "kg.ontology" not in extensions:
        settings = extensions["kg.settings"]
        extensions["kg.ontology"] = OntologyFiles(settings.ontology_dir, settings.vocab)
    return extensions["kg.ontology"]


def _documentation(files: OntologyFiles) -> OntologyDoc:
    extensions = current_app.extensions
    if "kg.ontology_doc" not in extensions:
        extensions["kg.ontology_doc"] = document(files)
    return extensions["kg.ontology_doc"]


@bp.route("/ontology", defaults={"extension": None})
@bp.route("/ontology.<extension>")
def ontology(extension: str | None) -> Response:
    return _doc_page("ontology", extension)


@bp.route("/shapes", defaults={"extension": None})
@bp.route("/shapes.<extension>")
def shapes(extension: str | None) -> Response:
    return _doc_page("shapes", extension)


def _doc_page(which: str, extension: str | None) -> Response:
    if extension is None:
        return see_other(request.path)
    fmt = BY_EXTENSION.get(extension)
    if fmt is None:
        raise NotFound(f"There is no {extension!r} document of the {which}.")
    files = ontology_files()
    if fmt is not HTML:
        graph = files.tbox if which == "ontology" else files.shapes
        triples = _plain(graph)
        return rdf_response(triples, fmt, request.path)
    doc = _documentation(files)
    body = render_template(f"{which}.html", doc=doc, alternates=alternates(request.path))
    return with_links(Response(body, mimetype="text/html"), request.path)


def _plain(graph) -> list:
    from kg.bridge import from_rdflib

    return [(from_rdflib(s), from_rdflib(p), from_rdflib(o)) for s, p, o in graph]
