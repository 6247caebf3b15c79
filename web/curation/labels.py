"""Words the curation pages show for codes: statuses, actions, roles, severities."""

from __future__ import annotations

import re

from flask import Flask
from flask_babel import lazy_gettext

from web.curation.common import field_label, field_title, finding_text, kind_of, specs

STATUS = {
    "draft": lazy_gettext("draft"),
    "submitted": lazy_gettext("waiting for review"),
    "changes-requested": lazy_gettext("changes requested"),
    "published": lazy_gettext("published"),
    "withdrawn": lazy_gettext("withdrawn"),
}
ACTION = {
    "create": lazy_gettext("new entry"),
    "edit": lazy_gettext("change"),
    "delete": lazy_gettext("deletion"),
}
ROLE = {
    "curator": lazy_gettext("curator"),
    "reviewer": lazy_gettext("reviewer"),
    "admin": lazy_gettext("administrator"),
}
#: The words of ``kg validate`` (kg.report), also on the shapes page.
SEVERITY = {
    "Violation": lazy_gettext("Violation"),
    "Warning": lazy_gettext("Warning"),
    "Info": lazy_gettext("Info"),
}
FILE_STATUS = {
    "new": lazy_gettext("new file"),
    "changed": lazy_gettext("changed"),
    "removed": lazy_gettext("removed"),
}
COMMENT_KIND = {
    "comment": lazy_gettext("comment"),
    "request-changes": lazy_gettext("changes requested"),
    "approve": lazy_gettext("approved"),
}


def fid(name: str) -> str:
    """The HTML id of a form field's element (``title.de`` → ``f-title-de``)."""
    return "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", name)


def _lookup(table: dict) -> object:
    return lambda code: str(table.get(code, code))


def curated_kind(kind: str) -> bool:
    """Whether entities of this kind (``usecase``, ``org``) are edited with a form."""
    return any(kind_of(spec) == kind for spec in specs().values())


def register(app: Flask) -> None:
    app.jinja_env.globals.update(
        curated_kind=curated_kind,
        field_label=field_label,
        field_title=field_title,
        fid=fid,
        finding_text=finding_text,
        status_label=_lookup(STATUS),
        action_label=_lookup(ACTION),
        role_label=_lookup(ROLE),
        severity_label=_lookup(SEVERITY),
        file_status_label=_lookup(FILE_STATUS),
        comment_kind_label=_lookup(COMMENT_KIND),
    )
