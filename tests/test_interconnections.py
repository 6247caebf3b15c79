"""The sector links the build derives in Python (kg/store/interconnections.py) are exactly the
quads of their published definition, kg/build/rules/50-interconnections.ru (issue 17)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.authoring.ontology import OntologyFiles
from kg.authoring.sources import read_corpus
from kg.build.derive import IN_PYTHON, RULES_DIR, rules
from kg.build.pipeline import _updates
from kg.build.reason import reason
from kg.build.reasoning.rules import CONNECTS_TO
from kg.build.validate import dataset_quads
from kg.namespaces import Vocabulary
from kg.store.interconnections import connects_to, derive
from kg.store.oxigraph import memory_store, run_updates

ROOT = Path(__file__).resolve().parent.parent
RULE = "50-interconnections.ru"


def _generated(tmp: Path) -> Path:
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_generate"] = module
    spec.loader.exec_module(module)
    assert module.main(["300", "--seed", "5", "--out", str(tmp)]) == 0
    return tmp


@pytest.fixture(scope="module", params=["shipped", "generated"])
def release(request, tmp_path_factory: pytest.TempPathFactory) -> tuple[ox.Store, list]:
    """A corpus's release before the rules (the shipped one, or 300 generated use cases),
    and the build's updates for it; read and reasoned once per module."""
    vocab = Vocabulary()
    project = ROOT if request.param == "shipped" else _generated(tmp_path_factory.mktemp("gen"))
    ontology = OntologyFiles(project / "ontology", vocab)
    corpus = read_corpus(project, vocab)
    store = memory_store(lines=dataset_quads(corpus, ontology))
    return store, _updates(reason(corpus, ontology), vocab)


def _before(release: tuple[ox.Store, list], rule) -> ox.Store:
    """A copy of the release with every update that runs before ``rule``'s Python version."""
    base, updates = release
    store = ox.Store()
    store.extend(base)
    position = next(i for i, u in enumerate(updates) if getattr(u, "func", None) is rule)
    run_updates(store, updates[:position])
    return store


@pytest.mark.slow
@pytest.mark.parametrize(
    ("rule", "sparql"),
    [(derive, RULES_DIR / RULE), (connects_to, CONNECTS_TO)],
    ids=["50-interconnections", "connects-to"],
)
def test_python_derivation_equals_the_sparql_rule(release, rule, sparql: Path) -> None:
    vocab = Vocabulary()
    expected = _before(release, rule)
    python = ox.Store()
    python.extend(expected)
    before = len(python)
    expected.update(vocab.rebase(sparql.read_text(encoding="utf-8")))
    rule(python, vocab)
    want, got = set(expected), set(python)
    assert len(want) > before + 20  # it derived something
    assert got - want == set()
    assert want - got == set()


def _same(store: ox.Store, vocab: Vocabulary) -> set[ox.Quad]:
    python = ox.Store()
    python.extend(store)
    store.update(vocab.rebase((RULES_DIR / RULE).read_text(encoding="utf-8")))
    derive(python, vocab)
    assert set(python) == set(store)
    connected = ox.Store()
    connected.extend(python)
    python.update(vocab.rebase(CONNECTS_TO.read_text(encoding="utf-8")))
    connects_to(connected, vocab)
    assert set(python) == set(connected)
    return set(store)


def test_corner_cases_agree_too() -> None:
    """What neither corpus has: a use case using the dataset it produces (no flow with
    itself), a dataset one use case of two sectors uses alone (not shared), a pattern (no
    link), a data model two sectors' use cases reach through different datasets."""
    ns, base = "https://w3id.org/sckg/ontology#", "https://w3id.org/sckg/"
    lines = []
    for u, kind, sectors, uses, produces in [
        ("a", "UseCase", ["mobility", "energy"], ["d1", "d2"], ["d1"]),
        ("b", "UseCase", ["water"], ["d3"], []),
        ("c", "UseCase", ["health"], ["d4"], ["d5"]),
        ("p", "UseCasePattern", ["waste", "energy"], ["d1"], []),
    ]:
        node = f"<{base}usecase/{u}>"
        lines.append(f"{node} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{ns}{kind}>")
        lines += [f"{node} <{ns}sector> <{base}sector/{s}>" for s in sectors]
        lines += [f"{node} <{ns}usesDataset> <{base}dataset/{d}>" for d in uses]
        lines += [f"{node} <{ns}producesDataset> <{base}dataset/{d}>" for d in produces]
    lines += [f"<{base}dataset/{d}> <{ns}dataModel> <{base}model/m>" for d in ("d3", "d4")]
    graph = f"<{base}graph/source/x.yaml>"
    store = memory_store(lines=[f"{line} {graph} .\n" for line in lines])
    derived = _same(store, Vocabulary())
    links = {q.subject.value for q in derived if q.predicate.value == ns + "linkedSector"}
    assert links == {base + "sectorlink/energy--mobility"}
    models = {q.subject.value for q in derived if q.predicate.value == ns + "sharedDataModel"}
    assert models == {base + "sectorlink/health--water"}


def test_the_build_runs_the_python_version_in_the_rules_place() -> None:
    vocab = Vocabulary()
    names = sorted(p.name for p in RULES_DIR.glob("*.ru"))
    found = rules(vocab)
    assert len(found) == len(names)
    assert [callable(u) for u in found] == [n in IN_PYTHON for n in names]
    assert all(isinstance(u, str) for u in rules(vocab, sparql_only=True))
