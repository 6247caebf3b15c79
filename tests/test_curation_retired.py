"""The list of retired entities (issue 14) and the YAML reading behind retiring."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from kg import config
from kg.curation import retired
from kg.curation.publish import defined_in, load_yaml


def test_updated_adds_removes_and_load_follows_renames(tmp_path: Path) -> None:
    settings = config.load({}, project=tmp_path)
    assert retired.load(settings) == {}
    day = date(2026, 12, 3)
    text = retired.updated(None, {"usecase/a": "usecase/b"}, set(), "abc123", today=day)
    text = retired.updated(text, {"usecase/b": "usecase/c", "usecase/x": None}, set(), None, day)
    (tmp_path / "usecases").mkdir()
    (tmp_path / retired.PATH).write_text(text, encoding="utf-8")
    found = retired.load(settings)
    assert found["usecase/a"] == retired.Retired("usecase/a", day, "usecase/c", "abc123")
    assert found["usecase/b"].replaced_by == "usecase/c"
    assert found["usecase/x"] == retired.Retired("usecase/x", day, None, None)
    revived = retired.updated(text, {}, {"usecase/x", "usecase/a"}, None, day)
    (tmp_path / retired.PATH).write_text(revived, encoding="utf-8")
    assert sorted(retired.load(settings)) == ["usecase/b"]  # the change is seen at once


def test_a_rename_cycle_answers_gone_instead_of_a_redirect_loop(tmp_path: Path) -> None:
    text = retired.updated(None, {"usecase/a": "usecase/b", "usecase/b": "usecase/a"}, set(), None)
    (tmp_path / "usecases").mkdir()
    (tmp_path / retired.PATH).write_text(text, encoding="utf-8")
    found = retired.load(config.load({}, project=tmp_path))
    assert (found["usecase/a"].replaced_by, found["usecase/b"].replaced_by) == (None, None)


def test_defined_entities_and_aliases_refused() -> None:
    files = {
        "usecases/a.yaml": "id: usecase/a\ntype: UseCase\n",
        "usecases/b.yaml": '"@graph":\n  - id: dataset/b\n    type: Dataset\n  - id: dataset/c\n',
        "usecases/gone.yaml": None,
        "usecases/broken.yaml": "id: [",
        "usecases/c.ttl": "<x> <y> <z> .",
    }
    assert defined_in(files) == {"usecase/a", "dataset/b"}  # dataset/c only adds fields
    bomb = 'a: &a ["x", "x"]\nb: &b [*a, *a]\nid: usecase/bomb\ntype: UseCase\n'
    with pytest.raises(yaml.YAMLError):
        load_yaml(bomb)
    assert defined_in({"usecases/bomb.yaml": bomb}) == set()
