"""The pages people use: home, the use-case list with search and facets, autocomplete, the
sector interconnections (matrix, network, JSON and CSV twins) and the lists of resources.

Figures that aggregate the whole graph (the counts on the home page, the interconnection matrix)
are computed once per published release; the search index likewise (:mod:`kg.views.search`).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import lazy_gettext

from kg.authoring.vocabularies import MUSTERDATENKATALOG, read_musterdatenkatalog
from kg.authoring.yamlld import FOREIGN_CODES
from kg.build.derive import RULES_DIR
from kg.errors import InvalidRequest, NotFound, Problem, QueryError
from kg.rdf import IRI
from kg.store import Release, Store
from kg.views.datamodels import Possible, labels, pair_layer, used_types
from kg.views.datamodels import possible as possible_for
from kg.views.interconnect import (
    PARTS,
    Cell,
    Interconnections,
    datamodel_interconnections,
    interconnections,
    pattern_interconnections,
)
from kg.views.portal import MAX_BYTES, PortalCatalogue, read_catalogue
from kg.views.search import FACETS, SORTS, IndexCache, Query
from kg.views.searchindex import index_folder
from kg.views.stats import LABELS, figures
from web import entities, view
from web.conneg import Format, negotiate
from web.context import app_release, app_store
from web.graphs import cell_text, network

bp = Blueprint("pages", __name__)

#: The lists of resources: URL path → (kind under the base, label de, label en).
LISTS = {
    "sectors": ("sector", "Sektoren", "Sectors"),
    "datasets": ("dataset", "Datensätze und Datendienste", "Datasets and data services"),
    "places": ("place", "Orte", "Places"),
    "organisations": ("org", "Organisationen", "Organisations"),
    "standards": ("standard", "Standards", "Standards"),
    "platforms": ("platform", "Datenplattformen", "Data platforms"),
    "components": ("component", "Softwarekomponenten", "Software components"),
    "programmes": ("programme", "Förderprogramme", "Funding programmes"),
}
RECENT = 8
#: Resources per page of a list (a kind can have more than 100,000 at scale).
LIST_PAGE = 500


class ReleaseCache:
    """One value computed from the store, recomputed when a new release is served."""

    def __init__(self, compute: Callable[[Store], Any]) -> None:
        self.compute = compute
        self._lock = threading.Lock()
        self._key: object = object()
        self._value: Any = None

    def get(self, store: Store, release: Release | None) -> Any:
        key = release.id if release is not None else None
        if key is None or key != self._key:
            with self._lock:
                if key is None or key != self._key:
                    self._value, self._key = self.compute(store), key
        return self._value


def _cached(name: str) -> Any:
    return current_app.extensions[name].get(app_store(), app_release())


def matrix() -> Interconnections:
    return _cached("kg.interconnections")


def chosen_matrix() -> Interconnections:
    """The matrix of the real use cases, with ``?kind=pattern`` that of the patterns, with
    ``?measure=data-model`` the real use cases' matrix by shared data models."""
    if request.args.get("kind") == "pattern":
        return _cached("kg.pattern_interconnections")
    measure = request.args.get("measure")
    if measure == "data-model":
        return _cached("kg.datamodel_interconnections")
    if measure in PARTS and measure != "weight":
        return matrix().by(measure)
    return matrix()


def cell_href(links: Interconnections, cell: Cell) -> str:
    """Where a cell leads: the sector link's page, or for patterns the list of the patterns
    both sectors share."""
    if links.measure == "data-model":
        pair = "--".join(sorted(iri.rsplit("/", 1)[-1] for iri in (cell.a, cell.b)))
        return url_for("pages.datamodel_pair", pair=pair)
    if not links.patterns:
        return view.href(cell.link) or ""
    slugs = {k: iri.rsplit("/", 1)[-1] for k, iri in (("a", cell.a), ("b", cell.b))}
    return url_for("named.page", name="sector-pair-patterns", **slugs)


# -- home ---------------------------------------------------------------------------------------
@bp.route("/")
def home() -> str:
    counts = _cached("kg.stats")
    shown = [
        (name, LABELS[name][view.lang()], counts[name])
        for name in (
            "usecases",
            "crosssector",
            "sectors",
            "datasets",
            "flows",
            "places",
            "organisations",
            "standards",
        )
    ]
    links = matrix()
    return render_template(
        "home.html",
        figures=shown,
        patterns=view.index().pattern_count,
        links=links,
        top_links=links.edges()[:8],
        recent=view.index().recent(RECENT),
    )


# -- use cases: search, facets, autocomplete ----------------------------------------------------
def _page() -> int:
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1


#: Facet → the URL parameter choosing how its selected values combine (``any`` or ``all``).
MODE_PARAMS = {"sector": "sectors"}


def _all_of() -> frozenset[str]:
    """The facets whose selected values must all hold (``sectors=all``)."""
    return frozenset(
        name for name, param in MODE_PARAMS.items() if request.args.get(param) == "all"
    )


def _query() -> Query:
    selected = {name: tuple(sorted(set(request.args.getlist(name)))) for name in FACETS}
    page = _page()
    return Query(
        all_of=_all_of(),
        text=request.args.get("q", "").strip()[:200],
        selected=selected,
        sort=request.args.get("sort", ""),
        page=page,
        lang=view.lang(),
        patterns=request.args.get("kind") == "pattern",
    )


#: The kinds a search finds by their labels besides use cases (its type facet), in order.
OTHER_KINDS = {kind: (name, de, en) for name, (kind, de, en) in LISTS.items()}


def _other_kinds(query: Query) -> dict[str, int]:
    """How many resources of each other kind a text search finds (none without text)."""
    if not query.text:
        return {}
    return view.index().found_by_kind(query.text, tuple(OTHER_KINDS))


def _chosen_kind(query: Query) -> str | None:
    """The other kind whose hits the page lists instead of use cases (``type=``)."""
    kind = request.args.get("type")
    return kind if query.text and kind in OTHER_KINDS else None


@bp.route("/usecases")
def usecases() -> Response:
    query = _query()
    result = view.search(query)
    chosen = _chosen_kind(query)
    found = (
        view.index().found_of_kind(query.text, chosen, view.lang(), page=_page())
        if chosen
        else None
    )
    body = render_template(
        "usecases.html",
        query=query,
        result=result,
        facets=FACETS,
        sorts=SORTS,
        kinds=_kind_counts(query),
        others=_other_kinds(query),
        other_titles={
            k: (de if view.lang() == "de" else en) for k, (_, de, en) in OTHER_KINDS.items()
        },
        chosen=chosen,
        found=found,
        mode_params=MODE_PARAMS,
    )
    response = Response(body, mimetype="text/html")
    twin = view.url_with(page=None).replace("/usecases", "/usecases.json", 1)
    response.headers["Link"] = f'<{twin}>; rel="alternate"; type="application/json"'
    return response


def _kind_counts(query: Query) -> dict[str, int]:
    """How many real use cases and how many patterns the search finds (each counted alone)."""
    other = replace(query, patterns=not query.patterns, page=1)
    found = {query.patterns: view.search(query).total, other.patterns: view.search(other).total}
    return {"usecase": found[False], "pattern": found[True]}


@bp.route("/usecases.json")
def usecases_json() -> Response:
    query = _query()
    result = view.search(query)
    return jsonify(
        {
            "query": {
                "q": query.text,
                "sort": query.effective_sort,
                "page": result.page,
                "kind": "pattern" if query.patterns else "usecase",
                **{param: query.mode(name) for name, param in MODE_PARAMS.items()},
                **{k: list(v) for k, v in query.selected.items() if v},
            },
            "total": result.total,
            "pages": result.pages,
            "items": [
                {
                    "id": e.iri,
                    "title": e.title(query.lang),
                    "modified": e.modified or None,
                    "pattern": e.pattern,
                    **(
                        {"snippet": "".join(t for t, _ in e.snippet), "snippetLang": e.snippet_lang}
                        if e.snippet
                        else {}
                    ),
                    **{k: sorted(v) for k, v in e.facets.items()},
                }
                for e in result.items
            ],
            "facets": {
                name: [
                    {
                        "value": v.slug,
                        "id": v.iri,
                        "label": v.label,
                        "count": v.count,
                        "selected": v.selected,
                    }
                    for v in values
                ]
                for name, values in result.facets.items()
            },
            "more": result.more,
            "otherKinds": _other_kinds(query),
            **_chosen_json(query),
        }
    )


def _chosen_json(query: Query) -> dict:
    """With ``type=``, the page of the other kind's hits."""
    chosen = _chosen_kind(query)
    if not chosen:
        return {}
    found = view.index().found_of_kind(query.text, chosen, view.lang(), page=_page())
    return {
        "type": chosen,
        "found": {
            "total": found.total,
            "page": found.page,
            "pages": found.pages,
            "items": [{"id": iri, "label": label} for iri, label in found.items],
        },
    }


@bp.route("/usecases/suggest.json")
def suggest() -> Response:
    found = view.index().suggest(request.args.get("q", "")[:100], view.lang())
    for item in found:
        item["url"] = view.href(item["iri"]) or ""
        item["kindLabel"] = str(KIND_NAMES[item["kind"]]) if item["kind"] in KIND_NAMES else ""
    return jsonify(found)


#: What a suggestion is, in the page's language (the kind codes are not for readers).
KIND_NAMES = {
    "usecase": lazy_gettext("Use case"),
    "pattern": lazy_gettext("Pattern"),
    "sector": lazy_gettext("Sector"),
    "dataset": lazy_gettext("Dataset"),
    "platform": lazy_gettext("Data platform"),
    "component": lazy_gettext("Software component"),
    "place": lazy_gettext("Place"),
    "org": lazy_gettext("Organisation"),
    "programme": lazy_gettext("Funding programme"),
    "standard": lazy_gettext("Standard"),
}


# -- interconnections ---------------------------------------------------------------------------
@bp.route("/interconnections")
def interconnection_page() -> Response:
    links = chosen_matrix()
    kind = "pattern" if links.patterns else None
    measure = links.measure if links.measure != "weight" else None
    body = render_template(
        "interconnections.html",
        links=links,
        graph=network(links, lambda c: cell_href(links, c)),
        sectors=links.ordered(view.lang()),
        cell_href=lambda c: cell_href(links, c),
        cell_text=lambda c: cell_text(links, c),
        kind=kind,
        measure=measure,
    )
    response = Response(body, mimetype="text/html")
    json_twin = url_for("pages.interconnection_json", kind=kind, measure=measure)
    csv_twin = url_for("pages.interconnection_csv", kind=kind, measure=measure)
    response.headers["Link"] = (
        f'<{json_twin}>; rel="alternate"; type="application/json", '
        f'<{csv_twin}>; rel="alternate"; type="text/csv"'
    )
    return response


@bp.route("/interconnections/data-models/<pair>", defaults={"extension": "html"})
@bp.route("/interconnections/data-models/<pair>.<extension>")
def datamodel_pair(pair: str, extension: str) -> Response:
    """The data-model layer of a sector pair: the dataset types and data models its use cases
    share, and the use cases that could exchange data in the same model (potential links)."""
    slugs = pair.split("--")
    vocab = view.vocab()
    if len(slugs) != 2 or slugs[0] == slugs[1] or extension not in ("html", "json"):
        raise NotFound(f"There is no sector pair {pair!r}.")
    canonical = "--".join(sorted(slugs))
    if canonical != pair:
        return redirect(url_for("pages.datamodel_pair", pair=canonical, extension=extension))
    a, b = (vocab.entity("sector", slug) for slug in sorted(slugs))
    if not all(app_store().ask("ASK { ?s a ?c }", {"s": IRI(x)}) for x in (a, b)):
        raise NotFound(f"There is no sector pair {pair!r}.")
    layer = pair_layer(app_store(), vocab, a, b)
    if extension == "json":
        return jsonify(layer.json(view.lang()))
    json_twin = url_for("pages.datamodel_pair", pair=pair, extension="json")
    body = render_template("datamodel-pair.html", layer=layer, json_twin=json_twin)
    response = Response(body, mimetype="text/html")
    response.headers["Link"] = f'<{json_twin}>; rel="alternate"; type="application/json"'
    return response


DATASET_TYPE_CODE = FOREIGN_CODES["dataset-type/"]


#: Room for the multipart envelope around an uploaded catalogue of the largest size accepted.
UPLOAD_ENVELOPE = 64_000


@bp.route("/what-our-data-makes-possible", defaults={"extension": "html"}, methods=["GET", "POST"])
@bp.route("/what-our-data-makes-possible.<extension>", methods=["GET", "POST"])
def possible(extension: str) -> Response:
    """Which use cases the dataset types a municipality publishes feed, and what each lacks:
    the types as ``?types=`` (repeated or separated by commas or spaces, codes of the
    Musterdatenkatalog), or recognised in the DCAT catalogue of its open-data portal, uploaded
    (POST, field ``catalogue``; :mod:`kg.views.portal`). The upload changes nothing on the
    server and needs no session, so it carries no CSRF token (as the SPARQL form)."""
    if extension not in ("html", "json"):
        raise NotFound(f"There is no {extension!r} document of this page.")
    as_json = extension == "json" or _prefers_json()
    vocab = view.vocab()
    prefix = vocab.entity("dataset-type", "")
    catalogue, problems = None, []
    if request.method == "POST":
        try:
            catalogue = _uploaded_catalogue()
        except InvalidRequest as exc:
            problems = exc.problems
        codes = [t[len(prefix) :] for t in catalogue.types] if catalogue else []
    else:
        codes = [c for raw in request.args.getlist("types") for c in re.split(r"[,\s]+", raw) if c]
        if any(not DATASET_TYPE_CODE.match(c) for c in codes):
            raise QueryError("types: give Musterdatenkatalog codes such as verkehr--kfz-parkplatz")
    answer = possible_for(app_store(), vocab, [prefix + c for c in codes]) if codes else None
    if as_json:
        return _possible_json(answer, catalogue, problems)
    choices = used_types(app_store(), vocab)
    names = labels(app_store(), vocab, set(choices))
    offered = [(iri[len(prefix) :], names.get(iri, {})) for iri in choices]
    known = {code for code, _ in offered}
    body = render_template(
        "possible.html",
        answer=answer,
        catalogue=catalogue,
        problems=problems,
        chosen=set(codes),
        others=",".join(c for c in codes if c not in known),
        choices=offered,
        type_label=lambda iri: answer.label(iri, view.lang()) if answer else iri,
        json_twin=url_for("pages.possible", extension="json", types=",".join(codes) or None),
    )
    return Response(body, status=400 if problems else 200, mimetype="text/html")


#: The representations of a page with a JSON twin, HTML first (a browser's ``*/*``).
PAGE_FORMATS = (Format("text/html", "html"), Format("application/json", "json"))


def _prefers_json() -> bool:
    return negotiate(request.headers.get("Accept"), None, PAGE_FORMATS).extension == "json"


def _uploaded_catalogue() -> PortalCatalogue:
    """The catalogue in the upload's field ``catalogue``, read and recognised."""
    site_limit = current_app.config["MAX_CONTENT_LENGTH"]
    if site_limit is not None:  # room for a catalogue of the largest size the reader accepts
        request.max_content_length = max(site_limit, MAX_BYTES + UPLOAD_ENVELOPE)
    upload = request.files.get("catalogue")
    if upload is None or not upload.filename:
        raise InvalidRequest(
            [
                Problem(
                    "catalogue",
                    "Wählen Sie die Katalogdatei Ihres Open-Data-Portals aus.",
                    "Choose the catalogue file of your open-data portal.",
                )
            ]
        )
    settings = current_app.extensions["kg.settings"]
    templates = read_musterdatenkatalog(settings.ontology_dir / MUSTERDATENKATALOG)
    data = upload.stream.read(MAX_BYTES + 1)
    return read_catalogue(
        data, templates, settings.vocab, name=upload.filename, media_type=upload.mimetype
    )


def _possible_json(
    answer: Possible | None, catalogue: PortalCatalogue | None, problems: list[Problem]
) -> Response:
    if problems:
        response = jsonify(
            {
                "status": 400,
                "title": "Bad Request",
                "problems": [{"field": p.field, "de": p.de, "en": p.en} for p in problems],
            }
        )
        response.status_code = 400
        return response
    lang = view.lang()
    found: dict[str, Any] = answer.json(lang) if answer else {"datasetTypes": [], "useCases": []}
    if catalogue is not None:
        found["catalogue"] = catalogue.json(lambda iri: answer.label(iri, lang) if answer else iri)
    return jsonify(found)


@bp.route("/interconnections.json")
def interconnection_json() -> Response:
    links = chosen_matrix()
    kind = "pattern" if links.patterns else "usecase"
    return jsonify({"kind": kind, **links.as_json(view.lang())})


@bp.route("/interconnections.csv")
def interconnection_csv() -> Response:
    response = Response(chosen_matrix().as_csv(view.lang()), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'inline; filename="interconnections.csv"'
    return response


# -- lists --------------------------------------------------------------------------------------
@bp.route(
    "/<any(sectors, datasets, places, organisations, standards, platforms, components, "
    "programmes):name>"
)
def listing(name: str) -> str:
    """A list of resources by label, paged (:data:`LIST_PAGE` per page)."""
    kind, title_de, title_en = LISTS[name]
    found = view.index().listing(kind, view.lang(), page=_page(), page_size=LIST_PAGE)
    title = title_de if view.lang() == "de" else title_en
    facet = {"sector": "sector", "place": "place", "standard": "standard"}.get(kind)
    return render_template(
        "list.html", title=title, listing=found, items=found.items, kind=kind, facet=facet
    )


@bp.route("/rules/<name>")
def rule(name: str) -> Response:
    """The text of a build rule (derived facts name the rule that made them)."""
    path = RULES_DIR / name
    if not name.endswith(".ru") or path.parent != RULES_DIR or not path.is_file():
        raise NotFound(f"There is no build rule {name!r}.")
    return Response(path.read_text(encoding="utf-8"), mimetype="text/plain")


def register(app: Flask) -> None:
    """Register the site's blueprints, template helpers and per-release caches."""
    settings = app.extensions["kg.settings"]
    store = app.extensions["kg.store"]
    vocab = settings.vocab
    app.extensions["kg.search"] = IndexCache(store, vocab, index_folder(settings))
    app.extensions["kg.stats"] = ReleaseCache(lambda s: figures(s, vocab))
    app.extensions["kg.interconnections"] = ReleaseCache(lambda s: interconnections(s, vocab))
    app.extensions["kg.datamodel_interconnections"] = ReleaseCache(
        lambda s: datamodel_interconnections(s, vocab)
    )
    app.extensions["kg.pattern_interconnections"] = ReleaseCache(
        lambda s: pattern_interconnections(s, vocab)
    )
    view.register(app)
    app.register_blueprint(bp)
    app.register_blueprint(entities.bp)
