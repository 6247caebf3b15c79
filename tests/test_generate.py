"""bench/generate.py writes corpora in the authoring format that pass validation."""

from __future__ import annotations

import importlib.util
import re
import statistics
import sys
from pathlib import Path

import pytest

from kg.build.validate import validate_project
from kg.namespaces import Vocabulary

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def generator():
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_generate"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def corpus_dir(generator, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("generated")
    assert generator.main(["200", "--seed", "7", "--out", str(out)]) == 0
    return out


@pytest.mark.slow
def test_generated_corpus_passes_validation(corpus_dir: Path) -> None:
    corpus, report = validate_project(corpus_dir, Vocabulary())
    assert report.conforms, report.text("en")
    usecases = [f for f in corpus.files if f.path.count("/") == 1]
    assert len(usecases) == 200


def test_use_case_files_look_like_the_shipped_ones(corpus_dir: Path) -> None:
    files = sorted((corpus_dir / "usecases").glob("*.yaml"))
    text = files[0].read_text(encoding="utf-8")
    assert text.startswith('"@context": https://w3id.org/sckg/context.jsonld\nid: usecase/')
    assert f"id: usecase/{files[0].stem}\n" in text
    for key in ("title:", "description:", "  de: ", "  en: ", "sectors: [", "maturity: "):
        assert key in text
    shared = sorted(p.name for p in (corpus_dir / "usecases" / "shared").iterdir())
    assert shared == ["datasets.yaml", "organisations.yaml", "places.yaml", "standards.yaml"]


def test_distributions_follow_the_shipped_corpus(corpus_dir: Path) -> None:
    texts = [p.read_text(encoding="utf-8") for p in (corpus_dir / "usecases").glob("*.yaml")]
    sectors = [len(re.search(r"^sectors: \[(.*)\]$", t, re.M).group(1).split(",")) for t in texts]
    assert 2.3 <= statistics.mean(sectors) <= 3.5
    with_uses = sum(1 for t in texts if re.search(r"^uses: \[", t, re.M))
    with_produces = sum(1 for t in texts if re.search(r"^produces: \[", t, re.M))
    assert 0.4 < with_uses / len(texts) < 0.75
    assert with_produces / len(texts) > 0.9
    descriptions = [re.findall(r"^  (?:de|en): (.*)$", t, re.M)[2:] for t in texts]
    assert all(len(d) == 2 and all(len(x) > 200 for x in d) for d in descriptions)


def test_municipalities_have_valid_unique_ags(generator) -> None:
    import random

    towns = generator.municipalities(random.Random(3))
    assert len(towns) == generator.MUNICIPALITIES
    assert len({t.ags for t in towns}) == len(towns)
    assert len({t.slug for t in towns}) == len(towns)
    assert all(re.fullmatch(r"(0[1-9]|1[0-6])[0-9]{6}", t.ags) for t in towns)


def test_same_seed_same_corpus(generator, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    generator.write(generator.generate(30, 5), a)
    generator.write(generator.generate(30, 5), b)
    files = sorted(p.relative_to(a) for p in (a / "usecases").rglob("*.yaml"))
    assert files == sorted(p.relative_to(b) for p in (b / "usecases").rglob("*.yaml"))
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files)
