"""Proposals: the start page of curators, a proposal's page (its files as a diff, its
findings, comments and the actions the visitor's role allows), the actions, and the preview
of the pages a proposal would change."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext

from kg.curation import forms, preview
from kg.curation.proposals import Proposal
from kg.errors import NotFound
from kg.views.describe import describe
from web import view
from web.context import app_settings
from web.curation.auth import account, needs
from web.curation.common import (
    at_fields,
    blocking,
    kind_of,
    proposals,
    records_in,
    specs,
)

bp = Blueprint("curation_review", __name__, url_prefix="/curate")


@dataclass(frozen=True)
class DiffLine:
    """One line of a unified diff: ``kind`` is ``add``, ``del``, ``hunk`` or ``same``."""

    kind: str
    text: str


@dataclass(frozen=True)
class FileDiff:
    path: str
    status: str  # "new", "changed", "removed"
    lines: tuple[DiffLine, ...]


def file_diffs(files: dict[str, str | None]) -> list[FileDiff]:
    """Each file of a proposal against the project's current version, as a unified diff."""
    project = Path(app_settings().project)
    out = []
    for path, text in sorted(files.items()):
        current = project / path
        old = current.read_text(encoding="utf-8") if current.is_file() else None
        status = "removed" if text is None else ("new" if old is None else "changed")
        out.append(FileDiff(path, status, tuple(diff_lines(old or "", text or "", path))))
    return out


def diff_lines(old: str, new: str, path: str) -> list[DiffLine]:
    lines = difflib.unified_diff(
        old.splitlines(), new.splitlines(), f"a/{path}", f"b/{path}", lineterm="", n=3
    )
    out = []
    for line in lines:
        if line.startswith(("---", "+++")):
            continue
        kind = {"+": "add", "-": "del", "@": "hunk"}.get(line[:1], "same")
        out.append(DiffLine(kind, line))
    return out


def diff_lines_of(text: str) -> list[DiffLine]:
    """The lines of a unified diff (git's), classified for display."""
    out = []
    for line in text.splitlines():
        if line.startswith(("diff --git", "index ", "--- ", "+++ ", "new file", "deleted file")):
            kind = "file"
        else:
            kind = {"+": "add", "-": "del", "@": "hunk"}.get(line[:1], "same")
        out.append(DiffLine(kind, line))
    return out


def entities_in(proposal: Proposal) -> list[str]:
    """The entities a proposal creates or changes (in the order of its files), its own first."""
    found = [proposal.new_entity or proposal.entity]
    for text in proposal.files.values():
        for entity in _ids(text):
            if entity not in found:
                found.append(entity)
    return found


def _ids(text: str | None) -> list[str]:
    return [r["id"] for r in records_in(text) if isinstance(r.get("id"), str) and "/" in r["id"]]


# -- pages --------------------------------------------------------------------------------------
@bp.route("")
@needs("curator")
def dashboard() -> str:
    me = account()
    mine = proposals().list(author=me.name)
    to_review = []
    if me.can("reviewer"):
        to_review = [p for p in proposals().list(status="submitted") if p.author != me.name]
    return render_template(
        "curation/dashboard.html", mine=mine, to_review=to_review, specs=specs(), me=me
    )


@bp.route("/proposals/<int:number>")
@needs("curator")
def proposal(number: int) -> str:
    found = proposals().get(number)
    findings = forms.check(app_settings(), found.files, view.lang()) if _open(found) else []
    me = account()
    return render_template(
        "curation/proposal.html",
        p=found,
        diffs=file_diffs(found.files) if found.status != "published" else [],
        findings=findings,
        by_field=at_fields(findings),
        blocked=blocking(findings),
        entities=entities_in(found),
        mine=found.author == me.name,
        can_review=me.can("reviewer") and found.author != me.name,
        me=me,
        specs=specs(),
        kind_of=kind_of,
    )


def _open(p: Proposal) -> bool:
    return p.status in ("draft", "submitted", "changes-requested")


def _back(number: int) -> Response:
    return redirect(url_for("curation_review.proposal", number=number), code=303)


@bp.route("/proposals/<int:number>/submit", methods=["POST"])
@needs("curator")
def submit(number: int) -> Response:
    found = proposals().get(number)
    if blocking(forms.check(app_settings(), found.files, view.lang())):
        abort(422, gettext("The proposal still has errors; correct them before you submit it."))
    proposals().submit(number, account())
    return _back(number)


@bp.route("/proposals/<int:number>/withdraw", methods=["POST"])
@needs("curator")
def withdraw(number: int) -> Response:
    proposals().withdraw(number, account())
    return _back(number)


@bp.route("/proposals/<int:number>/comment", methods=["POST"])
@needs("curator")
def comment(number: int) -> Response:
    text = request.form.get("text", "").strip()
    if not text:
        abort(400, gettext("Write a comment first."))
    proposals().comment(number, account(), text)
    return _back(number)


@bp.route("/proposals/<int:number>/request-changes", methods=["POST"])
@needs("reviewer")
def request_changes(number: int) -> Response:
    text = request.form.get("text", "").strip()
    if not text:
        abort(400, gettext("Say what should change."))
    proposals().request_changes(number, account(), text)
    return _back(number)


@bp.route("/proposals/<int:number>/approve", methods=["POST"])
@needs("reviewer")
def approve(number: int) -> Response:
    proposals().approve(number, account(), request.form.get("text", "").strip())
    return _back(number)


@bp.route("/proposals/<int:number>/add")
@needs("curator")
def add_entry(number: int) -> Response:
    """The form of a new entry of the chosen type, saved into this proposal."""
    type_ = request.args.get("type_", "")
    if type_ not in specs():
        abort(404)
    return redirect(url_for("curation_edit.new", type_=type_, proposal=number), code=303)


@bp.route("/proposals/<int:number>/change")
@needs("curator")
def add_existing(number: int) -> Response:
    """The form of an existing entry (``?entity=usecase/foo``), saved into this proposal."""
    kind, _, slug = request.args.get("entity", "").strip().strip("/").partition("/")
    if not kind or not slug or "/" in slug:
        abort(404)
    return redirect(url_for("curation_edit.edit", kind=kind, slug=slug, proposal=number), code=303)


@bp.route("/proposals/<int:number>/preview")
@needs("curator")
def preview_page(number: int) -> Response:
    """The page of an entity of the proposal as it will look once published."""
    from web.entities import render_entity

    found = proposals().get(number)
    entity = request.args.get("entity") or entities_in(found)[0]
    if entity not in entities_in(found) or found.action == "delete":
        raise NotFound(f"Proposal {number} shows no page of {entity!r}.")
    kind, slug = entity.split("/", 1)
    store = preview.release_with(app_settings(), found.files)
    desc = describe(store, view.vocab(), kind, slug)
    body = render_entity(desc, preview=found, preview_entities=entities_in(found))
    response = Response(body, mimetype="text/html")
    response.headers["X-Robots-Tag"] = "noindex"
    return response
