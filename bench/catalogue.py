"""Paging the open-data catalogue at 100,000 datasets: time and memory per page.

Usage::

    python bench/catalogue.py                       # 100,000 datasets, 500 per page
    python bench/catalogue.py --datasets 20000 --repeat 3 --store /tmp/cat-store

The corpus is fabricated, not generated: the use-case generator (bench/generate.py) makes
about one dataset per use case, so 100,000 datasets would need a build of 100,000 use cases
with the reasoner. Here the datasets are written straight into an embedded store as N-Quads
(each with German and English title and description, a publisher out of 200 organisations,
licence, update frequency, a data theme, access rights and one distribution with access URL,
format and media type), which is what the catalogue reads. The build is not what is measured.

First the catalogue's members are found (:func:`kg.exports.catalogue.members`: what the site
does once per release and worker, on the first catalogue request). Then, for the first, a
middle and the last page, in Turtle and RDF/XML, the page is made with those members
(:func:`kg.exports.catalogue.catalogue_page`, as the site answers ``/catalogue.ttl?page=N``)
and serialised. Each is done ``--repeat`` times; the medians of wall time and of the peak of
Python's allocations (tracemalloc, in separate runs so that tracing does not slow the timed
ones) are printed as a table. bench/RESULTS.md keeps the figures of a run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(ROOT))

from kg import config  # noqa: E402
from kg.exports.catalogue import Site, catalogue_page, concepts, members  # noqa: E402
from kg.namespaces import DCAT, DCTERMS, FOAF, RDF_TYPE, SKOS, Vocabulary  # noqa: E402
from kg.rdf import IRI, BNode, Literal, nquad  # noqa: E402
from kg.store import Store, open_store  # noqa: E402
from kg.views.describe import serialize  # noqa: E402

EU = "http://publications.europa.eu/resource/authority/"
ORGANISATIONS = 200
SITE = Site(
    url="https://kg.example.org/",
    publisher_name={"de": "Redaktion", "en": "Editors"},
    publisher_url="https://kg.example.org/about",
)


def dataset_iri(vocab: Vocabulary, number: int) -> str:
    return f"{vocab.base}dataset/bench-{number:06d}"


def quads(vocab: Vocabulary, datasets: int) -> Iterator[str]:
    """N-Quads of ``datasets`` fabricated datasets and their publishers."""
    graph = IRI(vocab.base + "graph/bench-catalogue")
    for n in range(ORGANISATIONS):
        org = IRI(f"{vocab.base}org/bench-{n:03d}")
        yield nquad(org, IRI(RDF_TYPE), IRI("http://www.w3.org/ns/org#Organization"), graph)
        yield nquad(org, IRI(SKOS + "prefLabel"), Literal(f"Stadt {n}", "de"), graph)
        yield nquad(org, IRI(FOAF + "homepage"), IRI(f"https://stadt-{n}.example.org/"), graph)
        kommune = IRI(vocab.base + "org-type/kommune")
        yield nquad(org, IRI("http://www.w3.org/ns/org#classification"), kommune, graph)
    for n in range(datasets):
        yield from _dataset(vocab, graph, n)


def _dataset(vocab: Vocabulary, graph: IRI, n: int) -> Iterator[str]:
    r = IRI(dataset_iri(vocab, n))
    dist = BNode(f"dist{n}")
    yield nquad(r, IRI(RDF_TYPE), IRI(DCAT + "Dataset"), graph)
    yield nquad(r, IRI(DCTERMS + "title"), Literal(f"Messwerte {n}", "de"), graph)
    yield nquad(r, IRI(DCTERMS + "title"), Literal(f"Readings {n}", "en"), graph)
    text_de = f"Messwerte der Sensoren Nummer {n}, stündlich aktualisiert."
    text_en = f"Readings of sensor network number {n}, updated hourly."
    yield nquad(r, IRI(DCTERMS + "description"), Literal(text_de, "de"), graph)
    yield nquad(r, IRI(DCTERMS + "description"), Literal(text_en, "en"), graph)
    org = IRI(f"{vocab.base}org/bench-{n % ORGANISATIONS:03d}")
    yield nquad(r, IRI(DCTERMS + "publisher"), org, graph)
    licence = IRI("http://dcat-ap.de/def/licenses/dl-by-de/2.0")
    yield nquad(r, IRI(DCTERMS + "license"), licence, graph)
    yield nquad(r, IRI(DCTERMS + "accrualPeriodicity"), IRI(EU + "frequency/DAILY"), graph)
    yield nquad(r, IRI(DCAT + "theme"), IRI(EU + "data-theme/TRAN"), graph)
    yield nquad(r, IRI(DCTERMS + "accessRights"), IRI(EU + "access-right/PUBLIC"), graph)
    yield nquad(r, IRI(DCAT + "distribution"), dist, graph)
    yield nquad(dist, IRI(DCAT + "accessURL"), IRI(f"https://data.example.org/{n}"), graph)
    yield nquad(dist, IRI(DCTERMS + "format"), IRI(EU + "file-type/JSON"), graph)
    media = IRI("https://www.iana.org/assignments/media-types/application/json")
    yield nquad(dist, IRI(DCAT + "mediaType"), media, graph)


def fabricate(settings: config.Settings, datasets: int) -> Store:
    """Publish ``datasets`` fabricated datasets into the store of ``settings``."""
    store = open_store(settings)
    folder = Path(tempfile.mkdtemp(prefix="bench-catalogue-"))
    nquads = folder / "catalogue.nq"
    with nquads.open("w", encoding="utf-8") as out:
        out.writelines(quads(settings.vocab, datasets))
    store.publish(nquads, {"bench": "catalogue", "datasets": datasets})
    nquads.unlink()
    folder.rmdir()
    return store


Members = list[tuple[str, str]]


def render(
    store: Store, settings: config.Settings, every: Members, page: int, size: int, ext: str
) -> int:
    """Make and serialise one page; the size of the document in bytes."""
    found = catalogue_page(
        store, settings.vocab, concepts(settings.ontology_dir), SITE, page, size, ext, every
    )
    return len(serialize(found.triples, ext, settings.vocab.prefixes))


def timed(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def peak(work) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def medians(work, repeat: int) -> tuple[float, float]:
    """Median seconds and median peak MiB of ``repeat`` runs of ``work`` each."""
    seconds = statistics.median(timed(work) for _ in range(repeat))
    mib = statistics.median(peak(work) for _ in range(repeat)) / 2**20
    return seconds, mib


def measure(
    store: Store, settings: config.Settings, size: int, repeat: int
) -> list[tuple[str, str, float, float, int]]:
    """(step, format, median seconds, median MiB, bytes): finding the members, then the first,
    a middle and the last page in Turtle and RDF/XML."""
    every: Members = members(store, settings.vocab)  # warms the store's caches too
    seconds, mib = medians(lambda: members(store, settings.vocab), repeat)
    rows = [(f"members ({len(every):,})", "-", seconds, mib, 0)]
    pages = max(1, -(-len(every) // size))
    for name, page in (("first", 1), ("middle", (pages + 1) // 2), ("last", pages)):
        for ext in ("ttl", "rdf"):

            def work(page: int = page, ext: str = ext) -> int:
                return render(store, settings, every, page, size, ext)

            size_bytes = work()  # warm
            seconds, mib = medians(work, repeat)
            rows.append((f"{name} ({page}/{pages})", ext, seconds, mib, size_bytes))
    return rows


def arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=100_000)
    parser.add_argument("--page-size", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5, help="runs per page and format")
    parser.add_argument("--store", help="store folder (default: a temporary one)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = arguments(argv)
    folder = args.store or tempfile.mkdtemp(prefix="bench-catalogue-store-")
    settings = config.load({}, project=ROOT, store=folder)
    start = time.perf_counter()
    store = fabricate(settings, args.datasets)
    print(f"{args.datasets:,} datasets loaded in {time.perf_counter() - start:.1f} s ({folder})")
    print(f"page size {args.page_size}, median of {args.repeat} runs")
    print(f"{'page':<22} {'format':<7} {'time':>9} {'peak memory':>12} {'bytes':>11}")
    for page, ext, seconds, mib, size_bytes in measure(
        store, settings, args.page_size, args.repeat
    ):
        print(f"{page:<22} {ext:<7} {seconds * 1000:>7.0f} ms {mib:>8.1f} MiB {size_bytes:>11,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
