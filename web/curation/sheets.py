"""Spreadsheets: the templates (XLSX with one sheet per type, CSV per type) and the import of
a filled-in sheet: each good row becomes a proposal, each bad row is listed with its messages."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext

from kg.curation import forms, spreadsheet
from kg.errors import KGError
from web import view
from web.context import app_settings
from web.curation.auth import account, needs
from web.curation.common import blocking, finding_text, proposals, specs

bp = Blueprint("curation_sheets", __name__, url_prefix="/curate")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Outcome:
    """What became of one row: a proposal, or the messages that kept it from becoming one."""

    number: int
    type: str
    entity: str | None
    proposal: int | None = None
    messages: list[str] = field(default_factory=list)


@bp.route("/template.xlsx")
def template_xlsx() -> Response:
    body = spreadsheet.template(app_settings(), "xlsx")
    return _download(body, XLSX, "sckg-template.xlsx")


@bp.route("/template-<type_>.csv")
def template_csv(type_: str) -> Response:
    if type_ not in specs():
        abort(404)
    body = spreadsheet.template(app_settings(), "csv", type_)
    return _download(body, "text/csv; charset=utf-8", f"sckg-template-{type_}.csv")


def _download(body: bytes, mimetype: str, name: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.route("/import", methods=["GET", "POST"])
@needs("curator")
def upload() -> Response | str:
    if request.method == "GET":
        return render_template("curation/import.html", outcomes=None, specs=specs())
    sent = request.files.get("sheet")
    if sent is None or not sent.filename:
        abort(400, gettext("Choose a file to import."))
    rows = spreadsheet.read_rows(app_settings(), sent.read(), sent.filename)
    outcomes = [_propose(row, sent.filename) for row in rows]
    made = sum(1 for o in outcomes if o.proposal is not None)
    body = render_template(
        "curation/import.html",
        outcomes=outcomes,
        made=made,
        specs=specs(),
        filename=sent.filename,
    )
    return Response(body, mimetype="text/html")


def _propose(row: spreadsheet.Row, filename: str) -> Outcome:
    outcome = Outcome(row.number, row.type, row.entity)
    if blocking(row.findings) or row.record is None or row.entity is None:
        outcome.messages = [finding_text(f) for f in row.findings if f.severity == "Violation"]
        if not outcome.messages:
            outcome.messages = [gettext("The row has no identifier.")]
        return outcome
    action = "edit" if forms.locate(app_settings(), row.entity) is not None else "create"
    summary = gettext("Row %(number)s of %(file)s", number=row.number, file=filename)
    try:
        made = proposals().create(account(), row.entity, action, row.files, summary)
    except KGError as exc:
        text = exc.text(view.lang()) if hasattr(exc, "text") else str(exc)
        outcome.messages = [text]
        return outcome
    outcome.proposal = made.id
    return outcome
