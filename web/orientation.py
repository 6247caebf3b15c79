"""The page "Für meine Kommune / For my municipality": a form and its answer on one page, every
input in the query string (so the URL is a permalink), a JSON twin and a printable view
(``?print=1``, and a print stylesheet for any view).

The answer is :mod:`kg.views.orientation`; bad values (an unknown Land or municipality) come
back as :class:`~kg.errors.InvalidRequest` and are shown next to the form with status 400.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, jsonify, render_template, request

from kg.errors import InvalidRequest, Problem
from kg.views.orientation import FACTORS, TOP, Orientation, orientation, size_label
from kg.views.orientation_profile import (
    HAVES,
    KREIS,
    KREIS_LABEL,
    LAENDER,
    Asked,
    Choices,
    choices,
    read_profile,
)
from web import view
from web.context import app_release, app_store

bp = Blueprint("orientation", __name__)

#: Most values of one repeated parameter read (a form has far fewer).
MAX_VALUES = 100
#: Most places offered as a menu; above it (every German municipality, after
#: ``kg import gv100ad``) the planner types the name into a text field.
PLACE_MENU_LIMIT = 1000


def _asked() -> Asked:
    args = request.args
    return Asked(
        place=args.get("place", "")[:200],
        land=args.get("land", "")[:200],
        size=args.get("size", "")[:50],
        population=args.get("population", "")[:50],
        sectors=args.getlist("sector")[:MAX_VALUES],
        haves=args.getlist("have")[:MAX_VALUES],
        components=args.getlist("component")[:MAX_VALUES],
        neighbours=args.get("neighbours") == "1",
    )


def _choices() -> Choices:
    return current_app.extensions["kg.orientation"].get(app_store(), app_release())


def _answer(asked: Asked, known: Choices) -> Orientation | None:
    if asked.empty:
        return None
    store, vocab = app_store(), view.vocab()
    return orientation(store, vocab, read_profile(asked, known, store, vocab), known)


@bp.route("/orientation")
def page() -> Response:
    asked, known = _asked(), _choices()
    problems: list[Problem] = []
    try:
        answer = _answer(asked, known)
    except InvalidRequest as exc:  # shown next to the form, which keeps the planner's values
        answer, problems = None, exc.problems
    twin = view.url_with(print=None).replace("/orientation", "/orientation.json", 1)
    body = render_template(
        "orientation.html",
        asked=asked,
        known=known,
        answer=answer,
        problems=problems,
        factors=FACTORS,
        top=TOP,
        laender=sorted(LAENDER, key=lambda x: x.label(view.lang())),
        haves=HAVES,
        kreis=KREIS,
        kreis_label=KREIS_LABEL[view.lang()],
        size_text=size_label(answer.profile, known, view.lang()) if answer else "",
        printing=request.args.get("print") == "1",
        place_menu=len(known.places) <= PLACE_MENU_LIMIT,
        twin=twin,
    )
    response = Response(body, status=400 if problems else 200, mimetype="text/html")
    response.headers["Link"] = f'<{twin}>; rel="alternate"; type="application/json"'
    return response


@bp.route("/orientation.json")
def page_json() -> Response:
    asked, known = _asked(), _choices()
    lang = view.lang()
    try:
        answer = _answer(asked, known)
    except InvalidRequest as exc:  # the same problems as the page, in both languages
        response = jsonify(
            {
                "status": 400,
                "title": "Bad Request",
                "problems": [{"field": p.field, "de": p.de, "en": p.en} for p in exc.problems],
            }
        )
        response.status_code = 400
        return response
    if answer is None:
        return jsonify(
            {
                "profile": None,
                "factors": Orientation.factors_json(),
                "results": [],
                "hint": "Give place=<municipality or district> or land=<Land> (with size or "
                "population), sector=…, have=platform|sensors|portal, component=….",
            }
        )
    return jsonify(answer.as_json(lang))


def register(app: Flask) -> None:
    from web.pages import ReleaseCache

    vocab = app.extensions["kg.settings"].vocab
    app.extensions["kg.orientation"] = ReleaseCache(lambda s: choices(s, vocab))
    app.register_blueprint(bp)
