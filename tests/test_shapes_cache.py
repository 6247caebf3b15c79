"""The compiled SHACL shapes kept in ``<store>/cache/`` (kg.store.shacl.cached_shapes): reused
while the shapes are unchanged, compiled again when they change, and a cache file that cannot
be read is ignored; what the cache gives validates as a fresh compile does."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg.authoring.ontology import SHAPES_FILE, OntologyFiles
from kg.build.pipeline import build
from kg.config import Settings
from kg.namespaces import Vocabulary
from kg.store import shacl

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def ontology_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "ontology"
    shutil.copytree(ROOT / "ontology", folder)
    return folder


def _compiled(folder: Path, cache: Path):
    return OntologyFiles(folder, Vocabulary(), cache=cache).compiled


def _counting(monkeypatch) -> list[int]:
    calls: list[int] = []
    compile_all = shacl.compile_all

    def counted(*args, **kwargs):
        calls.append(1)
        return compile_all(*args, **kwargs)

    monkeypatch.setattr(shacl, "compile_all", counted)
    return calls


def test_reused_while_the_shapes_are_unchanged(ontology_dir, tmp_path, monkeypatch) -> None:
    cache = tmp_path / "cache"
    calls = _counting(monkeypatch)
    first = _compiled(ontology_dir, cache)
    assert len(calls) == 1 and len(list(cache.glob("shapes-*.pickle"))) == 1
    again = _compiled(ontology_dir, cache)
    assert len(calls) == 1, "the shapes were compiled again although unchanged"
    assert again == first
    fresh = OntologyFiles(ontology_dir, Vocabulary()).compiled  # no cache: compiled
    assert [c.parts for c in again.checks] == [c.parts for c in fresh.checks]
    assert again.inverse == fresh.inverse and again.only_count == fresh.only_count
    assert sorted(map(str, again.messages.values())) == sorted(map(str, fresh.messages.values()))


def test_compiled_again_when_the_shapes_change(ontology_dir, tmp_path, monkeypatch) -> None:
    cache = tmp_path / "cache"
    calls = _counting(monkeypatch)
    before = _compiled(ontology_dir, cache)
    shapes = ontology_dir / SHAPES_FILE
    text = shapes.read_text(encoding="utf-8")
    old = '"Identifier missing. Give an identifier of the form usecase/slug'
    assert old in text
    shapes.write_text(text.replace(old, '"Changed: ' + old[1:], 1), "utf-8")
    after = _compiled(ontology_dir, cache)
    assert len(calls) == 2
    assert after.messages != before.messages
    assert any(m["en"].startswith("Changed: ") for m in after.messages.values())
    assert len(list(cache.glob("shapes-*.pickle"))) == 1, "the stale cache file was kept"


@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x05K\x01."])
def test_a_cache_file_that_cannot_be_read_is_ignored(
    ontology_dir, tmp_path, monkeypatch, damage: bytes
) -> None:
    cache = tmp_path / "cache"
    first = _compiled(ontology_dir, cache)
    [path] = cache.glob("shapes-*.pickle")
    path.write_bytes(damage)
    calls = _counting(monkeypatch)
    again = _compiled(ontology_dir, cache)
    assert calls == [1] and again == first
    assert path.read_bytes() != damage, "the damaged cache file was not replaced"


def test_an_incremental_build_uses_the_cache(project_settings: Settings, monkeypatch) -> None:
    """A finding's message comes from the cache's shapes (their blank nodes are named as in
    the parse the checks came from, not as in a parse of this build)."""
    first = build(project_settings, no_reason=True)
    assert list((project_settings.store_path / "cache").glob("shapes-*.pickle"))
    case = project_settings.usecases_dir / "berlin-giess-den-kiez.yaml"
    text = case.read_text(encoding="utf-8")
    case.write_text(text.replace("maturity: scaled\n", ""), encoding="utf-8")
    calls = _counting(monkeypatch)
    with pytest.raises(Exception) as failed:
        build(project_settings, no_reason=True)
    assert calls == [], "an incremental build compiled the shapes"
    findings = failed.value.report.findings  # type: ignore[attr-defined]
    missing = [f for f in findings if f.file.endswith("berlin-giess-den-kiez.yaml")]
    assert missing and all(f.message["en"] and "does not satisfy" not in f.message["en"]
                           for f in missing)  # fmt: skip
    assert first.mode == "full"
