"""`kg user`: accounts from the command line (issue 14)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from kg import cli, config
from kg.curation.accounts import Account, Accounts

PASSWORD = "a long enough password"


def _kg(monkeypatch, tmp_path: Path, *args: str, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return cli.main([*args, "--project", str(tmp_path)])


def _accounts(tmp_path: Path) -> Accounts:
    return Accounts(config.load({}, project=tmp_path))


def test_add_list_role_password_remove(monkeypatch, tmp_path: Path, capsys) -> None:
    assert _kg(monkeypatch, tmp_path, "user", "list") == 0
    assert "kg user add" in capsys.readouterr().err
    args = ("user", "add", "ada", "--role", "reviewer", "--password-stdin")
    assert _kg(monkeypatch, tmp_path, *args, stdin=PASSWORD + "\n") == 0
    assert "'ada'" in capsys.readouterr().out
    assert _accounts(tmp_path).verify("ada", PASSWORD) == Account("ada", "reviewer")
    assert _kg(monkeypatch, tmp_path, "user", "list") == 0
    assert capsys.readouterr().out.split() == ["ada", "reviewer"]
    assert _kg(monkeypatch, tmp_path, "user", "role", "ada", "admin", "--lang", "de") == 0
    assert "hat jetzt die Rolle admin" in capsys.readouterr().out
    new = "another long password"
    args = ("user", "password", "ada", "--password-stdin")
    assert _kg(monkeypatch, tmp_path, *args, stdin=new + "\r\n") == 0
    assert _accounts(tmp_path).verify("ada", new) == Account("ada", "admin")
    assert _kg(monkeypatch, tmp_path, "user", "remove", "ada") == 0
    assert _accounts(tmp_path).all() == []


@pytest.mark.parametrize(
    ("args", "stdin", "de"),
    [
        (("add", "ada", "--role", "curator", "--password-stdin"), "short\n", "zu kurz"),
        (("add", "a d a", "--role", "curator", "--password-stdin"), PASSWORD, "Kontoname"),
        (("remove", "nobody"), "", "gibt es nicht"),
        (("password", "nobody", "--password-stdin"), PASSWORD, "gibt es nicht"),
    ],
)
def test_refusals_are_usage_errors_in_the_chosen_language(
    monkeypatch, tmp_path: Path, capsys, args, stdin, de
) -> None:
    assert _kg(monkeypatch, tmp_path, "user", *args, "--lang", "de", stdin=stdin) == 2
    assert de in capsys.readouterr().err
    assert _accounts(tmp_path).all() == []


def test_the_password_is_asked_twice(monkeypatch, tmp_path: Path, capsys) -> None:
    answers = iter([PASSWORD, PASSWORD + "!"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    assert _kg(monkeypatch, tmp_path, "user", "add", "ada", "--role", "curator") == 2
    assert "differ" in capsys.readouterr().err
    assert _accounts(tmp_path).all() == []
    answers = iter([PASSWORD, PASSWORD])
    assert _kg(monkeypatch, tmp_path, "user", "add", "ada", "--role", "curator") == 0
    assert _accounts(tmp_path).verify("ada", PASSWORD) == Account("ada", "curator")


def test_a_role_must_be_named(monkeypatch, tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        _kg(monkeypatch, tmp_path, "user", "add", "ada", "--password-stdin", stdin=PASSWORD)
