"""The figures the build precomputes into ``{base}graph/aggregates`` (kg/build/rules/50- and
60-*.ru) equal what the live queries count from the curated relations: the matrix, each pair's
breakdown, the sector pages' links and the home page's figures, on the shipped corpus and on a
generated one."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from kg import config
from kg.build.pipeline import build
from kg.namespaces import Vocabulary
from kg.rdf import IRI
from kg.store import Store, open_store
from kg.views.describe import describe
from kg.views.interconnect import breakdown, interconnections
from kg.views.stats import DATA_FIGURES, figures

ROOT = Path(__file__).resolve().parent.parent
ALL = 100_000  # a sample size no test corpus reaches: the samples are the whole lists


def _links_with_figures(store: Store, vocab: Vocabulary) -> int:
    rows = store.select(
        f"SELECT (COUNT(DISTINCT ?l) AS ?n) WHERE {{ GRAPH <{vocab.graph('aggregates')}> {{ "
        f"?l <{vocab.term('sharedUseCaseCount')}> ?x ; <{vocab.term('useCaseCount')}> ?y }} }}"
    )
    return int(rows[0]["n"].value)


def assert_aggregates_equal_live(store: Store, vocab: Vocabulary) -> None:
    pre, live = interconnections(store, vocab), interconnections(store, vocab, live=True)
    assert _links_with_figures(store, vocab) == len(pre.cells) > 0, "figures for every link"
    assert pre.usecases == live.usecases
    assert {k: vars(c) for k, c in pre.cells.items()} == {k: vars(c) for k, c in live.cells.items()}
    for a, b in pre.cells:
        got = breakdown(store, vocab, IRI(a), IRI(b), top=ALL)
        want = breakdown(store, vocab, IRI(a), IRI(b), top=ALL, live=True)
        assert got.counts == want.counts, (a, b)
        assert {n.iri for n in got.shared} == {n.iri for n in want.shared}
        assert {n.iri for n in got.datasets} == {n.iri for n in want.datasets}
        assert {(f.source.iri, f.dataset.iri, f.target.iri) for f in got.flows} == {
            (f.source.iri, f.dataset.iri, f.target.iri) for f in want.flows
        }
        assert len(got.flows) == got.counts["flow"]
    counted = figures(store, vocab, live=True)
    assert figures(store, vocab) == counted and set(counted) == set(DATA_FIGURES)
    assert counted["usecases"] > 0


def assert_sector_pages_read_the_figures(store: Store, vocab: Vocabulary) -> None:
    live = interconnections(store, vocab, live=True)
    for sector in live.sectors:
        slug = (sector.iri or "").rsplit("/", 1)[-1]
        for link in describe(store, vocab, "sector", slug).extra["links"]:  # type: ignore[union-attr]
            cell = next(c for c in live.cells.values() if c.link == link.link)
            assert (link.weight, link.usecases, link.datasets) == (
                cell.weight,
                cell.usecases,
                cell.datasets,
            )


def test_shipped_corpus(store: Store, built_settings) -> None:
    assert_aggregates_equal_live(store, built_settings.vocab)
    assert_sector_pages_read_the_figures(store, built_settings.vocab)


def test_samples_are_bounded(store: Store, built_settings) -> None:
    vocab = built_settings.vocab
    strongest = interconnections(store, vocab).edges()[0]
    parts = breakdown(store, vocab, IRI(strongest.a), IRI(strongest.b), top=2)
    assert len(parts.shared) <= 2 and len(parts.flows) <= 2 and len(parts.datasets) <= 2
    assert parts.weight == strongest.weight


def test_a_release_without_figures_is_counted_live(store: Store, built_settings) -> None:
    other = built_settings.vocab
    # A store whose aggregates graph is empty (as one built before it existed) answers live.
    empty = _WithoutAggregates(store, other)
    assert (
        interconnections(empty, other).cells.keys() == interconnections(store, other).cells.keys()
    )
    assert figures(empty, other) == figures(store, other)


class _WithoutAggregates(Store):
    """Answers as if the aggregates graph were empty."""

    def __init__(self, inner: Store, vocab: Vocabulary) -> None:
        self.inner = inner
        self.vocab = vocab

    def select(self, query, bindings=None):
        for name in ("useCaseCount", "datasetCount", "sharedUseCaseCount"):
            query = query.replace(f"sckg:{name}", f"sckg:{name}Missing")
        query = query.replace(self.vocab.graph("aggregates"), self.vocab.graph("missing"))
        return self.inner.select(query, bindings)

    def ask(self, query, bindings=None):
        return self.inner.ask(query, bindings)

    def construct(self, query, bindings=None):
        return self.inner.construct(query, bindings)

    def serialize(self, *args, **kwargs):
        return self.inner.serialize(*args, **kwargs)

    def publish(self, nquads, meta, updates=()):
        raise NotImplementedError

    def publish_prepared(self, local, meta, **kwargs):
        raise NotImplementedError

    def release(self):
        return self.inner.release()

    def dump(self, fmt, out):
        raise NotImplementedError


@pytest.mark.slow
def test_generated_corpus(tmp_path_factory: pytest.TempPathFactory) -> None:
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    sys.modules["bench_generate"] = generator
    spec.loader.exec_module(generator)
    project = tmp_path_factory.mktemp("generated")
    assert generator.main(["150", "--seed", "3", "--out", str(project)]) == 0
    settings = config.load({}, project=project, store=str(project / "var" / "store"))
    build(settings)
    store = open_store(settings)
    assert_aggregates_equal_live(store, settings.vocab)
    assert_sector_pages_read_the_figures(store, settings.vocab)
