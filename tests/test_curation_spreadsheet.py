"""Spreadsheet templates and import (kg.curation.spreadsheet)."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from kg.config import Settings
from kg.curation import forms, spreadsheet
from kg.errors import ImportFailed

BAD_ROWS = {6: "orgType", 12: "name.de", 21: "places"}


def test_the_xlsx_template_has_a_sheet_per_type_with_the_form_columns(
    project_settings: Settings,
) -> None:
    book = load_workbook(io.BytesIO(spreadsheet.template(project_settings, "xlsx")))
    assert book.sheetnames == list(forms.TYPES)
    specs = forms.specs(project_settings)
    for name in forms.TYPES:
        sheet = book[name]
        header = [c.value for c in sheet[1]]
        assert header == [n for n, _ in spreadsheet.columns(specs[name])]
        assert header[0] == "id"
    usecase = book["usecase"]
    header = [c.value for c in usecase[1]]
    labels = dict(zip(header, [c.value for c in usecase[2]], strict=True))
    assert labels["title.de"] == "Titel (de) / Title (de)"
    assert labels["stakeholders.1.role"].endswith("Stakeholders 2: Role")
    assert "stakeholders.2.organization" in header and "sectors" in header
    places = book["place"]
    ags = next(c.column_letter for c in places[1] if c.value == "ags")
    assert places.column_dimensions[ags].number_format == "@"  # 02000000 stays text


def test_the_csv_template_has_the_columns_of_one_type(project_settings: Settings) -> None:
    text = spreadsheet.template(project_settings, "csv", "dataset").decode("utf-8-sig")
    header, labels = list(csv.reader(io.StringIO(text)))
    specs = forms.specs(project_settings)
    assert header == [n for n, _ in spreadsheet.columns(specs["dataset"])]
    assert "distributions.0.accessURL" in header and labels[0].startswith("Kennung")
    with pytest.raises(ImportFailed):
        spreadsheet.read_rows(project_settings, text.encode(), "datasets-export.csv")


def fill(settings: Settings, rows: list[dict[str, str]], sheet: str) -> bytes:
    book = load_workbook(io.BytesIO(spreadsheet.template(settings, "xlsx")))
    target = book[sheet]
    header = [c.value for c in target[1]]
    for values in rows:
        target.append([values.get(name) for name in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def organisation(number: int) -> dict[str, str]:
    return {
        "id": f"test-organisation-{number}",
        "name.de": f"Testorganisation {number}",
        "name.en": f"Test organisation {number}",
        "orgType": "company",
        "places": "hamburg; berlin",
    }


def test_twenty_rows_three_bad(project_settings: Settings) -> None:
    """A filled template of 20 rows, 3 of them bad: 17 rows ready to propose, 3 with
    messages naming their row and column; rows number as in the sheet (data from row 3)."""
    rows = [organisation(n) for n in range(20)]
    rows[3]["orgType"] = "konzern"  # sheet row 6: no such code
    rows[9]["name.de"] = rows[9]["name.en"] = ""  # sheet row 12: required field empty
    rows[18]["places"] = "hamburg; atlantis"  # sheet row 21: no such place (SHACL)
    rows[5]["id"] = "org/citylab-berlin"  # an existing organisation: an edit of its file
    rows[5]["places"] = "berlin"
    data = fill(project_settings, rows, "organisation")
    read = spreadsheet.read_rows(project_settings, data, "inventory.xlsx")
    assert len(read) == 20
    assert [r.number for r in read] == list(range(3, 23))
    good = [r for r in read if r.ok]
    bad = [r for r in read if not r.ok]
    assert len(good) == 17
    assert {r.number: {f.field for f in r.findings if f.severity == "Violation"} for r in bad} == {
        number: {column} for number, column in BAD_ROWS.items()
    }
    for row in bad:
        for finding in row.findings:
            assert finding.file == "inventory.xlsx" and finding.line == row.number
            assert finding.message["de"] and finding.message["en"]
    konzern = next(f for f in bad[0].findings if f.field == "orgType")
    assert konzern.value == "konzern"
    assert all(not [f for f in r.findings if f.severity == "Violation"] for r in good)
    edit = next(r for r in read if r.entity == "org/citylab-berlin")
    assert list(edit.files) == ["usecases/shared/organisations-a.yaml"]
    new = next(r for r in read if r.entity == "org/test-organisation-0")
    text = new.files["usecases/shared/organisations/test-organisation-0.yaml"]
    assert "places: [hamburg, berlin]" in text and "orgType: company" in text
    assert new.type == "organisation" and new.record["name"]["en"] == "Test organisation 0"


def test_csv_rows_with_semicolons_and_labels(project_settings: Settings) -> None:
    columns = [n for n, _ in spreadsheet.columns(forms.specs(project_settings)["organisation"])]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(columns)
    values = organisation(1)
    writer.writerow([values.get(c, "") for c in columns])
    values = organisation(2) | {"orgType": ""}
    writer.writerow([values.get(c, "") for c in columns])
    read = spreadsheet.read_rows(
        project_settings, out.getvalue().encode("utf-8"), "template-organisation.csv"
    )
    assert [r.number for r in read] == [2, 3]
    assert read[0].ok and read[0].record["places"] == ["hamburg", "berlin"]
    assert not read[1].ok
    assert [f.field for f in read[1].findings if f.severity == "Violation"] == ["orgType"]


def test_a_repeated_identifier_is_refused(project_settings: Settings) -> None:
    rows = [organisation(1), organisation(2), organisation(1) | {"name.en": "Other"}]
    read = spreadsheet.read_rows(
        project_settings, fill(project_settings, rows, "organisation"), "orgs.xlsx"
    )
    assert [r.ok for r in read] == [True, True, False]
    assert read[2].files == {}
    assert read[2].findings[0].message["en"].startswith("This identifier is already in row 3.")


def test_an_edit_keeps_the_fields_the_sheet_has_no_column_for(project_settings: Settings) -> None:
    """A German CSV (Windows-1252, semicolons) of a few columns edits an organisation: its
    homepage, for which the sheet has no column, stays."""
    before = forms.record_of(project_settings, "org/stadt-darmstadt")
    assert before["homepage"]
    text = (
        "id;name.de;name.en;orgType\n"
        "org/stadt-darmstadt;Wissenschaftsstadt Darmstadt – Größe;City of Darmstadt;kommune\n"
    )
    read = spreadsheet.read_rows(project_settings, text.encode("cp1252"), "organisation.csv")
    assert [r.ok for r in read] == [True]
    assert read[0].record["homepage"] == [before["homepage"]]
    assert read[0].record["name"]["de"] == "Wissenschaftsstadt Darmstadt – Größe"
    ((path, new),) = read[0].files.items()
    assert path == forms.locate(project_settings, "org/stadt-darmstadt").path
    assert "Wissenschaftsstadt Darmstadt – Größe" in new
    assert f"homepage: {before['homepage']}\n" in new  # as the file writes it, not a list


def test_uploads_that_are_no_template(project_settings: Settings) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Notizen"
    book.active.append(["id", "Titel"])
    book.active.append(["x", "y"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ImportFailed) as caught:
        spreadsheet.read_rows(project_settings, out.getvalue(), "notes.xlsx")
    assert caught.value.messages["de"].startswith("Die Arbeitsmappe hat kein Blatt der Vorlage.")
    with pytest.raises(ImportFailed) as caught:
        spreadsheet.read_rows(project_settings, b"PK\x03\x04 not a zip", "broken.xlsx")
    assert "XLSX" in caught.value.messages["en"]
    # a notes sheet beside the template's sheets is left alone
    data = fill(project_settings, [organisation(1)], "organisation")
    book = load_workbook(io.BytesIO(data))
    book.create_sheet("Notizen").append(["anything", "at all"])
    out = io.BytesIO()
    book.save(out)
    read = spreadsheet.read_rows(project_settings, out.getvalue(), "with-notes.xlsx")
    assert [(r.type, r.ok) for r in read] == [("organisation", True)]


def test_columns_beyond_the_template(project_settings: Settings) -> None:
    """A fourth stakeholder or a French title is read; a column no form knows is named once
    per row as not read."""
    text = (
        "id,name.de,name.en,name.fr,orgType,remarks\n"
        "test-org,Testorganisation,Test organisation,Organisation test,company,call back\n"
    )
    (row,) = spreadsheet.read_rows(project_settings, text.encode(), "template-organisation.csv")
    assert row.ok and row.record["name"]["fr"] == "Organisation test"
    # kg validate keeps a language the site does not show with a Warning
    assert sorted((f.severity, f.field) for f in row.findings) == [
        ("Warning", "name.fr"),
        ("Warning", "remarks"),
    ]
    assert "remarks" not in row.record
