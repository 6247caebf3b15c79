"""Proposals: a change to the curated files, reviewed by someone else before it is published.

A proposal holds the whole new text of every authoring file it changes (``None``: the file is
removed) and the SHA-256 of each file as it was when the proposal was made (its *base*), so
that publishing can tell when a file changed in between. Its life::

    draft ──submit──▶ submitted ──approve──▶ published
      ▲                  │
      └──update── changes-requested ◀──request changes
    (any open state) ──withdraw──▶ withdrawn

Only one open proposal (draft, submitted, changes-requested) may touch an entity or a file at a
time: :meth:`Proposals.create` checks and inserts in one ``BEGIN IMMEDIATE`` transaction, so of
two simultaneous proposals on one entity, from any number of processes, one is stored and the
other gets a :class:`~kg.errors.ConflictError` naming the first.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import PurePosixPath

from kg.authoring.sources import READABLE_SUFFIXES
from kg.config import Settings
from kg.curation.accounts import Account
from kg.curation.db import connect
from kg.curation.publish import file_hash, publish_lock, publish_locked
from kg.errors import (
    BilingualError,
    ConflictError,
    InvalidRequest,
    NotFound,
    PermissionDenied,
    Problem,
)
from kg.messages import message

STATUSES = ("draft", "submitted", "changes-requested", "published", "withdrawn")
OPEN = ("draft", "submitted", "changes-requested")
ACTIONS = ("create", "edit", "delete")
KINDS = ("comment", "request-changes", "approve", "withdraw")
#: an entity as proposals name it: ``kind/slug`` (``usecase/berlin-giess-den-kiez``)
ENTITY = re.compile(r"[a-z]+/[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass
class Comment:
    """A remark on a proposal; ``kind`` says whether it came with a decision."""

    author: str
    text: str
    at: datetime
    kind: str


@dataclass
class Proposal:
    """A proposed change of the curated files (see the module's documentation)."""

    id: int
    entity: str
    new_entity: str | None
    action: str
    author: str
    status: str
    files: dict[str, str | None]
    base: dict[str, str | None]
    created: datetime
    updated: datetime
    commit: str | None
    comments: list[Comment] = field(default_factory=list)
    summary: str = ""

    @property
    def entities(self) -> set[str]:
        """The entities the proposal touches: the entity and, for a rename, its new id."""
        return {self.entity} | ({self.new_entity} if self.new_entity else set())

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


class ProposalNotFound(BilingualError, NotFound):
    """There is no proposal with this number (404)."""


class Proposals:
    """The proposals in the curation database of ``settings``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def create(
        self,
        author: Account,
        entity: str,
        action: str,
        files: dict[str, str | None],
        summary: str = "",
        new_entity: str | None = None,
    ) -> Proposal:
        """Store a new draft; :class:`~kg.errors.ConflictError` when an open proposal already
        touches ``entity`` (or ``new_entity``) or one of ``files``."""
        author.require("curator")
        if action not in ACTIONS:
            raise _invalid("action", "proposal-bad-action", action=action)
        for given in (entity, new_entity):
            if given is not None and not ENTITY.fullmatch(given):
                raise _invalid("entity", "proposal-bad-entity", entity=given)
        files = _checked_files(files)
        base = {path: file_hash(self.settings.project / path) for path in files}
        now = _now()
        touched = {entity} | ({new_entity} if new_entity else set())
        with connect(self.settings, write=True) as db:
            _refuse_conflicts(db, touched, set(files), None)
            cursor = db.execute(
                "INSERT INTO proposals (entity, new_entity, action, author, status, files, base,"
                " created, updated, summary) VALUES (?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?)",
                (
                    entity,
                    new_entity,
                    action,
                    author.name,
                    _json(files),
                    _json(base),
                    now,
                    now,
                    summary,
                ),
            )
            number = cursor.lastrowid
        return self.get(number)

    def update(
        self, id: int, author: Account, files: dict[str, str | None], summary: str | None = None
    ) -> Proposal:
        """Replace the files (and the summary) of a draft or of a proposal sent back.

        A file the proposal already changed keeps its base (publishing still notices a change
        made since the proposal began); a file it now changes too gets its base from today."""
        files = _checked_files(files)
        with connect(self.settings, write=True) as db:
            proposal = _load(db, id)
            _require_author(proposal, author)
            _require_status(proposal, ("draft", "changes-requested"))
            _refuse_conflicts(db, proposal.entities, set(files), id)
            base = {
                path: proposal.base[path]
                if path in proposal.base
                else file_hash(self.settings.project / path)
                for path in files
            }
            db.execute(
                "UPDATE proposals SET files = ?, base = ?, summary = ?, updated = ? WHERE id = ?",
                (
                    _json(files),
                    _json(base),
                    proposal.summary if summary is None else summary,
                    _now(),
                    id,
                ),
            )
        return self.get(id)

    def submit(self, id: int, author: Account) -> Proposal:
        """Ask for review (from a draft, or after changes were requested)."""
        with connect(self.settings, write=True) as db:
            proposal = _load(db, id)
            _require_author(proposal, author)
            _require_status(proposal, ("draft", "changes-requested"))
            _set_status(db, id, "submitted")
        return self.get(id)

    def withdraw(self, id: int, who: Account) -> Proposal:
        """Give a proposal up (its author, or an admin); nothing is published."""
        with connect(self.settings, write=True) as db:
            proposal = _load(db, id)
            if who.name != proposal.author:
                who.require("admin")
            _require_status(proposal, OPEN)
            _set_status(db, id, "withdrawn")
            _add_comment(db, id, who, "", "withdraw")
        return self.get(id)

    def comment(self, id: int, who: Account, text: str) -> Proposal:
        who.require("curator")
        if not text.strip():
            raise _invalid("text", "proposal-comment-empty")
        with connect(self.settings, write=True) as db:
            _load(db, id)
            _add_comment(db, id, who, text, "comment")
        return self.get(id)

    def request_changes(self, id: int, reviewer: Account, text: str) -> Proposal:
        """Send a submitted proposal back to its author with what to change."""
        if not text.strip():
            raise _invalid("text", "proposal-comment-empty")
        with connect(self.settings, write=True) as db:
            proposal = _load(db, id)
            _require_reviewer(proposal, reviewer)
            _require_status(proposal, ("submitted",))
            _set_status(db, id, "changes-requested")
            _add_comment(db, id, reviewer, text, "request-changes")
        return self.get(id)

    def approve(self, id: int, reviewer: Account, text: str = "") -> Proposal:
        """Approve and publish a submitted proposal (:func:`kg.curation.publish.publish`).

        The publishing lock is held from the status check to the status change, so two
        reviewers approving at once publish it once; the second gets the status error. When
        publishing fails the proposal stays submitted and the error is raised."""
        reviewer.require("reviewer")
        with publish_lock(self.settings):
            proposal = self.get(id)
            _require_reviewer(proposal, reviewer)
            _require_status(proposal, ("submitted",))
            commit = publish_locked(self.settings, proposal, reviewer)
            with connect(self.settings, write=True) as db:
                db.execute(
                    "UPDATE proposals SET status = 'published', commit_sha = ?, updated = ?"
                    " WHERE id = ?",
                    (commit, _now(), id),
                )
                _add_comment(db, id, reviewer, text, "approve")
        return self.get(id)

    def get(self, id: int) -> Proposal:
        with connect(self.settings) as db:
            return _load(db, id)

    def list(self, status: str | None = None, author: str | None = None) -> list[Proposal]:
        """Proposals, newest first, of one status and/or one author."""
        where, params = [], []
        if status is not None:
            where.append("status = ?")
            params.append(status)
        if author is not None:
            where.append("author = ?")
            params.append(author)
        sql = "SELECT * FROM proposals"
        if where:
            sql += " WHERE " + " AND ".join(where)
        with connect(self.settings) as db:
            rows = db.execute(sql + " ORDER BY id DESC", params).fetchall()
            return [_proposal(db, row) for row in rows]

    def open_for(self, entity: str) -> Proposal | None:
        """The open proposal touching ``entity``, if there is one."""
        with connect(self.settings) as db:
            for proposal in _open(db):
                if entity in proposal.entities:
                    return proposal
        return None


def check_path(path: str) -> str:
    """``path`` if it names a visible curated file under ``usecases/`` (relative, POSIX, no
    ``..``, no hidden part, a readable suffix); else :class:`~kg.errors.InvalidRequest`."""
    pure = PurePosixPath(path)
    parts = pure.parts
    if (
        pure.is_absolute()
        or "\\" in path
        or len(parts) < 2
        or parts[0] != "usecases"
        or any(part in ("", ".", "..") or part.startswith(".") for part in parts)
        or pure.suffix.lower() not in READABLE_SUFFIXES
        or str(pure) != path
    ):
        raise _invalid("files", "proposal-bad-path", path=path)
    return path


def _checked_files(files: dict[str, str | None]) -> dict[str, str | None]:
    if not files:
        raise _invalid("files", "proposal-no-files")
    return {check_path(path): text for path, text in sorted(files.items())}


def _refuse_conflicts(
    db: sqlite3.Connection, entities: set[str], paths: set[str], own: int | None
) -> None:
    for other in _open(db):
        if other.id == own:
            continue
        same = sorted(entities & other.entities) + sorted(paths & set(other.files))
        if same:
            texts = message(
                "proposal-conflict", id=other.id, author=other.author, what=", ".join(same)
            )
            raise ConflictError(texts, proposal=other.id, author=other.author)


def _open(db: sqlite3.Connection) -> list[Proposal]:
    marks = ", ".join("?" * len(OPEN))
    rows = db.execute(f"SELECT * FROM proposals WHERE status IN ({marks})", OPEN).fetchall()
    return [_proposal(db, row, comments=False) for row in rows]


def _load(db: sqlite3.Connection, id: int) -> Proposal:
    row = db.execute("SELECT * FROM proposals WHERE id = ?", (int(id),)).fetchone()
    if row is None:
        raise ProposalNotFound(message("proposal-missing", id=id))
    return _proposal(db, row)


def _proposal(db: sqlite3.Connection, row: sqlite3.Row, comments: bool = True) -> Proposal:
    notes = []
    if comments:
        notes = [
            Comment(c["author"], c["text"], datetime.fromisoformat(c["at"]), c["kind"])
            for c in db.execute(
                "SELECT * FROM comments WHERE proposal = ? ORDER BY id", (row["id"],)
            )
        ]
    return Proposal(
        id=row["id"],
        entity=row["entity"],
        new_entity=row["new_entity"],
        action=row["action"],
        author=row["author"],
        status=row["status"],
        files=json.loads(row["files"]),
        base=json.loads(row["base"]),
        created=datetime.fromisoformat(row["created"]),
        updated=datetime.fromisoformat(row["updated"]),
        commit=row["commit_sha"],
        comments=notes,
        summary=row["summary"],
    )


def _require_author(proposal: Proposal, who: Account) -> None:
    if who.name != proposal.author:
        texts = message("not-proposal-author", author=proposal.author, id=proposal.id)
        raise PermissionDenied(texts)


def _require_reviewer(proposal: Proposal, reviewer: Account) -> None:
    reviewer.require("reviewer")
    if reviewer.name == proposal.author:
        raise PermissionDenied(message("own-proposal", id=proposal.id, name=reviewer.name))


def _require_status(proposal: Proposal, allowed: tuple[str, ...]) -> None:
    if proposal.status not in allowed:
        texts = message(
            "proposal-status", id=proposal.id, status=proposal.status, allowed=" / ".join(allowed)
        )
        raise ConflictError(texts, proposal=proposal.id)


def _set_status(db: sqlite3.Connection, id: int, status: str) -> None:
    db.execute("UPDATE proposals SET status = ?, updated = ? WHERE id = ?", (status, _now(), id))


def _add_comment(db: sqlite3.Connection, id: int, who: Account, text: str, kind: str) -> None:
    db.execute(
        "INSERT INTO comments (proposal, author, text, at, kind) VALUES (?, ?, ?, ?, ?)",
        (id, who.name, text, _now(), kind),
    )


def _invalid(name: str, code: str, **params: object) -> InvalidRequest:
    texts = message(code, **params)
    return InvalidRequest([Problem(name, texts["de"], texts["en"])])


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
