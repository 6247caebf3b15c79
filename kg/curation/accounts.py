"""Accounts of curators, reviewers and administrators (``kg user``, the web sign-in).

Passwords are kept only as argon2id hashes (argon2-cffi, its recommended parameters); a hash
made with older parameters is replaced by a new one at the next successful sign-in. Names are
restricted to letters, digits, ``.``, ``-`` and ``_``: a name becomes the author of a git
commit (``NAME <NAME@curators.invalid>``).

Roles are ordered; each includes the rights of the one before: a ``curator`` makes proposals,
a ``reviewer`` also approves or sends back those of others, an ``admin`` also reverts and
withdraws anyone's proposals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from kg.config import Settings
from kg.curation.db import connect
from kg.errors import AccountError, PermissionDenied
from kg.messages import message

ROLES = ("curator", "reviewer", "admin")
MIN_PASSWORD = 10
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")

_hasher = PasswordHasher()
# verified against when the name is unknown, so that the answer takes as long as for a known one
_UNKNOWN = _hasher.hash("no account has this password, it only costs time")


@dataclass(frozen=True)
class Account:
    """A signed-in person: the name and the role."""

    name: str
    role: str

    def can(self, role: str) -> bool:
        """Whether this account has at least ``role``.

        >>> Account("ada", "reviewer").can("curator"), Account("ada", "reviewer").can("admin")
        (True, False)
        """
        return ROLES.index(self.role) >= ROLES.index(_known_role(role))

    def require(self, role: str) -> None:
        """Raise :class:`~kg.errors.PermissionDenied` unless the account has ``role``."""
        if not self.can(role):
            texts = message("role-needed", role=role, name=self.name, has=self.role)
            raise PermissionDenied(texts, role=role)


class Accounts:
    """The accounts in the curation database of ``settings``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def add(self, name: str, password: str, role: str) -> Account:
        """Create an account; :class:`~kg.errors.AccountError` if the name is taken or bad,
        the role unknown or the password shorter than :data:`MIN_PASSWORD`."""
        _check_name(name)
        _known_role(role)
        digest = _hash(password)
        now = datetime.now(UTC).isoformat()
        with connect(self.settings, write=True) as db:
            if db.execute("SELECT 1 FROM accounts WHERE name = ?", (name,)).fetchone():
                raise AccountError(message("account-exists", name=name))
            db.execute(
                "INSERT INTO accounts (name, role, hash, created) VALUES (?, ?, ?, ?)",
                (name, role, digest, now),
            )
        return Account(name, role)

    def set_password(self, name: str, password: str) -> None:
        digest = _hash(password)
        self._update(name, "UPDATE accounts SET hash = ? WHERE name = ?", digest)

    def set_role(self, name: str, role: str) -> None:
        self._update(name, "UPDATE accounts SET role = ? WHERE name = ?", _known_role(role))

    def remove(self, name: str) -> None:
        """Remove an account; its proposals and comments stay, under its name."""
        with connect(self.settings, write=True) as db:
            if db.execute("DELETE FROM accounts WHERE name = ?", (name,)).rowcount == 0:
                raise AccountError(message("account-missing", name=name))

    def verify(self, name: str, password: str) -> Account | None:
        """The account, if ``password`` is its password; else None (also for an unknown
        name, after the same work)."""
        with connect(self.settings) as db:
            row = db.execute("SELECT role, hash FROM accounts WHERE name = ?", (name,)).fetchone()
        try:
            _hasher.verify(row["hash"] if row else _UNKNOWN, password)
        except (VerificationError, InvalidHashError):
            return None
        if row is None:
            return None
        if _hasher.check_needs_rehash(row["hash"]):
            self.set_password(name, password)
        return Account(name, row["role"])

    def get(self, name: str) -> Account | None:
        with connect(self.settings) as db:
            row = db.execute("SELECT role FROM accounts WHERE name = ?", (name,)).fetchone()
        return Account(name, row["role"]) if row else None

    def all(self) -> list[Account]:
        """Every account, by name."""
        with connect(self.settings) as db:
            rows = db.execute("SELECT name, role FROM accounts ORDER BY name").fetchall()
        return [Account(row["name"], row["role"]) for row in rows]

    def _update(self, name: str, statement: str, value: str) -> None:
        with connect(self.settings, write=True) as db:
            if db.execute(statement, (value, name)).rowcount == 0:
                raise AccountError(message("account-missing", name=name))


def _check_name(name: str) -> None:
    if not NAME.fullmatch(name):
        raise AccountError(message("account-bad-name", name=name))


def _known_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(message("account-bad-role", role=role, roles=", ".join(ROLES)))
    return role


def _hash(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(message("password-short", length=MIN_PASSWORD))
    return _hasher.hash(password)
