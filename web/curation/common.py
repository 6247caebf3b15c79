"""What the curation pages share: the curation objects of the app, the form specifications,
the language of findings, and reading an entity's record out of a proposal's files."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, cast

import yaml
from flask import abort, current_app
from werkzeug.datastructures import MultiDict

from kg.authoring.yamlld import LimitExceeded, to_plain
from kg.curation import forms
from kg.curation.forms import Field, FormSpec
from kg.curation.proposals import Proposal, Proposals
from kg.errors import InvalidRequest
from kg.messages import message
from kg.report import Finding
from web import view
from web.context import app_settings

#: The number of an entry in a nested field's name (``stakeholders.0.role``).
_ENTRY = re.compile(r"\.[0-9]+\.")
#: Widgets whose many values are typed one per line into a text area.
LINES = frozenset({"text", "url", "date", "number"})


def proposals() -> Proposals:
    extensions = current_app.extensions
    if "kg.proposals" not in extensions:
        extensions["kg.proposals"] = Proposals(app_settings())
    return cast(Proposals, extensions["kg.proposals"])


def specs() -> dict[str, FormSpec]:
    return forms.specs(app_settings())


def spec_of(type_: str) -> FormSpec:
    found = specs().get(type_)
    if found is None:
        abort(404)
    return found


def kind_of(spec: FormSpec) -> str:
    """The first path segment of the entity's IRI under the base (``org`` for organisations)."""
    return spec.id_prefix.strip("/")


def spec_for_entity(entity: str, record: Mapping[str, Any] | None = None) -> FormSpec:
    """The form of ``entity`` (``dataset/foo``): by its IRI's kind, and where two types share
    one (datasets and data services), by the record's type."""
    kind = entity.split("/", 1)[0]
    candidates = [s for s in specs().values() if kind_of(s) == kind]
    if not candidates:
        abort(404)
    if len(candidates) > 1 and record is not None:
        declared = record.get("type")
        declared = declared if isinstance(declared, list) else [declared]
        for spec in candidates:
            if spec.rdf_type.rsplit("#", 1)[-1].rsplit("/", 1)[-1] in declared:
                return spec
    return candidates[0]


def entity_id(spec: FormSpec, slug: str) -> str:
    return spec.id_prefix + slug


def records_in(text: str | None) -> list[dict]:
    """The records of an authoring file's text (one, or the entries of its ``@graph``); none
    for a removed file or one that does not parse (its findings say why)."""
    if not text:
        return []
    try:
        data = to_plain(text)
    except (yaml.YAMLError, LimitExceeded, ValueError):
        return []
    records = data.get("@graph", [data]) if isinstance(data, dict) else []
    return [r for r in records if isinstance(r, dict)] if isinstance(records, list) else []


def record_in_files(files: Mapping[str, str | None], entity: str) -> dict | None:
    """The authoring record of ``entity`` in a proposal's files, or None."""
    slug = entity.split("/", 1)[-1]
    for text in files.values():
        for record in records_in(text):
            if record.get("id") in (entity, slug):
                return record
    return None


def form_values(spec: FormSpec, form: MultiDict[str, str]) -> dict[str, list[str]]:
    """The submitted form as ``record_from_form`` wants it: field name → values, empty values
    left out, and the many values of a text area split into lines."""
    lines = {f.key for f in spec.fields if f.many and f.widget in LINES}
    lines |= {
        f"{f.key}.{p.key}" for f in spec.fields for p in f.parts if p.many and p.widget in LINES
    }
    values: dict[str, list[str]] = {}
    for name in form:
        if name in ("csrf_token", "summary", "proposal", "action"):
            continue
        found = []
        for value in form.getlist(name):
            parts = value.splitlines() if _ENTRY.sub(".", name) in lines else [value]
            found.extend(p.strip() for p in parts if p.strip())
        if found:
            values[name] = found
    return values


def at_fields(findings: list[Finding]) -> dict[str, list[Finding]]:
    """Findings by the field they concern (``""``: the entity as a whole)."""
    grouped: dict[str, list[Finding]] = {}
    for finding in findings:
        grouped.setdefault(finding.field or "", []).append(finding)
    return grouped


def finding_text(finding: Finding) -> str:
    """The message of a finding in the page's language, without the file and line (the page
    shows it at its field)."""
    message = finding.message.get(view.lang()) or finding.message.get("en", "")
    if finding.value is not None:
        return f"{message} ({finding.value})"
    return message


def blocking(findings: list[Finding]) -> bool:
    """Whether a proposal with these findings cannot be published (a Violation)."""
    return any(f.severity == "Violation" for f in findings)


def open_proposal(number: int) -> Proposal:
    return proposals().get(number)


def problems_as_findings(exc: InvalidRequest) -> list[Finding]:
    """The problems of a refused request as findings at their fields."""
    return [
        Finding("Violation", "", 0, {"de": p.de, "en": p.en}, field=p.field, code="form")
        for p in exc.problems
    ]


def missing(name: str) -> Finding:
    """The finding of a required field left empty."""
    text = message("form-required", field=name)
    return Finding("Violation", "", 0, text, field=name, code="form")


def field_title(f: Field) -> str:
    """The label of a field in the page's language; a field whose shape names it only by its
    key (a part of a nested entry) is labelled by its property, as the entity pages do."""
    text = f.label.get(view.lang()) or f.label.get("en") or ""
    if text and text != f.key:
        return text
    if f.path.startswith(("http://", "https://")):
        return view.label(f.path)
    return text or f.key


def field_label(spec: FormSpec, name: str) -> str:
    """The label of a form field by its name: ``title.de`` is the title's,
    ``stakeholders.0.role`` is "Beteiligte: Rolle"."""
    key, _, rest = name.partition(".")
    found = spec.field(key)
    if found is None:
        return name
    part_key = _ENTRY.sub("", "." + rest + ".").strip(".") if rest else ""
    part = next((p for p in found.parts if p.key == part_key), None)
    if part is not None:
        return f"{field_title(found)}: {field_title(part)}"
    return field_title(found)
