"""Publishing an approved proposal: files, incremental build, git commit, in that order.

One publisher at a time, across every web worker and ``kg`` process: :func:`publish_lock`
holds an ``fcntl.flock`` on ``publish.lock`` in the curation folder. Under the lock:

1. every file must still have the hash it had when the proposal was made (else
   :class:`~kg.errors.ConflictError`; nothing is written);
2. the new texts are written (and removed files removed), ``usecases/.retired.yaml`` updated
   for the entities the change deletes or renames (:mod:`kg.curation.retired`);
3. the incremental build runs (:func:`kg.build.pipeline.build`); if it raises, every file is
   restored byte for byte (created ones removed) and the error is raised again with a note
   saying which release the site still serves;
4. ``git add``/``git rm`` and ``git commit`` of exactly these paths, with the proposal's author
   as author, the reviewer as committer and the trailers ``Reviewed-by`` and ``Proposal``.
   Should git fail, the files are restored and built again, so that served data and history
   agree.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from kg.authoring.yamlld import LimitExceeded, to_plain
from kg.config import Settings
from kg.curation import git, retired
from kg.curation.accounts import Account
from kg.curation.db import folder
from kg.errors import ConflictError, GitFailed, KGError, PermissionDenied
from kg.messages import message

if TYPE_CHECKING:
    from kg.curation.proposals import Proposal

LOCK = "publish.lock"


@contextmanager
def publish_lock(settings: Settings) -> Iterator[None]:
    """Hold the publishing lock of ``settings`` (blocks until the holder lets go)."""
    with open(folder(settings) / LOCK, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def file_hash(path: Path) -> str | None:
    """SHA-256 (hex) of the file's bytes, None when there is no file."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def publish(settings: Settings, proposal: Proposal, reviewer: Account) -> str:
    """Publish ``proposal`` as reviewed by ``reviewer``; the new commit's hash."""
    with publish_lock(settings):
        return publish_locked(settings, proposal, reviewer)


def publish_locked(settings: Settings, proposal: Proposal, reviewer: Account) -> str:
    """:func:`publish`, for a caller that holds :func:`publish_lock` already."""
    reviewer.require("reviewer")
    if reviewer.name == proposal.author:
        raise PermissionDenied(message("own-proposal", id=proposal.id, name=reviewer.name))
    require_git(settings)
    changed = [
        path
        for path, digest in sorted(proposal.base.items())
        if file_hash(settings.project / path) != digest
    ]
    if changed:
        raise ConflictError(message("file-changed", paths=", ".join(changed)), paths=changed)
    renamed = {proposal.entity: proposal.new_entity} if proposal.new_entity else {}
    text = proposal.summary.strip() or f"{proposal.action} {proposal.new_entity or proposal.entity}"
    trailers = f"Reviewed-by: {reviewer.name}\nProposal: {proposal.id}"
    return apply(
        settings,
        proposal.files,
        f"{text}\n\n{trailers}\n",
        author=proposal.author,
        committer=reviewer.name,
        renamed=renamed,
    )


def require_git(settings: Settings) -> None:
    if not git.is_work_tree(settings.project):
        raise GitFailed(message("not-a-git-project", project=settings.project))


def apply(
    settings: Settings,
    files: dict[str, str | None],
    text: str,
    *,
    author: str,
    committer: str,
    renamed: dict[str, str | None] | None = None,
) -> str:
    """Write ``files``, build, commit (the steps 2–4 above); the new commit's hash.

    Entities defined in ``files`` before and not after are retired (``renamed`` maps an old id
    to its new one); entities defined after and retired before leave the retired list."""
    project = settings.project
    files = dict(files)
    before = defined_in({p: _read(project / p) for p in files})
    after = defined_in(files)
    retire = {key: (renamed or {}).get(key) for key in before - after}
    revive = after & set(retired.load(settings))
    if retire or revive:
        head = git.run(project, "rev-parse", "--verify", "-q", "HEAD", check=False).strip()
        current = _read(project / retired.PATH)
        files[retired.PATH] = retired.updated(current, retire, revive, head or None)
    saved = {path: _read_bytes(project / path) for path in files}
    try:
        _write(project, files)
        _build(settings)
    except BaseException as exc:
        _restore(project, saved)
        exc.add_note(message("publish-restored")[settings.lang])
        if (served := what_is_served(settings)) is not None:
            exc.add_note(served)
        raise
    try:
        return _commit(project, files, text, author, committer)
    except BaseException:
        _restore(project, saved)
        _build(settings)
        raise


def what_is_served(settings: Settings) -> str | None:
    """Which release the site serves (after a failed build), in the language of
    ``settings``; None when the store cannot say."""
    from kg.store import open_store

    try:
        served = open_store(settings).release()
    except KGError:
        return None
    if served is None:
        return message("build-failed-nothing-served")[settings.lang]
    return message("build-failed-served", release=served.id)[settings.lang]


def defined_in(files: dict[str, str | None]) -> set[str]:
    """The entities the YAML texts define: the ``id`` of every entry with a ``type``.

    Turtle and RDF/XML files are not looked into (imprecise but harmless: an entity deleted
    with such a file answers 404 rather than 410). A text that is not valid YAML defines
    nothing here; the build reports it."""
    found: set[str] = set()
    for path, text in files.items():
        if text is None or not path.lower().endswith((".yaml", ".yml", ".jsonld")):
            continue
        try:
            data = load_yaml(text)
        except yaml.YAMLError:
            continue
        found |= {key for key, _ in records(data)}
    return found


def load_yaml(text: str | bytes) -> object:
    """A YAML text as plain data (every scalar a string), read as the build reads curated
    files: within the limits, refusing anchors and aliases (a few bytes of nested aliases
    would otherwise cost exponential time to compare). :class:`yaml.YAMLError` for a text
    that is not YAML or goes past a limit."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    try:
        return to_plain(text)
    except LimitExceeded as exc:
        raise yaml.YAMLError(str(exc)) from exc


def records(data: object) -> Iterator[tuple[str, dict]]:
    """``(id, entry)`` of every entry of a parsed YAML-LD file that has an id and a type."""
    entries = data.get("@graph", [data]) if isinstance(data, dict) else []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict):
            continue
        key = entry.get("id", entry.get("@id"))
        if isinstance(key, str) and ("type" in entry or "@type" in entry):
            yield key, entry


def _build(settings: Settings) -> None:
    from kg.build.pipeline import build

    build(settings)


def _commit(project: Path, files: dict[str, str | None], text: str, author: str, committer: str):
    paths = sorted(files)
    present = [p for p in paths if files[p] is not None]
    gone = [p for p in paths if files[p] is None]
    if present:
        git.run(project, "add", "--", *present)
    tracked = set(git.run(project, "ls-files", "--", *gone).splitlines()) if gone else set()
    if tracked:
        git.run(project, "rm", "--cached", "-q", "--", *sorted(tracked))
    git.run(
        project,
        "commit",
        "-q",
        "--no-verify",
        "--only",  # these paths, whatever else is staged
        "--allow-empty",  # a proposal that changes nothing still leaves its record
        f"--author={git.identity(author)}",
        "-F",
        "-",
        "--",
        *present,
        *sorted(tracked),
        committer=committer,
        input=text,
    )
    return git.run(project, "rev-parse", "HEAD").strip()


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _write(project: Path, files: dict[str, str | None]) -> None:
    for path, text in files.items():
        target = project / path
        if text is None:
            target.unlink(missing_ok=True)
        else:
            _write_bytes(target, text.encode("utf-8"))


def _restore(project: Path, saved: dict[str, bytes | None]) -> None:
    """Put every file back as it was; a file that did not exist is removed, and so are the
    folders under ``usecases/`` writing it left empty."""
    for path, data in saved.items():
        target = project / path
        if data is not None:
            _write_bytes(target, data)
            continue
        target.unlink(missing_ok=True)
        for parent in target.parents:
            if parent == project / "usecases" or not parent.is_relative_to(project):
                break
            try:
                parent.rmdir()
            except OSError:
                break


def _write_bytes(target: Path, data: bytes) -> None:
    """Replace ``target`` atomically (a reader sees the old or the new text, never half)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = target.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = 0o644  # os.umask() cannot be read without changing it for every thread
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".kg-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
