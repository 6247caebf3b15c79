"""Accounts of curators (issue 14): argon2 hashes, roles, names, the shared database."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from kg import config
from kg.config import Settings
from kg.curation import db
from kg.curation.accounts import ROLES, Account, Accounts
from kg.errors import AccountError, PermissionDenied

PASSWORD = "correct horse battery"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return config.load({}, project=tmp_path)


def test_the_curation_folder_lies_in_the_project_unless_absolute(tmp_path: Path) -> None:
    assert config.load({}, project=tmp_path).curation_dir == tmp_path / "var" / "curation"
    given = config.load({"KG_CURATION_DIR": "/srv/kg-curation"}, project=tmp_path)
    assert given.curation_dir == Path("/srv/kg-curation")
    assert (
        config.load({"KG_CURATION_DIR": "cur"}, project=tmp_path).curation_dir == tmp_path / "cur"
    )


def test_add_verify_and_the_password_is_stored_only_as_argon2id(settings: Settings) -> None:
    accounts = Accounts(settings)
    assert accounts.add("ada", PASSWORD, "reviewer") == Account("ada", "reviewer")
    assert accounts.verify("ada", PASSWORD) == Account("ada", "reviewer")
    assert accounts.verify("ada", PASSWORD + "x") is None
    assert accounts.verify("nobody", PASSWORD) is None
    raw = (settings.curation_dir / db.DATABASE).read_bytes()
    assert PASSWORD.encode() not in raw
    with sqlite3.connect(settings.curation_dir / db.DATABASE) as conn:
        (digest,) = conn.execute("SELECT hash FROM accounts").fetchone()
        assert digest.startswith("$argon2id$")
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(db.MIGRATIONS)


@pytest.mark.parametrize(
    ("name", "password", "role"),
    [
        ("ada", PASSWORD, "boss"),
        ("ada", "short", "curator"),
        ("-ada", PASSWORD, "curator"),
        ("ada lovelace", PASSWORD, "curator"),
        ("ada>", PASSWORD, "curator"),
        ("", PASSWORD, "curator"),
        ("a" * 65, PASSWORD, "curator"),
    ],
)
def test_bad_names_roles_and_short_passwords_are_refused(
    settings: Settings, name: str, password: str, role: str
) -> None:
    with pytest.raises(AccountError) as caught:
        Accounts(settings).add(name, password, role)
    assert caught.value.text("de") != caught.value.text("en")
    assert Accounts(settings).all() == []


def test_a_name_is_taken_once(settings: Settings) -> None:
    accounts = Accounts(settings)
    accounts.add("ada", PASSWORD, "curator")
    with pytest.raises(AccountError, match="already exists"):
        accounts.add("ada", PASSWORD, "admin")
    assert accounts.get("ada") == Account("ada", "curator")


def test_password_role_and_removal(settings: Settings) -> None:
    accounts = Accounts(settings)
    accounts.add("ada", PASSWORD, "curator")
    accounts.add("bob", PASSWORD, "admin")
    accounts.set_password("ada", "another long password")
    assert accounts.verify("ada", PASSWORD) is None
    assert accounts.verify("ada", "another long password") == Account("ada", "curator")
    with pytest.raises(AccountError):
        accounts.set_password("ada", "too short")
    accounts.set_role("ada", "reviewer")
    assert accounts.get("ada") == Account("ada", "reviewer")
    accounts.remove("ada")
    assert accounts.get("ada") is None
    assert accounts.all() == [Account("bob", "admin")]
    for change in (
        lambda: accounts.remove("ada"),
        lambda: accounts.set_role("ada", "admin"),
        lambda: accounts.set_password("ada", PASSWORD),
    ):
        with pytest.raises(AccountError, match="no account"):
            change()


def test_each_role_includes_the_ones_before() -> None:
    for i, role in enumerate(ROLES):
        account = Account("ada", role)
        assert [account.can(other) for other in ROLES] == [j <= i for j in range(len(ROLES))]
    with pytest.raises(PermissionDenied) as caught:
        Account("ada", "curator").require("reviewer")
    assert "reviewer" in caught.value.text("de") and "Rolle" in caught.value.text("de")


def test_an_old_hash_is_replaced_at_the_next_sign_in(settings: Settings) -> None:
    from argon2 import PasswordHasher

    accounts = Accounts(settings)
    accounts.add("ada", PASSWORD, "curator")
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    with db.connect(settings, write=True) as conn:
        conn.execute("UPDATE accounts SET hash = ?", (weak,))
    assert accounts.verify("ada", PASSWORD) == Account("ada", "curator")
    with db.connect(settings) as conn:
        assert conn.execute("SELECT hash FROM accounts").fetchone()[0] != weak


def test_the_secret_key_is_made_once_and_private(settings: Settings) -> None:
    key = db.secret_key(settings)
    assert len(key) >= 32
    assert db.secret_key(settings) == key
    mode = (settings.curation_dir / db.SECRET_KEY).stat().st_mode
    assert stat.S_IMODE(mode) == 0o600
