"""The history of an entity (every published change: who, when, who reviewed it, what
changed) and the revert of a change by a reviewer."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, request, url_for

from kg.curation import history as changes
from kg.views.describe import ENTITY_KINDS
from web.context import app_settings
from web.curation.auth import account, needs
from web.curation.review import diff_lines_of

bp = Blueprint("curation_history", __name__)

_KINDS = "any(" + ", ".join(f'"{k}"' for k in ENTITY_KINDS) + ")"


@bp.route(f"/<{_KINDS}:kind>/<slug>/history")
def page(kind: str, slug: str) -> str:
    """Open to everyone, like the page it belongs to."""
    entity = f"{kind}/{slug}"
    found = changes.changes(app_settings(), entity)
    return render_template(
        "curation/history.html",
        entity=entity,
        kind=kind,
        slug=slug,
        changes=[(c, diff_lines_of(c.diff)) for c in found],
    )


@bp.route("/curate/revert/<commit>", methods=["POST"])
@needs("reviewer")
def revert(commit: str) -> Response:
    new = changes.revert(app_settings(), commit, account())
    entity = request.form.get("entity", "")
    kind, _, slug = entity.partition("/")
    if kind in ENTITY_KINDS and slug:
        return redirect(
            url_for("curation_history.page", kind=kind, slug=slug, reverted=new), code=303
        )
    return redirect(url_for("curation_review.dashboard"), code=303)
