"""A small project to curate: the shipped ontology and queries with the use cases of
tests/fixtures/v2, in a git work tree of its own (publishing commits into it), built, with a
curator, a reviewer and an administrator. Shared by the curation tests of the web."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from kg import config
from kg.build.pipeline import build
from kg.config import Settings
from kg.curation.accounts import Accounts

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery"
#: name → role of the accounts :func:`git_project` makes.
PEOPLE = {"cora": "curator", "rita": "reviewer", "adam": "admin"}


def _git(project: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=setup", "-c", "user.email=setup@example.invalid",
         "-c", "commit.gpgsign=false", *args],
        cwd=project, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout


def git_project(folder: Path) -> Settings:
    """The v2 corpus in ``folder/project``, committed and built; accounts for :data:`PEOPLE`
    with :data:`PASSWORD`."""
    project = folder / "project"
    for name in ("ontology", "queries"):
        shutil.copytree(ROOT / name, project / name)
    shutil.copytree(ROOT / "tests" / "fixtures" / "v2" / "usecases", project / "usecases")
    (project / ".gitignore").write_text("var/\n", encoding="utf-8")
    _git(project, "init", "-q", "-b", "main")
    _git(project, "add", "-A")
    _git(project, "commit", "-q", "-m", "Initial corpus")
    settings = config.load({}, project=project, store=str(project / "var" / "store"))
    build(settings)
    accounts = Accounts(settings)
    for name, role in PEOPLE.items():
        accounts.add(name, PASSWORD, role)
    return settings


def commits(settings: Settings) -> list[str]:
    """The subjects of the project's commits, newest first."""
    return _git(settings.project, "log", "--format=%s").splitlines()


_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client, lang: str = "en") -> str:
    """A CSRF token of the client's session (from the sign-in page)."""
    page = client.get(f"/login?lang={lang}")
    found = _TOKEN.search(page.text)
    assert found, page.text[:500]
    return found.group(1)


def sign_in(client, name: str) -> str:
    """Sign ``name`` in on a test client; the CSRF token of the new session."""
    token = csrf_token(client)
    answer = client.post("/login", data={"name": name, "password": PASSWORD, "csrf_token": token})
    assert answer.status_code == 303, answer.text[:500]
    return csrf_token(client)
