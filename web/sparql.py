"""The SPARQL 1.1 Protocol endpoint ``/sparql``, read-only.

Every query is screened by :func:`kg.sparql.guard.screen` here (length, nesting, words), then
checked on its parse by :func:`kg.sparql.guard.check` and run in a worker process of
:mod:`kg.sparql.sandbox`, with a deadline, a row cap, a byte cap and a memory limit; the complete
result is in hand (a spool file the worker wrote) before the status line is sent, and is streamed
from that file. Without a query, ``/sparql`` answers with the Service Description (RDF clients) or
the query editor (browsers).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, cast

from flask import Blueprint, Flask, Response, current_app, render_template, request, url_for
from rdflib import Graph
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import UnsupportedMediaType

from kg.errors import QueryError, QueryRefused
from kg.rdf import is_valid_iri
from kg.sparql import guard
from kg.sparql.queries import NamedQuery, inline
from kg.sparql.sandbox import QueryPool, Task
from kg.sparql.service import service_description
from kg.store import ResultFormat
from kg.store.base import Dataset
from web.conneg import Format, negotiate
from web.context import app_settings
from web.editor_texts import texts
from web.named import catalogue, ui_lang

bp = Blueprint("sparql", __name__)


def _offer(fmt: ResultFormat, *aliases: str) -> Format:
    return Format(fmt.media_type, fmt.extension, (fmt.name.lower(), *aliases))


#: Results of SELECT and ASK, by what a client may ask for (media type or ``format=``).
TABULAR: dict[Format, ResultFormat] = {
    _offer(ResultFormat.SPARQL_JSON, "json"): ResultFormat.SPARQL_JSON,
    _offer(ResultFormat.SPARQL_XML, "xml"): ResultFormat.SPARQL_XML,
    _offer(ResultFormat.CSV): ResultFormat.CSV,
    _offer(ResultFormat.TSV, "text/tab-separated-values"): ResultFormat.TSV,
    Format("application/json", "json"): ResultFormat.SPARQL_JSON,
    Format("application/xml", "xml"): ResultFormat.SPARQL_XML,
}
#: Results of CONSTRUCT and DESCRIBE. ``n3`` gets Turtle, which is valid N3.
GRAPH: dict[Format, ResultFormat] = {
    _offer(ResultFormat.TURTLE, "turtle", "n3", "text/n3"): ResultFormat.TURTLE,
    _offer(ResultFormat.N_TRIPLES, "ntriples", "n-triples"): ResultFormat.N_TRIPLES,
    _offer(ResultFormat.JSON_LD, "json-ld", "json"): ResultFormat.JSON_LD,
    _offer(ResultFormat.RDF_XML, "rdf+xml", "rdfxml", "xml"): ResultFormat.RDF_XML,
    Format("text/n3", "n3"): ResultFormat.TURTLE,
    Format("text/rdf+n3", "n3"): ResultFormat.TURTLE,
    Format("application/x-turtle", "ttl"): ResultFormat.TURTLE,
    Format("application/json", "jsonld"): ResultFormat.JSON_LD,
    Format("application/xml", "rdf"): ResultFormat.RDF_XML,
}
#: Documents about the service (Service Description, VoID), serialised with rdflib.
RDF_DOCUMENTS: dict[Format, str] = {
    Format("text/turtle", "ttl", ("turtle",)): "turtle",
    Format("application/ld+json", "jsonld", ("json-ld", "json", "application/json")): "json-ld",
    Format("application/n-triples", "nt", ("ntriples",)): "nt",
    Format("application/rdf+xml", "rdf", ("rdfxml", "xml")): "xml",
}
HTML = Format("text/html", "html")

_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


@dataclass(frozen=True)
class ProtocolRequest:
    """What a SPARQL Protocol request asks: the query and the dataset it names."""

    query: str | None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    """The SPARQL 1.1 Protocol query operation."""
    started = time.perf_counter()
    asked = protocol_request()
    if asked.query is None:
        if request.method == "POST":
            raise QueryError("no query given: send it as the query parameter or the body")
        return _description_or_editor()
    if _browser_wants_page():
        return editor(initial=asked.query)
    return run_query(asked, started)


def _browser_wants_page() -> bool:
    """A browser opening a shared ``/sparql?query=…`` link gets the editor, not raw results."""
    if request.method != "GET":
        return False
    offered = [*TABULAR, *GRAPH, HTML]
    return negotiate(request.headers.get("Accept"), _format_param(), offered, offered[0]) == HTML


def editor(initial: str = "") -> Response:
    """The query editor (YASGUI), with the named queries as examples."""
    lang = ui_lang()
    queries = list(catalogue())
    config = {
        "endpoint": url_for("sparql.endpoint"),
        "prefixes": app_settings().vocab.editor_prefixes,
        "initial": initial,
        "starter": STARTER.replace("$LANG", lang),
        "examples": {
            q.name: {"title": q.in_lang("title", lang), "text": _example(q)} for q in queries
        },
        "labels": EDITOR_LABELS[lang],
        "views": VIEW_TEXTS[lang],
        "texts": texts(lang),
        "base": app_settings().vocab.base,
        "site": url_for("pages.home"),
        "lang": lang,
    }
    page = render_template("sparql/editor.html", queries=queries, lang=lang, config=config)
    return Response(page, mimetype="text/html")


def _example(query: NamedQuery) -> str:
    """A named query as the editor shows it: with its default parameters written in."""
    try:
        vocab = app_settings().vocab
        return inline(query.specialised({}, vocab).text, query.bindings({}, vocab))
    except QueryError:  # a required parameter without default: the reader fills it in
        return query.text


#: Accessible names for the editor's unlabelled controls (YASGUI leaves them without).
EDITOR_LABELS = {
    "de": {
        "query": "SPARQL-Abfrage",
        "endpoint": "Endpunkt",
        "tabName": "Name des Reiters",
        "tabs": "Abfragen",
        "rows": "Zeilen je Seite",
    },
    "en": {
        "query": "SPARQL query",
        "endpoint": "Endpoint",
        "tabName": "Tab name",
        "tabs": "Queries",
    },
}

#: The texts of the editor's chart and graph views (web/static/editor/views.js).
VIEW_TEXTS = {
    "de": {
        "chart": "Diagramm",
        "chartCaption": "Balkendiagramm: {value} je {name}",
        "chartFirst": "Die ersten {n} Zeilen; alle stehen in der Tabelle.",
        "graph": "Graph",
        "graphCaption": "Graph der Ergebnisse: {nodes} Ressourcen, {edges} Verbindungen.",
        "graphFirst": "Die ersten {n} Ressourcen.",
        "graphSame": "Dieselben Angaben stehen in der Tabelle und in der Antwort.",
    },
    "en": {
        "chart": "Chart",
        "chartCaption": "Bar chart: {value} by {name}",
        "chartFirst": "The first {n} rows; the table has them all.",
        "graph": "Graph",
        "graphCaption": "Graph of the results: {nodes} resources, {edges} links.",
        "graphFirst": "The first {n} resources.",
        "graphSame": "The table and the response show the same facts.",
    },
}

#: The query a new editor tab starts with (after the prefixes).
STARTER = """SELECT ?useCase ?title WHERE {
  ?useCase a sckg:UseCase ;
    dcterms:title ?title .
  FILTER(LANG(?title) = "$LANG")
}
ORDER BY ?title
LIMIT 20
"""


@bp.after_request
def _vary(response: Response) -> Response:
    """The answer depends on ``Accept`` (cross-origin headers: :mod:`web.delivery`)."""
    response.vary.add("Accept")
    return response


def protocol_request() -> ProtocolRequest:
    """Read the query and the dataset from a GET or POST, as the Protocol prescribes."""
    values = _post_values() if request.method == "POST" else request.args
    if "update" in values or "using-graph-uri" in values or "using-named-graph-uri" in values:
        raise QueryRefused("SPARQL Update is not accepted: this service is read-only")
    queries = values.getlist("query")
    if len(queries) > 1:
        raise QueryError("give exactly one query parameter")
    return ProtocolRequest(
        query=queries[0] if queries else None,
        default_graphs=_graph_uris(values, "default-graph-uri"),
        named_graphs=_graph_uris(values, "named-graph-uri"),
    )


def _post_values() -> MultiDict[str, str]:
    mimetype = request.mimetype
    if mimetype == "application/sparql-update":
        raise QueryRefused("SPARQL Update is not accepted: this service is read-only")
    if mimetype in _FORMS:
        merged = MultiDict(request.args)
        for key, value in request.form.items(multi=True):
            merged.add(key, value)
        return merged
    if mimetype == "application/sparql-query":
        values = MultiDict(request.args)
        values.add("query", _utf8_body())
        return values
    raise UnsupportedMediaType(
        "POST a query as application/sparql-query or application/x-www-form-urlencoded"
    )


def _utf8_body() -> str:
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise QueryError(f"the query must be sent in UTF-8, not {charset}")
    try:
        return request.get_data().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise QueryError(f"the query is not valid UTF-8: {exc}") from exc


def _graph_uris(values: MultiDict[str, str], name: str) -> tuple[str, ...]:
    uris = tuple(values.getlist(name))
    for uri in uris:
        if not is_valid_iri(uri):
            raise QueryError(f"{name} must be an absolute IRI, not {uri!r}")
    return uris


def run_query(asked: ProtocolRequest, started: float | None = None) -> Response:
    """Screen, negotiate, check and run in a worker, answer: status decided with the result
    in hand, the body streamed from the worker's spool file. ``started``: when the request
    began to be read (for the ``Server-Timing`` header)."""
    started = time.perf_counter() if started is None else started
    assert asked.query is not None
    settings = app_settings()
    screened = guard.screen(
        asked.query, max_length=settings.max_query_length, max_depth=settings.max_query_depth
    )
    offered = GRAPH if screened.kind.is_graph else TABULAR
    chosen = negotiate(request.headers.get("Accept"), _format_param(), list(offered))
    fmt = offered[chosen]
    protocol = Dataset(asked.default_graphs, asked.named_graphs)
    task = Task(
        asked.query,
        screened.kind,
        fmt,
        dataset=protocol if asked.default_graphs or asked.named_graphs else None,
        base_iri=url_for("sparql.endpoint", _external=True),
        max_rows=settings.max_rows,
        guarded=True,
    )
    screened_ms = (time.perf_counter() - started) * 1000
    answer = query_pool().answer(task)
    response = Response(_chunks(answer.file), mimetype=fmt.media_type)
    response.content_length = answer.size
    if settings.server_timing:
        response.headers["Server-Timing"] = server_timing({"screen": screened_ms, **answer.timings})
    # A server calls close(); a client that stops reading early leaves the rest to it.
    response.call_on_close(answer.file.close)
    return response


def server_timing(stages: dict[str, float]) -> str:
    """A ``Server-Timing`` header value: ``screen;dur=0.21, run;dur=3.5``."""
    return ", ".join(f"{name};dur={ms:.2f}" for name, ms in stages.items())


def _chunks(file: BinaryIO, size: int = 64 * 1024) -> Iterator[bytes]:
    """The answer file in chunks, closed as soon as it is read to the end (a WSGI server that
    never calls ``close()`` must not leave the spool file open)."""
    try:
        while chunk := file.read(size):
            yield chunk
    finally:
        file.close()


def _format_param() -> str | None:
    """The first ``format`` value (SPARQLWrapper sends a name, then a media type)."""
    return request.values.get("format") or None


def _description_or_editor() -> Response:
    offered = [HTML, *RDF_DOCUMENTS]
    default = next(iter(RDF_DOCUMENTS))
    chosen = negotiate(request.headers.get("Accept"), _format_param(), offered, default)
    if chosen == HTML:
        return editor()
    graph = service_description(
        url_for("sparql.endpoint", _external=True),
        app_settings().vocab,
        url_for("downloads.void", _external=True),
    )
    return rdf_document(graph, chosen)


def rdf_document(graph: Graph, chosen: Format) -> Response:
    """``graph`` serialised in the negotiated format."""
    body = graph.serialize(format=RDF_DOCUMENTS[chosen], encoding="utf-8")
    return Response(body, mimetype=chosen.media_type)


def negotiate_rdf_document() -> Format:
    """The RDF format a client asks for (Turtle by default)."""
    offered = list(RDF_DOCUMENTS)
    return negotiate(request.headers.get("Accept"), _format_param(), offered, offered[0])


def query_pool() -> QueryPool:
    return cast(QueryPool, current_app.extensions["kg.sandbox"])


def register(app: Flask) -> None:
    """Add the endpoint and its worker pool (processes start on the first query)."""
    app.extensions["kg.sandbox"] = QueryPool(app.extensions["kg.settings"])
    app.register_blueprint(bp)
