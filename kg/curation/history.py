"""What happened to an entity: the git commits that changed it, and reverting one.

:func:`changes` finds the files that ever defined the entity (``git log -S`` on its id under
``usecases/``), follows each through renames (``git log --follow``) and keeps the commits in
which the entity's own entry changed. For YAML files that test is exact: the entry with the
entity's ``id`` is parsed before and after the commit and compared, so in a file of many
records (``usecases/shared/datasets.yaml``) a commit that changed only another record is left
out. The diff shown is that of the whole file, though, so it may show other records' changes
made in the same commit. For Turtle and RDF/XML files a commit counts when its diff mentions
the id (imprecise: a change to the entity's lines far from its id is missed).

:func:`revert` takes a commit back with the same steps as publishing (lock, build, commit).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import yaml

from kg.config import Settings
from kg.curation import git, retired
from kg.curation.accounts import Account
from kg.curation.publish import apply, load_yaml, publish_lock, records, require_git
from kg.errors import ConflictError, InvalidRequest, Problem
from kg.messages import message

REVIEWED = re.compile(r"^Reviewed-by:\s*(.+?)\s*$", re.MULTILINE)
PROPOSAL = re.compile(r"^Proposal:\s*(\d+)\s*$", re.MULTILINE)
SHA = re.compile(r"[0-9a-f]{7,64}")
_SEP = "\x1f"


@dataclass(frozen=True)
class Change:
    """One commit that changed an entity."""

    commit: str
    at: datetime
    author: str
    reviewer: str | None
    proposal: int | None
    message: str
    diff: str


def changes(settings: Settings, entity: str) -> list[Change]:
    """The commits that changed ``entity`` (``usecase/foo``), newest first; empty when the
    project is not a git work tree or nothing is known of the entity."""
    project = settings.project
    if not git.is_work_tree(project):
        return []
    seen: dict[str, set[str]] = {}
    for path in _candidate_files(settings, entity):
        for commit, paths in _file_log(settings, path):
            if commit not in seen and _entry_changed(settings, commit, paths, entity):
                seen.setdefault(commit, set()).update(paths)
            elif commit in seen:
                seen[commit].update(paths)
    found = [_change(settings, commit, paths) for commit, paths in seen.items()]
    return sorted(found, key=lambda c: c.at, reverse=True)


def _candidate_files(settings: Settings, entity: str) -> list[str]:
    out = git.run(
        settings.project,
        "log",
        "--format=",
        "--name-only",
        "--no-renames",
        "-F",
        f"-S{entity}",
        "--",
        "usecases",
        check=False,
    )
    names = {line for line in out.splitlines() if line and not _hidden(line)}
    return sorted(_relative(settings, name) for name in names)


def _relative(settings: Settings, name: str) -> str:
    """A path git printed (relative to the top of the work tree) relative to the project."""
    top = git.run(settings.project, "rev-parse", "--show-prefix").strip()
    return name[len(top) :] if top and name.startswith(top) else name


def _hidden(path: str) -> bool:
    return any(part.startswith(".") for part in path.split("/"))


def _file_log(settings: Settings, path: str) -> list[tuple[str, list[str]]]:
    """``(commit, [old path, new path])`` of every commit touching ``path``, across renames."""
    out = git.run(
        settings.project,
        "log",
        "--follow",
        "--name-status",
        f"--format={_SEP}%H",
        "--",
        path,
        check=False,
    )
    found = []
    for block in out.split(_SEP)[1:]:
        lines = [line for line in block.splitlines() if line.strip()]
        commit, statuses = lines[0], lines[1:]
        paths = [p for line in statuses for p in line.split("\t")[1:]]
        found.append((commit, [_relative(settings, p) for p in paths] or [path]))
    return found


def _entry_changed(settings: Settings, commit: str, paths: list[str], entity: str) -> bool:
    old_path, new_path = paths[0], paths[-1]
    before = git.show(settings.project, f"{commit}^", old_path)
    after = git.show(settings.project, commit, new_path)
    if not new_path.lower().endswith((".yaml", ".yml", ".jsonld")):
        diff = git.run(settings.project, "show", "--format=", commit, "--", *paths, check=False)
        return entity in diff
    return _entry(before, entity) != _entry(after, entity)


def _entry(data: bytes | None, entity: str) -> dict | None:
    if data is None:
        return None
    try:
        parsed = load_yaml(data)
    except yaml.YAMLError:
        return {"unreadable": data}  # a broken version differs from any readable one
    return next((entry for key, entry in records(parsed) if key == entity), None)


def _change(settings: Settings, commit: str, paths: set[str]) -> Change:
    fields = git.run(
        settings.project, "show", "-s", f"--format=%H{_SEP}%an{_SEP}%aI{_SEP}%B", commit
    ).split(_SEP, 3)
    sha, author, when, text = fields
    diff = git.run(
        settings.project, "show", "--format=", "--no-color", "-M", commit, "--", *sorted(paths)
    )
    # the last ones: publishing appends the trailers after the summary a curator wrote
    reviewers, proposals = REVIEWED.findall(text), PROPOSAL.findall(text)
    return Change(
        commit=sha,
        at=datetime.fromisoformat(when.strip()),
        author=author,
        reviewer=reviewers[-1] if reviewers else None,
        proposal=int(proposals[-1]) if proposals else None,
        message=text.strip(),
        diff=diff,
    )


def revert(settings: Settings, commit: str, reviewer: Account) -> str:
    """Take back what ``commit`` did to the curated files, in a new commit by ``reviewer``;
    its hash. Each file it changed must still be as it left it (else
    :class:`~kg.errors.ConflictError`: revert the later commits first). A reverted creation
    retires the entity (410); a reverted deletion brings it back."""
    reviewer.require("reviewer")
    project = settings.project
    with publish_lock(settings):
        require_git(settings)
        sha = _commit_of(settings, commit)
        paths = _curated_paths(settings, sha)
        files: dict[str, str | None] = {}
        moved = []
        for path in paths:
            now = _current(settings, path)
            if now != git.show(project, sha, path):
                moved.append(path)
            old = git.show(project, f"{sha}^", path)
            files[path] = None if old is None else old.decode("utf-8")
        if moved:
            texts = message("revert-changed", commit=sha[:12], paths=", ".join(moved))
            raise ConflictError(texts, paths=moved)
        subject = git.run(project, "show", "-s", "--format=%s", sha).strip()
        text = f'Revert "{subject}"\n\nThis reverts commit {sha}.\n\nReviewed-by: {reviewer.name}\n'
        renamed = _renames_undone(settings, sha)
        return apply(
            settings, files, text, author=reviewer.name, committer=reviewer.name, renamed=renamed
        )


def _commit_of(settings: Settings, commit: str) -> str:
    if SHA.fullmatch(commit):
        out = git.run(
            settings.project, "rev-parse", "--verify", "-q", f"{commit}^{{commit}}", check=False
        ).strip()
        if out and _curated_paths(settings, out):
            return out
    texts = message("revert-unknown", commit=commit)
    raise InvalidRequest([Problem("commit", texts["de"], texts["en"])])


def _curated_paths(settings: Settings, sha: str) -> list[str]:
    out = git.run(
        settings.project,
        "diff-tree",
        "--root",
        "-r",
        "--name-only",
        "--no-renames",
        "--no-commit-id",
        sha,
        "--",
        "usecases",
        check=False,
    )
    names = [_relative(settings, line) for line in out.splitlines() if line]
    return sorted(name for name in names if not _hidden(name))


def _current(settings: Settings, path: str) -> bytes | None:
    try:
        return (settings.project / path).read_bytes()
    except FileNotFoundError:
        return None


def _renames_undone(settings: Settings, sha: str) -> dict[str, str | None]:
    """For a commit that renamed a → b: ``{b: a}`` (reverting it forwards b to a)."""
    after = git.show(settings.project, sha, retired.PATH)
    before = git.show(settings.project, f"{sha}^", retired.PATH)
    known = {e.id for e in retired.parse(before.decode("utf-8"))} if before else set()
    added = [e for e in retired.parse(after.decode("utf-8"))] if after else []
    return {e.replaced_by: e.id for e in added if e.id not in known and e.replaced_by}
