"""Settings: defaults, environment, flags, and every one documented in the README."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg import config
from kg.errors import ConfigurationError

ROOT = Path(__file__).resolve().parent.parent


def test_defaults_then_environment_then_overrides() -> None:
    assert config.load({}).query_timeout == 10.0
    assert config.load({"KG_QUERY_TIMEOUT": "3"}).query_timeout == 3.0
    assert config.load({"KG_QUERY_TIMEOUT": "3"}, query_timeout=1.5).query_timeout == 1.5
    assert config.load({"KG_STORE": "http://127.0.0.1:7878"}).is_remote


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("KG_LANG", "fr"),
        ("KG_MAX_ROWS", "many"),
        ("KG_BASE_IRI", "urn:x:"),
        ("KG_MAX_ROWS", "0"),
        ("KG_WEB_THREADS", "0"),
        ("KG_PUBLIC_URL", "ftp://kg.example.org/"),
        ("KG_PUBLIC_URL", "https://kg.example.org/sub/"),
        ("KG_PUBLIC_URL", "https://kg.example.org/?q=1"),
        ("KG_PUBLIC_URL", "https://user@kg.example.org/"),
        ("KG_PUBLIC_URL", "https://kg.example.org\n/"),
    ],
)
def test_bad_settings_are_refused(name: str, value: str) -> None:
    with pytest.raises(ConfigurationError):
        config.load({name: value})


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for variable, default, _ in config.documentation():
        assert f"`{variable}`" in readme, f"{variable} is not documented in README.md"
        assert default in readme or variable == "KG_PROJECT", variable


def test_paths_are_made_absolute_once_when_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A relative project is taken against the working directory and a relative store folder
    against the project, when the settings are loaded; a later change of folder changes nothing."""
    (tmp_path / "project").mkdir()
    monkeypatch.chdir(tmp_path)
    settings = config.load({"KG_PROJECT": "project", "KG_STORE": "var/s"})
    monkeypatch.chdir(tmp_path / "project")
    assert settings.project == (tmp_path / "project").resolve()
    assert settings.store == str(settings.project / "var" / "s")
    assert settings.store_path == settings.project / "var" / "s"
    assert config.load({}).store_path == settings.project / "var" / "store"
    assert settings.replace(max_rows=5).store_path == settings.store_path


def test_absolute_and_remote_stores_are_kept_as_given(tmp_path: Path) -> None:
    assert config.load({}, project=tmp_path, store="/srv/kg").store_path == Path("/srv/kg")
    remote = config.load({}, project=tmp_path, store="http://127.0.0.1:7878")
    assert remote.store == "http://127.0.0.1:7878"
