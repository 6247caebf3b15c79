"""Every kind of bad input gives a message naming file, line, field and what to do, in the
chosen language, and a non-zero exit; a Warning alone does not fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.cli import main

CASE = "usecases/berlin-giess-den-kiez.yaml"


def run(project: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["--project", str(project), "validate", *args])
    out = capsys.readouterr()
    return code, out.out + out.err


def edit(project: Path, old: str, new: str, name: str = CASE) -> Path:
    path = project / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(path: Path, fragment: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if fragment in line:
            return number
    raise AssertionError(fragment)


def test_the_shipped_corpus_has_no_violation(project_copy: Path, capsys) -> None:
    code, out = run(project_copy, capsys)
    assert code == 0, out
    assert "0 violations" in out


def test_yaml_syntax_error_names_line_and_column(project_copy: Path, capsys) -> None:
    path = edit(project_copy, "places: [berlin]\n", "places: [berlin\n")
    code, out = run(project_copy, capsys, str(path), "--lang", "en")
    assert code == 1
    assert f"{CASE}:" in out and "YAML syntax error" in out
    assert "Check indentation, colons and quotes" in out
    code, out = run(project_copy, capsys, str(path), "--lang", "de")
    assert "YAML-Syntaxfehler" in out and "Verstoß" in out


def test_missing_required_field(project_copy: Path, capsys) -> None:
    path = project_copy / CASE
    edit(project_copy, "maturity: scaled\n", "")
    code, out = run(project_copy, capsys, str(path))
    assert code == 1
    assert f"{CASE}:{line_of(path, 'id: usecase/')}: Violation – field 'maturity'" in out
    assert "in-operation" in out  # says what to write
    code, out = run(project_copy, capsys, str(path), "--lang", "de")
    assert "Verstoß – Feld 'maturity'" in out


def test_bad_date(project_copy: Path, capsys) -> None:
    path = edit(project_copy, "modified: 2026-12-03", "modified: 2026-13-45")
    code, out = run(project_copy, capsys, str(path))
    assert code == 1
    line = line_of(path, "modified:")
    assert f"{CASE}:{line}: Violation – field 'modified' – value '2026-13-45'" in out
    assert "YYYY-MM-DD" in out


def test_malformed_url(project_copy: Path, capsys) -> None:
    path = edit(
        project_copy,
        "  - https://citylab-berlin.org/de/projects/giess-den-kiez/\n",
        "  - htp:/citylab berlin\n",
    )
    code, out = run(project_copy, capsys, str(path))
    assert code == 1
    assert f"{CASE}:{line_of(path, 'htp:/')}:5: Violation – field 'sources'" in out
    assert "http:// or https://" in out
    assert "No source given" not in out  # the refused value is reported once


@pytest.mark.parametrize(
    ("field", "old", "new", "wording"),
    [
        ("sectors", "sectors: [environment,", "sectors: [environmnt,", "Unknown sector"),
        (
            "uses",
            "uses: [berlin-street-tree-register,",
            "uses: [berlin-tree-register,",
            "Unknown dataset",
        ),
        ("places", "places: [berlin]", "places: [atlantis]", "Unknown place"),
    ],
)
def test_unknown_reference_at_the_line_of_the_reference(
    project_copy: Path, capsys, field: str, old: str, new: str, wording: str
) -> None:
    path = edit(project_copy, old, new)
    code, out = run(project_copy, capsys, str(path))
    assert code == 1
    line = line_of(path, new)
    assert f"{CASE}:{line}: Violation – field '{field}'" in out
    assert wording in out


def test_unknown_standard_in_shared_file(project_copy: Path, capsys) -> None:
    path = edit(
        project_copy,
        "standards: [ogc-sensorthings-api",
        "standards: [ogc-sensorthing",
        "usecases/shared/datasets.yaml",
    )
    code, out = run(project_copy, capsys, str(path))
    assert code == 1
    line = (
        line_of(path, "standards: [ogc-sensorthing,")
        if False
        else line_of(path, "[ogc-sensorthing")
    )
    assert f"usecases/shared/datasets.yaml:{line}: Violation – field 'standards'" in out
    assert "Unknown standard" in out


def test_same_identifier_in_two_files(project_copy: Path, capsys) -> None:
    copy = project_copy / "usecases" / "shared" / "more.yaml"
    copy.write_text(
        '"@context": https://w3id.org/sckg/context.jsonld\n"@graph":\n'
        "  - id: place/berlin\n    type: Municipality\n    name: {de: Berlin, en: Berlin}\n"
        '    ags: "11000000"\n',
        encoding="utf-8",
    )
    code, out = run(project_copy, capsys, str(copy))
    assert code == 1
    assert "usecases/shared/more.yaml:3: Violation – field 'id'" in out
    assert "already defined in usecases/shared/places-a.yaml:" in out


def test_missing_english_title_is_a_warning_only(project_copy: Path, capsys) -> None:
    path = edit(
        project_copy,
        '  en: "Gieß den Kiez – watering street trees together, built on open data"\n',
        "",
    )
    code, out = run(project_copy, capsys, str(path))
    assert code == 0
    assert f"{CASE}:{line_of(path, '  de: ')}: Warning – field 'title'" in out
    assert "English" in out
    code, out = run(project_copy, capsys, str(path), "--lang", "de")
    assert "Warnung – Feld 'title'" in out and "Englisch" in out


def test_empty_file(project_copy: Path, capsys) -> None:
    path = project_copy / "usecases" / "new-case.yaml"
    path.write_text("", encoding="utf-8")
    code, out = run(project_copy, capsys, str(path))
    assert code == 1
    assert "usecases/new-case.yaml:1:1: Violation: The file is empty." in out


def test_file_that_is_neither_yaml_nor_turtle(project_copy: Path, capsys) -> None:
    notes = project_copy / "usecases" / "notes.docx"
    notes.write_bytes(b"PK\x03\x04 not a document we read")
    code, out = run(project_copy, capsys)  # the build would read it: so does `kg validate`
    assert code == 1
    assert "usecases/notes.docx:1:1: Violation: File type '.docx' is not supported" in out
    code, out = run(project_copy, capsys, str(notes))  # named: not a file to validate
    assert code == 2
    assert "is not a curated file. Accepted are" in out
    binary = project_copy / "usecases" / "broken.yaml"
    binary.write_bytes(b"id: usecase/broken\n\xff\xfe\x00")
    code, out = run(project_copy, capsys, str(binary))
    assert code == 1
    assert "usecases/broken.yaml:2:1: Violation: The file is not readable UTF-8 text" in out


def test_remote_context_is_refused_and_nothing_is_fetched(project_copy: Path, capsys) -> None:
    path = edit(
        project_copy,
        '"@context": https://w3id.org/sckg/context.jsonld',
        '"@context": http://127.0.0.1:9/context.jsonld',
    )
    code, out = run(project_copy, capsys, str(path))
    assert code == 1
    assert f"{CASE}:1:13: Violation – field '@context'" in out
    assert "never loaded" in out


def test_rdfxml_with_doctype_is_refused(project_copy: Path, capsys) -> None:
    path = project_copy / "usecases" / "entity.rdf"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">&e;</rdf:RDF>\n',
        encoding="utf-8",
    )
    code, out = run(project_copy, capsys, str(path))
    assert code == 1
    assert "usecases/entity.rdf:2:1: Violation: RDF/XML with a DOCTYPE" in out
    assert "root:" not in out


def test_unknown_field_suggests_the_right_one(project_copy: Path, capsys) -> None:
    path = edit(project_copy, "sectors:", "sektors:")
    code, out = run(project_copy, capsys, str(path), "--lang", "de")
    assert code == 1
    assert f"{CASE}:{line_of(path, 'sektors:')}:1: Verstoß – Feld 'sektors'" in out
    assert "Meinten Sie 'sectors'?" in out


def test_turtle_beside_yaml_is_validated_too(project_copy: Path, capsys) -> None:
    path = project_copy / "usecases" / "extra.ttl"
    path.write_text(
        "@prefix sckg: <https://w3id.org/sckg/ontology#> .\n\n"
        "<https://w3id.org/sckg/usecase/extra> a sckg:UseCase ;\n"
        "    sckg:sector <https://w3id.org/sckg/sector/nowhere> .\n",
        encoding="utf-8",
    )
    code, out = run(project_copy, capsys, str(path))
    assert code == 1
    assert "usecases/extra.ttl:3: Violation – field 'sectors' – value 'nowhere'" in out


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_machine_readable_reports(project_copy: Path, capsys, fmt: str) -> None:
    import json

    path = edit(project_copy, "modified: 2026-12-03", "modified: 2026-13-45")
    code, out = run(project_copy, capsys, str(path), "--format", fmt)
    assert code == 1
    doc = json.loads(out)
    if fmt == "json":
        assert doc["violations"] == 1
        (violation,) = [f for f in doc["findings"] if f["severity"] == "Violation"]
        assert violation["file"] == CASE
        assert violation["field"] == "modified"
    else:
        (result,) = [r for r in doc["runs"][0]["results"] if r["level"] == "error"]
        assert result["level"] == "error"
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == CASE
        assert location["region"]["startLine"] == line_of(path, "modified:")


def test_validating_one_file_reports_that_file_only(project_copy: Path, capsys) -> None:
    """Two broken files, one named: the other one's violation is not reported (issue 19: the
    check of only the named file's entities was untested)."""
    path = edit(project_copy, "maturity: scaled\n", "")
    other = "usecases/hamburg-traffic-signal-data.yaml"
    text = (project_copy / other).read_text(encoding="utf-8")
    maturity = next(line for line in text.splitlines() if line.startswith("maturity: "))
    edit(project_copy, maturity + "\n", "", name=other)
    code, out = run(project_copy, capsys, "--lang", "en", str(path))
    assert code == 1
    assert f"{CASE}:" in out and "field 'maturity'" in out
    assert other not in out
    code, out = run(project_copy, capsys, "--lang", "en")
    assert code == 1 and other in out and CASE in out


def test_the_pyshacl_cross_check_names_file_line_and_field_too(project_copy: Path, capsys) -> None:
    """``kg validate --engine pyshacl`` (the cross-check of the compiled shapes) reports where
    the problem is as the default engine does (its file and field were untested, issue 19)."""
    path = edit(project_copy, "sectors: [environment, water, society]\n", "sectors: [nowhere]\n")
    line = line_of(path, "sectors: [nowhere]")
    for engine in ("sparql", "pyshacl"):
        code, out = run(project_copy, capsys, "--lang", "en", "--engine", engine, str(path))
        assert code == 1
        assert f"{CASE}:{line}: Violation – field 'sectors'" in out, engine
