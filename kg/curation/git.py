"""The few git commands curation runs in the project: always with explicit arguments, never
through a shell, with a fixed locale so that the output can be read."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from kg.errors import GitFailed
from kg.messages import message

AUTHOR_DOMAIN = "curators.invalid"
TIMEOUT = 120.0


def identity(name: str) -> str:
    """The git identity of an account: ``NAME <NAME@curators.invalid>``."""
    return f"{name} <{name}@{AUTHOR_DOMAIN}>"


def run(
    project: Path,
    *args: str,
    committer: str | None = None,
    check: bool = True,
    input: str | None = None,
) -> str:
    """``git ARGS`` in ``project``; its standard output. With ``committer`` the commit is made
    in that name (``-c user.name=… -c user.email=…``). :class:`~kg.errors.GitFailed` with
    git's own message when it fails and ``check`` is set."""
    options = ["-c", "core.quotepath=off", "-c", "commit.gpgsign=false"]
    if committer is not None:
        options += ["-c", f"user.name={committer}", "-c", f"user.email={committer}@{AUTHOR_DOMAIN}"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(LC_ALL="C", GIT_TERMINAL_PROMPT="0")
    done = subprocess.run(
        ["git", *options, *args],
        cwd=project,
        env=env,
        input=input,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    if check and done.returncode != 0:
        error = (done.stderr or done.stdout).strip()
        raise GitFailed(message("git-failed", command=args[0], error=error))
    return done.stdout


def is_work_tree(project: Path) -> bool:
    try:
        out = run(project, "rev-parse", "--is-inside-work-tree", check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return out.strip() == "true"


def show(project: Path, commit: str, path: str) -> bytes | None:
    """The bytes of ``path`` (relative to the project) at ``commit``; None if absent."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    done = subprocess.run(
        ["git", "show", f"{commit}:./{path}"],
        cwd=project,
        env=env,
        capture_output=True,
        timeout=TIMEOUT,
        check=False,
    )
    return done.stdout if done.returncode == 0 else None
