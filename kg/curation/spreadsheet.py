"""Spreadsheet templates and import: the columns of the forms, one row per entity.

The XLSX template has one sheet per curated type, the CSV template one type; row 1 holds the
form field names of :mod:`kg.curation.forms` (``title.de``, ``sectors``,
``stakeholders.0.organization``), row 2 their labels in German and English; the rows below are
entities. A cell of a field with several values separates them with ``;``. Reading an upload
makes each row a record, the files it would change (a row whose ``id`` exists edits that
entity, any other makes a new one) and its findings: those of the form and those of
``kg validate`` for the row's files, each naming the row and the column.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from kg.config import Settings
from kg.curation import forms
from kg.curation.forms import Field, FormSpec
from kg.errors import ImportFailed, InvalidRequest, NotFound
from kg.messages import message
from kg.report import Finding

#: Entries offered for a field of several nested entries (stakeholders, distributions).
GROUP_SLOTS = 3
SEPARATOR = ";"
_LANGS = ("de", "en")


@dataclass
class Row:
    """One row of an upload and what it becomes."""

    type: str
    number: int  #: row in the sheet (1 is the header row)
    entity: str | None  #: the identifier the row names (``usecase/slug``)
    record: dict | None
    files: dict[str, str | None]
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the row can become a proposal: it has no Violation."""
        return self.record is not None and not any(f.severity == "Violation" for f in self.findings)


# -- templates ----------------------------------------------------------------------------


def columns(spec: FormSpec) -> list[tuple[str, dict[str, str]]]:
    """The columns of a type: form field name and label (de/en)."""
    found: list[tuple[str, dict[str, str]]] = []
    for f in spec.fields:
        found.extend(_columns_of(f, f.key, f.label))
    return found


def _columns_of(f: Field, name: str, label: dict[str, str]) -> list[tuple[str, dict[str, str]]]:
    if f.widget == "group":
        found = []
        for slot in range(GROUP_SLOTS if f.many else 1):
            for part in f.parts:
                inner = {
                    lang: f"{label.get(lang, f.key)} {slot + 1}: {part.label.get(lang, part.key)}"
                    for lang in _LANGS
                }
                found.extend(_columns_of(part, f"{name}.{slot}.{part.key}", inner))
        return found
    if f.widget.startswith("lang"):
        return [
            (f"{name}.{lang}", {lg: f"{label.get(lg, f.key)} ({lang})" for lg in _LANGS})
            for lang in _LANGS
        ]
    return [(name, label)]


def _label_row(cols: list[tuple[str, dict[str, str]]]) -> list[str]:
    return [f"{label.get('de', name)} / {label.get('en', name)}" for name, label in cols]


def template(settings: Settings, fmt: str, type: str | None = None) -> bytes:
    """The template: ``xlsx`` (one sheet per type, or only ``type``) or ``csv`` (``type``)."""
    specs = forms.specs(settings)
    if fmt == "csv":
        if type not in specs:
            raise NotFound(message("sheet-unknown-type", type=type)["en"])
        out = io.StringIO()
        writer = csv.writer(out)
        cols = columns(specs[type])
        writer.writerow([name for name, _ in cols])
        writer.writerow(_label_row(cols))
        return out.getvalue().encode("utf-8-sig")
    if fmt != "xlsx":
        raise NotFound(message("sheet-unknown-format", format=fmt)["en"])
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for name in [type] if type else forms.TYPES:
        if name not in specs:
            raise NotFound(message("sheet-unknown-type", type=name)["en"])
        sheet = book.create_sheet(name)
        cols = columns(specs[name])
        sheet.append([col for col, _ in cols])
        sheet.append(_label_row(cols))
        for index, cell in enumerate(sheet[1], start=1):
            cell.font = Font(bold=True)
            # Text columns: spreadsheet programs otherwise turn 02000000 (an AGS) into a
            # number and 2023-06 into a day.
            column = sheet.column_dimensions[get_column_letter(index)]
            column.number_format = "@"
            column.width = 24
        sheet.freeze_panes = "B3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# -- reading ------------------------------------------------------------------------------


def _failed(code: str, **params: object) -> ImportFailed:
    """An :class:`ImportFailed` with the message ``code``; its ``messages`` attribute holds
    the message in both languages for the page that shows it."""
    text = message(code, **params)
    error = ImportFailed(text["en"])
    error.messages = text  # type: ignore[attr-defined]
    return error


def read_rows(settings: Settings, data: bytes, filename: str) -> list[Row]:
    """Every filled row of an upload (XLSX or CSV) as a :class:`Row`.

    :raises ImportFailed: a file that is not a template (no sheet or header of a type)
    """
    specs = forms.specs(settings)
    if filename.lower().endswith(".xlsx"):
        # Only the sheets of the template are read: a sheet of notes beside them is fine.
        tables = [(name, table) for name, table in _xlsx_tables(data) if name in specs]
        if not tables:
            raise _failed("sheet-no-type-sheet", types=", ".join(forms.TYPES))
    else:
        tables = [(_csv_type(filename), _csv_rows(data))]
    rows: list[Row] = []
    for type_name, table in tables:
        if type_name not in specs:
            raise _failed("sheet-unknown-type", type=type_name)
        rows.extend(_rows_of(settings, specs[type_name], table, filename))
    _mark_repeats(rows, filename)
    _check_rows(settings, rows, filename)
    return rows


def _mark_repeats(rows: list[Row], filename: str) -> None:
    """A row naming the identifier of an earlier row: a Violation, and no files."""
    first: dict[str, int] = {}
    for row in rows:
        if row.entity is None:
            continue
        if row.entity in first:
            row.files = {}
            row.findings.append(
                Finding(
                    severity="Violation",
                    file=filename,
                    line=row.number,
                    field="id",
                    value=row.entity,
                    message=message("sheet-repeated-id", row=first[row.entity]),
                    code="sheet",
                )
            )
        else:
            first[row.entity] = row.number


def _xlsx_tables(data: bytes) -> list[tuple[str, list[list[str]]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a file that is no workbook
        raise _failed("sheet-not-xlsx", problem=str(exc)) from exc
    tables = []
    for sheet in book.worksheets:
        table = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        if any(any(row) for row in table):
            tables.append((sheet.title, table))
    book.close()
    return tables


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_type(filename: str) -> str:
    stem = PurePosixPath(filename.replace("\\", "/")).stem.lower()
    found = [name for name in forms.TYPES if name in stem.split("-") or stem.endswith(name)]
    if not found:
        raise _failed("sheet-csv-type", types=", ".join(forms.TYPES))
    return max(found, key=len)


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # What spreadsheet programs write as "CSV" on German Windows: Windows-1252.
        text = data.decode("cp1252", errors="replace")
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    return [
        [cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)
    ]


def _rows_of(
    settings: Settings, spec: FormSpec, table: list[list[str]], filename: str
) -> list[Row]:
    header = [name.strip() for name in table[0]] if table else []
    known = {name for name, _ in columns(spec)}
    if "id" not in header:
        raise _failed("sheet-no-header", type=spec.type)
    labels = _label_row(columns(spec))
    body = table[1:]
    if body and all(cell in ("", *labels) for cell in body[0]):
        body, first = body[1:], 3  # the labels of the template
    else:
        first = 2
    rows = []
    for offset, cells in enumerate(body):
        if not any(cells):
            continue
        number = first + offset
        cells = [*cells, *[""] * (len(header) - len(cells))]  # a short CSV line: empty cells
        form = {
            name: _split(spec, name, cell)
            for name, cell in zip(header, cells, strict=False)
            if name
        }
        unknown = [name for name in header if name and not _is_form_name(spec, name, known)]
        form = {name: values for name, values in form.items() if name not in unknown}
        rows.append(_row(settings, spec, form, number, filename, unknown))
    return rows


def _is_form_name(spec: FormSpec, name: str, known: set[str]) -> bool:
    """A column of the template, or another name the form reads (``title.fr``, a fourth
    stakeholder ``stakeholders.3.organization``)."""
    if name in known:
        return True
    key, _, rest = name.partition(".")
    f = spec.field(key)
    if f is None or not rest:
        return False
    if f.widget.startswith("lang"):
        return bool(re.fullmatch(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*", rest))
    index, _, part_name = rest.partition(".")
    part = next((p for p in f.parts if p.key == part_name.split(".")[0]), None)
    return f.widget == "group" and index.isdigit() and part is not None


def _split(spec: FormSpec, name: str, cell: str) -> list[str]:
    f = spec.field(name.split(".", 1)[0])
    many = f is not None and (f.many and f.widget != "group")
    if f is not None and f.widget == "group":
        part = (
            next((p for p in f.parts if p.key == name.split(".")[2]), None)
            if name.count(".") >= 2
            else None
        )
        many = part is not None and part.many
    if many:
        return [v.strip() for v in cell.split(SEPARATOR) if v.strip()]
    return [cell] if cell else []


def _row(
    settings: Settings,
    spec: FormSpec,
    form: dict[str, list[str]],
    number: int,
    filename: str,
    unknown: list[str],
) -> Row:
    """The row ``form``: a new entity, or an edit of the one its ``id`` names (whose fields
    without a column in the sheet keep their values)."""
    slug = next(iter(form.get("id", ())), "").strip().removeprefix(spec.id_prefix)
    existing = forms.record_of(settings, spec.id_prefix + slug) if slug else None
    if existing is not None:
        form = {**forms.values_of(spec, existing), **form}
    record, found = forms.record_from_form(spec, form)
    findings = [_at(f, filename, number, form) for f in found]
    findings.extend(
        Finding(
            severity="Warning",
            file=filename,
            line=number,
            field=name,
            message=message("sheet-unknown-column", column=name),
            code="sheet",
        )
        for name in unknown
    )
    entity = record.get("id")
    row = Row(spec.type, number, entity, record, {}, findings)
    if entity is None or any(f.field == "id" for f in findings):
        return row
    try:
        row.files = forms.files_for(settings, spec, record, entity if existing else None)
    except InvalidRequest as exc:
        problem = exc.problems[0]
        text = {"de": problem.de, "en": problem.en}
        row.findings.append(
            _at(Finding("Violation", "", 0, text, "id", entity), filename, number, form)
        )
    return row


def _at(finding: Finding, filename: str, number: int, form: dict[str, list[str]]) -> Finding:
    """``finding`` placed at row ``number``, its field the column it concerns."""
    name = finding.field or ""
    column = name if name in form else next((c for c in form if c.startswith(name + ".")), name)
    return Finding(
        severity=finding.severity,
        file=filename,
        line=number,
        message=finding.message,
        field=column or None,
        value=finding.value,
        code=finding.code,
        focus=finding.focus,
    )


def _check_rows(settings: Settings, rows: list[Row], filename: str) -> None:
    """Validate the rows' files with the corpus (:func:`forms.check`), in as few runs as rows
    allow: rows that change the same file are checked in separate runs."""
    pending = [row for row in rows if row.files]
    while pending:
        batch: list[Row] = []
        taken: set[str] = set()
        later = []
        for row in pending:
            if taken & set(row.files):
                later.append(row)
                continue
            batch.append(row)
            taken |= set(row.files)
        files = {path: text for row in batch for path, text in row.files.items()}
        found = forms.check(settings, files, "de")
        for row in batch:
            form = {name: [] for name, _ in columns(forms.specs(settings)[row.type])}
            seen = {(f.field, f.message.get("en")) for f in row.findings}
            for finding in found:
                if finding.file not in row.files or (
                    finding.focus is not None and finding.focus != _iri(settings, row.entity)
                ):
                    continue
                placed = _at(finding, filename, row.number, form)
                if (placed.field, placed.message.get("en")) not in seen:
                    seen.add((placed.field, placed.message.get("en")))
                    row.findings.append(placed)
        pending = later


def _iri(settings: Settings, entity: str | None) -> str | None:
    return settings.vocab.base + entity if entity else None
