"""The build state's manifest (kg/build/state.py): a SQLite database whose rows an incremental
build reads and writes as it needs them, with the safety of the pickle it replaced: a failed or
interrupted build leaves the previous state usable, and a manifest that cannot be read means a
full build, not a crash."""

from __future__ import annotations

import json
import marshal
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from kg.build import state as state_module
from kg.build.pipeline import build
from kg.build.state import STATE_VERSION, BuildState, FileRecord, StateUnreadable
from kg.config import Settings
from kg.errors import ValidationFailed

CASE = "berlin-giess-den-kiez.yaml"


def manifest_file(settings: Settings) -> Path:
    return settings.store_path / "state" / "manifest.sqlite"


def rows(settings: Settings, query: str) -> list[tuple]:
    with closing(sqlite3.connect(manifest_file(settings))) as db:
        return db.execute(query).fetchall()


def files(settings: Settings) -> dict[str, tuple]:
    return {r[0]: r[1:] for r in rows(settings, "SELECT * FROM files")}


def edit(settings: Settings, old: str, new: str) -> None:
    case = settings.usecases_dir / CASE
    text = case.read_text(encoding="utf-8")
    assert old in text
    case.write_text(text.replace(old, new), encoding="utf-8")


def test_the_manifest_is_a_database_of_every_file(project_settings: Settings) -> None:
    result = build(project_settings, no_reason=True)
    assert not (project_settings.store_path / "state" / "manifest.pickle").exists()
    meta = dict(rows(project_settings, "SELECT name, value FROM meta"))
    assert meta["version"] == STATE_VERSION == "6"
    assert meta["release"] == result.release.id
    recorded = files(project_settings)
    assert len(recorded) == result.validated
    assert f"usecases/{CASE}" in recorded
    defined = rows(project_settings, f"SELECT iri FROM defines WHERE path = 'usecases/{CASE}'")
    assert defined, "the use case's identifier is not recorded as defined by its file"


def test_an_incremental_build_changes_only_the_rows_of_the_changed_file(
    project_settings: Settings,
) -> None:
    build(project_settings, no_reason=True)
    before = files(project_settings)
    edit(project_settings, "maturity: scaled\n", "maturity: pilot\n")
    result = build(project_settings, no_reason=True)
    assert result.mode == "incremental"
    after = files(project_settings)
    changed = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
    assert changed == {f"usecases/{CASE}"}
    meta = dict(rows(project_settings, "SELECT name, value FROM meta"))
    assert meta["release"] == result.release.id
    assert len({meta["graph"], meta["full"]}) == 2
    assert {p.name for p in manifest_file(project_settings).parent.glob("graph-*")} == {
        meta["graph"],
        meta["full"],
    }


def test_a_failed_incremental_build_leaves_the_manifest_as_it_was(
    project_settings: Settings,
) -> None:
    build(project_settings, no_reason=True)
    before = manifest_file(project_settings).read_bytes()
    case = project_settings.usecases_dir / CASE
    original = case.read_text(encoding="utf-8")
    edit(project_settings, "maturity: scaled\n", "")
    with pytest.raises(ValidationFailed):
        build(project_settings, no_reason=True)
    assert manifest_file(project_settings).read_bytes() == before
    case.write_text(original, encoding="utf-8")
    assert build(project_settings, no_reason=True).mode == "unchanged"


def test_an_update_interrupted_midway_changes_no_row(
    project_settings: Settings, monkeypatch
) -> None:
    """The rows of the changed file are deleted first; a failure before the commit (here: in
    writing the new metadata) must roll that back, or the next build would miss the file."""
    first = build(project_settings, no_reason=True)
    folder = manifest_file(project_settings).parent
    state = BuildState(folder, project_settings.project)
    key = dict(rows(project_settings, "SELECT name, value FROM meta"))["key"]
    manifest = state.load(key)
    assert manifest is not None and manifest.release == first.release.id
    tables = ("files", "defines", "findings", "meta")
    before = [rows(project_settings, f"SELECT * FROM {t}") for t in tables]
    edit(project_settings, "maturity: scaled\n", "maturity: pilot\n")
    delta = state.delta(manifest)
    changed = {state.relative(p): FileRecord("0" * 64, 1, 1, {"urn:x": 1}) for p in delta.changed}
    assert list(changed) == [f"usecases/{CASE}"]

    def interrupted(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(state_module, "_write_meta", interrupted)
    graph, full = folder / manifest.graph, folder / manifest.full
    with pytest.raises(StateUnreadable):
        state.update(manifest, delta, changed, {}, graph, "another-release", full)
    after = [rows(project_settings, f"SELECT * FROM {t}") for t in tables]
    assert after == before
    again = state.load(key)
    assert again is not None and again.release == first.release.id
    monkeypatch.undo()
    assert build(project_settings, no_reason=True).mode == "incremental"


def test_a_corrupt_manifest_means_a_full_build(project_settings: Settings) -> None:
    build(project_settings, no_reason=True)
    manifest_file(project_settings).write_bytes(b"not a database, " * 100)
    edit(project_settings, "maturity: scaled\n", "maturity: pilot\n")
    assert build(project_settings, no_reason=True).mode == "full"
    edit(project_settings, "maturity: pilot\n", "maturity: scaled\n")
    assert build(project_settings, no_reason=True).mode == "incremental"


def test_a_manifest_that_breaks_during_the_build_means_a_full_build(
    project_settings: Settings,
) -> None:
    """Its stamps read, its other tables gone (a manifest damaged after it was opened)."""
    build(project_settings, no_reason=True)
    with closing(sqlite3.connect(manifest_file(project_settings))) as db, db:
        db.execute("DROP TABLE defines")
    edit(project_settings, "maturity: scaled\n", "maturity: pilot\n")
    assert build(project_settings, no_reason=True).mode == "full"
    assert rows(project_settings, "SELECT count(*) FROM defines")[0][0] > 0


def test_a_manifest_of_another_version_means_a_full_build(project_settings: Settings) -> None:
    build(project_settings, no_reason=True)
    with closing(sqlite3.connect(manifest_file(project_settings))) as db, db:
        db.execute("UPDATE meta SET value = '5' WHERE name = 'version'")
    edit(project_settings, "maturity: scaled\n", "maturity: pilot\n")
    assert build(project_settings, no_reason=True).mode == "full"


def test_kept_warnings_are_counted_at_once_and_made_only_when_read(
    project_settings: Settings,
) -> None:
    build(project_settings, no_reason=True)
    edit(project_settings, "maturity: scaled\n", "maturity: pilot\n")
    result = build(project_settings, no_reason=True)
    assert result.mode == "incremental"
    report = result.report
    warnings = report.count("Warning")
    held = sum(1 for f in report.loaded if f.severity == "Warning")
    assert warnings > held, "the shipped corpus has warnings in files the edit did not touch"
    reference = build(project_settings, no_reason=True, full=True).report
    assert warnings == reference.count("Warning")
    assert sorted(report, key=repr) == sorted(reference, key=repr)  # reading makes them
    assert len(report.loaded) == len(reference.findings)


@pytest.mark.parametrize(
    "blob",
    [b"\x00not marshal", marshal.dumps([("Warning", 3)])],
    ids=["not-marshal", "short-rows"],
)
def test_a_findings_row_that_does_not_decode_means_a_full_build(
    project_settings: Settings, blob: bytes
) -> None:
    build(project_settings, no_reason=True)
    with closing(sqlite3.connect(manifest_file(project_settings))) as db, db:
        first = "(SELECT min(rowid) FROM findings)"
        db.execute(f"UPDATE findings SET rows = ? WHERE rowid = {first}", (blob,))
    edit(project_settings, "maturity: scaled\n", "maturity: pilot\n")
    assert build(project_settings, no_reason=True).mode == "full"
    assert build(project_settings, no_reason=True).mode == "unchanged"


def test_a_report_counts_deferred_findings_without_making_them() -> None:
    from kg.build.state import KeptFindings
    from kg.report import Finding, Report

    message = json.dumps({"de": "Hinweis", "en": "Note"}, sort_keys=True)
    rows = [
        ("a.yaml", marshal.dumps([("Warning", 2, message, "title", None, None, "shacl", None)])),
        ("b.yaml", marshal.dumps([("Info", 5, message, None, "x", 3, "shacl", "urn:x")] * 2)),
    ]
    kept = KeptFindings(rows)
    made: list[str] = []

    def load(paths):
        made.extend(paths)
        return kept.load(paths)

    report = Report([Finding("Violation", "c.yaml", 1, {"de": "V", "en": "V"})], files=3)
    report.defer(kept.counts(kept.paths), lambda: load(kept.paths))
    assert (report.count("Violation"), report.count("Warning"), report.count("Info")) == (1, 1, 2)
    assert not report.conforms and made == []
    assert [f.file for f in report] == ["a.yaml", "b.yaml", "b.yaml", "c.yaml"]
    assert made == ["a.yaml", "b.yaml"]
    assert report.findings[2] == Finding(
        "Info", "b.yaml", 5, {"de": "Hinweis", "en": "Note"}, None, "x", 3, "shacl", "urn:x"
    )
    assert report.count("Info") == 2  # counted once, not again after they were made
