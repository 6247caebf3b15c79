"""A test that needs a program the machine lacks skips on a developer's machine, fails in CI."""

from __future__ import annotations

import pytest
from environment import require_program

MISSING = "sckg-no-such-program"


def test_a_missing_program_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=MISSING):
        require_program(MISSING)


def test_a_missing_program_skips_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=MISSING):
        require_program(MISSING)


def test_a_present_program_is_found(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    program = tmp_path / "tool"
    program.write_text("")
    assert require_program(MISSING, tmp_path / "absent", program) == str(program)
    assert require_program("sh")
