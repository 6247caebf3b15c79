"""Publishing is atomic: a failed, refused or killed build leaves the served store exactly as
it was, and a reader never sees a half-built graph."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.build.pipeline import build, check
from kg.config import Settings
from kg.errors import PublishFailed, ValidationFailed
from kg.store import open_store
from kg.store.embedded import EmbeddedStore


def quads(settings: Settings) -> set[str]:
    store = open_store(settings)
    assert isinstance(store, EmbeddedStore)
    return {str(q) for q in store.quads()}


def current(settings: Settings) -> str:
    return os.readlink(settings.store_path / "current")


def test_build_publishes_one_graph_per_file_plus_ontology(project_settings: Settings) -> None:
    result = build(project_settings)
    store = open_store(project_settings)
    graphs = {
        row["g"].value for row in store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    }
    files = sorted(p for p in (project_settings.usecases_dir).rglob("*.yaml"))
    vocab = project_settings.vocab
    expected = {
        vocab.graph("source/" + p.relative_to(project_settings.project).as_posix()) for p in files
    }
    assert expected <= graphs
    assert vocab.graph("ontology") in graphs
    assert result.release.quads == len(quads(project_settings))


def test_failed_validation_leaves_the_store_untouched(project_settings: Settings) -> None:
    build(project_settings)
    before = quads(project_settings)
    release = open_store(project_settings).release()
    case = project_settings.usecases_dir / "berlin-giess-den-kiez.yaml"
    text = case.read_text(encoding="utf-8")
    assert "maturity: scaled\n" in text
    case.write_text(text.replace("maturity: scaled\n", ""), encoding="utf-8")
    with pytest.raises(ValidationFailed) as failure:
        build(project_settings)
    assert failure.value.report.count("Violation") == 1
    assert quads(project_settings) == before
    assert open_store(project_settings).release() == release


def test_failed_load_leaves_the_store_untouched(project_settings: Settings, monkeypatch) -> None:
    build(project_settings)
    before = quads(project_settings)
    import kg.build.pipeline

    def broken(*_args, **_kwargs):
        yield "<http://example.org/s> <http://example.org/p> this is not N-Quads .\n"

    monkeypatch.setattr(kg.build.pipeline, "release_quads", broken)
    with pytest.raises(Exception, match="loading the new release failed"):
        build(project_settings, full=True)
    assert quads(project_settings) == before
    releases = project_settings.store_path / "releases"
    assert len([p for p in releases.iterdir() if p.is_dir()]) == 1


def test_reader_opened_before_a_build_keeps_its_view_until_the_switch(
    project_settings: Settings,
) -> None:
    build(project_settings)
    reader = open_store(project_settings)
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    old = int(reader.select(count)[0]["n"].value)
    case = project_settings.usecases_dir / "zz-new-case.yaml"
    case.write_text(
        (project_settings.usecases_dir / "berlin-giess-den-kiez.yaml")
        .read_text(encoding="utf-8")
        .replace("usecase/berlin-giess-den-kiez", "usecase/zz-new-case"),
        encoding="utf-8",
    )
    build(project_settings)
    new = int(reader.select(count)[0]["n"].value)  # the same reader follows the switch
    assert new > old
    assert reader.ask("ASK { <https://w3id.org/sckg/usecase/zz-new-case> ?p ?o }")


@pytest.mark.slow
def test_killed_build_leaves_the_previous_release(project_settings: Settings) -> None:
    """kill -9 a build at several moments; the store always holds exactly the old quads."""
    build(project_settings)
    before = quads(project_settings)
    served = current(project_settings)
    env = {
        **os.environ,
        "KG_PROJECT": str(project_settings.project),
        "KG_STORE": str(project_settings.store_path),
    }
    case = project_settings.usecases_dir / "berlin-giess-den-kiez.yaml"
    text = case.read_text(encoding="utf-8")
    assert "modified: 2026-12-03" in text
    case.write_text(text.replace("modified: 2026-12-03", "modified: 2026-12-04"), encoding="utf-8")
    run = "from kg.cli import main; main(['build', '--quiet', '--full'])"
    command = [sys.executable, "-c", run]
    killed_during_publish = 0
    for delay in (0.2, 0.4, 0.6, 0.8, 1.0, 1.2):
        process = subprocess.Popen(command, env=env)
        time.sleep(delay)
        if process.poll() is not None:
            break  # the build finished before we could kill it: later delays only get later
        releases = project_settings.store_path / "releases"
        killed_during_publish += any(
            not p.with_suffix(".json").exists() for p in releases.iterdir() if p.is_dir()
        )
        process.send_signal(signal.SIGKILL)
        process.wait()
        if current(project_settings) != served:
            # killed after the switch: then the new release must be complete
            release = open_store(project_settings).release()
            assert release is not None and release.quads == len(quads(project_settings))
            break
        assert quads(project_settings) == before, f"store changed by a build killed at {delay}s"
    # and once more exactly while the new release is being written
    served, before = current(project_settings), quads(project_settings)
    releases = project_settings.store_path / "releases"
    known = {p.name for p in releases.iterdir()}
    # hold the build once its new release is written and before it becomes current (the hold
    # announces itself through a file, then waits to be killed), so the kill lands there
    held = project_settings.store_path.parent / "held"
    hold = (
        "import pathlib, time, kg.store.embedded as e\n"
        "def held(self, *args):\n"
        f"    pathlib.Path({str(held)!r}).touch()\n"
        "    time.sleep(3600)\n"
        "e.EmbeddedStore._make_current = held\n"
    )
    process = subprocess.Popen([sys.executable, "-c", hold + run], env=env)
    deadline = time.monotonic() + 600  # generous: only a build that never gets there waits
    while not held.exists() and process.poll() is None:
        assert time.monotonic() < deadline, "the build never reached its publish step"
        time.sleep(0.05)
    fresh = [p for p in releases.iterdir() if p.is_dir() and p.name not in known]
    assert fresh and not any(p.with_suffix(".json").exists() for p in fresh), fresh
    process.send_signal(signal.SIGKILL)
    killed_during_publish += 1
    assert process.wait() == -signal.SIGKILL
    assert killed_during_publish >= 1, "never caught a build while it was publishing"
    assert current(project_settings) == served
    assert quads(project_settings) == before
    # whatever was interrupted, the next build cleans up and publishes
    build(project_settings)  # incremental, or nothing to do if a killed build got to publish
    after = quads(project_settings)
    assert any("2026-12-04" in q for q in after)
    leftovers = [
        p
        for p in (project_settings.store_path / "releases").iterdir()
        if p.is_dir() and not p.with_suffix(".json").exists()
    ]
    assert leftovers == []
    print(f"builds killed while publishing: {killed_during_publish}")


def test_release_folders_are_pruned(project_settings: Settings) -> None:
    for _ in range(4):
        build(project_settings, full=True)
    releases = [p for p in (project_settings.store_path / "releases").iterdir() if p.is_dir()]
    assert len(releases) == project_settings.keep_releases
    current = Path(os.readlink(project_settings.store_path / "current")).name
    assert current in {p.name for p in releases}


def nquads_files(settings: Settings) -> set[Path]:
    """N-Quads files anywhere in the store folder (a build's temporary files)."""
    return set(settings.store_path.rglob("*.nq"))


def test_next_build_removes_what_a_killed_build_left(project_settings: Settings) -> None:
    """A build killed while its temporary N-Quads exist leaves them behind; the next build
    removes them (they used to stay in the store folder forever)."""
    import selectors

    build(project_settings, no_reason=True)
    before = nquads_files(project_settings)
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
        "KG_PROJECT": str(project_settings.project),
        "KG_STORE": str(project_settings.store_path),
    }
    # validation waits for the test to kill it: the release's N-Quads are written by then
    stop = (
        "import time, kg.build.pipeline as b\n"
        "def stop(*args, **kwargs):\n"
        "    print('validating', flush=True)\n"
        "    time.sleep(3600)\n"
        "b.validate_corpus = stop\n"
        "from kg.cli import main\n"
        "main(['build', '--quiet', '--full', '--no-reason'])\n"
    )
    process = subprocess.Popen([sys.executable, "-c", stop], env=env, stdout=subprocess.PIPE)
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            assert selector.select(timeout=300), "the build never reached validation"
        assert process.stdout.readline() == b"validating\n"
        left = nquads_files(project_settings) - before
        assert left, "the killed build had no temporary N-Quads to leave behind"
    finally:
        process.kill()
        process.wait()
        process.stdout.close()
    assert all(path.exists() for path in left)
    build(project_settings, no_reason=True, full=True)
    assert not any(path.exists() for path in left)
    assert list((project_settings.store_path / "tmp").iterdir()) == []


def test_failed_build_removes_its_temporary_files(project_settings: Settings, monkeypatch) -> None:
    build(project_settings, no_reason=True)
    import kg.build.pipeline

    seen: list[Path] = []

    def broken(*args, **kwargs):
        seen.extend(nquads_files(project_settings))
        raise PublishFailed("deriving the new release failed: on purpose")

    monkeypatch.setattr(kg.build.pipeline, "run_updates", broken)
    with pytest.raises(PublishFailed):
        build(project_settings, no_reason=True, full=True)
    assert seen, "the build wrote no temporary N-Quads before it failed"
    assert nquads_files(project_settings) == set()
    assert list((project_settings.store_path / "tmp").iterdir()) == []


def test_two_builds_never_remove_each_others_temporary_files(tmp_path: Path) -> None:
    from kg.scratch import Scratch

    with Scratch(tmp_path) as running:
        running.path(".nq").write_text("", encoding="utf-8")
        with Scratch(tmp_path) as other:
            assert running.folder.is_dir() and other.removed == []
        assert not other.folder.exists()
    assert not running.folder.exists()


def test_failed_build_says_which_release_is_still_served(
    project_settings: Settings, capsys
) -> None:
    from kg.cli import main

    build(project_settings, no_reason=True)
    served = open_store(project_settings).release()
    case = project_settings.usecases_dir / "berlin-giess-den-kiez.yaml"
    text = case.read_text(encoding="utf-8")
    assert "maturity: scaled\n" in text
    case.write_text(text.replace("maturity: scaled\n", ""), encoding="utf-8")
    args = ["--project", str(project_settings.project), "--store", str(project_settings.store)]
    assert main([*args, "build", "--no-reason", "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert f"Nothing published; release {served.id} is still being served." in err
    assert main([*args, "build", "--no-reason", "--lang", "de"]) == 1
    err = capsys.readouterr().err
    assert f"Nichts veröffentlicht; ausgeliefert wird weiterhin Release {served.id}." in err


def graph_folders(settings: Settings) -> set[str]:
    """The build state's store folders (``graph-*``): two per successful build, none left by a
    failed one."""
    return {p.name for p in (settings.store_path / "state").glob("graph-*")}


def drop_maturity(settings: Settings) -> None:
    """One violation: a use case without its required maturity."""
    case = settings.usecases_dir / "berlin-giess-den-kiez.yaml"
    text = case.read_text(encoding="utf-8")
    assert "maturity: scaled\n" in text
    case.write_text(text.replace("maturity: scaled\n", ""), encoding="utf-8")


def test_a_first_build_of_an_invalid_corpus_publishes_nothing(project_settings: Settings) -> None:
    """Issue 19: a full build that published first and failed afterwards went unnoticed,
    because every "failed build keeps the store" test failed an incremental build."""
    drop_maturity(project_settings)
    with pytest.raises(ValidationFailed):
        build(project_settings, no_reason=True)
    assert open_store(project_settings).release() is None
    assert not (project_settings.store_path / "current").exists()
    releases = project_settings.store_path / "releases"
    assert not releases.exists() or list(releases.iterdir()) == []
    assert graph_folders(project_settings) == set()


def test_a_full_build_of_an_invalid_corpus_keeps_the_release_and_the_state(
    project_settings: Settings,
) -> None:
    build(project_settings, no_reason=True)
    before, served = quads(project_settings), current(project_settings)
    release = open_store(project_settings).release()
    state = graph_folders(project_settings)
    assert len(state) == 2  # the curated graphs, and the whole release the next build maintains
    drop_maturity(project_settings)
    with pytest.raises(ValidationFailed):
        build(project_settings, no_reason=True, full=True)
    assert current(project_settings) == served
    assert open_store(project_settings).release() == release
    assert quads(project_settings) == before
    assert graph_folders(project_settings) == state, "the failed build left its graph-* folder"


def test_a_failed_incremental_build_removes_its_graph_folder(project_settings: Settings) -> None:
    build(project_settings, no_reason=True)
    state = graph_folders(project_settings)
    drop_maturity(project_settings)
    with pytest.raises(ValidationFailed):
        build(project_settings, no_reason=True)
    assert graph_folders(project_settings) == state
    # nor the copy of the search index it began while it validated
    assert not list((project_settings.store_path / "search").glob("staged-*"))


def test_an_incremental_build_failing_to_publish_removes_its_staged_index(
    project_settings: Settings, monkeypatch
) -> None:
    build(project_settings, no_reason=True)
    served = open_store(project_settings).release()
    store_class = type(open_store(project_settings))
    staged: list[Path] = []

    def broken(self, *args, **kwargs):
        staged.extend((project_settings.store_path / "search").glob("staged-*"))
        raise PublishFailed("publishing the new release failed: on purpose")

    monkeypatch.setattr(store_class, "publish_changes", broken)
    case = project_settings.usecases_dir / "berlin-giess-den-kiez.yaml"
    case.write_text(case.read_text("utf-8").replace("maturity: scaled", "maturity: pilot"), "utf-8")
    with pytest.raises(PublishFailed, match="on purpose"):
        build(project_settings, no_reason=True)
    assert staged, "the build had not staged the index when it published"
    assert not list((project_settings.store_path / "search").glob("staged-*"))
    assert open_store(project_settings).release() == served


def test_current_switches_only_to_a_release_whose_metadata_is_written(
    project_settings: Settings, monkeypatch
) -> None:
    """Observed at the switch itself (the rename of the ``current`` link), not by replacing the
    publishing code: when ``current`` moves, the release's metadata file is complete."""
    link = project_settings.store_path / "current"
    seen: list[dict] = []
    replace = os.replace

    def watched(source, target, *args, **kwargs):
        if Path(target) == link:
            release = project_settings.store_path / os.readlink(source)
            meta = release.with_suffix(".json")
            assert release.is_dir() and meta.exists(), "current switched before the metadata"
            text = meta.read_text(encoding="utf-8")
            assert "\n" not in text, "the release's metadata was written indented"
            seen.append(json.loads(text))
        return replace(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "replace", watched)
    build(project_settings, no_reason=True)
    build(project_settings, no_reason=True, full=True)
    assert len(seen) == 2 and seen[-1]["id"] == Path(os.readlink(link)).name
    assert seen[-1]["quads"] == len(quads(project_settings))


def test_timings_are_durations_of_the_build(project_settings: Settings) -> None:
    """What ``kg build --timings`` reports: each step's seconds, within the build's own time,
    in a full build and in an incremental one (with reasoning)."""
    for change in (None, "Together"):
        if change:
            case = project_settings.usecases_dir / "berlin-giess-den-kiez.yaml"
            text = case.read_text(encoding="utf-8")
            case.write_text(text.replace("together", change, 1), encoding="utf-8")
        started = time.perf_counter()
        result = build(project_settings)
        elapsed = time.perf_counter() - started
        assert result.mode == ("incremental" if change else "full")
        assert {"validate", "reason", "total"} <= result.timings.keys()
        for step, seconds in result.timings.items():
            assert 0 <= seconds <= elapsed, (result.mode, step, seconds, elapsed)
        # the total spans the steps that run one after the other (the load, and a full
        # build's compaction, run beside them)
        steps = sum(v for k, v in result.timings.items() if k not in ("total", "load", "compact"))
        assert result.timings["total"] >= steps, result.timings


def test_a_disk_error_while_loading_fails_the_build_and_keeps_the_release(
    project_settings: Settings, monkeypatch
) -> None:
    build(project_settings, no_reason=True)
    before, served = quads(project_settings), current(project_settings)
    import kg.build.pipeline

    def full_disk(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(kg.build.pipeline, "load_nquads", full_disk)
    with pytest.raises(PublishFailed, match=r"loading the new release failed.*No space left"):
        build(project_settings, no_reason=True, full=True)
    assert current(project_settings) == served and quads(project_settings) == before


@pytest.mark.parametrize("no_reason", [False, True])
def test_validating_after_a_build_redoes_only_the_named_file(
    project_settings: Settings, monkeypatch, no_reason: bool
) -> None:
    """``kg validate FILE`` after a build (with or without reasoning) starts from the build's
    state instead of reading the corpus again, and reports on that file only."""
    build(project_settings, no_reason=no_reason)
    drop_maturity(project_settings)
    other = project_settings.usecases_dir / "hamburg-traffic-signal-data.yaml"
    text = other.read_text(encoding="utf-8")
    maturity = next(line for line in text.splitlines() if line.startswith("maturity: "))
    other.write_text(text.replace(maturity + "\n", "", 1), encoding="utf-8")
    import kg.build.pipeline

    def whole_corpus(*_args, **_kwargs):
        raise AssertionError("kg validate read the whole corpus despite the build's state")

    monkeypatch.setattr(kg.build.pipeline, "validate_project", whole_corpus)
    case = project_settings.usecases_dir / "berlin-giess-den-kiez.yaml"
    report = check(project_settings, [case])
    assert {f.file for f in report.findings if f.severity == "Violation"} == {
        "usecases/berlin-giess-den-kiez.yaml"
    }
    everything = check(project_settings)
    assert {f.file for f in everything.findings if f.severity == "Violation"} == {
        "usecases/berlin-giess-den-kiez.yaml",
        "usecases/hamburg-traffic-signal-data.yaml",
    }


def test_a_broken_derivation_rule_fails_the_build_and_keeps_the_release(
    project_settings: Settings, monkeypatch
) -> None:
    """The rules that derive the release's extra graphs run before anything is published: one
    the engine cannot parse fails the build with PublishFailed and the served release stays."""
    build(project_settings)
    before, served = quads(project_settings), current(project_settings)
    import kg.build.pipeline

    monkeypatch.setattr(kg.build.pipeline, "_updates", lambda *_: ["INSERT DATA { broken"])
    with pytest.raises(PublishFailed, match="deriving the new release failed"):
        build(project_settings, full=True)
    assert current(project_settings) == served and quads(project_settings) == before
