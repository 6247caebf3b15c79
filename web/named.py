"""Named queries on the web: a list, a page per query with a form and results, JSON/CSV twins.

Each page is a permalink: its parameters are in the URL (``/queries/usecases-by-sector?
sector=energy``). Parameters are bound as typed RDF terms by :mod:`kg.sparql.queries` (never pasted
into the query text) and the query runs in the endpoint's worker pool, with its deadline and
row cap.

Results come a page at a time (``?page=``, :data:`~kg.sparql.queries.PAGE_SIZE` rows), on the HTML
page and in the twins alike, so no named query trips the row cap however large the graph grows; a
page links to the next one (HTML links and ``Link: rel="next"`` headers) only when there is one.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, cast
from urllib.parse import quote

from flask import Blueprint, Flask, Response, current_app, render_template, request, url_for
from rdflib import Graph
from rdflib.term import BNode as RdfBNode
from rdflib.term import Literal as RdfLiteral

from kg.errors import KGError, NotFound
from kg.sparql.answers import PageAnswer, SharedAnswers, answers_folder, choices_answer
from kg.sparql.queries import (
    PAGE_SIZE,
    RESERVED,
    NamedQuery,
    Page,
    Param,
    QueryCatalogue,
    inline,
    page_of,
)
from kg.sparql.sandbox import QueryPool
from kg.store import QueryKind, ResultFormat
from web.answers import NamedAnswers
from web.context import app_release, app_settings

bp = Blueprint("named", __name__)

#: Twins of a query page, by extension: (format for SELECT/ASK, format for CONSTRUCT/DESCRIBE).
TWINS: dict[str, tuple[ResultFormat, ResultFormat]] = {
    "json": (ResultFormat.SPARQL_JSON, ResultFormat.JSON_LD),
    "csv": (ResultFormat.CSV, ResultFormat.N_TRIPLES),
}
LANGS = ("en", "de")


def ui_lang() -> str:
    """The interface language: ``?lang=``, then ``Accept-Language``, then English."""
    asked = request.args.get("lang", "")
    if asked in LANGS:
        return asked
    return request.accept_languages.best_match(LANGS, default="en") or "en"


def catalogue() -> QueryCatalogue:
    """The named queries of the project (read once per app)."""
    return _catalogue_of(cast(Flask, current_app))


def _catalogue_of(app: Flask) -> QueryCatalogue:
    found = app.extensions.get("kg.queries")
    if found is None:
        settings = app.extensions["kg.settings"]
        found = QueryCatalogue(settings.queries_dir, settings.vocab)
        app.extensions["kg.queries"] = found
    return cast(QueryCatalogue, found)


@bp.route("/queries")
def index() -> Response:
    """Every named query, with its title and description."""
    page = render_template("queries/index.html", queries=list(catalogue()), lang=ui_lang())
    return Response(page, mimetype="text/html")


@bp.route("/queries.json")
def index_json() -> Response:
    """The list of named queries as JSON (names, titles, parameters, links)."""
    items = [_summary(query) for query in catalogue()]
    return _json_response(json.dumps({"queries": items}, ensure_ascii=False, indent=2))


@bp.route("/queries/<name>")
def page(name: str) -> Response:
    """A named query: description, parameter form, one page of results, links to its twins."""
    query = catalogue().get(name)
    lang = ui_lang()
    given = _given(query)
    query = query.specialised(given, app_settings().vocab)
    bindings = query.bindings(given, app_settings().vocab)
    part = _page(query)
    columns, rows, more = _table(query, bindings, part)
    links = _page_links(name, given, part, more)
    body = render_template(
        "queries/query.html",
        query=query,
        lang=lang,
        given=given,
        choices={p.name: _choices(p, lang) for p in query.params if p.vocab and not p.many},
        columns=columns,
        headings={c: catalogue().heading(query, c, lang) for c in columns},
        rows=rows,
        part=part,
        pages=links,
        base=app_settings().vocab.base,
        twins={ext: url_for("named.twin", name=name, ext=ext, **given) for ext in TWINS},
        permalink=url_for("named.page", name=name, _external=True, **given),
        editor=url_for("sparql.endpoint") + "#query=" + _quote(inline(part.text, bindings)),
    )
    response = Response(body, mimetype="text/html")
    for ext, (tabular, graph) in TWINS.items():
        fmt = graph if query.kind.is_graph else tabular
        link = url_for("named.twin", name=name, ext=ext, **given, **_page_arg(part.number))
        response.headers.add("Link", f'<{link}>; rel="alternate"; type="{fmt.media_type}"')
    _add_page_headers(response, links)
    return response


@bp.route("/queries/<name>.<ext>")
def twin(name: str, ext: str) -> Response:
    """One page of the query's results as SPARQL JSON / CSV (or JSON-LD / N-Triples)."""
    query = catalogue().get(name)
    if ext not in TWINS:
        raise NotFound(f"no .{ext} twin; offered: {', '.join(TWINS)}")
    given = _given(query)
    query = query.specialised(given, app_settings().vocab)
    bindings = query.bindings(given, app_settings().vocab)
    part = _page(query)
    tabular, graph = TWINS[ext]
    if query.kind.is_graph:
        data = _run(part.text, query, bindings, graph) if not part.beyond else b""
        more = _has_more_triples(query, bindings, part)
        if ext == "csv":
            response = _csv_response(_triples_csv(data))
        else:
            response = Response(data, mimetype=graph.media_type)
    else:
        document, more = _select_page(query, bindings, part)
        if ext == "csv":
            response = _csv_response(_solutions_csv(document))
        else:
            body = json.dumps(document, ensure_ascii=False).encode("utf-8")
            response = Response(body, mimetype=tabular.media_type)
    _add_page_headers(response, _page_links(name, given, part, more, ext=ext))
    return response


def _given(query: NamedQuery) -> dict[str, str]:
    """The query's parameters from the URL; other names (lang, format, page, tracking) are
    ignored."""
    names = {p.name for p in query.params} - RESERVED
    return {k: v for k, v in request.args.items() if k in names and v.strip()}


def _page_number() -> int:
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1


def _page(query: NamedQuery) -> Page:
    """The page of ``query`` the request asks for (``NAMED_QUERY_PAGE_SIZE`` rows, for tests)."""
    size = int(current_app.config.get("NAMED_QUERY_PAGE_SIZE", PAGE_SIZE))
    return page_of(query, _page_number(), size)


def _page_arg(number: int) -> dict[str, int]:
    return {"page": number} if number > 1 else {}


def _page_links(
    name: str, given: dict[str, str], part: Page, more: bool, ext: str | None = None
) -> dict[str, str]:
    """URLs of the previous and next page (the next only when there is one)."""
    endpoint, extra = ("named.twin", {"ext": ext}) if ext else ("named.page", {})
    if not ext and request.args.get("lang") in LANGS:
        extra["lang"] = request.args["lang"]
    links = {}
    if part.number > 1:
        args = _page_arg(part.number - 1)
        links["prev"] = url_for(endpoint, name=name, **extra, **given, **args)
    if more:
        links["next"] = url_for(endpoint, name=name, **extra, **given, page=part.number + 1)
    return links


def _add_page_headers(response: Response, links: dict[str, str]) -> None:
    for rel, url in links.items():
        response.headers.add("Link", f'<{url}>; rel="{rel}"')


def _run(text: str, query: NamedQuery, bindings: dict, fmt: ResultFormat) -> bytes:
    """The answer of one page of a named query: from the release's shared answer file, else
    from this process's cache, else computed by a query worker (and kept in the shared file
    when it is a default page's)."""
    item = PageAnswer(query.name, text, query.kind, fmt, bindings)
    return _answers().answer(_release_id(), item, _pool())


def _select_page(query: NamedQuery, bindings: dict, part: Page) -> tuple[dict, bool]:
    """The SPARQL JSON document of one page of a SELECT (or an ASK) and whether more follow.

    The page's query asks for one row more than the page shows: that row only says there is
    a next page."""
    document = json.loads(_run(part.text, query, bindings, ResultFormat.SPARQL_JSON))
    if query.kind is QueryKind.ASK:
        return document, False
    rows = document["results"]["bindings"]
    document["results"]["bindings"] = rows[: part.size]
    return document, len(rows) > part.size


def _has_more_triples(query: NamedQuery, bindings: dict, part: Page) -> bool:
    if part.probe is None or part.beyond:
        return False
    return bool(_run(part.probe, query, bindings, ResultFormat.N_TRIPLES).strip())


def _table(
    query: NamedQuery, bindings: dict, part: Page
) -> tuple[list[str], list[dict[str, Any]], bool]:
    """Columns, rows (SPARQL JSON terms) of one page for the HTML table, and whether more
    follow."""
    if query.kind.is_graph:
        data = _run(part.text, query, bindings, ResultFormat.N_TRIPLES) if not part.beyond else b""
        graph = Graph().parse(data=data, format="nt")
        rows = [
            {"subject": _json_term(s), "predicate": _json_term(p), "object": _json_term(o)}
            for s, p, o in sorted(graph)
        ]
        return ["subject", "predicate", "object"], rows, _has_more_triples(query, bindings, part)
    document, more = _select_page(query, bindings, part)
    if query.kind is QueryKind.ASK:
        value = {"type": "literal", "value": str(document["boolean"])}
        return ["boolean"], [{"boolean": value}], False
    return document["head"]["vars"], document["results"]["bindings"], more


def _json_term(term: Any) -> dict[str, str]:
    if isinstance(term, RdfLiteral):
        out = {"type": "literal", "value": str(term)}
        if term.language:
            out["xml:lang"] = term.language
        return out
    return {"type": "bnode" if isinstance(term, RdfBNode) else "uri", "value": str(term)}


def _solutions_csv(document: dict[str, Any]) -> str:
    """SPARQL 1.1 Query Results CSV of a JSON results document (values without their types)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    variables = document["head"].get("vars", [])
    if "boolean" in document:
        writer.writerow(["boolean"])
        writer.writerow([str(document["boolean"]).lower()])
        return buffer.getvalue()
    writer.writerow(variables)
    for row in document["results"]["bindings"]:
        writer.writerow([_csv_value(row.get(name)) for name in variables])
    return buffer.getvalue()


def _csv_value(term: dict[str, Any] | None) -> str:
    if term is None:
        return ""
    return "_:" + term["value"] if term["type"] == "bnode" else term["value"]


def _triples_csv(data: bytes) -> str:
    graph = Graph().parse(data=data, format="nt")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["subject", "predicate", "object"])
    writer.writerows([str(s), str(p), str(o)] for s, p, o in sorted(graph))
    return buffer.getvalue()


def _choices(param: Param, lang: str) -> list[tuple[str, str]]:
    """(slug, label) of the entities a vocabulary parameter can name, for the form.

    Their query is one of the release's shared answers (kg/sparql/answers.py): read from the
    answer file when a process of the host computed it, else run by a query worker once."""
    vocab = app_settings().vocab
    prefix = vocab.entity(str(param.vocab), "")
    release = _release_id()
    known, lists = current_app.extensions.get("kg.choices", (None, {}))
    if known != release:  # only the served release's lists are kept
        lists = {}
        current_app.extensions["kg.choices"] = (release, lists)
    cached = lists.get((prefix, lang))
    if cached is None:
        item = choices_answer(param, vocab)
        rows = json.loads(_answers().answer(release, item, _pool()))["results"]["bindings"]
        labels: dict[str, dict[str, str]] = {}
        for row in rows:
            slug = row["x"]["value"][len(prefix) :]
            labels.setdefault(slug, {})[row["l"].get("xml:lang", "")] = row["l"]["value"]
        cached = sorted(
            ((slug, texts.get(lang) or texts.get("en") or next(iter(texts.values())))
             for slug, texts in labels.items()),
            key=lambda item: item[1].lower(),
        )  # fmt: skip
        lists[(prefix, lang)] = cached
    return cached


def _summary(query: NamedQuery) -> dict[str, Any]:
    return {
        "name": query.name,
        "kind": query.kind.value,
        "title": query.title,
        "description": query.description,
        "params": [
            {"name": p.name, "type": p.type, "default": p.default, "vocab": p.vocab}
            for p in query.params
        ],
        "page": url_for("named.page", name=query.name, _external=True),
        "json": url_for("named.twin", name=query.name, ext="json", _external=True),
        "csv": url_for("named.twin", name=query.name, ext="csv", _external=True),
        "query": query.text,
    }


def _quote(text: str) -> str:
    return quote(text, safe="")


def _json_response(body: str) -> Response:
    response = Response(body, mimetype="application/json")
    return response


def _csv_response(body: str) -> Response:
    response = Response(body, mimetype="text/csv")
    return response


def _release_id() -> str:
    release = app_release()
    return release.id if release else ""


def _pool() -> QueryPool:
    return cast(QueryPool, current_app.extensions["kg.sandbox"])


def _answers() -> NamedAnswers:
    return cast(NamedAnswers, current_app.extensions["kg.named-answers"])


def _notice_release() -> None:
    """Every request: a release this process has not seen starts the warm-up of its default
    answers (web/answers.py), in the background."""
    answers = _answers()
    if answers.warmup:
        try:
            release = _release_id()
        except KGError:  # the store is down: the page says so, not this hook
            return
        answers.notice(release, _pool())


def register(app: Flask) -> None:
    settings = app.extensions["kg.settings"]
    page_size = int(app.config.get("NAMED_QUERY_PAGE_SIZE", PAGE_SIZE))
    app.extensions["kg.named-answers"] = NamedAnswers(
        settings,
        app.extensions["kg.store"],
        SharedAnswers(answers_folder(settings)),
        lambda: _catalogue_of(app),
        page_size,
        warmup=bool(app.config.get("ANSWERS_WARMUP", not app.testing)),
    )
    app.before_request(_notice_release)
    app.register_blueprint(bp)
