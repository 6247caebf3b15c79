"""The forms: a new entity, an edit, a deletion, live checks and the autocomplete of
references. Every save becomes (or updates) a proposal; nothing is published from here."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from kg.curation import forms
from kg.curation.forms import FormSpec
from kg.errors import InvalidRequest, KGError
from kg.report import Finding
from web import view
from web.context import app_settings
from web.curation.auth import account, needs
from web.curation.common import (
    at_fields,
    blocking,
    entity_id,
    finding_text,
    form_values,
    kind_of,
    missing,
    open_proposal,
    problems_as_findings,
    proposals,
    record_in_files,
    spec_for_entity,
    spec_of,
    specs,
)

bp = Blueprint("curation_edit", __name__, url_prefix="/curate")

#: Suggestions the autocomplete sends at most.
SUGGESTIONS = 10


def _proposal_number() -> int | None:
    raw = request.values.get("proposal", "")
    return int(raw) if raw.isdigit() else None


def _draft(number: int | None) -> Any:
    """The proposal a form adds to (its author's, still open for changes), or None."""
    if number is None:
        return None
    proposal = open_proposal(number)
    if proposal.author != account().name or proposal.status not in ("draft", "changes-requested"):
        abort(
            403,
            gettext("Only the author can change this proposal, and only before it is published."),
        )
    return proposal


def _render(
    spec: FormSpec,
    values: dict[str, list[str]],
    findings: list[Finding],
    *,
    entity: str | None,
    number: int | None,
    summary: str = "",
    status: int = 200,
) -> Response:
    body = render_template(
        "curation/form.html",
        spec=spec,
        values=values,
        findings=at_fields(findings),
        all_findings=findings,
        blocked=blocking(findings),
        entity=entity,
        proposal=number,
        summary=summary,
        kind=kind_of(spec),
        specs=specs(),
    )
    return Response(body, status=status, mimetype="text/html")


def _files(spec: FormSpec, record: dict, entity: str | None) -> dict[str, str | None]:
    """The files the record makes; an entity that exists only in a proposal is written as new."""
    settings = app_settings()
    on_disk = entity is not None and forms.locate(settings, entity) is not None
    return forms.files_for(settings, spec, record, entity if on_disk else None)


def _new_entity(spec: FormSpec, record: dict) -> str:
    slug = str(record.get("id", ""))
    return slug if slug.startswith(spec.id_prefix) else entity_id(spec, slug)


def _save(spec: FormSpec, entity: str | None, action: str) -> Response:
    """Check the submitted form and make or update a proposal; the form again, with the
    findings at their fields, when it cannot be saved."""
    number = _proposal_number()
    draft = _draft(number)
    values = form_values(spec, request.form)
    summary = request.form.get("summary", "").strip()
    record, findings = forms.record_from_form(spec, values)
    if not record.get("id"):
        if not any(f.field == "id" for f in findings):
            findings = [missing("id"), *findings]
        return _render(
            spec, values, findings, entity=entity, number=number, summary=summary, status=422
        )
    try:
        files = _files(spec, record, entity)
    except InvalidRequest as exc:  # a malformed identifier, a file that exists already
        return _render(
            spec,
            values,
            findings + problems_as_findings(exc),
            entity=entity,
            number=number,
            summary=summary,
            status=422,
        )
    merged = {**(draft.files if draft else {}), **files}
    target = _new_entity(spec, record)
    # this entry's findings (a shared file's other entries are not the curator's doing)
    findings = findings + forms.check(app_settings(), merged, view.lang(), entity=target)
    anyway = request.form.get("action") == "draft"
    if blocking(findings) and not anyway:
        return _render(
            spec, values, findings, entity=entity, number=number, summary=summary, status=422
        )
    if draft is not None:
        saved = proposals().update(draft.id, account(), merged, summary or None)
    elif action == "create":
        saved = proposals().create(account(), target, "create", files, summary)
    else:
        renamed = target if target != entity else None
        saved = proposals().create(account(), entity, action, files, summary, new_entity=renamed)
    return redirect(url_for("curation_review.proposal", number=saved.id), code=303)


@bp.route("/new/<type_>", methods=["GET", "POST"])
@needs("curator")
def new(type_: str) -> Response:
    spec = spec_of(type_)
    if request.method == "POST":
        return _save(spec, None, "create")
    number = _proposal_number()
    _draft(number)
    slug = request.args.get("id", "").strip()
    values = {"id": [slug]} if slug else {}
    return _render(spec, values, [], entity=None, number=number)


def _record(entity: str, number: int | None) -> dict:
    draft = _draft(number)
    record = record_in_files(draft.files, entity) if draft else None
    if record is None:
        record = forms.record_of(app_settings(), entity)
    if record is None:
        abort(404)
    return record


@bp.route("/edit/<kind>/<slug>", methods=["GET", "POST"])
@needs("curator")
def edit(kind: str, slug: str) -> Response:
    entity = f"{kind}/{slug}"
    number = _proposal_number()
    record = _record(entity, number)
    spec = spec_for_entity(entity, record)
    if request.method == "POST":
        return _save(spec, entity, "edit")
    return _render(spec, forms.values_of(spec, record), [], entity=entity, number=number)


@bp.route("/delete/<kind>/<slug>", methods=["GET", "POST"])
@needs("curator")
def delete(kind: str, slug: str) -> Response | str:
    entity = f"{kind}/{slug}"
    record = forms.record_of(app_settings(), entity)
    if record is None:
        abort(404)
    spec = spec_for_entity(entity, record)
    if request.method == "POST":
        files = forms.delete_files(app_settings(), entity)
        summary = request.form.get("summary", "").strip()
        saved = proposals().create(account(), entity, "delete", files, summary)
        return redirect(url_for("curation_review.proposal", number=saved.id), code=303)
    return render_template(
        "curation/delete.html",
        spec=spec,
        entity=entity,
    )


@bp.route("/check", methods=["POST"])
@needs("curator")
def check() -> Response:
    """The findings of a form as it is now (JSON), for the live checks while typing."""
    asked = request.get_json(silent=True) or {}
    spec = spec_of(str(asked.get("type", "")))
    raw = asked.get("fields") or {}
    pairs = [
        (str(k), str(v))
        for k, vs in (raw.items() if isinstance(raw, dict) else [])
        for v in (vs if isinstance(vs, list) else [vs])
    ]
    values = form_values(spec, MultiDict(pairs))
    record, findings = forms.record_from_form(spec, values)
    entity = asked.get("entity") or None
    if record.get("id"):
        try:
            files = _files(spec, record, str(entity) if entity else None)
            number = asked.get("proposal")
            draft = _draft(int(number)) if str(number or "").isdigit() else None
            merged = {**(draft.files if draft else {}), **files}
            target = _new_entity(spec, record)
            findings += forms.check(app_settings(), merged, view.lang(), entity=target)
        except KGError:
            pass
    return jsonify(
        [
            {"field": f.field or "", "severity": f.severity, "text": finding_text(f)}
            for f in findings
        ]
    )


@bp.route("/lookup")
@needs("curator")
def lookup() -> Response:
    """Existing entities of a type whose label starts like ``q`` (the autocomplete of a
    reference field): ``[{"id": slug, "label": ...}]``."""
    spec = spec_of(request.args.get("type", ""))
    kind = kind_of(spec)
    text = request.args.get("q", "")[:100]
    found = view.index().suggest(text, view.lang(), limit=200) if text.strip() else []
    answer = []
    for item in found:
        if item["kind"] != kind:
            continue
        answer.append({"id": item["iri"].rsplit("/", 1)[-1], "label": item["label"]})
        if len(answer) >= SUGGESTIONS:
            break
    return jsonify(answer)
