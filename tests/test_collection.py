"""A clone with nothing beside it runs the same tests as CI (issue 19).

Two things could make them differ: a test that is not collected without something outside the
repository (a suite read from ``../shared``, an environment variable), and a test that skips
itself at run time. The first is measured: ``pytest --collect-only`` in a fresh ``git clone``
(no ``../shared``, no ``W3C_SPARQL11``, no ``CI``) and again with ``CI=true`` collect the same
number of tests. The second is ruled out by reading the tests: the only skip is
:func:`environment.require_program`, for a program the machine lacks, and it fails under CI.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
#: Ways a test could skip itself; allowed only where the program check lives (and is tested).
SKIPS = re.compile(r"pytest\.skip\(|skipif|importorskip|pytest\.mark\.skip\b|xfail")
ALLOWED = {"environment.py", "test_environment.py", "test_collection.py"}


def collected(folder: Path, **extra: str) -> int:
    env = {k: v for k, v in os.environ.items() if k not in {"CI", "W3C_SPARQL11"}}
    env.update(PYTHONPATH=str(folder), PYTHONDONTWRITEBYTECODE="1", **extra)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    found = re.search(r"^(\d+) tests? collected", done.stdout, re.MULTILINE)
    assert found, done.stdout[-2000:]
    return int(found.group(1))


def test_a_lone_clone_collects_what_ci_collects(tmp_path: Path) -> None:
    clone = tmp_path / "lone" / "clone"  # nothing beside it: no ../shared
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, timeout=300)
    assert sorted(p.name for p in clone.parent.iterdir()) == ["clone"]
    alone = collected(clone)
    assert alone > 0
    assert collected(clone, CI="true") == alone


def test_no_test_skips_itself_except_for_a_missing_program() -> None:
    found = [
        f"{path.name}:{number}"
        for path in sorted((ROOT / "tests").glob("*.py"))
        if path.name not in ALLOWED
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if SKIPS.search(line)
    ]
    assert found == []
