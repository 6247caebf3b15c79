"""What the tests need from the machine beyond Python packages: programs that ``.ci/setup``
installs with the system's package manager (Chromium, Java).

A missing program skips the tests that need it on a developer's machine, with the reason, and
fails them in CI (``CI=true``, as ``.ci/run`` and CI services set it): CI must run every test.
Input files are never a reason to skip: what a test reads lives in the repository.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def require_program(name: str, *candidates: Path) -> str:
    """The path of the program ``name`` (the first of ``candidates`` that exists, else the one
    on ``PATH``); skips the calling test when it is missing, or fails it in CI."""
    found = next((str(c) for c in candidates if c.exists()), None) or shutil.which(name)
    if found is not None:
        return found
    reason = f"{name} is not installed (bash .ci/setup installs it)"
    if in_ci():
        pytest.fail(f"{reason}; CI runs every test")
    pytest.skip(reason)
