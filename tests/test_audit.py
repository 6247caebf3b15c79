"""`kg audit` (issue 12): a small fixture with one finding of each kind, each way a claim or a
place can fall short, the exit code, the JSON output, and the shipped corpus, which must have
no claim without source and no incomplete place (this test is how CI runs the audit)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kg.cli import main
from kg.curation.audit import BLOCKING, KINDS, audit
from kg.namespaces import Vocabulary

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "audit"
SHARED = "usecases/shared/entities.yaml"
PRODUCER = "usecases/musterstadt-pegel.yaml"
CONSUMER = "usecases/musterdorf-warnung.yaml"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "ontology", tmp_path / "ontology")
    shutil.copytree(FIXTURE / "usecases", tmp_path / "usecases")
    return tmp_path


def edit(project: Path, name: str, old: str, new: str) -> None:
    path = project / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def codes(project: Path) -> list[tuple[str, str, str]]:
    return [(f.kind, f.code, f.entity) for f in audit(project, Vocabulary()).findings]


def test_one_finding_of_each_kind_with_file_line_and_both_languages(project: Path) -> None:
    result = audit(project, Vocabulary())
    found = [(f.kind, f.code, f.entity, f.file, f.line) for f in result.findings]
    assert found == [
        ("unsourced", "audit-gaiax-unsourced", "usecase/musterdorf-warnung", CONSUMER, 12),
        ("place", "audit-place-population", "place/musterdorf", SHARED, 18),
        ("short-text", "audit-short-text", "usecase/musterdorf-warnung", CONSUMER, 6),
        ("assessed-flow", "audit-assessed-flow", "usecase/musterdorf-warnung", CONSUMER, 10),
    ]
    short = result.of("short-text")[0].message
    assert "4 Wörter auf Deutsch" in short["de"] and "4 words in German" in short["en"]
    flow = result.of("assessed-flow")[0].message["en"]
    assert "dataset/musterstadt-pegel" in flow and "usecase/musterstadt-pegel" in flow
    assert result.blocking


def test_exit_code_and_text_in_german(project: Path, capsys) -> None:
    assert main(["--project", str(project), "--lang", "de", "audit"]) == 1
    out = capsys.readouterr().out
    assert "Aussagen ohne Quelle: 1" in out
    assert "Orte ohne Einwohnerzahl, Stadt- und Gemeindetyp oder Land: 1" in out
    assert f"{SHARED}:18: place/musterdorf: Ort ohne Einwohnerzahl." in out


def test_json_output(project: Path, capsys) -> None:
    assert main(["--project", str(project), "audit", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["counts"] == {kind: 1 for kind in KINDS}
    assert data["blocking"] is True
    assert {f["kind"] for f in data["findings"]} == set(KINDS)
    assert all(set(f["message"]) == {"de", "en"} and f["text"] for f in data["findings"])


def test_only_short_texts_and_assessed_flows_do_not_fail(project: Path, capsys) -> None:
    edit(
        project,
        CONSUMER,
        '    name: {de: "Musterdatenraum"',
        '    source: https://example.org/raum\n    name: {de: "Musterdatenraum"',
    )
    edit(
        project,
        SHARED,
        "    sizeClass: landgemeinde",
        '    population: {value: 800, year: 2023, source: "https://example.org/e"}\n'
        "    sizeClass: landgemeinde",
    )
    assert {f[0] for f in codes(project)} == {"short-text", "assessed-flow"}
    assert main(["--project", str(project), "audit"]) == 0


def test_use_case_without_source(project: Path) -> None:
    edit(project, PRODUCER, "sources: [https://example.org/pegel]\n", "")
    assert ("unsourced", "audit-usecase-unsourced", "usecase/musterstadt-pegel") in codes(project)


def test_platform_of_a_real_use_case_without_source(project: Path) -> None:
    edit(project, SHARED, "    sources: [https://example.org/plattform]\n", "")
    found = codes(project)
    assert ("unsourced", "audit-platform-unsourced", "platform/musterstadt-datenplattform") in found


def test_german_municipality_without_size_class(project: Path) -> None:
    edit(project, SHARED, "    sizeClass: mittelstadt\n", "")
    assert ("place", "audit-place-size-class", "place/musterstadt") in codes(project)


def test_german_place_without_land(project: Path) -> None:
    edit(
        project,
        SHARED,
        "    sizeClass: mittelstadt\n    partOf: [musterland]\n",
        "    sizeClass: mittelstadt\n",
    )
    assert ("place", "audit-place-land", "place/musterstadt") in codes(project)


def test_sixty_words_per_language_is_enough(project: Path) -> None:
    """The producer's text has at least 60 words in each language: no short-text finding."""
    assert not [f for f in codes(project) if f[2] == "usecase/musterstadt-pegel"]


def test_shipped_corpus_has_no_unsourced_claim_and_no_incomplete_place() -> None:
    result = audit(ROOT, Vocabulary())
    blocking = [f.text("en") for f in result.findings if f.kind in BLOCKING]
    assert blocking == []


def test_an_enclosing_district_no_use_case_names_needs_no_population(project: Path) -> None:
    """A Kreis that is only the enclosing unit of a named town: its Land suffices."""
    edit(
        project,
        SHARED,
        "  - id: place/musterstadt\n",
        "  - id: place/musterkreis\n    type: District\n"
        "    name: {de: Musterkreis, en: Musterkreis}\n"
        "    country: DEU\n    partOf: [musterland]\n  - id: place/musterstadt\n",
    )
    edit(
        project,
        SHARED,
        "    partOf: [musterland]\n  - id: place/musterdorf",
        "    partOf: [musterkreis, musterland]\n  - id: place/musterdorf",
    )
    assert not [f for f in codes(project) if f[2] == "place/musterkreis"]
    edit(project, PRODUCER, "places: [musterstadt]", "places: [musterstadt, musterkreis]")
    assert ("place", "audit-place-population", "place/musterkreis") in codes(project)
