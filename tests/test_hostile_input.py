"""Curated input is untrusted input: a hostile file is refused with a message naming the file
(and line) and what to do, in German and English, and never read past a limit, followed
outside the project, or allowed to crash the build (issue 18, "Build inputs").

Files whose reading used to exhaust memory or block forever are validated in a child process
with a memory cap and a generous deadline, so that a regression fails instead of taking the
machine or the test run down with it.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from kg.build.pipeline import build
from kg.cli import main
from kg.config import Settings
from kg.store import open_store

ROOT = Path(__file__).resolve().parent.parent
CASE = "usecases/berlin-giess-den-kiez.yaml"
HEADER = '"@context": https://w3id.org/sckg/context.jsonld\nid: usecase/{stem}\ntype: UseCase\n'
#: a child validation that takes longer than this has hung (it takes a few seconds)
DEADLINE = 300
#: address space of a child validation: several times what validating the corpus needs
MEMORY = 3 * 1024**3


def validate(project: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["--project", str(project), "validate", *args])
    out = capsys.readouterr()
    return code, out.out + out.err


def kg_in_child(*args: str, env: dict | None = None) -> tuple[int, str]:
    """``kg ARGS`` in a child process limited to :data:`MEMORY` and :data:`DEADLINE`."""

    def cap_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))

    try:
        done = subprocess.run(
            [sys.executable, "-m", "kg.cli", *args],
            capture_output=True,
            text=True,
            timeout=DEADLINE,
            preexec_fn=cap_memory,
            env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"kg {' '.join(args)} still ran after {DEADLINE} s")
    return done.returncode, done.stdout + done.stderr


def validate_in_child(project: Path, *args: str) -> tuple[int, str]:
    return kg_in_child("--project", str(project), "validate", *args)


def build_in_child(settings: Settings) -> tuple[int, str]:
    args = ["--project", str(settings.project), "--store", str(settings.store_path)]
    return kg_in_child(*args, "build", "--quiet", "--no-reason", "--lang", "en")


def write(project: Path, name: str, text: str) -> Path:
    path = project / "usecases" / name
    path.write_text(text, encoding="utf-8")
    return path


# -- YAML anchors and aliases --------------------------------------------------------------


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    """Stakeholders that each hold ``width`` aliases of the previous level's stakeholder:
    ``width ** levels`` (387 million from 9 × 9) blank nodes to read from a file of about
    1.5 KB."""
    lines = ["stakeholders:", "  - &s0 {organization: citylab-berlin, role: operator}"]
    for level in range(1, levels + 1):
        items = ", ".join([f"*s{level - 1}"] * width)
        lines.append(f"  - &s{level} {{organization: citylab-berlin, stakeholders: [{items}]}}")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_before_it_expands(project_copy: Path) -> None:
    text = HEADER.format(stem="bomb") + alias_bomb()
    assert len(text.encode()) < 2000
    path = write(project_copy, "bomb.yaml", text)
    code, out = validate_in_child(project_copy, str(path), "--lang", "en")
    assert code == 1, out
    assert "usecases/bomb.yaml:5:5: Violation: Anchors (&name) and aliases (*name)" in out
    assert "Write the value out" in out
    assert "Traceback" not in out


def test_self_referencing_alias_is_a_finding_not_a_recursion_error(
    project_copy: Path, capsys
) -> None:
    """A stakeholder that holds its own list of stakeholders: read, it never ends."""
    loop = "stakeholders: &s\n  - organization: citylab-berlin\n    stakeholders: *s\n"
    path = write(project_copy, "loop.yaml", HEADER.format(stem="loop") + loop)
    code, out = validate(project_copy, capsys, str(path), "--lang", "de")
    assert code == 1
    assert "usecases/loop.yaml:4:15: Verstoß: Anker (&name) und Aliasse (*name)" in out
    assert "Traceback" not in out


def test_an_unused_anchor_is_refused_too(project_copy: Path, capsys) -> None:
    """Curated files never need them; refusing both is one rule a curator can remember."""
    path = project_copy / CASE
    text = path.read_text(encoding="utf-8")
    assert "maturity: scaled" in text
    text = text.replace("maturity: scaled", "maturity: &m x")
    path.write_text(text, encoding="utf-8")
    code, out = validate(project_copy, capsys, str(path))
    assert code == 1
    assert f"{CASE}:32:11: Violation: Anchors (&name)" in out


# -- only regular files inside the project -------------------------------------------------


def test_link_to_a_file_outside_the_project_is_not_followed(
    project_copy: Path, tmp_path_factory: pytest.TempPathFactory, capsys
) -> None:
    outside = tmp_path_factory.mktemp("outside") / "secret.yaml"
    outside.write_text("root:x:0:0:secret-marker:/root:/bin/bash\n", encoding="utf-8")
    link = project_copy / "usecases" / "passwd.yaml"
    link.symlink_to(outside)
    for args in ([], [str(link)]):  # the whole corpus, and the link named on its own
        code, out = validate(project_copy, capsys, *args, "--lang", "en")
        assert code == 1
        assert "usecases/passwd.yaml:1:1: Violation: Not read: this is a symbolic link." in out
        assert "regular files inside the project folder" in out
        assert "secret-marker" not in out
    code, out = validate(project_copy, capsys, "--lang", "de")
    assert "usecases/passwd.yaml:1:1: Verstoß: Nicht gelesen: das ist ein symbolischer Link." in out


def test_link_to_a_folder_is_reported_not_skipped(project_copy: Path, capsys) -> None:
    (project_copy / "usecases" / "elsewhere").symlink_to(ROOT / "ontology")
    code, out = validate(project_copy, capsys)
    assert code == 1
    assert "usecases/elsewhere:1:1: Violation: Not read: this is a symbolic link." in out


def test_link_to_dev_zero_is_refused_without_reading(project_copy: Path) -> None:
    (project_copy / "usecases" / "zero.yaml").symlink_to("/dev/zero")
    code, out = validate_in_child(project_copy, "--lang", "en")
    assert code == 1, out
    assert "usecases/zero.yaml:1:1: Violation: Not read: this is a symbolic link." in out


def test_named_pipe_is_refused_without_blocking(project_copy: Path) -> None:
    os.mkfifo(project_copy / "usecases" / "pipe.yaml")
    code, out = validate_in_child(project_copy, "--lang", "en")
    assert code == 1, out
    assert "usecases/pipe.yaml:1:1: Violation: Not read: this is a named pipe (FIFO)." in out


def test_a_file_replaced_by_a_link_after_a_build_is_refused(project_settings: Settings) -> None:
    """The incremental build's change detection must not follow the link either."""
    build(project_settings, no_reason=True)
    served = open_store(project_settings).release()
    assert served is not None
    case = project_settings.project / CASE
    case.unlink()
    case.symlink_to("/dev/zero")
    code, out = build_in_child(project_settings)
    assert code == 1, out
    assert f"{CASE}:1:1: Violation: Not read: this is a symbolic link." in out
    assert f"Nothing published; release {served.id} is still being served." in out
    assert open_store(project_settings).release() == served


# -- size limits -----------------------------------------------------------------------------


def test_file_larger_than_the_limit_is_not_read(project_copy: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("KG_MAX_FILE_BYTES", "100000")
    padding = "# " + "x" * 98 + "\n"
    path = write(project_copy, "big.yaml", HEADER.format(stem="big") + padding * 1000)
    code, out = validate(project_copy, capsys, str(path), "--lang", "en")
    assert code == 1
    assert "usecases/big.yaml:1:1: Violation: The file is larger than 100000 bytes" in out
    assert "KG_MAX_FILE_BYTES" in out
    code, out = validate(project_copy, capsys, str(path), "--lang", "de")
    assert "Die Datei ist größer als 100000 Bytes" in out


def test_a_50_megabyte_literal_fails_the_build_cleanly(project_settings: Settings) -> None:
    """It used to end in a MemoryError while publishing."""
    build(project_settings, no_reason=True)
    served = open_store(project_settings).release()
    assert served is not None
    text = HEADER.format(stem="huge") + 'description: {en: "' + "x" * 50_000_000 + '"}\n'
    write(project_settings.project, "huge.yaml", text)
    code, out = build_in_child(project_settings)
    assert code == 1, out
    assert "usecases/huge.yaml:1:1: Violation: The file is larger than 4000000 bytes" in out
    assert f"Nothing published; release {served.id} is still being served." in out
    assert open_store(project_settings).release() == served


def test_too_long_text_names_file_line_and_field(project_copy: Path, capsys) -> None:
    path = project_copy / CASE
    text = path.read_text(encoding="utf-8")
    title = '  en: "Gieß den Kiez – watering street trees together, built on open data"'
    assert title in text
    path.write_text(text.replace(title, '  en: "' + "x" * 20_001 + '"'), encoding="utf-8")
    code, out = validate(project_copy, capsys, str(path), "--lang", "en")
    assert code == 1
    assert f"{CASE}:6:7: Violation – field 'title.en': The text is 20001 characters long" in out
    assert "at most 20000 are allowed (KG_MAX_LITERAL_LENGTH)" in out
    code, out = validate(project_copy, capsys, str(path), "--lang", "de")
    assert f"{CASE}:6:7: Verstoß – Feld 'title.en': Der Text ist 20001 Zeichen lang" in out


def test_too_long_text_in_turtle(project_copy: Path, capsys) -> None:
    path = write(
        project_copy,
        "long.ttl",
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n\n"
        f'<https://w3id.org/sckg/usecase/long> dcterms:description "{"y" * 20_001}"@en .\n',
    )
    code, out = validate(project_copy, capsys, str(path), "--lang", "en")
    assert code == 1
    assert "usecases/long.ttl:3:1: Violation – field 'description': The text is 20001" in out


def test_file_with_too_many_nodes(project_copy: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("KG_MAX_FILE_NODES", "500")
    path = project_copy / "usecases" / "shared" / "datasets.yaml"
    code, out = validate(project_copy, capsys, str(path), "--lang", "en")
    assert code == 1
    assert "usecases/shared/datasets.yaml:" in out
    assert "Violation: The file holds more than 500 entries, fields and values" in out
    assert "KG_MAX_FILE_NODES" in out


def test_deep_nesting_is_refused(project_copy: Path, capsys) -> None:
    path = write(
        project_copy,
        "deep.yaml",
        HEADER.format(stem="deep") + "keywords: " + "[" * 100 + "]" * 100 + "\n",
    )
    code, out = validate(project_copy, capsys, str(path), "--lang", "en")
    assert code == 1
    assert "usecases/deep.yaml:4:50: Violation: Entries and lists are nested deeper than 40" in out


# -- Turtle --------------------------------------------------------------------------------


def test_turtle_iri_with_a_space_is_a_syntax_error(project_copy: Path, capsys) -> None:
    path = write(
        project_copy,
        "space.ttl",
        "@prefix sckg: <https://w3id.org/sckg/ontology#> .\n\n"
        "<https://w3id.org/sckg/usecase/a b> a sckg:UseCase .\n",
    )
    code, out = validate(project_copy, capsys, str(path), "--lang", "en")
    assert code == 1
    assert (
        "usecases/space.ttl:3:1: Violation: Syntax error: <https://w3id.org/sckg/usecase/a b> "
        "is not a valid IRI" in out
    )
    assert "Write a space as %20." in out
    code, out = validate(project_copy, capsys, str(path), "--lang", "de")
    assert "ist keine gültige IRI" in out


# -- `kg validate PATH` ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "english", "german"),
    [
        ("/nonexistent.yaml", "/nonexistent.yaml does not exist", "gibt es nicht"),
        ("usecases/missing.yaml", "usecases/missing.yaml does not exist", "gibt es nicht"),
        ("usecases/shared", "usecases/shared is a folder", "ist ein Ordner"),
        ("ontology/shapes.ttl", "ontology/shapes.ttl is not under", "liegt nicht unter"),
        ("usecases/README.md", "is not a curated file. Accepted are", "keine kuratierte Datei"),
    ],
)
def test_validate_of_a_path_that_is_no_curated_file_is_a_usage_error(
    project_copy: Path, capsys, monkeypatch, name: str, english: str, german: str
) -> None:
    (project_copy / "usecases" / "README.md").write_text("# notes\n", encoding="utf-8")
    monkeypatch.chdir(project_copy)
    code, out = validate(project_copy, capsys, name, "--lang", "en")
    assert code == 2
    assert english in out
    assert "No violations" not in out and "0 violations" not in out
    code, out = validate(project_copy, capsys, name, "--lang", "de")
    assert code == 2
    assert german in out
